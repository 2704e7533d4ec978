//! What the view shows, copied out of the engine once per animation frame.
//!
//! Copying a few hundred numbers per frame is cheap and keeps the engine's borrow out of the
//! view: components read plain data from one signal, fine-grained.

use ws_console_engine::{
    Breakdown, CapacityResult, Criterion, EndpointRow, Grade, LogEntry, LogFilter, Millis,
    Progress, Run, Scenario, ScenarioKind, ScenarioPhase, SessionState, SessionView, Totals,
    Verdict, fixed,
};

/// How many log rows exist in the page at once: the visible ones and a few either side. The
/// log panel is virtualised (fixed-height rows, spacers for the rest), so its cost does not
/// grow with the log; the log itself keeps more, and exports have them all.
pub const LOG_VIEW: usize = 30;

/// Totals, rows, verdicts and the visible part of the log.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// Whether a run is going (Stop not pressed).
    pub running: bool,
    /// The run's totals.
    pub totals: Totals,
    /// A row per session.
    pub sessions: Vec<SessionView>,
    /// RTT and counts by a field of the messages, when the run groups by one.
    pub breakdown: Option<Breakdown>,
    /// A row per endpoint line (one when the field holds one URL).
    pub endpoints: Vec<EndpointRow>,
    /// The F10 verdict of each measure.
    pub verdicts: Vec<Verdict>,
    /// The entries matching the filter from `log_first` on, at most [`LOG_VIEW`], oldest first.
    pub log: Vec<LogEntry>,
    /// Index, among the matching entries, of the first one in `log`.
    pub log_first: usize,
    /// How many entries match the filter in all.
    pub log_matching: usize,
    /// How many entries the log holds, and how many it has let go (it is bounded).
    pub log_len: usize,
    /// See `log_len`.
    pub log_evicted: u64,
    /// Session 0's URL with the token redacted.
    pub display_url: String,
    /// Whether the browser reports heap figures.
    pub heap_available: bool,
    /// Which thread stamps the run's socket events (`"worker"` or `"page"`).
    pub stamped_in: Option<ws_console_engine::StampedIn>,
    /// Why the host's token provider gave no token (redacted), until one arrives.
    pub token_error: Option<String>,
    /// The scenario driving the run, if any.
    pub scenario: Option<ScenarioView>,
    /// Bytes each session's socket still had buffered at its last event.
    pub buffered: Vec<u32>,
    /// What the charts draw (refreshed at most once a second).
    pub charts: std::sync::Arc<super::charts::ChartData>,
}

/// A scenario's progress and verdicts.
#[derive(Clone, Debug)]
pub struct ScenarioView {
    /// Which scenario.
    pub kind: ScenarioKind,
    /// Its status, phase and time left.
    pub progress: Progress,
    /// Its phases so far.
    pub phases: Vec<ScenarioPhase>,
    /// Its criteria, graded as they stand.
    pub criteria: Vec<Criterion>,
    /// The worst grade among them.
    pub verdict: Grade,
    /// The capacity finder's steps and the rate it found (that scenario only).
    pub capacity: Option<CapacityResult>,
    /// The readiness checklist, for that scenario.
    pub checklist: Option<ws_console_engine::Checklist>,
}

impl Snapshot {
    /// Reads what the view needs from `run` at `now`, with the log seen through `filter` from
    /// the matching entry `log_top` on (`None`: the newest).
    pub fn from_run(
        run: &Run,
        scenario: Option<&Scenario>,
        now: Millis,
        (filter, log_top): (&LogFilter, Option<usize>),
        charts: std::sync::Arc<super::charts::ChartData>,
        buffered: &[u32],
    ) -> Snapshot {
        let log = run.log();
        let matching: Vec<&LogEntry> = log.filtered(filter).collect();
        let newest = matching.len().saturating_sub(LOG_VIEW);
        let skip = log_top.map_or(newest, |top| top.min(newest));
        Snapshot {
            running: run.is_running(),
            token_error: run.token_error().map(str::to_owned),
            totals: run.totals(now),
            sessions: run.sessions(now),
            breakdown: run.breakdown(),
            endpoints: run.endpoints(now),
            verdicts: run.verdicts(now),
            log_matching: matching.len(),
            log: matching
                .into_iter()
                .skip(skip)
                .take(LOG_VIEW)
                // An entry may predate the token it mentions: the rows shown are redacted
                // again with every token the run has used (a handful of rows, cheap).
                .map(|e| LogEntry {
                    text: run.redact(&e.text),
                    ..e.clone()
                })
                .collect(),
            log_first: skip,
            log_len: log.len(),
            log_evicted: log.evicted(),
            display_url: if run.session_count() > 0 {
                run.display_url(ws_console_engine::SessionId(0))
            } else {
                String::new()
            },
            heap_available: run.heap_available(),
            stamped_in: run.stamped_in(),
            charts,
            buffered: buffered.to_vec(),
            scenario: scenario.map(|sc| ScenarioView {
                kind: sc.kind(),
                progress: sc.progress(now),
                phases: sc.phases().to_vec(),
                criteria: sc.criteria(run, now),
                verdict: sc.verdict(run, now),
                capacity: sc.capacity(),
                checklist: sc.checklist(run, now),
            }),
        }
    }
}

impl Snapshot {
    /// Shows the log as `prev` showed it (the log panel moves on at its own pace).
    pub fn keep_log_of(&mut self, prev: &Snapshot) {
        self.log.clone_from(&prev.log);
        self.log_first = prev.log_first;
        self.log_matching = prev.log_matching;
        self.log_len = prev.log_len;
        self.log_evicted = prev.log_evicted;
    }

    /// Keeps `prev`'s session rows, whose counters then move on at the log's slower beat,
    /// unless a session changed state or socket, which shows at once. Says whether it kept
    /// them.
    pub fn keep_sessions_of(&mut self, prev: &Snapshot) -> bool {
        let same = self.sessions.len() == prev.sessions.len()
            && self.sessions.iter().zip(&prev.sessions).all(|(a, b)| {
                a.generation == b.generation
                    && std::mem::discriminant(&a.state) == std::mem::discriminant(&b.state)
            });
        if same {
            self.sessions.clone_from(&prev.sessions);
            self.buffered.clone_from(&prev.buffered);
        }
        same
    }

    /// How many sessions the run has (0 before the first Start).
    pub fn total_sessions(&self) -> u32 {
        self.totals.sessions.configured
    }
}

/// The state as a person reads it, with its detail.
pub fn state_label(state: &SessionState) -> String {
    match state {
        SessionState::Reconnecting { attempt, next_in } => {
            format!(
                "reconnecting (attempt {attempt}, in {} s)",
                fixed(next_in / 1000.0, 1)
            )
        }
        SessionState::Error { reason } => format!("error: {reason}"),
        other => other.as_str().replace('-', " "),
    }
}
