//! The capacity finder's parameters, beside its driver in `scenario::capacity`: defaults,
//! the rates they make, and how the form reads and writes them.

use super::{ParamField, RawScenarioParams, num, secs, secs_text, sessions};
use crate::form::{self, Validator};
use crate::ids::Millis;

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

impl CapacityParams {
    pub(super) fn parse(v: &mut Validator<ParamField>, raw: &RawScenarioParams) -> Option<Self> {
        let sessions = sessions(v, raw, 1);
        let start_rate_per_s = rate(
            v,
            ParamField::StartRate,
            &raw.start_rate_per_s,
            "Start rate",
            0.1,
        );
        let rate_factor = v.take(
            ParamField::RateFactor,
            form::number(&raw.rate_factor, "Rate factor", "times", 1.0, 10.0),
        );
        let rate_increment_per_s = rate(
            v,
            ParamField::RateIncrement,
            &raw.rate_increment_per_s,
            "Rate increment",
            0.0,
        );
        let step_ms = secs(
            v,
            ParamField::StepS,
            &raw.step_s,
            "Step duration",
            1.0,
            600.0,
        );
        let max_rate_per_s = rate(v, ParamField::MaxRate, &raw.max_rate_per_s, "Max rate", 0.1);
        let max_steps = v.take(
            ParamField::MaxSteps,
            form::count(&raw.max_steps, "Max steps", 1, MAX_CAPACITY_STEPS),
        );
        let hold_pct = v.take(
            ParamField::HoldPct,
            form::number(&raw.hold_pct, "Hold share", "percent", 50.0, 100.0),
        );
        let rtt_limit_ms = v.take(
            ParamField::RttLimitMs,
            form::number(
                &raw.rtt_limit_ms,
                "RTT p95 limit",
                "milliseconds",
                0.0,
                60_000.0,
            ),
        );
        if let (Some(factor), Some(increment)) = (rate_factor, rate_increment_per_s)
            && factor <= 1.0
            && increment < 0.1
        {
            v.fail(
                ParamField::RateFactor,
                "The rate must rise from step to step: a factor above 1, or an increment of at least 0.1 msgs/s",
            );
        }
        if let (Some(start), Some(max)) = (start_rate_per_s, max_rate_per_s)
            && max < start
        {
            v.fail(
                ParamField::MaxRate,
                format!(
                    "Max rate must be at least the start rate ({} msgs/s); got {}",
                    num(start),
                    num(max)
                ),
            );
        }
        Some(Self {
            sessions: sessions?,
            start_rate_per_s: start_rate_per_s?,
            rate_factor: rate_factor?,
            rate_increment_per_s: rate_increment_per_s?,
            step_ms: step_ms?,
            max_rate_per_s: max_rate_per_s?,
            max_steps: max_steps?,
            hold_pct: hold_pct?,
            rtt_limit_ms: rtt_limit_ms?,
        })
    }

    pub(super) fn fill(&self, raw: &mut RawScenarioParams) {
        raw.sessions = self.sessions.to_string();
        raw.start_rate_per_s = num(self.start_rate_per_s);
        raw.rate_factor = num(self.rate_factor);
        raw.rate_increment_per_s = num(self.rate_increment_per_s);
        raw.step_s = secs_text(self.step_ms);
        raw.max_rate_per_s = num(self.max_rate_per_s);
        raw.max_steps = self.max_steps.to_string();
        raw.hold_pct = num(self.hold_pct);
        raw.rtt_limit_ms = num(self.rtt_limit_ms);
    }
}

/// A rate in messages per second, from `min` to [`MAX_CAPACITY_RATE`].
fn rate(
    v: &mut Validator<ParamField>,
    field: ParamField,
    text: &str,
    what: &str,
    min: f64,
) -> Option<f64> {
    v.take(
        field,
        form::number(text, what, "messages per second", min, MAX_CAPACITY_RATE),
    )
}
