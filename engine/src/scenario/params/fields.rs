//! The scenario form's fields ([`ParamField`]): their names and labels, their messages
//! ([`ParamError`]), and which fields each scenario shows.

use crate::ScenarioKind;
use crate::config::Field;
use crate::form::FormError;

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

/// A message about one scenario field; nothing starts while there is one.
pub type ParamError = FormError<ParamField>;

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
