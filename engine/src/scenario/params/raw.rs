//! The scenario form as typed ([`RawScenarioParams`]): one string per field, one binding per
//! field for the form, and the form filled with a scenario's defaults.

use super::{
    AuthParams, BroadcastParams, CapacityParams, LoadParams, MemoryLeakParams, ParamField,
    RampUpParams, ReadinessParams, RecoveryParams, ReliabilityParams, ScenarioParams, num,
    secs_text,
};
use crate::ScenarioKind;

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

crate::form::form_fields!(
    RawScenarioParams,
    ParamField,
    pub(super) fn text_str,
    text: [
        Sessions => sessions,
        IntervalMs => interval_ms,
        DurationS => duration_s,
        Messages => messages,
        BatchSize => batch_size,
        BatchEveryS => batch_every_s,
        HoldS => hold_s,
        Cycles => cycles,
        OpenS => open_s,
        ClosedS => closed_s,
        RatePerS => rate_per_s,
        WarmupS => warmup_s,
        DropEveryS => drop_every_s,
        OutageS => outage_s,
        RecoveryTargetS => recovery_target_s,
        RecoveryTimeoutS => recovery_timeout_s,
        ObserveS => observe_s,
        InvalidToken => invalid_token,
        StartRate => start_rate_per_s,
        RateFactor => rate_factor,
        RateIncrement => rate_increment_per_s,
        StepS => step_s,
        MaxRate => max_rate_per_s,
        MaxSteps => max_steps,
        HoldPct => hold_pct,
        RttLimitMs => rtt_limit_ms,
        HealthUrl => health_url,
        StatsUrl => stats_url,
        PlainUrl => plain_url,
    ],
    flags: [
        UseBackendFaults => use_backend_faults,
        RateLimit => rate_limit,
    ],
);

impl RawScenarioParams {
    /// The text of a form field (empty for a field that is not text).
    pub fn text(&self, field: ParamField) -> String {
        self.text_str(field).to_owned()
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
        let mut raw = Self {
            kind,
            sessions: load.sessions.to_string(),
            interval_ms: num(load.interval_ms),
            duration_s: secs_text(load.duration_ms),
            messages: rel.messages.to_string(),
            batch_size: ramp.batch_size.to_string(),
            batch_every_s: secs_text(ramp.batch_every_ms),
            hold_s: secs_text(ramp.hold_ms),
            cycles: mem.cycles.to_string(),
            open_s: secs_text(mem.open_ms),
            closed_s: secs_text(mem.closed_ms),
            rate_per_s: num(bc.rate_per_s),
            warmup_s: secs_text(rec.warmup_ms),
            drop_every_s: secs_text(rec.drop_every_ms),
            outage_s: secs_text(rec.outage_ms),
            recovery_target_s: secs_text(rec.recovery_target_ms),
            recovery_timeout_s: secs_text(rec.recovery_timeout_ms),
            observe_s: secs_text(auth.observe_ms),
            use_backend_faults: rec.use_backend_faults,
            invalid_token: auth.invalid_token.clone(),
            start_rate_per_s: num(cap.start_rate_per_s),
            rate_factor: num(cap.rate_factor),
            rate_increment_per_s: num(cap.rate_increment_per_s),
            step_s: secs_text(cap.step_ms),
            max_rate_per_s: num(cap.max_rate_per_s),
            max_steps: cap.max_steps.to_string(),
            hold_pct: num(cap.hold_pct),
            rtt_limit_ms: num(cap.rtt_limit_ms),
            health_url: ready.health_url,
            stats_url: ready.stats_url,
            plain_url: ready.plain_url,
            rate_limit: ready.rate_limit,
        };
        ScenarioParams::defaults(kind).fill(&mut raw);
        raw
    }
}
