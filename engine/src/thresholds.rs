//! Thresholds (F10): measured values judged good / fair / warning / critical.
//!
//! Rules, as the guidelines panel states them (defaults in brackets):
//! - success rate: good above [95 %]; critical below [80 %]; warning below [90 %]; fair in
//!   between (90 %–95 % inclusive).
//! - average RTT: good below [200 ms]; critical above [1000 ms]; warning above [500 ms]; fair
//!   in between.
//! - heap: good ("stable") while the trend stays under [0.5 MB/min]; above it, critical
//!   ("leak") when the growth is steady (least-squares fit R² ≥ [0.8]) over at least
//!   [5 min] of visible samples, otherwise warning ("increasing"). Less than a minute of
//!   samples is still collecting.
//! - connect time (mean handshake, from `new WebSocket` to open): good below [500 ms];
//!   critical above [3000 ms]; warning above [1000 ms]; fair in between.
//! - time to first message (mean, from open to the first frame the server sends, e.g. its
//!   welcome): good below [1000 ms]; critical above [5000 ms]; warning above [2000 ms].
//! - reconnection: critical when a session gave up; warning when a session needed
//!   [3] or more attempts in a row; good when every drop recovered; no data without drops.
//!
//! No verdict without evidence: each measure needs a minimum sample, stated in its target
//! text — [20] replies (matched + lost) for the success rate and the mean RTT, [3] connection
//! attempts for the connection success rate, [3] connections for the connect time and the
//! time to first message. Below it the measure is [`Level::Collecting`]
//! ("insufficient data"), which a report grades WARN, never PASS.

use crate::decimal::fixed;
use crate::heap::HeapTrend;

/// A judgement, also used as a CSS modifier (`wsc-card--{as_str}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Within the good band.
    Good,
    /// Between good and warning.
    Fair,
    /// Past the warning line.
    Warning,
    /// Past the critical line.
    Critical,
    /// Something measured, but fewer samples than the measure's minimum: insufficient
    /// data, never good.
    Collecting,
    /// Nothing measured yet.
    NoData,
}

impl Level {
    /// CSS-friendly name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Good => "good",
            Level::Fair => "fair",
            Level::Warning => "warning",
            Level::Critical => "critical",
            Level::Collecting => "collecting",
            Level::NoData => "no-data",
        }
    }
}

/// What a verdict is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Measure {
    /// matched / (matched + lost).
    MessageSuccess,
    /// Sockets that opened / sockets the engine tried to open.
    ConnectionSuccess,
    /// Mean message RTT.
    AvgRtt,
    /// Mean connect time (handshake).
    ConnectTime,
    /// Mean time from open to the server's first frame.
    FirstMessage,
    /// JS heap trend.
    Heap,
    /// Whether dropped sessions come back.
    Reconnection,
}

impl Measure {
    /// CSS/test-id friendly name.
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::MessageSuccess => "message-success",
            Measure::ConnectionSuccess => "connection-success",
            Measure::AvgRtt => "avg-rtt",
            Measure::ConnectTime => "connect-time",
            Measure::FirstMessage => "first-message",
            Measure::Heap => "heap",
            Measure::Reconnection => "reconnection",
        }
    }

    /// Human label.
    pub fn label(self) -> &'static str {
        match self {
            Measure::MessageSuccess => "Message success rate",
            Measure::ConnectionSuccess => "Connection success rate",
            Measure::AvgRtt => "Average RTT",
            Measure::ConnectTime => "Connect time",
            Measure::FirstMessage => "Time to first message",
            Measure::Heap => "Heap",
            Measure::Reconnection => "Reconnection",
        }
    }
}

/// Configurable threshold values.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))] // the reference `RawConfig::from_json` is held to
#[serde(default)]
pub struct Thresholds {
    /// Success rate (%) above which it is good.
    pub success_good_pct: f64,
    /// Success rate (%) below which it is a warning.
    pub success_warning_pct: f64,
    /// Success rate (%) below which it is critical.
    pub success_critical_pct: f64,
    /// Mean RTT (ms) below which it is good.
    pub rtt_good_ms: f64,
    /// Mean RTT (ms) above which it is a warning.
    pub rtt_warning_ms: f64,
    /// Mean RTT (ms) above which it is critical.
    pub rtt_critical_ms: f64,
    /// Mean connect time (ms) below which it is good.
    pub connect_good_ms: f64,
    /// Mean connect time (ms) above which it is a warning.
    pub connect_warning_ms: f64,
    /// Mean connect time (ms) above which it is critical.
    pub connect_critical_ms: f64,
    /// Mean time to first message (ms) below which it is good.
    pub first_message_good_ms: f64,
    /// Mean time to first message (ms) above which it is a warning.
    pub first_message_warning_ms: f64,
    /// Mean time to first message (ms) above which it is critical.
    pub first_message_critical_ms: f64,
    /// Heap trend (MB/min) at or above which the heap is no longer stable.
    pub heap_increasing_mb_per_min: f64,
    /// R² of the heap fit at or above which growth counts as steady.
    pub heap_leak_r2: f64,
    /// Minutes of samples needed before growth can be called a leak.
    pub heap_leak_min_span_min: f64,
    /// Attempts in a row at which reconnection is a warning.
    pub reconnect_warning_attempts: u32,
    /// Replies (matched + lost) the message success rate and the mean RTT need before
    /// they are judged.
    pub min_replies: u64,
    /// Connection attempts the connection success rate needs before it is judged.
    pub min_connects: u64,
    /// Pings a heartbeat criterion needs before "every ping answered" means anything.
    pub min_pings: u64,
    /// Receive-only runs: the most server pushes two sessions of one endpoint may differ
    /// by and still be consistent.
    pub consistency_tolerance: u64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            success_good_pct: 95.0,
            success_warning_pct: 90.0,
            success_critical_pct: 80.0,
            rtt_good_ms: 200.0,
            rtt_warning_ms: 500.0,
            rtt_critical_ms: 1000.0,
            connect_good_ms: 500.0,
            connect_warning_ms: 1000.0,
            connect_critical_ms: 3000.0,
            first_message_good_ms: 1000.0,
            first_message_warning_ms: 2000.0,
            first_message_critical_ms: 5000.0,
            heap_increasing_mb_per_min: 0.5,
            heap_leak_r2: 0.8,
            heap_leak_min_span_min: 5.0,
            reconnect_warning_attempts: 3,
            min_replies: 20,
            min_connects: 3,
            min_pings: 3,
            consistency_tolerance: 0,
        }
    }
}

/// One judged measure.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Verdict {
    /// What is judged.
    pub measure: Measure,
    /// The judgement.
    pub level: Level,
    /// The good band, as text (e.g. "> 95 %").
    pub target: String,
    /// The measured value, as text (e.g. "97.2 %", "no data").
    pub measured: String,
    /// The measured value as a number, when there is one.
    pub value: Option<f64>,
}

/// Facts about reconnection gathered from the sessions.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct ReconnectFacts {
    /// Server drops (and engine-declared timeouts) seen.
    pub drops: u64,
    /// Sessions that gave up.
    pub gave_up: u32,
    /// Most attempts in a row any session needed.
    pub max_attempts_in_row: u32,
}

impl Thresholds {
    /// Checks the bands are ordered; the message is for the user.
    pub fn validate(&self) -> Result<(), String> {
        let pct_ok = (0.0..=100.0).contains(&self.success_critical_pct)
            && self.success_critical_pct <= self.success_warning_pct
            && self.success_warning_pct <= self.success_good_pct
            && self.success_good_pct <= 100.0;
        if !pct_ok {
            return Err(
                "Success thresholds must satisfy 0 ≤ critical ≤ warning ≤ good ≤ 100".into(),
            );
        }
        for (what, [good, warning, critical]) in [
            ("RTT", self.bands(Measure::AvgRtt)),
            ("Connect time", self.bands(Measure::ConnectTime)),
            ("First message", self.bands(Measure::FirstMessage)),
        ] {
            if !(good > 0.0 && good <= warning && warning <= critical && critical.is_finite()) {
                return Err(format!(
                    "{what} thresholds must satisfy 0 < good ≤ warning ≤ critical"
                ));
            }
        }
        if !(self.heap_increasing_mb_per_min.is_finite() && self.heap_increasing_mb_per_min > 0.0) {
            return Err("The heap threshold must be a positive number of MB/min".into());
        }
        if self.min_replies == 0 || self.min_connects == 0 || self.min_pings == 0 {
            return Err("Minimum sample counts must be at least 1".into());
        }
        Ok(())
    }

    /// Level of a success rate in percent.
    pub fn success_level(&self, pct: f64) -> Level {
        if pct.is_nan() {
            Level::NoData
        } else if pct > self.success_good_pct {
            Level::Good
        } else if pct < self.success_critical_pct {
            Level::Critical
        } else if pct < self.success_warning_pct {
            Level::Warning
        } else {
            Level::Fair
        }
    }

    /// Level of a mean RTT in ms.
    pub fn rtt_level(&self, ms: f64) -> Level {
        self.time_level(Measure::AvgRtt, ms)
    }

    /// The good, warning and critical lines of a measure in milliseconds (RTT, connect
    /// time, time to first message; NaN for the others).
    fn bands(&self, measure: Measure) -> [f64; 3] {
        match measure {
            Measure::AvgRtt => [self.rtt_good_ms, self.rtt_warning_ms, self.rtt_critical_ms],
            Measure::ConnectTime => [
                self.connect_good_ms,
                self.connect_warning_ms,
                self.connect_critical_ms,
            ],
            Measure::FirstMessage => [
                self.first_message_good_ms,
                self.first_message_warning_ms,
                self.first_message_critical_ms,
            ],
            _ => [f64::NAN; 3],
        }
    }

    /// Level of a time in ms against the bands of `measure` (lower is better).
    pub fn time_level(&self, measure: Measure, ms: f64) -> Level {
        let [good, warning, critical] = self.bands(measure);
        if ms.is_nan() || good.is_nan() {
            Level::NoData
        } else if ms < good {
            Level::Good
        } else if ms > critical {
            Level::Critical
        } else if ms > warning {
            Level::Warning
        } else {
            Level::Fair
        }
    }

    /// Level and word ("stable", "increasing", "leak", "coarse") of a heap trend. A coarse
    /// reading (it never moved) is no data, never "stable".
    pub fn heap_level(&self, trend: Option<&HeapTrend>) -> (Level, &'static str) {
        match trend {
            None => (Level::NoData, "no data"),
            Some(t) if t.coarse => (Level::NoData, "coarse"),
            Some(t) if t.span_min < 1.0 => (Level::Collecting, "collecting"),
            Some(t) if t.mb_per_min < self.heap_increasing_mb_per_min => (Level::Good, "stable"),
            Some(t) if t.r2 >= self.heap_leak_r2 && t.span_min >= self.heap_leak_min_span_min => {
                (Level::Critical, "leak")
            }
            Some(_) => (Level::Warning, "increasing"),
        }
    }

    pub(crate) fn success_verdict(&self, measure: Measure, ok: u64, failed: u64) -> Verdict {
        let sample = match measure {
            Measure::ConnectionSuccess => Sample::new(ok + failed, self.min_connects, "attempts"),
            _ => Sample::new(ok + failed, self.min_replies, "replies"),
        };
        let target = sample.target(&format!("> {} %", self.success_good_pct));
        if ok + failed == 0 {
            return no_data(measure, target);
        }
        let pct = ok as f64 * 100.0 / (ok + failed) as f64;
        Verdict {
            measure,
            level: sample.level(self.success_level(pct)),
            target,
            measured: sample.measured(format!("{} %", fixed(pct, 1))),
            value: Some(pct),
        }
    }

    /// The mean RTT over `count` matched replies.
    pub(crate) fn rtt_verdict(&self, mean: Option<f64>, count: u64) -> Verdict {
        self.time_verdict(Measure::AvgRtt, mean, count)
    }

    /// A mean time (RTT over `count` replies; connect time or time to first message over
    /// `count` connections) judged against its bands.
    pub(crate) fn time_verdict(&self, measure: Measure, mean: Option<f64>, count: u64) -> Verdict {
        let sample = match measure {
            Measure::AvgRtt => Sample::new(count, self.min_replies, "replies"),
            _ => Sample::new(count, self.min_connects, "connections"),
        };
        let target = sample.target(&format!("< {} ms", self.bands(measure)[0]));
        match mean {
            None => no_data(measure, target),
            Some(ms) => Verdict {
                measure,
                level: sample.level(self.time_level(measure, ms)),
                target,
                measured: sample.measured(format!("{} ms", fixed(ms, 1))),
                value: Some(ms),
            },
        }
    }

    pub(crate) fn heap_verdict(&self, trend: Option<&HeapTrend>) -> Verdict {
        let (level, word) = self.heap_level(trend);
        let target = format!(
            "stable (< {} MB/min, ≥ 1 min of samples)",
            self.heap_increasing_mb_per_min
        );
        match trend {
            Some(t) if level == Level::Collecting => Verdict {
                measure: Measure::Heap,
                level,
                target,
                measured: format!(
                    "insufficient data: {} of 1 min of samples",
                    fixed(t.span_min.max(0.0), 1)
                ),
                value: Some(t.mb_per_min),
            },
            Some(t) if level != Level::NoData => Verdict {
                measure: Measure::Heap,
                level,
                target,
                measured: format!("{word} ({:+.2} MB/min)", t.mb_per_min),
                value: Some(t.mb_per_min),
            },
            Some(t) if t.coarse => Verdict {
                measured: "coarse in this browser: the reading never moved".into(),
                ..no_data(Measure::Heap, target)
            },
            _ => no_data(Measure::Heap, target),
        }
    }

    pub(crate) fn reconnect_verdict(&self, f: ReconnectFacts) -> Verdict {
        let target = "every drop recovers (≥ 1 drop)".to_string();
        let (level, measured) = if f.gave_up > 0 {
            (Level::Critical, format!("{} session(s) gave up", f.gave_up))
        } else if f.max_attempts_in_row >= self.reconnect_warning_attempts {
            (
                Level::Warning,
                format!("{} attempts in a row", f.max_attempts_in_row),
            )
        } else if f.drops == 0 {
            return no_data(Measure::Reconnection, target);
        } else {
            (Level::Good, format!("{} drop(s), all recovered", f.drops))
        };
        Verdict {
            measure: Measure::Reconnection,
            level,
            target,
            measured,
            value: Some(f.drops as f64),
        }
    }
}

/// The evidence behind a measure: `n` samples of `unit`, of which it needs `min`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Sample {
    /// Samples seen.
    pub n: u64,
    /// Samples needed.
    pub min: u64,
    /// What a sample is, plural ("replies", "pings").
    pub unit: &'static str,
}

impl Sample {
    pub(crate) fn new(n: u64, min: u64, unit: &'static str) -> Sample {
        Sample { n, min, unit }
    }

    /// Whether there is enough to judge.
    pub(crate) fn enough(&self) -> bool {
        self.n >= self.min
    }

    /// `band` with the minimum stated: "> 95 % (≥ 20 replies)".
    pub(crate) fn target(&self, band: &str) -> String {
        format!("{band} (≥ {} {})", self.min, self.unit)
    }

    /// `level`, or [`Level::Collecting`] while the sample is too small.
    pub(crate) fn level(&self, level: Level) -> Level {
        if self.enough() || level == Level::NoData {
            level
        } else {
            Level::Collecting
        }
    }

    /// `value`, prefixed with "insufficient data" while the sample is too small.
    pub(crate) fn measured(&self, value: String) -> String {
        if self.enough() {
            value
        } else {
            format!(
                "insufficient data: {} of {} {} ({value})",
                self.n, self.min, self.unit
            )
        }
    }
}

fn no_data(measure: Measure, target: String) -> Verdict {
    Verdict {
        measure,
        level: Level::NoData,
        target,
        measured: "no data".into(),
        value: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_bands() {
        let t = Thresholds::default();
        assert_eq!(t.success_level(99.0), Level::Good);
        assert_eq!(t.success_level(95.0), Level::Fair);
        assert_eq!(t.success_level(90.0), Level::Fair);
        assert_eq!(t.success_level(89.9), Level::Warning);
        assert_eq!(t.success_level(80.0), Level::Warning);
        assert_eq!(t.success_level(79.9), Level::Critical);
        assert_eq!(t.success_level(f64::NAN), Level::NoData);
    }

    #[test]
    fn rtt_bands() {
        let t = Thresholds::default();
        assert_eq!(t.rtt_level(0.4), Level::Good);
        assert_eq!(t.rtt_level(200.0), Level::Fair);
        assert_eq!(t.rtt_level(500.0), Level::Fair);
        assert_eq!(t.rtt_level(500.1), Level::Warning);
        assert_eq!(t.rtt_level(1000.1), Level::Critical);
    }

    #[test]
    fn heap_bands() {
        let t = Thresholds::default();
        let trend = |mb_per_min, r2, span_min| HeapTrend {
            mb_per_min,
            r2,
            span_min,
            samples: 10,
            coarse: false,
        };
        assert_eq!(t.heap_level(None).0, Level::NoData);
        let coarse = HeapTrend {
            coarse: true,
            ..trend(0.0, 1.0, 30.0)
        };
        assert_eq!(t.heap_level(Some(&coarse)), (Level::NoData, "coarse"));
        assert_eq!(t.heap_verdict(Some(&coarse)).level, Level::NoData);
        assert_eq!(
            t.heap_level(Some(&trend(9.0, 1.0, 0.5))).0,
            Level::Collecting
        );
        let early = t.heap_verdict(Some(&trend(9.0, 1.0, 0.5)));
        assert!(early.measured.starts_with("insufficient data"), "{early:?}");
        assert_eq!(
            t.heap_level(Some(&trend(0.1, 1.0, 30.0))),
            (Level::Good, "stable")
        );
        assert_eq!(t.heap_level(Some(&trend(-3.0, 1.0, 30.0))).0, Level::Good);
        assert_eq!(
            t.heap_level(Some(&trend(2.0, 0.3, 30.0))),
            (Level::Warning, "increasing")
        );
        assert_eq!(
            t.heap_level(Some(&trend(2.0, 0.95, 2.0))),
            (Level::Warning, "increasing")
        );
        assert_eq!(
            t.heap_level(Some(&trend(2.0, 0.95, 10.0))),
            (Level::Critical, "leak")
        );
    }

    #[test]
    fn reconnect_bands() {
        let t = Thresholds::default();
        let f = |drops, gave_up, max_attempts_in_row| ReconnectFacts {
            drops,
            gave_up,
            max_attempts_in_row,
        };
        assert_eq!(t.reconnect_verdict(f(0, 0, 0)).level, Level::NoData);
        assert_eq!(t.reconnect_verdict(f(3, 0, 1)).level, Level::Good);
        assert_eq!(t.reconnect_verdict(f(3, 0, 3)).level, Level::Warning);
        assert_eq!(t.reconnect_verdict(f(3, 1, 9)).level, Level::Critical);
    }

    #[test]
    fn verdicts_carry_target_and_value() {
        let t = Thresholds::default();
        let v = t.success_verdict(Measure::MessageSuccess, 97, 3);
        assert_eq!(
            (v.level, v.target.as_str(), v.measured.as_str()),
            (Level::Good, "> 95 % (≥ 20 replies)", "97.0 %")
        );
        assert_eq!(
            t.success_verdict(Measure::MessageSuccess, 0, 0).level,
            Level::NoData
        );
        let r = t.rtt_verdict(Some(612.0), 20);
        assert_eq!((r.level, r.measured.as_str()), (Level::Warning, "612.0 ms"));
        assert_eq!(t.rtt_verdict(None, 0).measured, "no data");
    }

    #[test]
    fn below_the_minimum_sample_nothing_is_judged() {
        let t = Thresholds::default();
        // One reply, answered: not a 100 % success rate anyone should act on.
        let one = t.success_verdict(Measure::MessageSuccess, 1, 0);
        assert_eq!(one.level, Level::Collecting);
        assert_eq!(one.measured, "insufficient data: 1 of 20 replies (100.0 %)");
        // One lost of one is no verdict either.
        assert_eq!(
            t.success_verdict(Measure::MessageSuccess, 0, 1).level,
            Level::Collecting
        );
        assert_eq!(
            t.success_verdict(Measure::MessageSuccess, 19, 0).level,
            Level::Collecting
        );
        assert_eq!(
            t.success_verdict(Measure::MessageSuccess, 20, 0).level,
            Level::Good
        );
        let conn = t.success_verdict(Measure::ConnectionSuccess, 2, 0);
        assert_eq!(
            (conn.level, conn.target.as_str()),
            (Level::Collecting, "> 95 % (≥ 3 attempts)")
        );
        assert_eq!(
            t.success_verdict(Measure::ConnectionSuccess, 3, 0).level,
            Level::Good
        );
        assert_eq!(t.rtt_verdict(Some(3.0), 19).level, Level::Collecting);
        assert_eq!(t.rtt_verdict(Some(3.0), 20).level, Level::Good);
        // The minimum is configurable, and never zero.
        let one_is_enough = Thresholds {
            min_replies: 1,
            ..Thresholds::default()
        };
        assert_eq!(
            one_is_enough
                .success_verdict(Measure::MessageSuccess, 1, 0)
                .level,
            Level::Good
        );
        let zero = Thresholds {
            min_pings: 0,
            ..Thresholds::default()
        };
        assert!(zero.validate().is_err());
    }

    #[test]
    fn validation_rejects_unordered_bands() {
        assert!(Thresholds::default().validate().is_ok());
        let bad = Thresholds {
            success_warning_pct: 99.0,
            ..Default::default()
        };
        assert!(bad.validate().is_err());
        let bad = Thresholds {
            rtt_warning_ms: 100.0,
            ..Default::default()
        };
        assert!(bad.validate().is_err());
    }

    #[test]
    fn names_are_css_friendly() {
        assert_eq!(Level::NoData.as_str(), "no-data");
        assert_eq!(Level::Collecting.as_str(), "collecting");
        assert_eq!(Measure::AvgRtt.as_str(), "avg-rtt");
    }
}
