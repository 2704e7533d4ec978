//! The model of a WebSocket test run, as pure state changes.
//!
//! Everything the console *decides* lives here: session lifecycle (F1), endpoint and
//! configuration validation (F2, R2), message templates (F3), reply correlation (F4),
//! heartbeat (F5), reconnect policy (F6), the offline queue (F7), token refresh (F8),
//! metrics (F9), thresholds (F10), the log and chart series (F11), scenarios and their
//! verdicts (F12), and reports and exports (F13).
//!
//! The crate never touches the browser, never reads a clock and never draws random numbers
//! of its own. Each entry point of [`Run`] is a function of (state, event, `now`): the browser
//! adapter reports what happened (each socket's [`SocketEvent`]s through [`Run::on_socket`], a
//! `tick` from its timer) and executes the [`Command`]s the engine leaves behind (`drain_commands`). That makes the
//! whole model testable on the host, thousands of cases a second, and keeps it the same code
//! on wasm32.
//!
//! Every socket carries a [`Generation`]: an event whose generation is not the session's
//! current, live one comes from a retired socket and changes nothing.
//!
//! # The adapter's contract
//!
//! - Validate with [`RunConfig::from_raw`] (one pass of the shared form toolkit; show each
//!   [`FieldError`] next to its field; show `notices` without blocking), set `time_origin_ms` (or [`Run::set_time_origin`]) to
//!   `performance.timeOrigin`, then [`Run::new`].
//! - After *every* call, drain [`Run::drain_commands`] and execute the commands in order.
//!   Tag each socket's handlers with the command's session and generation and pass them
//!   back unchanged; the engine does the filtering.
//! - Call [`Run::tick`] every 10–50 ms while the console is mounted (also after Stop, so
//!   pending replies still resolve as lost), or at [`Run::next_deadline`].
//! - A [`Command::Close`] retires the socket at once: whatever it reports afterwards
//!   (including gloo's synthetic 1000 "client dropped") is ignored, so it is never counted
//!   as a server drop.
//! - A [`Command::Fault`] asks the test backend's fault control for a fault (`POST` to its
//!   `url`); report the outcome with [`Run::on_fault_result`].
//! - Display and export text only through the read side ([`Run::log`], [`Run::redact`],
//!   [`Run::display_url`], [`Run::report`], [`Run::export_log`], [`Run::har`]): the token is
//!   redacted there, never in the commands.
//!
//! Scenarios (F12) are pure controllers on top of a run: the [`scenario`] module says how
//! one is wired, and a [`TestRun`] wires it, so the adapter holds one `TestRun` whether the
//! user pressed Start, ran a scenario or a suite's step. Reports and exports (F13) are in the
//! [`report`] module, whose documentation is the JSON schema.

#![warn(missing_docs)]

mod auth_mode;
mod command;
pub mod compact;
mod config;
mod correlation;
mod datetime;
mod decimal;
mod embedded;
mod endpoint_list;
mod form;
mod frames;
mod groups;
mod heap;
mod heartbeat;
mod histogram;
mod ids;
pub mod junit;
pub mod k6;
mod log;
mod message;
mod metrics;
mod per_endpoint;
mod queue;
mod rate;
mod reconnect;
mod redact;
pub mod report;
mod rng;
mod run;
pub mod scenario;
mod series;
mod session;
#[cfg(test)]
mod sim;
mod stored;
pub mod suite;
mod template;
mod test_run;
mod thresholds;
mod token;
mod url;

pub use command::{Command, FaultRequest, Frame, HttpResult, OversizedFrame};
pub use config::{
    AuthMode, DEFAULT_PING, DEFAULT_TEMPLATE, Field, FieldError, Limits, MAX_SESSIONS, RawConfig,
    RunConfig,
};
pub use decimal::{Fixed, fixed};
pub use embedded::{EmbeddedToken, embedded_tokens, looks_like_jwt};
pub use endpoint_list::{Endpoints, MAX_ENDPOINTS};
pub use form::FormError;
pub use frames::{CapturedFrame, Direction};
pub use groups::{Breakdown, Bucket, GroupRow, MAX_GROUPS};
pub use heap::{HeapSample, HeapTrend};
pub use heartbeat::HeartbeatConfig;
pub use histogram::{Histogram, RttSummary};
pub use log::{Log, LogCategory, LogEntry, LogFilter, LogLevel};
pub use message::MessageKind;
pub use metrics::{Counters, ErrorCounts, SessionCounts, Totals};
pub use per_endpoint::EndpointRow;
pub use rate::RateWindow;
pub use reconnect::ReconnectPolicy;
pub use report::{
    REPORT_SCHEMA, REPORT_VERSION, Report, ReportConfig, ReportHeap, ReportHeartbeat,
    ReportInvariant, ReportPhase, ReportRun, ReportScenario, ReportTotals, SessionRow,
};
pub use rng::SplitMix64;
pub use run::{
    ENGINE_CLOSE_CODE, PAINT_ROOM_MS, Probe, Run, SocketEvent, StampedIn, TOKEN_RETRY_MS,
    burst_size,
};
pub use scenario::{
    AuthParams, BroadcastParams, CapacityParams, CapacityResult, CapacityStep, CapacityStop, Check,
    CheckGroup, CheckStatus, Checklist, Criterion, Grade, LoadParams, MemoryLeakParams, ParamError,
    ParamField, Preset, Progress, RampUpParams, RawScenarioParams, ReadinessParams, RecoveryParams,
    ReliabilityParams, Scenario, ScenarioKind, ScenarioParams, ScenarioPhase, ScenarioStatus,
    SoakParams, StepOutcome,
};
pub use series::{Merge, Series, SeriesPoint};
pub use session::{CloseInfo, SessionState, SessionView, TimelineEvent, TimelineKind};
pub use template::{Template, Values};
pub use test_run::{ExportKind, TestRun};
pub use thresholds::{Level, Measure, Thresholds, Verdict};
pub use token::jwt_exp_ms;
pub use url::{Endpoint, REDACTED, redact};

pub use ids::{Generation, Millis, SessionId};
