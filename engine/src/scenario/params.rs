//! Scenario parameters (F12): what the form holds, their defaults, and their validation.
//!
//! As with the run configuration, [`RawScenarioParams`] holds the form's strings (durations
//! in seconds, intervals in milliseconds, as typed) and [`ScenarioParams::from_raw`] turns
//! them into typed values or one specific message per bad field. The defaults live in one
//! place, the `Default` of each kind's typed parameters; the form's defaults are printed
//! from them.

use crate::ScenarioKind;
use crate::config::{Field, MAX_SESSIONS, count, quoted};
use crate::ids::Millis;
use crate::url::REDACTED;

/// A scenario form field, or a run configuration field a scenario depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParamField {
    /// Number of sessions.
    Sessions,
    /// Automatic send interval, ms.
    IntervalMs,
    /// Duration, s.
    DurationS,
    /// Messages per session.
    Messages,
    /// Sessions per ramp-up batch.
    BatchSize,
    /// Time between batches, s.
    BatchEveryS,
    /// Hold time, s.
    HoldS,
    /// Open/close cycles.
    Cycles,
    /// Open time per cycle, s.
    OpenS,
    /// Closed time per cycle, s.
    ClosedS,
    /// Broadcasts per second.
    RatePerS,
    /// Warm-up before the first drop, s.
    WarmupS,
    /// Time between drops, s (0 = once).
    DropEveryS,
    /// Refused-connections time after a backend drop, s.
    OutageS,
    /// Recovery time that passes, s.
    RecoveryTargetS,
    /// Give up waiting for recovery after, s.
    RecoveryTimeoutS,
    /// Time watched for retries after the refusal, s.
    ObserveS,
    /// Use the backend's fault control.
    UseBackendFaults,
    /// The token the server must refuse.
    InvalidToken,
    /// The capacity finder's first rate, messages per second over all sessions.
    StartRate,
    /// Each step's rate is the last one times this…
    RateFactor,
    /// …plus this many messages per second.
    RateIncrement,
    /// How long each step lasts, s.
    StepS,
    /// The highest rate tried, messages per second.
    MaxRate,
    /// The most steps tried.
    MaxSteps,
    /// A step holds when this share of its target rate was answered, %.
    HoldPct,
    /// A step holds while its RTT p95 stays under this, ms (0: the RTT warning band).
    RttLimitMs,
    /// The health check's URL (readiness).
    HealthUrl,
    /// The statistics endpoint's URL (readiness).
    StatsUrl,
    /// An endpoint that needs no credentials, for the plain connection (readiness).
    PlainUrl,
    /// Probe the server's rate limit (readiness; off by default, asked before running).
    RateLimit,
    /// A field of the run configuration (the scenario needs something of it).
    Config(Field),
}

impl ParamField {
    /// Stable name, usable as a `data-testid` (`scenario-…`), or the configuration field's
    /// own name.
    pub fn as_str(self) -> &'static str {
        match self {
            ParamField::Sessions => "scenario-sessions",
            ParamField::IntervalMs => "scenario-interval",
            ParamField::DurationS => "scenario-duration",
            ParamField::Messages => "scenario-messages",
            ParamField::BatchSize => "scenario-batch-size",
            ParamField::BatchEveryS => "scenario-batch-every",
            ParamField::HoldS => "scenario-hold",
            ParamField::Cycles => "scenario-cycles",
            ParamField::OpenS => "scenario-open",
            ParamField::ClosedS => "scenario-closed",
            ParamField::RatePerS => "scenario-rate",
            ParamField::WarmupS => "scenario-warmup",
            ParamField::DropEveryS => "scenario-drop-every",
            ParamField::OutageS => "scenario-outage",
            ParamField::RecoveryTargetS => "scenario-recovery-target",
            ParamField::RecoveryTimeoutS => "scenario-recovery-timeout",
            ParamField::ObserveS => "scenario-observe",
            ParamField::UseBackendFaults => "scenario-backend-faults",
            ParamField::InvalidToken => "scenario-invalid-token",
            ParamField::StartRate => "scenario-start-rate",
            ParamField::RateFactor => "scenario-rate-factor",
            ParamField::RateIncrement => "scenario-rate-increment",
            ParamField::StepS => "scenario-step",
            ParamField::MaxRate => "scenario-max-rate",
            ParamField::MaxSteps => "scenario-max-steps",
            ParamField::HoldPct => "scenario-hold-pct",
            ParamField::RttLimitMs => "scenario-rtt-limit",
            ParamField::HealthUrl => "scenario-health-url",
            ParamField::StatsUrl => "scenario-stats-url",
            ParamField::PlainUrl => "scenario-plain-url",
            ParamField::RateLimit => "scenario-rate-limit",
            ParamField::Config(f) => f.as_str(),
        }
    }

    /// Human label with its unit, for the form.
    pub fn label(self) -> &'static str {
        match self {
            ParamField::Sessions => "Sessions",
            ParamField::IntervalMs => "Send interval (ms)",
            ParamField::DurationS => "Duration (s)",
            ParamField::Messages => "Messages per session",
            ParamField::BatchSize => "Sessions per batch",
            ParamField::BatchEveryS => "Batch every (s)",
            ParamField::HoldS => "Hold (s)",
            ParamField::Cycles => "Cycles",
            ParamField::OpenS => "Open for (s)",
            ParamField::ClosedS => "Closed for (s)",
            ParamField::RatePerS => "Broadcasts per second",
            ParamField::WarmupS => "Warm-up (s)",
            ParamField::DropEveryS => "Drop every (s, 0 = once)",
            ParamField::OutageS => "Outage (s, backend faults only)",
            ParamField::RecoveryTargetS => "Recovery target (s)",
            ParamField::RecoveryTimeoutS => "Give up after (s)",
            ParamField::ObserveS => "Watch for retries (s)",
            ParamField::UseBackendFaults => "Use the backend's fault control",
            ParamField::InvalidToken => "Invalid token",
            ParamField::StartRate => "Start rate (msgs/s, all sessions)",
            ParamField::RateFactor => "Rate × per step",
            ParamField::RateIncrement => "Rate + per step (msgs/s)",
            ParamField::StepS => "Step duration (s)",
            ParamField::MaxRate => "Max rate (msgs/s)",
            ParamField::MaxSteps => "Max steps",
            ParamField::HoldPct => "Holds at (% of target answered)",
            ParamField::RttLimitMs => "RTT p95 limit (ms, 0 = warning band)",
            ParamField::HealthUrl => "Health URL",
            ParamField::StatsUrl => "Statistics URL",
            ParamField::PlainUrl => "Open endpoint (no credentials)",
            ParamField::RateLimit => "Probe the rate limit (sends at rising rates)",
            ParamField::Config(_) => "Configuration",
        }
    }
}

impl serde::Serialize for ParamField {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A message about one field; nothing starts while there is one.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ParamError {
    /// The field.
    pub field: ParamField,
    /// A sentence for the user; never contains a token.
    pub message: String,
}

impl ParamError {
    pub(crate) fn new(field: ParamField, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

impl ScenarioKind {
    /// The form fields this scenario uses, in display order.
    pub fn fields(self) -> &'static [ParamField] {
        use ParamField::*;
        match self {
            ScenarioKind::Load | ScenarioKind::Soak => &[Sessions, IntervalMs, DurationS],
            ScenarioKind::Reliability => &[Sessions, Messages, IntervalMs],
            ScenarioKind::Recovery => &[
                Sessions,
                IntervalMs,
                WarmupS,
                DurationS,
                DropEveryS,
                OutageS,
                RecoveryTargetS,
                RecoveryTimeoutS,
                UseBackendFaults,
            ],
            ScenarioKind::MemoryLeak => &[Sessions, Cycles, OpenS, ClosedS, IntervalMs],
            ScenarioKind::RampUp => &[Sessions, BatchSize, BatchEveryS, HoldS, IntervalMs],
            ScenarioKind::Broadcast => &[Sessions, RatePerS, DurationS],
            ScenarioKind::Auth => &[Sessions, HoldS, ObserveS, InvalidToken],
            ScenarioKind::Capacity => &[
                Sessions,
                StartRate,
                RateFactor,
                RateIncrement,
                StepS,
                MaxRate,
                MaxSteps,
                HoldPct,
                RttLimitMs,
            ],
            ScenarioKind::Readiness => &[HealthUrl, StatsUrl, PlainUrl, InvalidToken, RateLimit],
        }
    }
}

/// Load: N sessions sending automatically for a duration.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct LoadParams {
    /// Sessions (default 15).
    pub sessions: u32,
    /// Automatic send interval per session, ms (default 1000); 0 keeps one message in flight.
    pub interval_ms: Millis,
    /// How long, ms (default 60 000).
    pub duration_ms: Millis,
}

impl Default for LoadParams {
    fn default() -> Self {
        Self {
            sessions: 15,
            interval_ms: 1000.0,
            duration_ms: 60_000.0,
        }
    }
}

/// Persistence / soak: sessions held with heartbeats (always on in this scenario).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SoakParams {
    /// Sessions (default 15).
    pub sessions: u32,
    /// Automatic send interval per session, ms (default 1000).
    pub interval_ms: Millis,
    /// How long, ms (default 30 min).
    pub duration_ms: Millis,
}

impl Default for SoakParams {
    fn default() -> Self {
        Self {
            sessions: 15,
            interval_ms: 1000.0,
            duration_ms: 30.0 * 60_000.0,
        }
    }
}

/// Message reliability: K messages per session, paced.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ReliabilityParams {
    /// Sessions (default 5).
    pub sessions: u32,
    /// Messages per session, K (default 100).
    pub messages: u32,
    /// Time between two messages of a session, ms (default 50).
    pub interval_ms: Millis,
}

impl Default for ReliabilityParams {
    fn default() -> Self {
        Self {
            sessions: 5,
            messages: 100,
            interval_ms: 50.0,
        }
    }
}

/// Network recovery: drops, then recovery time and queued-message delivery.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct RecoveryParams {
    /// Sessions (default 5).
    pub sessions: u32,
    /// Automatic send interval per session, ms (default 1000).
    pub interval_ms: Millis,
    /// Traffic before the first drop, ms (default 5000).
    pub warmup_ms: Millis,
    /// How long the scenario runs, warm-up included, ms (default 60 000); it runs on until
    /// the last recovery ends or times out.
    pub duration_ms: Millis,
    /// Time between drops, ms; 0 drops once (default 0).
    pub drop_every_ms: Millis,
    /// With backend faults: how long new connections are refused after a drop, ms
    /// (default 0).
    pub outage_ms: Millis,
    /// Recovery time (drop → open, slowest session) that passes, ms (default 5000); up to
    /// twice that is a warning.
    pub recovery_target_ms: Millis,
    /// How long to wait for every session to come back before failing, ms (default 30 000).
    pub recovery_timeout_ms: Millis,
    /// Drop through the backend's fault control (`POST /api/faults/drop-all`), falling
    /// back to an abnormal client-side close when it is not there (default true).
    pub use_backend_faults: bool,
}

impl Default for RecoveryParams {
    fn default() -> Self {
        Self {
            sessions: 5,
            interval_ms: 1000.0,
            warmup_ms: 5000.0,
            duration_ms: 60_000.0,
            drop_every_ms: 0.0,
            outage_ms: 0.0,
            recovery_target_ms: 5000.0,
            recovery_timeout_ms: 30_000.0,
            use_backend_faults: true,
        }
    }
}

/// Memory leak detection: cycles of opening and closing every session.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct MemoryLeakParams {
    /// Sessions opened each cycle (default 10).
    pub sessions: u32,
    /// Cycles, C (default 20).
    pub cycles: u32,
    /// How long the sessions stay open each cycle, ms (default 10 000).
    pub open_ms: Millis,
    /// How long they stay closed, ms (default 5000).
    pub closed_ms: Millis,
    /// Automatic send interval while open, ms (default 1000).
    pub interval_ms: Millis,
}

impl Default for MemoryLeakParams {
    fn default() -> Self {
        Self {
            sessions: 10,
            cycles: 20,
            open_ms: 10_000.0,
            closed_ms: 5000.0,
            interval_ms: 1000.0,
        }
    }
}

/// Ramp-up: batches of B sessions every T until N, then a hold.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct RampUpParams {
    /// Sessions at the top, N (default 50).
    pub sessions: u32,
    /// Sessions per batch, B (default 5).
    pub batch_size: u32,
    /// Time between batches, ms (default 2000).
    pub batch_every_ms: Millis,
    /// Hold at N, ms (default 10 000).
    pub hold_ms: Millis,
    /// Automatic send interval per session, ms (default 1000).
    pub interval_ms: Millis,
}

impl Default for RampUpParams {
    fn default() -> Self {
        Self {
            sessions: 50,
            batch_size: 5,
            batch_every_ms: 2000.0,
            hold_ms: 10_000.0,
            interval_ms: 1000.0,
        }
    }
}

/// Broadcast: `{"type":"broadcast","id":…}` at a rate, fanned out by the server.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct BroadcastParams {
    /// Sessions (default 10; at least 2).
    pub sessions: u32,
    /// Broadcasts per second over all sessions, R (default 5).
    pub rate_per_s: f64,
    /// How long, ms (default 30 000).
    pub duration_ms: Millis,
}

impl Default for BroadcastParams {
    fn default() -> Self {
        Self {
            sessions: 10,
            rate_per_s: 5.0,
            duration_ms: 30_000.0,
        }
    }
}

/// Auth: the configured token must connect; an invalid one must be refused, not retried.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct AuthParams {
    /// Sessions (default 3).
    pub sessions: u32,
    /// How long the valid token's sessions must stay open, ms (default 2000).
    pub hold_ms: Millis,
    /// How long to watch for retries after the invalid token was refused, ms (default 5000).
    pub observe_ms: Millis,
    /// A token the server must refuse (default `invalid-token`). Redacted in reports.
    #[serde(serialize_with = "redacted")]
    pub invalid_token: String,
}

fn redacted<S: serde::Serializer>(v: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(if v.is_empty() { "" } else { REDACTED })
}

impl Default for AuthParams {
    fn default() -> Self {
        Self {
            sessions: 3,
            hold_ms: 2000.0,
            observe_ms: 5000.0,
            invalid_token: "invalid-token".into(),
        }
    }
}

/// The highest rate the capacity finder tries, messages per second over all sessions
/// (about the console's own burst ceiling in one tab).
pub const MAX_CAPACITY_RATE: f64 = 20_000.0;
/// The most steps one capacity search may take.
pub const MAX_CAPACITY_STEPS: u32 = 100;

/// Capacity finder: a rate that rises step by step until a step does not hold.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CapacityParams {
    /// Sessions sharing the rate (default 5).
    pub sessions: u32,
    /// The first step's rate, messages per second over all sessions (default 10).
    pub start_rate_per_s: f64,
    /// Each next rate is the last one times this… (default 1.5).
    pub rate_factor: f64,
    /// …plus this (default 0).
    pub rate_increment_per_s: f64,
    /// How long each step lasts, ms (default 5000).
    pub step_ms: Millis,
    /// The highest rate tried (default 2000); the last step runs at it exactly.
    pub max_rate_per_s: f64,
    /// The most steps tried (default 20, at most [`MAX_CAPACITY_STEPS`]).
    pub max_steps: u32,
    /// A step holds when at least this share of its target rate was answered, % (default 95).
    pub hold_pct: f64,
    /// A step holds while its RTT p95 stays at or under this, ms; 0 takes the thresholds'
    /// RTT warning band (default 0).
    pub rtt_limit_ms: Millis,
}

impl Default for CapacityParams {
    fn default() -> Self {
        Self {
            sessions: 5,
            start_rate_per_s: 10.0,
            rate_factor: 1.5,
            rate_increment_per_s: 0.0,
            step_ms: 5000.0,
            max_rate_per_s: 2000.0,
            max_steps: 20,
            hold_pct: 95.0,
            rtt_limit_ms: 0.0,
        }
    }
}

/// Readiness: a checklist of the backend's endpoints, auth modes, messages, TLS and limits.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ReadinessParams {
    /// The health check (default `/health`, on the endpoint's origin); empty skips it.
    pub health_url: String,
    /// The statistics endpoint (default `/api/ws/stats`); empty skips it.
    pub stats_url: String,
    /// An endpoint that takes no credentials (default `/ws`); empty skips the plain
    /// connection.
    pub plain_url: String,
    /// A token the server must refuse (default `invalid-token`). Redacted in reports.
    #[serde(serialize_with = "redacted")]
    pub invalid_token: String,
    /// Probe the rate limit (default off): messages at rising rates until the server closes.
    pub rate_limit: bool,
}

impl Default for ReadinessParams {
    fn default() -> Self {
        Self {
            health_url: "/health".into(),
            stats_url: "/api/ws/stats".into(),
            plain_url: "/ws".into(),
            invalid_token: "invalid-token".into(),
            rate_limit: false,
        }
    }
}

impl CapacityParams {
    /// The target rate of every step, in order: from the start rate, each times the factor
    /// plus the increment (to 0.1 msgs/s), the last one at most the max rate, at least one
    /// and at most `max_steps` (and [`MAX_CAPACITY_STEPS`]) of them. Rates stay within
    /// 0.1 – [`MAX_CAPACITY_RATE`] whatever the parameters (the form checks them; typed
    /// parameters may come from elsewhere).
    pub fn rates(&self) -> Vec<f64> {
        let mut out = Vec::new();
        // A NaN becomes the floor (`clamp` would keep it).
        let within = |v: f64, hi: f64| if v.is_nan() { 0.1 } else { v.clamp(0.1, hi) };
        let max = within(self.max_rate_per_s, MAX_CAPACITY_RATE);
        let mut r = within(self.start_rate_per_s, max);
        while out.len() < self.max_steps.clamp(1, MAX_CAPACITY_STEPS) as usize {
            out.push(r);
            let next = ((r * self.rate_factor + self.rate_increment_per_s) * 10.0).round() / 10.0;
            if r >= max || next.is_nan() || next <= r {
                break;
            }
            r = next.min(max);
        }
        out
    }
}

/// Validated parameters of one scenario.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum ScenarioParams {
    /// Load.
    Load(LoadParams),
    /// Persistence / soak.
    Soak(SoakParams),
    /// Message reliability.
    Reliability(ReliabilityParams),
    /// Network recovery.
    Recovery(RecoveryParams),
    /// Memory leak detection.
    MemoryLeak(MemoryLeakParams),
    /// Ramp-up.
    RampUp(RampUpParams),
    /// Broadcast.
    Broadcast(BroadcastParams),
    /// Auth.
    Auth(AuthParams),
    /// Capacity finder.
    Capacity(CapacityParams),
    /// Readiness checklist.
    Readiness(ReadinessParams),
}

impl ScenarioParams {
    /// The defaults of `kind`.
    pub fn defaults(kind: ScenarioKind) -> ScenarioParams {
        match kind {
            ScenarioKind::Load => ScenarioParams::Load(LoadParams::default()),
            ScenarioKind::Soak => ScenarioParams::Soak(SoakParams::default()),
            ScenarioKind::Reliability => ScenarioParams::Reliability(ReliabilityParams::default()),
            ScenarioKind::Recovery => ScenarioParams::Recovery(RecoveryParams::default()),
            ScenarioKind::MemoryLeak => ScenarioParams::MemoryLeak(MemoryLeakParams::default()),
            ScenarioKind::RampUp => ScenarioParams::RampUp(RampUpParams::default()),
            ScenarioKind::Broadcast => ScenarioParams::Broadcast(BroadcastParams::default()),
            ScenarioKind::Auth => ScenarioParams::Auth(AuthParams::default()),
            ScenarioKind::Capacity => ScenarioParams::Capacity(CapacityParams::default()),
            ScenarioKind::Readiness => ScenarioParams::Readiness(ReadinessParams::default()),
        }
    }

    /// Which scenario these are for.
    pub fn kind(&self) -> ScenarioKind {
        match self {
            ScenarioParams::Load(_) => ScenarioKind::Load,
            ScenarioParams::Soak(_) => ScenarioKind::Soak,
            ScenarioParams::Reliability(_) => ScenarioKind::Reliability,
            ScenarioParams::Recovery(_) => ScenarioKind::Recovery,
            ScenarioParams::MemoryLeak(_) => ScenarioKind::MemoryLeak,
            ScenarioParams::RampUp(_) => ScenarioKind::RampUp,
            ScenarioParams::Broadcast(_) => ScenarioKind::Broadcast,
            ScenarioParams::Auth(_) => ScenarioKind::Auth,
            ScenarioParams::Capacity(_) => ScenarioKind::Capacity,
            ScenarioParams::Readiness(_) => ScenarioKind::Readiness,
        }
    }

    /// Number of sessions the run needs.
    pub fn sessions(&self) -> u32 {
        match self {
            ScenarioParams::Load(p) => p.sessions,
            ScenarioParams::Soak(p) => p.sessions,
            ScenarioParams::Reliability(p) => p.sessions,
            ScenarioParams::Recovery(p) => p.sessions,
            ScenarioParams::MemoryLeak(p) => p.sessions,
            ScenarioParams::RampUp(p) => p.sessions,
            ScenarioParams::Broadcast(p) => p.sessions,
            ScenarioParams::Auth(p) => p.sessions,
            ScenarioParams::Capacity(p) => p.sessions,
            ScenarioParams::Readiness(_) => super::readiness::SESSIONS,
        }
    }

    /// Validates the fields of `raw.kind`; every problem at once, one per field.
    pub fn from_raw(raw: &RawScenarioParams) -> Result<ScenarioParams, Vec<ParamError>> {
        let mut v = Validator {
            raw,
            errors: Vec::new(),
        };
        let params = match raw.kind {
            ScenarioKind::Load => ScenarioParams::Load(LoadParams {
                sessions: v.sessions(1),
                interval_ms: v.interval_or_in_flight(),
                duration_ms: v.duration(),
            }),
            ScenarioKind::Soak => ScenarioParams::Soak(SoakParams {
                sessions: v.sessions(1),
                interval_ms: v.interval(),
                duration_ms: v.duration(),
            }),
            ScenarioKind::Reliability => ScenarioParams::Reliability(ReliabilityParams {
                sessions: v.sessions(1),
                messages: v.count(
                    ParamField::Messages,
                    &raw.messages,
                    "Messages per session",
                    1,
                    100_000,
                ),
                interval_ms: v.interval(),
            }),
            ScenarioKind::Recovery => ScenarioParams::Recovery(RecoveryParams {
                sessions: v.sessions(1),
                interval_ms: v.interval(),
                warmup_ms: v.secs(ParamField::WarmupS, &raw.warmup_s, "Warm-up", 0.0, 3600.0),
                duration_ms: v.duration(),
                drop_every_ms: v.drop_every(),
                outage_ms: v.secs(ParamField::OutageS, &raw.outage_s, "Outage", 0.0, 3600.0),
                recovery_target_ms: v.secs(
                    ParamField::RecoveryTargetS,
                    &raw.recovery_target_s,
                    "Recovery target",
                    0.1,
                    3600.0,
                ),
                recovery_timeout_ms: v.secs(
                    ParamField::RecoveryTimeoutS,
                    &raw.recovery_timeout_s,
                    "Give-up time",
                    1.0,
                    3600.0,
                ),
                use_backend_faults: raw.use_backend_faults,
            }),
            ScenarioKind::MemoryLeak => ScenarioParams::MemoryLeak(MemoryLeakParams {
                sessions: v.sessions(1),
                cycles: v.count(ParamField::Cycles, &raw.cycles, "Cycles", 1, 1000),
                open_ms: v.secs(ParamField::OpenS, &raw.open_s, "Open time", 0.1, 3600.0),
                closed_ms: v.secs(
                    ParamField::ClosedS,
                    &raw.closed_s,
                    "Closed time",
                    0.0,
                    3600.0,
                ),
                interval_ms: v.interval(),
            }),
            ScenarioKind::RampUp => ScenarioParams::RampUp(RampUpParams {
                sessions: v.sessions(1),
                batch_size: v.count(
                    ParamField::BatchSize,
                    &raw.batch_size,
                    "Sessions per batch",
                    1,
                    MAX_SESSIONS,
                ),
                batch_every_ms: v.secs(
                    ParamField::BatchEveryS,
                    &raw.batch_every_s,
                    "Batch interval",
                    0.1,
                    3600.0,
                ),
                hold_ms: v.secs(ParamField::HoldS, &raw.hold_s, "Hold", 0.0, 86_400.0),
                interval_ms: v.interval(),
            }),
            ScenarioKind::Broadcast => ScenarioParams::Broadcast(BroadcastParams {
                sessions: v.sessions(2),
                rate_per_s: v.number(
                    ParamField::RatePerS,
                    &raw.rate_per_s,
                    "Broadcast rate",
                    "broadcasts per second",
                    0.1,
                    1000.0,
                ),
                duration_ms: v.duration(),
            }),
            ScenarioKind::Auth => ScenarioParams::Auth(AuthParams {
                sessions: v.sessions(1),
                hold_ms: v.secs(ParamField::HoldS, &raw.hold_s, "Hold", 0.0, 600.0),
                observe_ms: v.secs(
                    ParamField::ObserveS,
                    &raw.observe_s,
                    "Retry watch",
                    1.0,
                    600.0,
                ),
                invalid_token: v.invalid_token(),
            }),
            ScenarioKind::Capacity => ScenarioParams::Capacity(v.capacity()),
            ScenarioKind::Readiness => ScenarioParams::Readiness(ReadinessParams {
                health_url: v.url(ParamField::HealthUrl, &raw.health_url),
                stats_url: v.url(ParamField::StatsUrl, &raw.stats_url),
                plain_url: v.url(ParamField::PlainUrl, &raw.plain_url),
                invalid_token: v.invalid_token(),
                rate_limit: raw.rate_limit,
            }),
        };
        if v.errors.is_empty() {
            Ok(params)
        } else {
            Err(v.errors)
        }
    }
}

struct Validator<'a> {
    raw: &'a RawScenarioParams,
    errors: Vec<ParamError>,
}

impl Validator<'_> {
    fn fail(&mut self, field: ParamField, message: String) {
        self.errors.push(ParamError::new(field, message));
    }

    fn sessions(&mut self, min: u32) -> u32 {
        let t = self.raw.sessions.trim();
        match t.parse::<i64>() {
            Ok(n) if n > i64::from(MAX_SESSIONS) => {
                self.fail(
                    ParamField::Sessions,
                    format!(
                        "At most {MAX_SESSIONS} sessions: Chromium allows about 255 sockets per profile, shared with every tab; got {n}"
                    ),
                );
                0
            }
            Ok(n) if n >= i64::from(min) => n as u32,
            _ => {
                let why = if min > 1 {
                    format!(" (this scenario needs at least {min})")
                } else {
                    String::new()
                };
                self.fail(
                    ParamField::Sessions,
                    format!(
                        "Sessions must be a whole number from {min} to {MAX_SESSIONS}{why}; got {}",
                        quoted(t)
                    ),
                );
                0
            }
        }
    }

    fn count(&mut self, field: ParamField, s: &str, what: &str, min: u32, max: u32) -> u32 {
        count(s, what, min, max).unwrap_or_else(|m| {
            self.fail(field, m);
            0
        })
    }

    fn number(
        &mut self,
        field: ParamField,
        s: &str,
        what: &str,
        unit: &str,
        min: f64,
        max: f64,
    ) -> f64 {
        let t = s.trim();
        match t.parse::<f64>() {
            Ok(v) if v.is_finite() && (min..=max).contains(&v) => v,
            _ => {
                self.fail(
                    field,
                    format!(
                        "{what} must be a number of {unit} from {min} to {max}; got {}",
                        quoted(t)
                    ),
                );
                0.0
            }
        }
    }

    /// Seconds as typed, returned in ms.
    fn secs(&mut self, field: ParamField, s: &str, what: &str, min: f64, max: f64) -> Millis {
        self.number(field, s, what, "seconds", min, max) * 1000.0
    }

    fn interval(&mut self) -> Millis {
        let raw = self.raw.interval_ms.clone();
        self.number(
            ParamField::IntervalMs,
            &raw,
            "Send interval",
            "milliseconds",
            10.0,
            60_000.0,
        )
    }

    /// The load scenario's interval: as the form's, 0 keeps one message in flight.
    fn interval_or_in_flight(&mut self) -> Millis {
        crate::config::send_interval(&self.raw.interval_ms).unwrap_or_else(|e| {
            self.fail(ParamField::IntervalMs, e);
            0.0
        })
    }

    fn duration(&mut self) -> Millis {
        let raw = self.raw.duration_s.clone();
        self.secs(ParamField::DurationS, &raw, "Duration", 1.0, 86_400.0)
    }

    fn drop_every(&mut self) -> Millis {
        let raw = self.raw.drop_every_s.clone();
        let t = raw.trim();
        match t.parse::<f64>() {
            Ok(v) if v == 0.0 || (v.is_finite() && (1.0..=3600.0).contains(&v)) => v * 1000.0,
            _ => {
                self.fail(
                    ParamField::DropEveryS,
                    format!(
                        "Drop interval must be 0 (drop once) or a number of seconds from 1 to 3600; got {}",
                        quoted(t)
                    ),
                );
                0.0
            }
        }
    }

    fn rate(&mut self, field: ParamField, s: &str, what: &str, min: f64) -> f64 {
        self.number(
            field,
            s,
            what,
            "messages per second",
            min,
            MAX_CAPACITY_RATE,
        )
    }

    fn capacity(&mut self) -> CapacityParams {
        let raw = self.raw;
        let p = CapacityParams {
            sessions: self.sessions(1),
            start_rate_per_s: self.rate(
                ParamField::StartRate,
                &raw.start_rate_per_s,
                "Start rate",
                0.1,
            ),
            rate_factor: self.number(
                ParamField::RateFactor,
                &raw.rate_factor,
                "Rate factor",
                "times",
                1.0,
                10.0,
            ),
            rate_increment_per_s: self.rate(
                ParamField::RateIncrement,
                &raw.rate_increment_per_s,
                "Rate increment",
                0.0,
            ),
            step_ms: self.secs(ParamField::StepS, &raw.step_s, "Step duration", 1.0, 600.0),
            max_rate_per_s: self.rate(ParamField::MaxRate, &raw.max_rate_per_s, "Max rate", 0.1),
            max_steps: self.count(
                ParamField::MaxSteps,
                &raw.max_steps,
                "Max steps",
                1,
                MAX_CAPACITY_STEPS,
            ),
            hold_pct: self.number(
                ParamField::HoldPct,
                &raw.hold_pct,
                "Hold share",
                "percent",
                50.0,
                100.0,
            ),
            rtt_limit_ms: self.number(
                ParamField::RttLimitMs,
                &raw.rtt_limit_ms,
                "RTT p95 limit",
                "milliseconds",
                0.0,
                60_000.0,
            ),
        };
        let known = |errors: &[ParamError], f: ParamField| !errors.iter().any(|e| e.field == f);
        let rates_known = known(&self.errors, ParamField::RateFactor)
            && known(&self.errors, ParamField::RateIncrement);
        let bounds_known =
            known(&self.errors, ParamField::StartRate) && known(&self.errors, ParamField::MaxRate);
        if rates_known && p.rate_factor <= 1.0 && p.rate_increment_per_s < 0.1 {
            self.fail(
                ParamField::RateFactor,
                "The rate must rise from step to step: a factor above 1, or an increment of at least 0.1 msgs/s".into(),
            );
        }
        if bounds_known && p.max_rate_per_s < p.start_rate_per_s {
            self.fail(
                ParamField::MaxRate,
                format!(
                    "Max rate must be at least the start rate ({} msgs/s); got {}",
                    num(p.start_rate_per_s),
                    num(p.max_rate_per_s)
                ),
            );
        }
        p
    }

    /// A URL or a path: empty (the check is skipped), `/…`, or `http(s)://` / `ws(s)://`.
    fn url(&mut self, field: ParamField, s: &str) -> String {
        let t = s.trim();
        let schemes = ["http://", "https://", "ws://", "wss://"];
        let ok = t.is_empty()
            || (t.starts_with('/') && !t.starts_with("//"))
            || schemes
                .iter()
                .any(|p| t.len() > p.len() && t.starts_with(p));
        if !ok || t.len() > 2048 || t.chars().any(char::is_whitespace) {
            self.fail(
                field,
                format!(
                    "Enter a path such as /health, a full http(s):// or ws(s):// URL, or nothing to skip; got {}",
                    quoted(t)
                ),
            );
        }
        t.to_owned()
    }

    fn invalid_token(&mut self) -> String {
        let t = self.raw.invalid_token.trim();
        if t.is_empty() {
            self.fail(
                ParamField::InvalidToken,
                "Enter a token the server must refuse, e.g. invalid-token".into(),
            );
        }
        t.to_owned()
    }
}

/// The scenario form, as typed. Start from [`RawScenarioParams::defaults`]; only the
/// fields of [`ScenarioKind::fields`] are read. Serialisable (F15) without the invalid
/// token, which is a token like any other.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct RawScenarioParams {
    /// Which scenario.
    pub kind: ScenarioKind,
    /// Sessions, 1–200.
    pub sessions: String,
    /// Automatic send interval, ms (10–60000).
    pub interval_ms: String,
    /// Duration, s.
    pub duration_s: String,
    /// Messages per session (reliability).
    pub messages: String,
    /// Sessions per batch (ramp-up).
    pub batch_size: String,
    /// Time between batches, s (ramp-up).
    pub batch_every_s: String,
    /// Hold, s (ramp-up, auth).
    pub hold_s: String,
    /// Cycles (memory leak).
    pub cycles: String,
    /// Open time per cycle, s (memory leak).
    pub open_s: String,
    /// Closed time per cycle, s (memory leak).
    pub closed_s: String,
    /// Broadcasts per second (broadcast).
    pub rate_per_s: String,
    /// Warm-up, s (recovery).
    pub warmup_s: String,
    /// Time between drops, s; 0 = once (recovery).
    pub drop_every_s: String,
    /// Refused-connections time, s (recovery, backend faults).
    pub outage_s: String,
    /// Recovery time that passes, s (recovery).
    pub recovery_target_s: String,
    /// Give up after, s (recovery).
    pub recovery_timeout_s: String,
    /// Retry watch, s (auth).
    pub observe_s: String,
    /// Use the backend's fault control (recovery).
    pub use_backend_faults: bool,
    /// Health URL (readiness).
    pub health_url: String,
    /// Statistics URL (readiness).
    pub stats_url: String,
    /// Open endpoint for the plain connection (readiness).
    pub plain_url: String,
    /// Probe the rate limit (readiness).
    pub rate_limit: bool,
    /// The token the server must refuse (auth). Never serialised.
    #[serde(skip)]
    pub invalid_token: String,
    /// First rate, msgs/s (capacity).
    pub start_rate_per_s: String,
    /// Rate factor per step (capacity).
    pub rate_factor: String,
    /// Rate increment per step, msgs/s (capacity).
    pub rate_increment_per_s: String,
    /// Step duration, s (capacity).
    pub step_s: String,
    /// Highest rate, msgs/s (capacity).
    pub max_rate_per_s: String,
    /// Most steps (capacity).
    pub max_steps: String,
    /// Hold share, % (capacity).
    pub hold_pct: String,
    /// RTT p95 limit, ms; 0 = the warning band (capacity).
    pub rtt_limit_ms: String,
}

impl Default for RawScenarioParams {
    fn default() -> Self {
        Self::defaults(ScenarioKind::Load)
    }
}

/// A number as a user would type it: no trailing `.0`.
fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

impl RawScenarioParams {
    /// The text a form field edits, or `None` for a field that is not text (the backend-faults
    /// switch, configuration fields).
    pub fn text_mut(&mut self, field: ParamField) -> Option<&mut String> {
        Some(match field {
            ParamField::Sessions => &mut self.sessions,
            ParamField::IntervalMs => &mut self.interval_ms,
            ParamField::DurationS => &mut self.duration_s,
            ParamField::Messages => &mut self.messages,
            ParamField::BatchSize => &mut self.batch_size,
            ParamField::BatchEveryS => &mut self.batch_every_s,
            ParamField::HoldS => &mut self.hold_s,
            ParamField::Cycles => &mut self.cycles,
            ParamField::OpenS => &mut self.open_s,
            ParamField::ClosedS => &mut self.closed_s,
            ParamField::RatePerS => &mut self.rate_per_s,
            ParamField::WarmupS => &mut self.warmup_s,
            ParamField::DropEveryS => &mut self.drop_every_s,
            ParamField::OutageS => &mut self.outage_s,
            ParamField::RecoveryTargetS => &mut self.recovery_target_s,
            ParamField::RecoveryTimeoutS => &mut self.recovery_timeout_s,
            ParamField::ObserveS => &mut self.observe_s,
            ParamField::InvalidToken => &mut self.invalid_token,
            ParamField::StartRate => &mut self.start_rate_per_s,
            ParamField::RateFactor => &mut self.rate_factor,
            ParamField::RateIncrement => &mut self.rate_increment_per_s,
            ParamField::StepS => &mut self.step_s,
            ParamField::MaxRate => &mut self.max_rate_per_s,
            ParamField::MaxSteps => &mut self.max_steps,
            ParamField::HoldPct => &mut self.hold_pct,
            ParamField::RttLimitMs => &mut self.rtt_limit_ms,
            ParamField::HealthUrl => &mut self.health_url,
            ParamField::StatsUrl => &mut self.stats_url,
            ParamField::PlainUrl => &mut self.plain_url,
            ParamField::UseBackendFaults | ParamField::RateLimit | ParamField::Config(_) => {
                return None;
            }
        })
    }

    /// The switch a form field turns, or `None` for a field that is not a switch.
    pub fn flag_mut(&mut self, field: ParamField) -> Option<&mut bool> {
        match field {
            ParamField::UseBackendFaults => Some(&mut self.use_backend_faults),
            ParamField::RateLimit => Some(&mut self.rate_limit),
            _ => None,
        }
    }

    /// Whether a switch is on (false for a field that is not a switch).
    pub fn flag(&self, field: ParamField) -> bool {
        self.clone().flag_mut(field).is_some_and(|f| *f)
    }

    /// The text of a form field (empty for a field that is not text).
    pub fn text(&self, field: ParamField) -> String {
        self.clone().text_mut(field).cloned().unwrap_or_default()
    }

    /// The form filled with `kind`'s defaults; fields `kind` does not use hold the other
    /// scenarios' defaults.
    pub fn defaults(kind: ScenarioKind) -> Self {
        let load = LoadParams::default();
        let rel = ReliabilityParams::default();
        let rec = RecoveryParams::default();
        let mem = MemoryLeakParams::default();
        let ramp = RampUpParams::default();
        let bc = BroadcastParams::default();
        let auth = AuthParams::default();
        let cap = CapacityParams::default();
        let ready = ReadinessParams::default();
        let secs = |ms: Millis| num(ms / 1000.0);
        let mut raw = Self {
            kind,
            sessions: load.sessions.to_string(),
            interval_ms: num(load.interval_ms),
            duration_s: secs(load.duration_ms),
            messages: rel.messages.to_string(),
            batch_size: ramp.batch_size.to_string(),
            batch_every_s: secs(ramp.batch_every_ms),
            hold_s: secs(ramp.hold_ms),
            cycles: mem.cycles.to_string(),
            open_s: secs(mem.open_ms),
            closed_s: secs(mem.closed_ms),
            rate_per_s: num(bc.rate_per_s),
            warmup_s: secs(rec.warmup_ms),
            drop_every_s: secs(rec.drop_every_ms),
            outage_s: secs(rec.outage_ms),
            recovery_target_s: secs(rec.recovery_target_ms),
            recovery_timeout_s: secs(rec.recovery_timeout_ms),
            observe_s: secs(auth.observe_ms),
            use_backend_faults: rec.use_backend_faults,
            invalid_token: auth.invalid_token.clone(),
            start_rate_per_s: num(cap.start_rate_per_s),
            rate_factor: num(cap.rate_factor),
            rate_increment_per_s: num(cap.rate_increment_per_s),
            step_s: secs(cap.step_ms),
            max_rate_per_s: num(cap.max_rate_per_s),
            max_steps: cap.max_steps.to_string(),
            hold_pct: num(cap.hold_pct),
            rtt_limit_ms: num(cap.rtt_limit_ms),
            health_url: ready.health_url,
            stats_url: ready.stats_url,
            plain_url: ready.plain_url,
            rate_limit: ready.rate_limit,
        };
        match ScenarioParams::defaults(kind) {
            ScenarioParams::Load(_) => {}
            ScenarioParams::Soak(p) => {
                raw.sessions = p.sessions.to_string();
                raw.interval_ms = num(p.interval_ms);
                raw.duration_s = secs(p.duration_ms);
            }
            ScenarioParams::Reliability(p) => {
                raw.sessions = p.sessions.to_string();
                raw.interval_ms = num(p.interval_ms);
            }
            ScenarioParams::Recovery(p) => {
                raw.sessions = p.sessions.to_string();
                raw.interval_ms = num(p.interval_ms);
                raw.duration_s = secs(p.duration_ms);
            }
            ScenarioParams::MemoryLeak(p) => {
                raw.sessions = p.sessions.to_string();
                raw.interval_ms = num(p.interval_ms);
            }
            ScenarioParams::RampUp(p) => {
                raw.sessions = p.sessions.to_string();
                raw.interval_ms = num(p.interval_ms);
            }
            ScenarioParams::Broadcast(p) => {
                raw.sessions = p.sessions.to_string();
                raw.duration_s = secs(p.duration_ms);
            }
            ScenarioParams::Auth(p) => {
                raw.sessions = p.sessions.to_string();
                raw.hold_s = secs(p.hold_ms);
            }
            ScenarioParams::Capacity(p) => raw.sessions = p.sessions.to_string(),
            ScenarioParams::Readiness(_) => {}
        }
        raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_defaults_validate_to_the_typed_defaults() {
        for kind in ScenarioKind::ALL {
            let raw = RawScenarioParams::defaults(kind);
            let parsed = ScenarioParams::from_raw(&raw).unwrap();
            assert_eq!(parsed, ScenarioParams::defaults(kind), "{kind:?}");
            assert_eq!(parsed.kind(), kind);
        }
        let ScenarioParams::Load(load) = ScenarioParams::defaults(ScenarioKind::Load) else {
            unreachable!()
        };
        assert_eq!(
            (load.sessions, load.interval_ms, load.duration_ms),
            (15, 1000.0, 60_000.0)
        );
    }

    fn errors(kind: ScenarioKind, f: impl FnOnce(&mut RawScenarioParams)) -> Vec<ParamError> {
        let mut raw = RawScenarioParams::defaults(kind);
        f(&mut raw);
        ScenarioParams::from_raw(&raw).unwrap_err()
    }

    #[test]
    fn bad_values_get_one_message_per_field() {
        let e = errors(ScenarioKind::Load, |r| {
            r.sessions = "abc".into();
            r.interval_ms = "5".into();
            r.duration_s = "-1".into();
        });
        let fields: Vec<ParamField> = e.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec![
                ParamField::Sessions,
                ParamField::IntervalMs,
                ParamField::DurationS
            ]
        );
        assert_eq!(
            e[0].message,
            "Sessions must be a whole number from 1 to 200; got \"abc\""
        );
        assert_eq!(
            e[1].message,
            "Send interval must be a number of milliseconds from 10 to 60000, or 0 for one message in flight (the next goes when its reply is in); got \"5\""
        );
        assert_eq!(
            e[2].message,
            "Duration must be a number of seconds from 1 to 86400; got \"-1\""
        );
        let e = errors(ScenarioKind::Load, |r| r.sessions = "201".into());
        assert!(e[0].message.contains("Chromium allows about 255 sockets"));
    }

    #[test]
    fn fields_a_scenario_does_not_use_are_not_checked() {
        let mut raw = RawScenarioParams::defaults(ScenarioKind::Load);
        raw.cycles = "nope".into();
        raw.invalid_token = String::new();
        assert!(ScenarioParams::from_raw(&raw).is_ok());
    }

    #[test]
    fn scenario_specific_rules() {
        let e = errors(ScenarioKind::Broadcast, |r| r.sessions = "1".into());
        assert!(
            e[0].message.contains("needs at least 2"),
            "{}",
            e[0].message
        );
        let e = errors(ScenarioKind::Recovery, |r| r.drop_every_s = "0.5".into());
        assert_eq!(e[0].field, ParamField::DropEveryS);
        let e = errors(ScenarioKind::Auth, |r| r.invalid_token = " ".into());
        assert_eq!(e[0].field, ParamField::InvalidToken);
        let e = errors(ScenarioKind::Reliability, |r| r.messages = "0".into());
        assert_eq!(e[0].field, ParamField::Messages);
        let e = errors(ScenarioKind::RampUp, |r| r.batch_every_s = "x".into());
        assert_eq!(e[0].field, ParamField::BatchEveryS);
        let e = errors(ScenarioKind::Readiness, |r| {
            r.health_url = "health".into();
            r.stats_url = "//evil.example/x".into();
            r.plain_url = format!("/{}", "a".repeat(2048));
        });
        let fields: Vec<ParamField> = e.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                ParamField::HealthUrl,
                ParamField::StatsUrl,
                ParamField::PlainUrl
            ]
        );
        let mut raw = RawScenarioParams::defaults(ScenarioKind::Readiness);
        raw.health_url = String::new();
        raw.stats_url = "https://api.example.com/stats".into();
        assert!(ScenarioParams::from_raw(&raw).is_ok());
    }

    #[test]
    fn seconds_become_milliseconds() {
        let mut raw = RawScenarioParams::defaults(ScenarioKind::Recovery);
        raw.drop_every_s = "10".into();
        raw.outage_s = "2.5".into();
        let ScenarioParams::Recovery(p) = ScenarioParams::from_raw(&raw).unwrap() else {
            unreachable!()
        };
        assert_eq!((p.drop_every_ms, p.outage_ms), (10_000.0, 2_500.0));
    }

    #[test]
    fn the_invalid_token_is_never_serialised() {
        let mut raw = RawScenarioParams::defaults(ScenarioKind::Auth);
        raw.invalid_token = "zz-secret-zz".into();
        let json = serde_json::to_string(&raw).unwrap();
        assert!(!json.contains("zz-secret-zz"));
        let p = ScenarioParams::from_raw(&raw).unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert!(!json.contains("zz-secret-zz"), "{json}");
        assert!(json.contains("[redacted]"));
        let back = RawScenarioParams::from_json(r#"{"kind":"auth","invalid_token":"x"}"#).unwrap();
        assert_eq!(back, RawScenarioParams::defaults(ScenarioKind::Auth));
    }

    #[test]
    fn every_form_field_of_every_scenario_edits_its_own_text() {
        for kind in ScenarioKind::ALL {
            for &field in kind.fields() {
                let mut raw = RawScenarioParams::defaults(kind);
                match raw.text_mut(field) {
                    Some(slot) => *slot = "7".into(),
                    None => {
                        let flag = raw.flag_mut(field).expect("a field is text or a switch");
                        *flag = !*flag;
                        assert_ne!(
                            raw.flag(field),
                            RawScenarioParams::defaults(kind).flag(field)
                        );
                        continue;
                    }
                }
                assert_eq!(raw.text(field), "7", "{kind:?} {field:?}");
                let others = kind.fields().iter().filter(|f| **f != field);
                for &other in others {
                    assert_eq!(
                        raw.text(other),
                        RawScenarioParams::defaults(kind).text(other),
                        "{field:?} left {other:?} alone"
                    );
                }
            }
        }
    }
}
