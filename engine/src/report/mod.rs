//! Reports (F12, F13): one versioned JSON document per run or scenario, a CSV with a row
//! per session, and the log as text.
//!
//! [`Report`] is what the JSON export, the CSV export and `window.wsConsole.report()` are
//! made from ([`Report::to_json`], [`Report::to_csv`]). It is built from the run's read
//! side only, and every free-text field goes through the run's redaction: no token, valid
//! or invalid, ever reaches an export.
//!
//! # JSON schema, version 1
//!
//! The schema — every field, its type and meaning, the units in the names — is documented
//! once, for the people who read the reports: in the README, *Exports and the report
//! schema*. Every field there is a field of [`Report`] here; the end-to-end tests hold the
//! exported JSON to it.

mod csv;
mod har;
mod log_text;
mod totals;

use crate::config::{AuthMode, RunConfig};
use crate::decimal::fixed;
use crate::groups::Breakdown;
use crate::heap::HeapTrend;
use crate::histogram::RttSummary;
use crate::ids::{Millis, SessionId};
use crate::per_endpoint::EndpointRow;
use crate::reconnect::ReconnectPolicy;
use crate::run::Run;
use crate::scenario::{
    CapacityResult, Criterion, Grade, ScenarioKind, ScenarioParams, ScenarioPhase, ScenarioStatus,
};
use crate::session::SessionState;
use crate::thresholds::{Measure, Thresholds};
use crate::url::REDACTED;
pub use totals::ReportTotals;

/// The report's `schema` field.
pub const REPORT_SCHEMA: &str = "ws-console/report";
/// The report's `version` field.
pub const REPORT_VERSION: u32 = 1;

/// A run's or a scenario's report. See the module documentation for the schema.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Report {
    /// Always [`REPORT_SCHEMA`].
    pub schema: &'static str,
    /// Always [`REPORT_VERSION`].
    pub version: u32,
    /// When the report was made (Unix ms).
    pub generated_at: f64,
    /// `ready`, `running`, `finished`, `cancelled` (scenario) or `running`, `stopped` (manual run).
    pub status: &'static str,
    /// Which scenario, with its parameters.
    pub scenario: ReportScenario,
    /// The configuration, token redacted.
    pub configuration: ReportConfig,
    /// Facts about the run as a whole.
    pub run: ReportRun,
    /// The scenario's phases (empty for a manual run).
    pub phases: Vec<ReportPhase>,
    /// Whole-run figures.
    pub totals: ReportTotals,
    /// One row per session.
    pub sessions: Vec<SessionRow>,
    /// RTT and counts by the value of one field of the messages; `None` when off.
    pub breakdown: Option<Breakdown>,
    /// The readiness checklist: groups of checks with their pass rates; `None` for the
    /// other scenarios and a manual run.
    pub readiness: Option<crate::scenario::Checklist>,
    /// One row per endpoint line (sessions spread round-robin).
    pub endpoints: Vec<EndpointRow>,
    /// `sent = matched + lost + pending`, in total.
    pub invariant: ReportInvariant,
    /// The verdict per criterion.
    pub criteria: Vec<Criterion>,
    /// The worst graded criterion.
    pub verdict: Grade,
    /// The capacity finder's steps and the rate it found; `None` for other scenarios.
    pub capacity: Option<CapacityResult>,
}

/// Which scenario (or `manual`) and with what parameters.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ReportScenario {
    /// [`crate::ScenarioKind::as_str`], or `manual`.
    pub kind: &'static str,
    /// Human name.
    pub label: &'static str,
    /// The parameters; `None` for a manual run.
    pub params: Option<ScenarioParams>,
    /// 0 to 1.
    pub progress: f64,
}

/// The configuration, token redacted.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ReportConfig {
    /// The URL templates, one per line, token redacted.
    pub endpoint: String,
    /// Session 0's filled-in URL, token redacted (the first endpoint's).
    pub url: String,
    /// Fills `{user_id}`.
    pub user_id: String,
    /// `[redacted]` when a token is set, else empty.
    pub token: String,
    /// How the token is sent.
    pub auth_mode: AuthMode,
    /// Number of sessions.
    pub sessions: u32,
    /// Automatic send interval; `None` when off, 0 for one message in flight.
    pub send_interval_ms: Option<Millis>,
    /// The message template, token redacted.
    pub message_template: String,
    /// Messages sent as binary frames.
    pub binary: bool,
    /// JSON pointer of the reply id.
    pub correlation_pointer: String,
    /// JSON pointer of the field the breakdown groups by; empty when off.
    pub group_pointer: String,
    /// Reply timeout.
    pub reply_timeout_ms: Millis,
    /// Duplicate window.
    pub duplicate_window_ms: Millis,
    /// Heartbeat settings; `None` when off.
    pub heartbeat: Option<ReportHeartbeat>,
    /// Reconnect policy.
    pub reconnect: ReconnectPolicy,
    /// Offline queue bound per session.
    pub queue_capacity: usize,
    /// Log bound.
    pub log_capacity: usize,
    /// F10 thresholds.
    pub thresholds: Thresholds,
}

/// Heartbeat settings.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ReportHeartbeat {
    /// Time between pings.
    pub interval_ms: Millis,
    /// Pong timeout.
    pub timeout_ms: Millis,
    /// The ping, token redacted.
    pub ping_template: String,
    /// The `type` of a pong.
    pub pong_type: String,
}

/// Facts about the run as a whole.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ReportRun {
    /// First Start (Unix ms).
    pub started_at: Option<f64>,
    /// Start → end of the scenario (or now).
    pub duration_ms: Millis,
    /// The tab was hidden at some moment (timers throttled).
    pub tab_hidden: bool,
    /// Where socket events were stamped, if known.
    pub stamped_in: Option<crate::run::StampedIn>,
    /// Frames held for the HAR export.
    pub frames_captured: usize,
}

/// A phase with Unix times.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ReportPhase {
    /// Its name.
    pub name: String,
    /// Unix ms.
    pub started_at: f64,
    /// Unix ms; `None` while it runs.
    pub ended_at: Option<f64>,
    /// `None` while it runs.
    pub duration_ms: Option<Millis>,
}

/// Heap figures; all `None` when the browser has no `performance.memory`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ReportHeap {
    /// Whether the browser gives heap figures.
    pub available: bool,
    /// Latest `usedJSHeapSize`.
    pub used_bytes: Option<u64>,
    /// Latest `totalJSHeapSize`.
    pub total_bytes: Option<u64>,
    /// Latest `jsHeapSizeLimit`.
    pub limit_bytes: Option<u64>,
    /// Samples held.
    pub samples: usize,
    /// Least-squares trend of the visible samples.
    pub trend: Option<HeapTrend>,
    /// `stable`, `increasing`, `leak`, `coarse` (the reading never moved) or `no data`.
    pub assessment: &'static str,
    /// Latest size of the console's wasm linear memory (it never shrinks).
    pub wasm_bytes: Option<u64>,
    /// Trend of wasm linear memory over the same samples.
    pub wasm_trend: Option<HeapTrend>,
}

/// One session: its counters (`sent = matched + lost + pending`), state and last close.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SessionRow {
    /// Index.
    pub session: u32,
    /// Its endpoint: the 1-based line of the endpoint field (`endpoints[].endpoint`).
    pub endpoint: u32,
    /// [`SessionState::as_str`].
    pub state: &'static str,
    /// Attempt and delay, or the reason it gave up.
    pub state_detail: String,
    /// Its latest socket.
    pub generation: u64,
    /// Test messages sent.
    pub sent: u64,
    /// Replies matched.
    pub matched: u64,
    /// Requests lost.
    pub lost: u64,
    /// Requests awaiting a reply.
    pub pending: u64,
    /// Frames received.
    pub received: u64,
    /// Server pushes received (`counters.pushes`).
    pub pushes: u64,
    /// Duplicate replies.
    pub duplicates: u64,
    /// Replies out of `seq` order.
    pub out_of_order: u64,
    /// Replies to unknown ids.
    pub unsolicited: u64,
    /// Replies after the timeout.
    pub late: u64,
    /// Replies meant for another session.
    pub foreign: u64,
    /// The same fan-out delivered to this session again.
    pub foreign_duplicates: u64,
    /// Messages that went into the offline queue.
    pub queued: u64,
    /// Refused by a full queue.
    pub queue_overflow: u64,
    /// In the queue now.
    pub queued_now: usize,
    /// Sockets opened.
    pub connects: u64,
    /// Sockets that failed to open.
    pub connect_failures: u64,
    /// Open sockets lost.
    pub drops: u64,
    /// Back after a drop.
    pub reconnects: u64,
    /// All errors on the wire.
    pub errors: u64,
    /// The browser's own refusals (a frame, a socket): the console's side.
    pub client_errors: u64,
    /// Last close code.
    pub last_close_code: Option<u16>,
    /// Last close reason, token redacted.
    pub last_close_reason: Option<String>,
    /// Unix ms.
    pub last_close_at: Option<f64>,
    /// Last open took.
    pub connect_time_ms: Option<Millis>,
    /// Last open → the server's first frame on that socket.
    pub first_message_ms: Option<Millis>,
    /// Last drop → open.
    pub last_recovery_ms: Option<Millis>,
    /// Payload bytes sent.
    pub bytes_out: u64,
    /// Payload bytes received.
    pub bytes_in: u64,
    /// Message RTT.
    pub rtt_ms: RttSummary,
}

/// `sent = matched + lost + pending`, in total.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ReportInvariant {
    /// Whether it holds for every session and in total.
    pub holds: bool,
    /// Sent.
    pub sent: u64,
    /// Matched.
    pub matched: u64,
    /// Lost.
    pub lost: u64,
    /// Pending.
    pub pending: u64,
}

/// What a scenario adds to its run's report: where it stands and how it judged the run.
/// Plain data, so that the report needs no scenario and a scenario no report (the
/// [`crate::TestRun`] puts the two together).
pub(crate) struct ScenarioPart<'a> {
    pub status: ScenarioStatus,
    pub kind: ScenarioKind,
    pub params: &'a ScenarioParams,
    /// 0 to 1.
    pub progress: f64,
    pub phases: &'a [ScenarioPhase],
    /// When it ended (ms, the run's clock).
    pub ended_at: Option<Millis>,
    pub criteria: Vec<Criterion>,
    pub readiness: Option<crate::scenario::Checklist>,
    pub capacity: Option<CapacityResult>,
}

/// What differs between a manual run's report and a scenario's.
struct Frame<'a> {
    status: &'static str,
    scenario: ReportScenario,
    phases: Vec<ReportPhase>,
    criteria: Vec<Criterion>,
    readiness: Option<crate::scenario::Checklist>,
    ended_at: Option<Millis>,
    capacity: Option<CapacityResult>,
    run: &'a Run,
}

impl Report {
    /// The report of a manual run (no scenario): the F10 verdicts as criteria. A measure
    /// is required once the run did what it measures — messages sent, sockets opened — so
    /// a run whose every message is still pending is not a PASS; the heap and
    /// reconnection are side measures. A receive-only run (automatic sending off) sends
    /// nothing, so it needs no message success; it gets the push-consistency criterion.
    pub fn manual(run: &Run, now: Millis) -> Report {
        let c = run.counters();
        let criteria = run
            .verdicts(now)
            .iter()
            .map(|v| {
                let required = match v.measure {
                    Measure::MessageSuccess | Measure::AvgRtt => c.sent > 0,
                    Measure::ConnectionSuccess => c.connect_attempts > 0,
                    Measure::ConnectTime
                    | Measure::FirstMessage
                    | Measure::Heap
                    | Measure::Reconnection => false,
                };
                Criterion::from_verdict(v, required)
            })
            // Receive-only runs (no automatic sending) are judged on push consistency.
            .chain(run.config().send_interval_ms.is_none().then(|| {
                crate::per_endpoint::criterion(
                    &run.endpoints(now),
                    run.config().thresholds.consistency_tolerance,
                )
            }))
            .collect();
        Report::build(
            Frame {
                status: if run.is_running() {
                    "running"
                } else {
                    "stopped"
                },
                scenario: ReportScenario {
                    kind: "manual",
                    label: "Manual run",
                    params: None,
                    progress: 0.0,
                },
                phases: Vec::new(),
                criteria,
                readiness: None,
                ended_at: None,
                capacity: None,
                run,
            },
            now,
        )
    }

    /// The report of a scenario (`sc`) on `run`.
    pub(crate) fn for_scenario(run: &Run, sc: ScenarioPart<'_>, now: Millis) -> Report {
        let origin = run.config().time_origin_ms;
        let phases = sc
            .phases
            .iter()
            .map(|p| ReportPhase {
                name: p.name.clone(),
                started_at: origin + p.started_at,
                ended_at: p.ended_at.map(|t| origin + t),
                duration_ms: p.ended_at.map(|t| t - p.started_at),
            })
            .collect();
        Report::build(
            Frame {
                status: sc.status.as_str(),
                scenario: ReportScenario {
                    kind: sc.kind.as_str(),
                    label: sc.kind.label(),
                    params: Some(sc.params.clone()),
                    progress: sc.progress,
                },
                phases,
                criteria: sc.criteria,
                readiness: sc.readiness,
                ended_at: sc.ended_at,
                capacity: sc.capacity,
                run,
            },
            now,
        )
    }

    fn build(f: Frame<'_>, now: Millis) -> Report {
        let run = f.run;
        let origin = run.config().time_origin_ms;
        let totals = run.totals(now);
        let c = &totals.counters;
        let end = f.ended_at.unwrap_or(now);
        let duration_ms = run.started_at().map_or(0.0, |s| (end - s).max(0.0));
        let per_s = |n: u64| {
            if duration_ms > 0.0 {
                n as f64 * 1000.0 / duration_ms
            } else {
                0.0
            }
        };
        let th = &run.config().thresholds;
        let verdict = Grade::overall(f.criteria.iter().map(|c| c.grade));
        let sessions = (0..run.session_count() as u32)
            .filter_map(|i| run.session(SessionId(i), now))
            .map(|v| SessionRow {
                session: v.id.0,
                endpoint: v.endpoint + 1,
                state: v.state.as_str(),
                state_detail: run.redact(&state_detail(&v.state)),
                generation: v.generation.0,
                sent: v.counters.sent,
                matched: v.counters.matched,
                lost: v.counters.lost,
                pending: v.counters.pending,
                received: v.counters.received,
                pushes: v.counters.pushes,
                duplicates: v.counters.duplicate,
                out_of_order: v.counters.out_of_order,
                unsolicited: v.counters.unsolicited,
                late: v.counters.late,
                foreign: v.counters.foreign,
                foreign_duplicates: v.counters.foreign_duplicate,
                queued: v.counters.queued,
                queue_overflow: v.counters.queue_overflow,
                queued_now: v.queue_len,
                connects: v.counters.connects,
                connect_failures: v.counters.connect_failures,
                drops: v.counters.drops,
                reconnects: v.counters.reconnects,
                errors: v.counters.errors.total(),
                client_errors: v.counters.client_errors,
                last_close_code: v.last_close.as_ref().map(|x| x.code),
                last_close_reason: v.last_close.as_ref().map(|x| run.redact(&x.reason)),
                last_close_at: v.last_close.as_ref().map(|x| origin + x.at),
                connect_time_ms: v.connect_time_ms,
                first_message_ms: v.first_message_ms,
                last_recovery_ms: v.last_recovery_ms,
                bytes_out: v.counters.bytes_out,
                bytes_in: v.counters.bytes_in,
                rtt_ms: v.rtt,
            })
            .collect();
        Report {
            schema: REPORT_SCHEMA,
            version: REPORT_VERSION,
            generated_at: origin + now,
            status: f.status,
            scenario: f.scenario,
            configuration: ReportConfig::of(run),
            run: ReportRun {
                started_at: run.started_at().map(|t| origin + t),
                duration_ms,
                tab_hidden: run.was_hidden(),
                stamped_in: run.stamped_in(),
                frames_captured: run.frames().len(),
            },
            phases: f.phases,
            invariant: ReportInvariant {
                holds: run.invariant_holds(),
                sent: c.sent,
                matched: c.matched,
                lost: c.lost,
                pending: c.pending,
            },
            totals: ReportTotals {
                sessions: totals.sessions,
                success_rate_pct: totals.success_rate,
                rtt_ms: totals.rtt,
                ping_rtt_ms: totals.ping_rtt,
                delivery_latency_ms: totals.foreign_latency,
                connect_time_ms: totals.connect_time,
                first_message_ms: totals.first_message,
                recovery_ms: totals.recovery,
                sent_per_s: totals.sent_per_s,
                received_per_s: totals.received_per_s,
                mean_sent_per_s: per_s(c.sent),
                mean_received_per_s: per_s(c.received),
                queued_now: totals.queued_now,
                held_now: totals.held_now,
                errors: c.errors.total(),
                heap: ReportHeap {
                    available: totals.heap.is_some(),
                    used_bytes: totals.heap.map(|h| h.used),
                    total_bytes: totals.heap.map(|h| h.total),
                    limit_bytes: totals.heap.map(|h| h.limit),
                    samples: run.heap_samples().len(),
                    trend: totals.heap_trend,
                    assessment: th.heap_level(totals.heap_trend.as_ref()).1,
                    wasm_bytes: totals.heap.map(|h| h.wasm).filter(|w| *w > 0),
                    wasm_trend: run.wasm_trend(),
                },
                counters: totals.counters.clone(),
            },
            sessions,
            breakdown: run.breakdown(),
            readiness: f.readiness,
            endpoints: run.endpoints(now),
            criteria: f.criteria,
            verdict,
            capacity: f.capacity,
        }
    }

    /// The report as compact JSON (the export, indented by the page on download, and
    /// `window.wsConsole.report()`).
    pub fn to_json(&self) -> String {
        // Plain data with string (or integer) map keys: serialisation cannot fail.
        crate::compact::to_json(self).expect("a report always serialises")
    }
}

impl ReportConfig {
    fn of(run: &Run) -> ReportConfig {
        let cfg: &RunConfig = run.config();
        ReportConfig {
            endpoint: run.redact(&cfg.endpoint.template()),
            url: run.display_url(SessionId(0)),
            user_id: run.redact(&cfg.user_id),
            // A token handed over later (the host's provider) is a token set too.
            token: if cfg.token.is_empty() && run.token_updates().0 == 0 {
                String::new()
            } else {
                REDACTED.into()
            },
            auth_mode: cfg.auth_mode,
            sessions: cfg.sessions,
            send_interval_ms: cfg.send_interval_ms,
            message_template: run.redact(&cfg.template.source()),
            binary: cfg.binary,
            correlation_pointer: cfg.correlation_pointer.clone(),
            group_pointer: cfg.group_pointer.clone().unwrap_or_default(),
            reply_timeout_ms: cfg.reply_timeout_ms,
            duplicate_window_ms: cfg.duplicate_window_ms,
            heartbeat: cfg.heartbeat.as_ref().map(|h| ReportHeartbeat {
                interval_ms: h.interval_ms,
                timeout_ms: h.timeout_ms,
                ping_template: run.redact(&h.ping.source()),
                pong_type: run.redact(&h.pong_type),
            }),
            reconnect: cfg.reconnect.clone(),
            queue_capacity: cfg.queue_capacity,
            log_capacity: cfg.log_capacity,
            thresholds: cfg.thresholds.clone(),
        }
    }
}

fn state_detail(state: &SessionState) -> String {
    match state {
        SessionState::Reconnecting { attempt, next_in } => {
            format!("attempt {attempt} in {} s", fixed(next_in / 1000.0, 1))
        }
        SessionState::Error { reason } => reason.clone(),
        _ => String::new(),
    }
}

impl Run {
    /// The report of this run as a manual run (no scenario); see [`Report`].
    pub fn report(&self, now: Millis) -> Report {
        Report::manual(self, now)
    }
}

#[cfg(test)]
mod tests;
