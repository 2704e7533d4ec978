//! The run broken down per endpoint (issue 13): one row per endpoint line, and the push
//! consistency criterion of receive-only runs.
//!
//! A stability check watches several pages' sockets at once and wants, per page, whether
//! it connected, its errors, its message counts and its status. The rows are sums over
//! the sessions an endpoint owns (session `i` → line `i mod n`, see
//! [`crate::Endpoints`]), plus connect-time and first-message summaries recorded per
//! endpoint as they happen. At most [`crate::MAX_ENDPOINTS`] rows.
//!
//! Consistency: in a receive-only run (no automatic sending) every session of one endpoint
//! should receive the same server pushes ([`crate::Counters::pushes`]). An endpoint passes
//! when the spread (most − fewest pushes among its sessions) is within
//! `consistency_tolerance` and fails past it. Until each of its sessions has received a
//! push the data is insufficient (WARN, as everywhere in the reports, never PASS); an
//! endpoint with fewer than two sessions has nothing to compare and is not judged.

use crate::histogram::{Histogram, RttSummary};
use crate::ids::{Millis, SessionId};
use crate::run::Run;
use crate::scenario::{Criterion, Grade};
use crate::session::SessionState;

/// Per-endpoint time samples, recorded as sockets open and first frames arrive.
#[derive(Clone, Debug, Default)]
pub(crate) struct EndpointTimes {
    pub connect: Histogram,
    pub first_message: Histogram,
}

/// One endpoint's figures (report `endpoints[]`, the per-endpoint table).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct EndpointRow {
    /// 1-based line number among the non-blank lines (`#1`, `#2` …).
    pub endpoint: u32,
    /// Its first session's filled-in URL (its template when it has no session), token
    /// redacted.
    pub url: String,
    /// Sessions spread onto it.
    pub sessions: u32,
    /// Of them, connected now.
    pub connected: u32,
    /// `all`, `some` or `none` of its sessions connected now (`none` when it has none).
    pub status: &'static str,
    /// Sockets opened.
    pub connects: u64,
    /// Sockets that failed before opening.
    pub connect_failures: u64,
    /// Open sockets lost.
    pub drops: u64,
    /// All errors on the wire.
    pub errors: u64,
    /// Test messages sent.
    pub sent: u64,
    /// Frames received.
    pub received: u64,
    /// Server pushes received (see `Counters::pushes`).
    pub pushes: u64,
    /// Fewest pushes one of its sessions received.
    pub pushes_min: u64,
    /// Most pushes one of its sessions received.
    pub pushes_max: u64,
    /// Time to open, every socket of its sessions.
    pub connect_time_ms: RttSummary,
    /// Open → the server's first frame, every socket of its sessions.
    pub first_message_ms: RttSummary,
    /// Push consistency: `PASS`, `FAIL`, `WARN` (insufficient data: a session without a
    /// push yet) or `SKIP` (not judged: automatic sending on, fewer than two sessions).
    pub consistency: Grade,
}

impl EndpointRow {
    /// `pushes_max − pushes_min`.
    pub fn spread(&self) -> u64 {
        self.pushes_max - self.pushes_min
    }
}

/// The grade of one endpoint's push counts: SKIP when not judged (automatic sending on,
/// fewer than two sessions), WARN while a session has no push yet (insufficient data,
/// never PASS), then PASS or FAIL by the spread.
fn judge(pushes: &[u64], tolerance: u64, receive_only: bool) -> Grade {
    let (min, max) = min_max(pushes);
    if !receive_only || pushes.len() < 2 {
        Grade::Skip
    } else if min == 0 {
        Grade::Warn
    } else if max - min <= tolerance {
        Grade::Pass
    } else {
        Grade::Fail
    }
}

fn min_max(v: &[u64]) -> (u64, u64) {
    let min = v.iter().copied().min().unwrap_or(0);
    (min, v.iter().copied().max().unwrap_or(0))
}

/// One row per endpoint of `run`.
pub(crate) fn rows(run: &Run, now: Millis) -> Vec<EndpointRow> {
    let cfg = run.config();
    let receive_only = cfg.send_interval_ms.is_none();
    let sessions = run.sessions(now);
    cfg.endpoint
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mine: Vec<_> = sessions
                .iter()
                .filter(|v| v.endpoint as usize == i)
                .collect();
            let pushes: Vec<u64> = mine.iter().map(|v| v.counters.pushes).collect();
            let (pushes_min, pushes_max) = min_max(&pushes);
            let connected = mine
                .iter()
                .filter(|v| v.state == SessionState::Connected)
                .count() as u32;
            let sum = |f: fn(&crate::Counters) -> u64| mine.iter().map(|v| f(&v.counters)).sum();
            let times = run.endpoint_times(i);
            EndpointRow {
                endpoint: i as u32 + 1,
                url: if i < sessions.len() {
                    run.display_url(SessionId(i as u32))
                } else {
                    run.redact(e.template())
                },
                sessions: mine.len() as u32,
                connected,
                status: match connected {
                    0 => "none",
                    c if c as usize == mine.len() => "all",
                    _ => "some",
                },
                connects: sum(|c| c.connects),
                connect_failures: sum(|c| c.connect_failures),
                drops: sum(|c| c.drops),
                errors: sum(|c| c.errors.total()),
                sent: sum(|c| c.sent),
                received: sum(|c| c.received),
                pushes: pushes.iter().sum(),
                pushes_min,
                pushes_max,
                connect_time_ms: times.map(|t| t.connect.summary()).unwrap_or_default(),
                first_message_ms: times.map(|t| t.first_message.summary()).unwrap_or_default(),
                consistency: judge(&pushes, cfg.thresholds.consistency_tolerance, receive_only),
            }
        })
        .collect()
}

/// The `push-consistency` criterion over `rows`: FAIL when an endpoint's spread is past the
/// tolerance (the widest is named), WARN while an endpoint has a session without a push
/// (insufficient data), PASS when every endpoint with two sessions or more is within it,
/// SKIP when none has two. For receive-only runs: in others every row is SKIP.
pub(crate) fn criterion(rows: &[EndpointRow], tolerance: u64) -> Criterion {
    let judged = |grade: Grade, measured: String, value: Option<f64>| {
        Criterion::new(
            "push-consistency",
            "Push consistency",
            format!("per endpoint: most − fewest pushes per session ≤ {tolerance}"),
            measured,
            value,
            grade,
        )
    };
    let widest = |g: Grade| {
        rows.iter()
            .filter(|r| r.consistency == g)
            .max_by_key(|r| (r.spread(), r.endpoint))
    };
    let spread = |r: &EndpointRow| {
        format!(
            "spread {} ({}–{} pushes)",
            r.spread(),
            r.pushes_min,
            r.pushes_max
        )
    };
    if let Some(r) = widest(Grade::Fail) {
        let text = format!("endpoint #{}: {}", r.endpoint, spread(r));
        return judged(Grade::Fail, text, Some(r.spread() as f64));
    }
    if let Some(r) = rows.iter().find(|r| r.consistency == Grade::Warn) {
        let text = format!(
            "insufficient data: a session of endpoint #{} has no push yet",
            r.endpoint
        );
        return judged(Grade::Warn, text, None);
    }
    match widest(Grade::Pass) {
        Some(r) => {
            let text = format!("largest: endpoint #{}, {}", r.endpoint, spread(r));
            judged(Grade::Pass, text, Some(r.spread() as f64))
        }
        None => judged(
            Grade::Skip,
            "not judged: no endpoint has two sessions".into(),
            None,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judge_needs_receive_only_two_sessions_and_a_push_each() {
        assert_eq!(judge(&[5, 5], 0, true), Grade::Pass);
        assert_eq!(judge(&[5, 6], 0, true), Grade::Fail);
        assert_eq!(judge(&[5, 6], 1, true), Grade::Pass);
        assert_eq!(judge(&[5, 8, 6], 2, true), Grade::Fail);
        assert_eq!(judge(&[5, 0], 9, true), Grade::Warn);
        assert_eq!(judge(&[5], 0, true), Grade::Skip);
        assert_eq!(judge(&[], 0, true), Grade::Skip);
        assert_eq!(judge(&[5, 5], 0, false), Grade::Skip);
    }

    fn row(endpoint: u32, pushes: &[u64], tolerance: u64) -> EndpointRow {
        let (pushes_min, pushes_max) = min_max(pushes);
        EndpointRow {
            endpoint,
            url: String::new(),
            sessions: pushes.len() as u32,
            connected: 0,
            status: "none",
            connects: 0,
            connect_failures: 0,
            drops: 0,
            errors: 0,
            sent: 0,
            received: 0,
            pushes: pushes.iter().sum(),
            pushes_min,
            pushes_max,
            connect_time_ms: RttSummary::default(),
            first_message_ms: RttSummary::default(),
            consistency: judge(pushes, tolerance, true),
        }
    }

    #[test]
    fn the_criterion_names_the_widest_failing_endpoint() {
        let rows = [row(1, &[5, 5], 0), row(2, &[1, 4], 0), row(3, &[2, 4], 0)];
        let c = criterion(&rows, 0);
        assert_eq!(c.grade, Grade::Fail);
        assert_eq!(c.measured, "endpoint #2: spread 3 (1–4 pushes)");
        assert_eq!(c.value, Some(3.0));
        let ok = [row(1, &[5, 5], 1), row(2, &[4, 5], 1)];
        let c = criterion(&ok, 1);
        assert_eq!(c.grade, Grade::Pass);
        assert_eq!(c.measured, "largest: endpoint #2, spread 1 (4–5 pushes)");
        let waiting = [row(1, &[5, 5], 0), row(2, &[0, 5], 0)];
        let c = criterion(&waiting, 0);
        assert_eq!(c.grade, Grade::Warn);
        assert_eq!(
            c.measured,
            "insufficient data: a session of endpoint #2 has no push yet"
        );
        let alone = [row(1, &[5], 0)];
        assert_eq!(criterion(&alone, 0).grade, Grade::Skip);
    }
}
