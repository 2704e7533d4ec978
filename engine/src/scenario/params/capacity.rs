//! The capacity finder's parameters, beside its driver in `scenario::capacity`: defaults,
//! the rates they make, and how the form reads and writes them.

use super::{ParamField, Walk, num};
use crate::form::Validator;
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
    pub(super) fn walk(&mut self, w: &mut impl Walk) {
        use ParamField::*;
        w.sessions(&mut self.sessions, 1);
        rate(w, StartRate, &mut self.start_rate_per_s, "Start rate", 0.1);
        let factor = &mut self.rate_factor;
        w.number(RateFactor, factor, "Rate factor", "times", 1.0, 10.0);
        let increment = &mut self.rate_increment_per_s;
        rate(w, RateIncrement, increment, "Rate increment", 0.0);
        w.secs(StepS, &mut self.step_ms, "Step duration", 1.0, 600.0);
        rate(w, MaxRate, &mut self.max_rate_per_s, "Max rate", 0.1);
        let steps = &mut self.max_steps;
        w.count(MaxSteps, steps, "Max steps", 1, MAX_CAPACITY_STEPS);
        w.number(
            HoldPct,
            &mut self.hold_pct,
            "Hold share",
            "percent",
            50.0,
            100.0,
        );
        let (rtt, unit) = (&mut self.rtt_limit_ms, "milliseconds");
        w.number(RttLimitMs, rtt, "RTT p95 limit", unit, 0.0, 60_000.0);
    }
}

impl CapacityParams {
    /// The checks across fields, once both fields of each parsed: the rate must rise, and
    /// end no lower than it starts.
    pub(super) fn check_rates(&self, v: &mut Validator<ParamField>) {
        let known = |v: &Validator<ParamField>, a, b| !v.has_error(a) && !v.has_error(b);
        if known(v, ParamField::RateFactor, ParamField::RateIncrement)
            && self.rate_factor <= 1.0
            && self.rate_increment_per_s < 0.1
        {
            v.fail(
                ParamField::RateFactor,
                "The rate must rise from step to step: a factor above 1, or an increment of at least 0.1 msgs/s",
            );
        }
        if known(v, ParamField::StartRate, ParamField::MaxRate)
            && self.max_rate_per_s < self.start_rate_per_s
        {
            v.fail(
                ParamField::MaxRate,
                format!(
                    "Max rate must be at least the start rate ({} msgs/s); got {}",
                    num(self.start_rate_per_s),
                    num(self.max_rate_per_s)
                ),
            );
        }
    }
}

/// A rate in messages per second, from `min` to [`MAX_CAPACITY_RATE`].
fn rate(w: &mut impl Walk, field: ParamField, slot: &mut f64, what: &str, min: f64) {
    let unit = "messages per second";
    w.number(field, slot, what, unit, min, MAX_CAPACITY_RATE);
}
