//! Verdicts per criterion (F12): a target, the measured value, and PASS / WARN / FAIL.
//!
//! Criteria that F10 covers are judged by its thresholds and mapped like this: good → PASS;
//! fair and warning → WARN (the measure missed its good band); critical → FAIL. A criterion
//! with no data is FAIL when the scenario exists to measure it (a load test that matched
//! no reply failed), and SKIP when it is a side measure (the heap in a browser without
//! `performance.memory`). A criterion with some data but less than its minimum sample
//! (stated in its target) is "insufficient data": WARN, required or not, never PASS. The
//! overall verdict is the worst judged criterion; SKIP counts for nothing.

use crate::Thresholds;
use crate::decimal::fixed;
use crate::ids::Millis;
use crate::run::Run;
use crate::thresholds::{Level, Measure, Sample, Verdict};

/// The judgement of one criterion, or of a whole scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Grade {
    /// Not judged (nothing to measure here, e.g. no heap figures in this browser).
    Skip,
    /// Met the target.
    Pass,
    /// Missed the target, within the warning band.
    Warn,
    /// Failed.
    Fail,
}

impl Grade {
    /// CSS-friendly name (`wsc-verdict--{as_str}`).
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::Skip => "skip",
            Grade::Pass => "pass",
            Grade::Warn => "warn",
            Grade::Fail => "fail",
        }
    }

    /// What the verdict badge shows: `PASS`, `WARN`, `FAIL` or `SKIP`.
    pub fn label(self) -> &'static str {
        match self {
            Grade::Skip => "SKIP",
            Grade::Pass => "PASS",
            Grade::Warn => "WARN",
            Grade::Fail => "FAIL",
        }
    }

    /// An F10 level as a grade; `required` decides what "no data" means.
    pub fn from_level(level: Level, required: bool) -> Grade {
        match level {
            Level::Good => Grade::Pass,
            Level::Fair | Level::Warning => Grade::Warn,
            Level::Critical => Grade::Fail,
            Level::Collecting => Grade::Warn,
            Level::NoData if required => Grade::Fail,
            Level::NoData => Grade::Skip,
        }
    }

    /// The worst judged grade of `grades`; SKIP when none was judged.
    pub fn overall(grades: impl IntoIterator<Item = Grade>) -> Grade {
        grades
            .into_iter()
            .filter(|g| *g != Grade::Skip)
            .max()
            .unwrap_or(Grade::Skip)
    }
}

/// One judged criterion.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Criterion {
    /// Stable id, e.g. `message-success`, `recovery-time`.
    pub id: &'static str,
    /// Human label.
    pub label: &'static str,
    /// What passes, as text (e.g. "> 95 %").
    pub target: String,
    /// What was measured, as text (e.g. "97.2 %", "no data").
    pub measured: String,
    /// The measured value as a number, when there is one (unit as in `measured`).
    pub value: Option<f64>,
    /// The judgement.
    pub grade: Grade,
}

impl Criterion {
    pub(crate) fn new(
        id: &'static str,
        label: &'static str,
        target: impl Into<String>,
        measured: impl Into<String>,
        value: Option<f64>,
        grade: Grade,
    ) -> Criterion {
        Criterion {
            id,
            label,
            target: target.into(),
            measured: measured.into(),
            value,
            grade,
        }
    }

    /// An F10 verdict as a criterion.
    pub(crate) fn from_verdict(v: &Verdict, required: bool) -> Criterion {
        let grade = Grade::from_level(v.level, required);
        let measured = if v.level == Level::NoData && required {
            "no data: nothing was measured".to_string()
        } else {
            v.measured.clone()
        };
        Criterion::new(
            v.measure.as_str(),
            v.measure.label(),
            v.target.clone(),
            measured,
            v.value,
            grade,
        )
    }
}

/// Reads the run's F10 verdicts once and hands them out as criteria.
pub(crate) struct F10 {
    verdicts: Vec<Verdict>,
}

impl F10 {
    pub(crate) fn of(run: &Run, now: Millis) -> F10 {
        F10 {
            verdicts: run.verdicts(now),
        }
    }

    pub(crate) fn get(&self, measure: Measure, required: bool) -> Criterion {
        let v = self
            .verdicts
            .iter()
            .find(|v| v.measure == measure)
            .cloned()
            .unwrap_or(Verdict {
                measure,
                level: Level::NoData,
                target: String::new(),
                measured: "no data".into(),
                value: None,
            });
        Criterion::from_verdict(&v, required)
    }
}

/// The heap trend. Without a trend it is SKIP — or WARN when `required`: the scenario
/// could not judge what it exists for, but a browser without `performance.memory` is no
/// failure of the system under test.
pub(crate) fn heap(f10: &F10, run: &Run, required: bool) -> Criterion {
    let c = f10.get(Measure::Heap, false);
    if c.grade != Grade::Skip {
        return c;
    }
    let coarse = run.heap_trend().is_some_and(|t| t.coarse);
    // The JS heap reading never moved: judge the console's own (exact) wasm memory instead,
    // and say so.
    if coarse && let Some(w) = run.wasm_trend() {
        let (level, word) = run.config().thresholds.heap_level(Some(&w));
        if level != crate::thresholds::Level::NoData {
            return Criterion {
                measured: format!(
                    "wasm memory {word} ({:+.2} MB/min); the JS heap reading never moved (coarse in this browser)",
                    w.mb_per_min
                ),
                value: Some(w.mb_per_min),
                grade: Grade::from_level(level, required),
                ..c
            };
        }
    }
    let measured = if coarse {
        "no data: the JS heap reading never moved (coarse in this browser)"
    } else if run.heap_available() {
        "no data: less than a minute of heap samples"
    } else {
        "not available: heap figures need Chromium's performance.memory"
    };
    Criterion {
        measured: measured.into(),
        grade: if required { Grade::Warn } else { Grade::Skip },
        ..c
    }
}

/// A count that must be zero: PASS at 0 once `sample` is large enough, else `bad`. A
/// non-zero count needs no minimum: one duplicate is a duplicate.
pub(crate) fn zero(
    id: &'static str,
    label: &'static str,
    n: u64,
    what: &str,
    bad: Grade,
    sample: Sample,
) -> Criterion {
    let grade = if n > 0 {
        bad
    } else if sample.enough() {
        Grade::Pass
    } else {
        Grade::Warn
    };
    let measured = format!("{n} {what}");
    Criterion::new(
        id,
        label,
        sample.target("0"),
        if n > 0 {
            measured
        } else {
            sample.measured(measured)
        },
        Some(n as f64),
        grade,
    )
}

/// A ratio judged with the F10 success-rate bands; "no data" when `of` is 0, "insufficient
/// data" while `of` is below `min` (whose unit is `unit`).
pub(crate) fn ratio(
    th: &Thresholds,
    id: &'static str,
    label: &'static str,
    (ok, of): (u64, u64),
    (min, unit): (u64, &'static str),
    required: bool,
) -> Criterion {
    let sample = Sample::new(of, min, unit);
    let target = sample.target(&format!("> {} %", th.success_good_pct));
    if of == 0 {
        let grade = Grade::from_level(Level::NoData, required);
        return Criterion::new(
            id,
            label,
            target,
            "no data: nothing was measured",
            None,
            grade,
        );
    }
    let pct = (ok as f64 * 100.0 / of as f64).min(100.0);
    Criterion::new(
        id,
        label,
        target,
        sample.measured(format!("{} % ({ok} of {of})", fixed(pct, 1))),
        Some(pct),
        Grade::from_level(sample.level(th.success_level(pct)), required),
    )
}

/// A latency judged with the F10 average-RTT bands, over `count` samples of which it
/// needs [`Thresholds::min_replies`].
pub(crate) fn latency(
    th: &Thresholds,
    id: &'static str,
    label: &'static str,
    (mean, count): (Option<f64>, u64),
    unit: &'static str,
    required: bool,
) -> Criterion {
    let sample = Sample::new(count, th.min_replies, unit);
    let target = sample.target(&format!("< {} ms", th.rtt_good_ms));
    match mean {
        None => Criterion::new(
            id,
            label,
            target,
            "no data: nothing was measured",
            None,
            Grade::from_level(Level::NoData, required),
        ),
        Some(ms) => Criterion::new(
            id,
            label,
            target,
            sample.measured(format!("{} ms", fixed(ms, 1))),
            Some(ms),
            Grade::from_level(sample.level(th.rtt_level(ms)), required),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_map_to_grades() {
        assert_eq!(Grade::from_level(Level::Good, true), Grade::Pass);
        assert_eq!(Grade::from_level(Level::Fair, true), Grade::Warn);
        assert_eq!(Grade::from_level(Level::Warning, false), Grade::Warn);
        assert_eq!(Grade::from_level(Level::Critical, false), Grade::Fail);
        assert_eq!(Grade::from_level(Level::NoData, true), Grade::Fail);
        assert_eq!(Grade::from_level(Level::NoData, false), Grade::Skip);
        assert_eq!(Grade::from_level(Level::Collecting, true), Grade::Warn);
        assert_eq!(Grade::from_level(Level::Collecting, false), Grade::Warn);
    }

    #[test]
    fn overall_is_the_worst_judged() {
        use Grade::*;
        assert_eq!(Grade::overall([Pass, Skip, Pass]), Pass);
        assert_eq!(Grade::overall([Pass, Warn, Skip]), Warn);
        assert_eq!(Grade::overall([Fail, Warn, Pass]), Fail);
        assert_eq!(Grade::overall([Skip]), Skip);
        assert_eq!(Grade::overall([]), Skip);
        assert_eq!(serde_json::to_string(&Fail).unwrap(), "\"FAIL\"");
    }

    #[test]
    fn ratio_and_latency_follow_f10() {
        let th = Thresholds::default();
        let r = |ok, of, required| ratio(&th, "x", "X", (ok, of), (20, "replies"), required);
        assert_eq!(r(99, 100, true).grade, Grade::Pass);
        assert_eq!(r(92, 100, true).grade, Grade::Warn);
        assert_eq!(r(50, 100, true).grade, Grade::Fail);
        assert_eq!(r(0, 0, true).grade, Grade::Fail);
        assert_eq!(r(0, 0, false).grade, Grade::Skip);
        assert_eq!(r(100, 100, true).target, "> 95 % (≥ 20 replies)");
        let l = |mean, count| latency(&th, "l", "L", (Some(mean), count), "replies", true);
        assert_eq!(l(3.0, 20).grade, Grade::Pass);
        assert_eq!(l(700.0, 20).grade, Grade::Warn);
        assert_eq!(l(1700.0, 20).grade, Grade::Fail);
        let enough = Sample::new(20, 20, "replies");
        assert_eq!(
            zero("d", "D", 2, "duplicates", Grade::Fail, enough).grade,
            Grade::Fail
        );
        assert_eq!(
            zero("d", "D", 0, "duplicates", Grade::Fail, enough).grade,
            Grade::Pass
        );
    }

    #[test]
    fn thin_data_never_passes() {
        let th = Thresholds::default();
        // One reply of one: 100 %, but no evidence.
        let one = ratio(&th, "x", "X", (1, 1), (20, "replies"), true);
        assert_eq!(one.grade, Grade::Warn);
        assert!(
            one.measured.starts_with("insufficient data: 1 of 20"),
            "{one:?}"
        );
        let fast = latency(&th, "l", "L", (Some(1.0), 3), "replies", false);
        assert_eq!(fast.grade, Grade::Warn);
        // Zero pong timeouts out of zero pings says nothing.
        let none = Sample::new(0, 3, "pings");
        let hb = zero("heartbeat", "H", 0, "pong timeout(s)", Grade::Warn, none);
        assert_eq!(
            (hb.grade, hb.target.as_str()),
            (Grade::Warn, "0 (≥ 3 pings)")
        );
        assert!(hb.measured.starts_with("insufficient data: 0 of 3 pings"));
        // A failure seen once is a failure: no minimum for bad news.
        let dup = zero("d", "D", 1, "duplicate(s)", Grade::Fail, none);
        assert_eq!(dup.grade, Grade::Fail);
    }
}
