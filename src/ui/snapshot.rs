//! What the view shows, copied out of the engine once per animation frame.
//!
//! Copying a few hundred numbers per frame is cheap and keeps the engine's borrow out of the
//! view: components read plain data from one signal, fine-grained.

use ws_console_engine::{Millis, Run, SessionState};

/// One session's row in the table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Row {
    /// CSS-friendly state name (`connected`, `needs-auth`, …).
    pub state_class: &'static str,
    /// The state as shown, with its detail (attempt, next retry, reason).
    pub state: String,
    pub sent: u64,
    pub received: u64,
    pub rtt_avg: Option<Millis>,
    pub errors: u64,
    pub reconnects: u64,
    /// Last close code and reason, or empty.
    pub last_close: String,
}

/// Totals and rows for the whole run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    /// Whether a run is going (Stop not pressed).
    pub running: bool,
    pub active: u32,
    pub total: u32,
    pub sent: u64,
    pub received: u64,
    /// Matched / (matched + lost), as a fraction.
    pub success_rate: Option<f64>,
    pub rtt_avg: Option<Millis>,
    pub rtt_p95: Option<Millis>,
    pub reconnects: u64,
    pub errors: u64,
    pub sessions: Vec<Row>,
}

impl Snapshot {
    /// Reads what the view needs from `run` at `now`.
    pub fn from_run(run: &Run, now: Millis) -> Snapshot {
        let totals = run.totals(now);
        let c = &totals.counters;
        Snapshot {
            running: run.is_running(),
            active: totals.active,
            total: totals.sessions,
            sent: c.sent,
            received: c.received,
            success_rate: totals.success_rate.map(|p| p / 100.0),
            rtt_avg: totals.rtt.mean,
            rtt_p95: totals.rtt.p95,
            reconnects: c.reconnects,
            errors: c.errors.total(),
            sessions: run
                .sessions(now)
                .iter()
                .map(|s| Row {
                    state_class: s.state.as_str(),
                    state: state_label(&s.state),
                    sent: s.counters.sent,
                    received: s.counters.received,
                    rtt_avg: s.rtt.mean,
                    errors: s.counters.errors.total(),
                    reconnects: s.counters.reconnects,
                    last_close: s
                        .last_close
                        .as_ref()
                        .map(|c| format!("{} {}", c.code, c.reason))
                        .unwrap_or_default(),
                })
                .collect(),
        }
    }
}

/// The state as a person reads it, with its detail.
pub fn state_label(state: &SessionState) -> String {
    match state {
        SessionState::Reconnecting { attempt, next_in } => {
            format!(
                "reconnecting (attempt {attempt}, in {:.1} s)",
                next_in / 1000.0
            )
        }
        SessionState::Error { reason } => format!("error: {reason}"),
        other => other.as_str().replace('-', " "),
    }
}
