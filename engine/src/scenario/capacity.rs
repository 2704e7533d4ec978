//! The capacity finder: the sessions send at a target rate that rises step by step, and the
//! search stops on its own at the first step that does not hold. What it reports is the
//! highest rate that held, with a row per step (target, achieved, RTT percentiles, errors),
//! so the curve of RTT against rate shows where the server starts to queue.
//!
//! Honest numbers: a step is judged only on what the console really did. When the console
//! itself fell behind — its timer came too late to make scheduled sends (`schedule_skipped`)
//! or the browser refused frames (`client_errors`) — the step ends as "console limit
//! reached", never as the server's capacity. A step with fewer messages than the thresholds'
//! minimum sample is "insufficient data": it neither holds nor fails, and the search goes on.
//! Everything is bounded: at most [`super::params::MAX_CAPACITY_STEPS`] steps of at most
//! ten minutes each.

use super::Drive;
use super::criteria::{Criterion, Grade};
use super::params::CapacityParams;
use super::phases::Core;
use super::traffic::{ConnectGate, Gate};
use crate::decimal::fixed;
use crate::histogram::RttSummary;
use crate::ids::Millis;
use crate::metrics::Counters;
use crate::run::Run;

/// How one step ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepOutcome {
    /// The server carried the rate: answered, in time, without drops.
    Held,
    /// The server did not carry it.
    NotHeld,
    /// The console could not send at the rate: nothing is said about the server.
    ConsoleLimit,
    /// Too few messages to judge; the search goes on.
    InsufficientData,
}

impl StepOutcome {
    /// Stable name (report, `data-outcome`).
    pub fn as_str(self) -> &'static str {
        match self {
            StepOutcome::Held => "held",
            StepOutcome::NotHeld => "not-held",
            StepOutcome::ConsoleLimit => "console-limit",
            StepOutcome::InsufficientData => "insufficient-data",
        }
    }
}

/// Why the search stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CapacityStop {
    /// A step did not hold: the server's limit is between it and the step before.
    ServerLimit,
    /// The console could not send at a step's rate.
    ConsoleLimit,
    /// Every step held up to the max rate.
    MaxRate,
    /// Every step held up to the max number of steps.
    MaxSteps,
    /// The user cancelled.
    Cancelled,
}

impl CapacityStop {
    /// Stable name (report).
    pub fn as_str(self) -> &'static str {
        match self {
            CapacityStop::ServerLimit => "server-limit",
            CapacityStop::ConsoleLimit => "console-limit",
            CapacityStop::MaxRate => "max-rate",
            CapacityStop::MaxSteps => "max-steps",
            CapacityStop::Cancelled => "cancelled",
        }
    }
}

/// One step, judged.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CapacityStep {
    /// 1, 2, …
    pub step: u32,
    /// The rate asked for, messages per second over all sessions.
    pub target_per_s: f64,
    /// How long it ran.
    pub duration_ms: Millis,
    /// Test messages sent during the step.
    pub sent: u64,
    /// Replies matched during the step.
    pub matched: u64,
    /// `sent` per second of the step.
    pub sent_per_s: f64,
    /// `matched` per second of the step.
    pub matched_per_s: f64,
    /// RTT of the replies matched during the step.
    pub rtt_ms: RttSummary,
    /// Requests lost during the step.
    pub lost: u64,
    /// Errors on the wire during the step (close codes included).
    pub errors: u64,
    /// Open sockets lost during the step.
    pub drops: u64,
    /// Scheduled sends the console's timer was too late to make (the console's shortfall).
    pub schedule_skipped: u64,
    /// How it ended.
    pub outcome: StepOutcome,
    /// Why it did not hold; empty when it held.
    pub why: String,
}

/// The search as it stands: the rate found and every step so far.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CapacityResult {
    /// The highest target rate that held; `None` when none did.
    pub rate_per_s: Option<f64>,
    /// What that step actually had answered per second.
    pub matched_per_s: Option<f64>,
    /// Why the search stopped; `None` while it runs.
    pub stopped: Option<CapacityStop>,
    /// The verdict as a sentence.
    pub why: String,
    /// The RTT p95 a step must stay under.
    pub rtt_p95_limit_ms: Millis,
    /// The share of the target a step must have answered, %.
    pub hold_pct: f64,
    /// The fewest messages a step needs to be judged.
    pub min_messages: u64,
    /// The steps judged, in order.
    pub steps: Vec<CapacityStep>,
}

/// Counters at the start of a step.
#[derive(Debug)]
struct Mark {
    at: Millis,
    target: f64,
    counters: Counters,
    held: u64,
}

/// The capacity finder's driver.
pub(super) struct Capacity {
    rates: Vec<f64>,
    step_ms: Millis,
    max_rate: f64,
    hold: f64,
    rtt_limit: Millis,
    min_messages: u64,
    gate: ConnectGate,
    mark: Option<Mark>,
    steps: Vec<CapacityStep>,
    stop: Option<CapacityStop>,
}

impl Capacity {
    pub(super) fn new(p: &CapacityParams) -> Capacity {
        Capacity {
            rates: p.rates(),
            step_ms: p.step_ms,
            max_rate: p.max_rate_per_s,
            hold: p.hold_pct / 100.0,
            rtt_limit: p.rtt_limit_ms,
            min_messages: 0,
            gate: ConnectGate::default(),
            mark: None,
            steps: Vec::new(),
            stop: None,
        }
    }

    fn begin_step(&mut self, core: &mut Core, run: &mut Run, now: Millis) {
        let k = self.steps.len();
        let target = self.rates[k];
        let n = run.session_count().max(1) as f64;
        run.set_send_interval(n * 1000.0 / target, now);
        run.take_step_rtt();
        core.enter(
            format!("step {}: {} msgs/s", k + 1, fixed(target, 1)),
            run,
            now,
        );
        let left = (self.rates.len() - k) as f64;
        core.plan_end(now + left * self.step_ms);
        self.mark = Some(Mark {
            at: now,
            target,
            counters: run.counters(),
            held: run.held_now(),
        });
    }

    /// Judges the step that began at `m`, ending `now`.
    fn judge(&self, m: &Mark, run: &mut Run, now: Millis) -> CapacityStep {
        let c = run.counters();
        let d = |f: fn(&Counters) -> u64| f(&c).saturating_sub(f(&m.counters));
        let secs = ((now - m.at) / 1000.0).max(0.001);
        let sent = d(|c| c.sent);
        let matched = d(|c| c.matched);
        let lost = d(|c| c.lost);
        let errors = d(|c| c.errors.total());
        let drops = d(|c| c.drops);
        let skipped = d(|c| c.schedule_skipped);
        let refused = d(|c| c.client_errors);
        // Every scheduled send is sent, held back, queued (or refused by a full queue), or
        // skipped.
        // The grid's edges, and the replies still in flight as the step ends, allow one
        // message per session either way.
        let n = run.session_count() as u64;
        let made = sent
            + run.held_now().saturating_sub(m.held)
            + d(|c| c.queued)
            + d(|c| c.queue_overflow);
        let expected = m.target * secs;
        let rtt = run.take_step_rtt();
        let matched_per_s = matched as f64 / secs;
        let tolerance = ((1.0 - self.hold) * sent as f64).floor() as u64;
        let (outcome, why) = if skipped + refused > 0 || ((made + n) as f64) < self.hold * expected
        {
            (
                StepOutcome::ConsoleLimit,
                format!(
                    "the console made {made} of {} scheduled sends ({skipped} skipped by a late timer, {refused} refused by the browser)",
                    fixed(expected, 0)
                ),
            )
        } else if drops > 0 {
            (
                StepOutcome::NotHeld,
                format!("{drops} connection(s) dropped"),
            )
        } else if lost + errors > tolerance {
            (
                StepOutcome::NotHeld,
                format!("{lost} lost and {errors} error(s), more than the {tolerance} tolerated"),
            )
        } else if sent < self.min_messages {
            (
                StepOutcome::InsufficientData,
                format!(
                    "insufficient data: {sent} of {} messages",
                    self.min_messages
                ),
            )
        } else if ((matched + n) as f64) < self.hold * expected {
            (
                StepOutcome::NotHeld,
                format!(
                    "{} msgs/s answered, {} % of the target (needs ≥ {} %)",
                    fixed(matched_per_s, 1),
                    fixed(matched_per_s * 100.0 / m.target, 1),
                    fixed(self.hold * 100.0, 0)
                ),
            )
        } else if let Some(p95) = rtt.p95.filter(|p| *p > self.rtt_limit) {
            (
                StepOutcome::NotHeld,
                format!(
                    "RTT p95 {} ms over the {} ms limit",
                    fixed(p95, 1),
                    fixed(self.rtt_limit, 0)
                ),
            )
        } else {
            (StepOutcome::Held, String::new())
        };
        CapacityStep {
            step: self.steps.len() as u32 + 1,
            target_per_s: m.target,
            duration_ms: now - m.at,
            sent,
            matched,
            sent_per_s: sent as f64 / secs,
            matched_per_s,
            rtt_ms: rtt,
            lost,
            errors,
            drops,
            schedule_skipped: skipped,
            outcome,
            why,
        }
    }

    /// The highest step that held.
    fn best(&self) -> Option<&CapacityStep> {
        self.steps
            .iter()
            .filter(|s| s.outcome == StepOutcome::Held)
            .max_by(|a, b| a.target_per_s.total_cmp(&b.target_per_s))
    }

    /// The search as it stands, with its verdict.
    pub(super) fn result(&self) -> (CapacityResult, Grade) {
        let best = self.best();
        let last = self.steps.last();
        let rate = |r: f64| format!("{} msgs/s", fixed(r, 1));
        let found = best.map(|b| {
            format!(
                "{} held ({} answered/s, RTT p95 {} ms)",
                rate(b.target_per_s),
                fixed(b.matched_per_s, 1),
                b.rtt_ms.p95.map_or("–".into(), |p| fixed(p, 1).to_string())
            )
        });
        let failed = last.map(|s| format!("{} did not hold: {}", rate(s.target_per_s), s.why));
        let (why, grade) = match (self.stop, found) {
            (None, f) => (
                format!(
                    "searching: step {} of at most {}{}",
                    self.steps.len() + 1,
                    self.rates.len(),
                    f.map_or(String::new(), |f| format!("; {f}"))
                ),
                Grade::Warn,
            ),
            (Some(CapacityStop::Cancelled), f) => (
                format!(
                    "cancelled{}",
                    f.map_or(String::new(), |f| format!(": at least {f}"))
                ),
                Grade::Warn,
            ),
            (Some(CapacityStop::ConsoleLimit), f) => (
                format!(
                    "console limit reached at {}: {}; {}",
                    last.map_or(String::new(), |s| rate(s.target_per_s)),
                    last.map_or("", |s| s.why.as_str()),
                    f.map_or("no rate held before it".into(), |f| format!(
                        "{f}, so the server's capacity is at least that"
                    ))
                ),
                Grade::Warn,
            ),
            (Some(CapacityStop::ServerLimit), Some(f)) => {
                (format!("{f}; {}", failed.unwrap_or_default()), Grade::Pass)
            }
            (Some(CapacityStop::ServerLimit), None) if self.steps.len() <= 1 => (
                format!("the first step {}", failed.unwrap_or_default()),
                Grade::Fail,
            ),
            (Some(CapacityStop::MaxRate | CapacityStop::MaxSteps), Some(f)) => {
                let at = if self.stop == Some(CapacityStop::MaxRate) {
                    "the max rate"
                } else {
                    "the last step"
                };
                (
                    format!("{f}: still holding at {at}, so the capacity is higher"),
                    Grade::Pass,
                )
            }
            (Some(_), None) => (
                format!(
                    "insufficient data: no step had {} messages to hold{}",
                    self.min_messages,
                    failed.map_or(String::new(), |f| format!("; {f}"))
                ),
                Grade::Warn,
            ),
        };
        (
            CapacityResult {
                rate_per_s: best.map(|b| b.target_per_s),
                matched_per_s: best.map(|b| b.matched_per_s),
                stopped: self.stop,
                why,
                rtt_p95_limit_ms: self.rtt_limit,
                hold_pct: self.hold * 100.0,
                min_messages: self.min_messages,
                steps: self.steps.clone(),
            },
            grade,
        )
    }
}

impl Drive for Capacity {
    fn start(&mut self, core: &mut Core, run: &mut Run, now: Millis) {
        let th = &run.config().thresholds;
        if self.rtt_limit <= 0.0 {
            self.rtt_limit = th.rtt_warning_ms;
        }
        self.min_messages = th.min_replies;
        self.gate.open(core, run, now);
    }

    fn tick(&mut self, core: &mut Core, run: &mut Run, now: Millis) {
        match self.gate.check(run, now) {
            Gate::Waiting => return,
            Gate::JustPassed => return self.begin_step(core, run, now),
            Gate::Passed => {}
        }
        let Some(m) = self.mark.take_if(|m| now >= m.at + self.step_ms) else {
            return;
        };
        let step = self.judge(&m, run, now);
        let outcome = step.outcome;
        self.steps.push(step);
        self.stop = match outcome {
            StepOutcome::NotHeld => Some(CapacityStop::ServerLimit),
            StepOutcome::ConsoleLimit => Some(CapacityStop::ConsoleLimit),
            _ if self.steps.len() < self.rates.len() => None,
            _ if m.target >= self.max_rate => Some(CapacityStop::MaxRate),
            _ => Some(CapacityStop::MaxSteps),
        };
        if self.stop.is_some() {
            core.drain(run, now);
        } else {
            self.begin_step(core, run, now);
        }
    }

    fn criteria(&self, _run: &Run, _now: Millis) -> Vec<Criterion> {
        let (r, grade) = self.result();
        vec![Criterion::new(
            "capacity",
            "Highest rate held",
            format!(
                "≥ {} % of the rate answered, RTT p95 ≤ {} ms, no drops (≥ {} messages a step)",
                fixed(r.hold_pct, 0),
                fixed(r.rtt_p95_limit_ms, 0),
                r.min_messages
            ),
            r.why,
            r.rate_per_s,
            grade,
        )]
    }

    fn end(&mut self, _run: &mut Run, _now: Millis) {
        self.stop.get_or_insert(CapacityStop::Cancelled);
    }

    fn capacity(&self) -> Option<CapacityResult> {
        Some(self.result().0)
    }
}
