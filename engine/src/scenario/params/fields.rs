//! The scenario form's fields ([`ParamField`]): their names and labels, their messages
//! ([`ParamError`]), and which fields each scenario shows.

use crate::ScenarioKind;
use crate::config::Field;
use crate::form::FormError;

/// The form's own fields, each once: its variant, its stable name and its label. The
/// enum, [`ParamField::as_str`] and [`ParamField::label`] are written from this one table.
macro_rules! param_fields {
    ($($(#[$doc:meta])* $variant:ident => $name:literal, $label:literal;)*) => {
        /// A scenario form field, or a run configuration field a scenario depends on.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ParamField {
            $($(#[$doc])* $variant,)*
            /// A field of the run configuration (the scenario needs something of it).
            Config(Field),
        }

        impl ParamField {
            /// Stable name, usable as a `data-testid` (`scenario-…`), or the configuration
            /// field's own name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ParamField::$variant => $name,)*
                    ParamField::Config(f) => f.as_str(),
                }
            }

            /// Human label with its unit, for the form.
            pub fn label(self) -> &'static str {
                match self {
                    $(ParamField::$variant => $label,)*
                    ParamField::Config(_) => "Configuration",
                }
            }
        }
    };
}

param_fields! {
    /// Number of sessions.
    Sessions => "scenario-sessions", "Sessions";
    /// Automatic send interval, ms.
    IntervalMs => "scenario-interval", "Send interval (ms)";
    /// Duration, s.
    DurationS => "scenario-duration", "Duration (s)";
    /// Messages per session.
    Messages => "scenario-messages", "Messages per session";
    /// Sessions per ramp-up batch.
    BatchSize => "scenario-batch-size", "Sessions per batch";
    /// Time between batches, s.
    BatchEveryS => "scenario-batch-every", "Batch every (s)";
    /// Hold time, s.
    HoldS => "scenario-hold", "Hold (s)";
    /// Open/close cycles.
    Cycles => "scenario-cycles", "Cycles";
    /// Open time per cycle, s.
    OpenS => "scenario-open", "Open for (s)";
    /// Closed time per cycle, s.
    ClosedS => "scenario-closed", "Closed for (s)";
    /// Broadcasts per second.
    RatePerS => "scenario-rate", "Broadcasts per second";
    /// Warm-up before the first drop, s.
    WarmupS => "scenario-warmup", "Warm-up (s)";
    /// Time between drops, s (0 = once).
    DropEveryS => "scenario-drop-every", "Drop every (s, 0 = once)";
    /// Refused-connections time after a backend drop, s.
    OutageS => "scenario-outage", "Outage (s, backend faults only)";
    /// Recovery time that passes, s.
    RecoveryTargetS => "scenario-recovery-target", "Recovery target (s)";
    /// Give up waiting for recovery after, s.
    RecoveryTimeoutS => "scenario-recovery-timeout", "Give up after (s)";
    /// Time watched for retries after the refusal, s.
    ObserveS => "scenario-observe", "Watch for retries (s)";
    /// Use the backend's fault control.
    UseBackendFaults => "scenario-backend-faults", "Use the backend's fault control";
    /// The token the server must refuse.
    InvalidToken => "scenario-invalid-token", "Invalid token";
    /// The capacity finder's first rate, messages per second over all sessions.
    StartRate => "scenario-start-rate", "Start rate (msgs/s, all sessions)";
    /// Each step's rate is the last one times this…
    RateFactor => "scenario-rate-factor", "Rate × per step";
    /// …plus this many messages per second.
    RateIncrement => "scenario-rate-increment", "Rate + per step (msgs/s)";
    /// How long each step lasts, s.
    StepS => "scenario-step", "Step duration (s)";
    /// The highest rate tried, messages per second.
    MaxRate => "scenario-max-rate", "Max rate (msgs/s)";
    /// The most steps tried.
    MaxSteps => "scenario-max-steps", "Max steps";
    /// A step holds when this share of its target rate was answered, %.
    HoldPct => "scenario-hold-pct", "Holds at (% of target answered)";
    /// A step holds while its RTT p95 stays under this, ms (0: the RTT warning band).
    RttLimitMs => "scenario-rtt-limit", "RTT p95 limit (ms, 0 = warning band)";
    /// The health check's URL (readiness).
    HealthUrl => "scenario-health-url", "Health URL";
    /// The statistics endpoint's URL (readiness).
    StatsUrl => "scenario-stats-url", "Statistics URL";
    /// An endpoint that needs no credentials, for the plain connection (readiness).
    PlainUrl => "scenario-plain-url", "Open endpoint (no credentials)";
    /// Probe the server's rate limit (readiness; off by default, asked before running).
    RateLimit => "scenario-rate-limit", "Probe the rate limit (sends at rising rates)";
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
