//! Network recovery: sessions are dropped and must come back, with nothing queued lost.
//!
//! A drop goes through the test backend's fault control when asked to (`refuse` for the
//! outage, then `drop-all`). When the backend has none — the adapter reports the request
//! failed, or no session went down within [`FAULT_GRACE_MS`] — the scenario falls back to
//! an abnormal client-side close ([`Run::drop_session`]) and stays with it.
//!
//! While sessions are down the scenario sends one probe message on each (it goes into the
//! offline queue, F7); recovery is judged on the slowest session's drop → open time and on
//! every queued message being flushed and answered after the reconnect.

use super::Drive;
use super::criteria::{Criterion, F10, Grade};
use super::params::RecoveryParams;
use super::phases::Core;
use crate::command::FaultRequest;
use crate::decimal::fixed;
use crate::ids::{Generation, Millis, SessionId};
use crate::log::LogLevel;
use crate::run::Run;
use crate::thresholds::Measure;

/// How long to wait for a backend fault to show before dropping client-side instead.
const FAULT_GRACE_MS: Millis = 3000.0;

#[derive(Debug)]
pub(super) struct Recovery {
    p: RecoveryParams,
    end_at: Millis,
    step: Step,
    /// Whether the backend's fault control is (still) believed to work.
    backend: bool,
    /// Whether any backend fault was asked for (then it is reset at the end).
    asked_backend: bool,
    cycle: u32,
    /// The outages so far, folded (a long run with frequent drops stays small).
    seen: Seen,
}

/// What the outages so far amount to.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Seen {
    /// Outages that ended, recovered or not.
    outages: u32,
    /// Slowest session's drop → open time over every recovered outage, ms.
    slowest_ms: Millis,
    /// Longest fault → every session open again, ms.
    all_back_ms: Millis,
    /// Sessions not back when the scenario gave up (it stops at the first such outage).
    missing: u32,
}

impl Seen {
    fn add(&mut self, c: Cycle) {
        self.outages += 1;
        self.slowest_ms = self
            .slowest_ms
            .max(c.slowest_ms.or(c.all_back_ms).unwrap_or(0.0));
        self.all_back_ms = self.all_back_ms.max(c.all_back_ms.unwrap_or(0.0));
        self.missing = self.missing.max(c.missing);
    }
}

#[derive(Debug)]
enum Step {
    Warmup { until: Millis },
    Outage(Outage),
    Steady { next_drop: Option<Millis> },
}

#[derive(Debug)]
struct Outage {
    fault_at: Millis,
    /// Each session's generation at the fault, and whether it was open then (and so must
    /// come back on a new socket).
    before: Vec<(Generation, bool)>,
    probed: Vec<bool>,
    client_side: bool,
    failures_before: u64,
}

/// One drop and its recovery.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Cycle {
    /// Slowest session's drop → open time, ms.
    slowest_ms: Option<Millis>,
    /// Fault → every session open again, ms.
    all_back_ms: Option<Millis>,
    /// Sessions not back when the scenario gave up.
    missing: u32,
}

impl Recovery {
    pub(super) fn new(p: &RecoveryParams) -> Recovery {
        Recovery {
            p: p.clone(),
            end_at: 0.0,
            step: Step::Warmup { until: 0.0 },
            backend: p.use_backend_faults,
            asked_backend: false,
            cycle: 0,
            seen: Seen::default(),
        }
    }

    fn drop_now(&mut self, core: &mut Core, run: &mut Run, now: Millis) {
        self.cycle += 1;
        let n = run.session_count();
        let before = (0..n as u32)
            .map(SessionId)
            .map(|s| (run.generation_of(s), run.is_connected(s)))
            .collect();
        let failures_before = run.fault_failures();
        core.enter(format!("outage {}", self.cycle), run, now);
        if self.backend {
            self.asked_backend = true;
            if self.p.outage_ms > 0.0 {
                let seconds = (self.p.outage_ms / 1000.0).ceil() as u32;
                run.request_fault(FaultRequest::Refuse { seconds }, now);
            }
            run.request_fault(FaultRequest::DropAll, now);
        } else {
            drop_client_side(run, now, None);
        }
        self.step = Step::Outage(Outage {
            fault_at: now,
            before,
            probed: vec![false; n],
            client_side: !self.backend,
            failures_before,
        });
        core.plan_end(self.end_at.max(now + self.p.recovery_target_ms));
    }

    /// Moves on after a drop: to the next drop, or to the drain.
    fn after_outage(&mut self, core: &mut Core, run: &mut Run, now: Millis, fault_at: Millis) {
        let next = fault_at + self.p.drop_every_ms;
        let next_drop = (self.p.drop_every_ms > 0.0 && next < self.end_at).then_some(next.max(now));
        self.step = Step::Steady { next_drop };
        core.enter(format!("steady {}", self.cycle), run, now);
    }
}

/// What the tick decided.
enum Next {
    Wait,
    Drop,
    Drain,
    /// The outage that began at this time is over.
    Steady(Millis),
}

/// Whether a backend fault evidently did not happen: the adapter reported the request
/// failed, or after the grace time every session is still on its old socket.
fn fault_missing(o: &Outage, run: &Run, now: Millis) -> bool {
    let refused = run.fault_failures() > o.failures_before;
    let untouched = (0..run.session_count() as u32)
        .map(SessionId)
        .all(|s| run.is_connected(s) && run.generation_of(s) == o.before[s.index()].0);
    refused || (now - o.fault_at >= FAULT_GRACE_MS && untouched)
}

impl Outage {
    /// One probe message per session that is down: it waits in the offline queue.
    fn probe(&mut self, run: &mut Run, now: Millis) {
        for i in 0..run.session_count() {
            let s = SessionId(i as u32);
            if !self.probed[i] && !run.is_connected(s) {
                self.probed[i] = true;
                run.send_one(s, now);
            }
        }
    }

    /// Whether a session is back: open, on a new socket if it was open at the fault.
    fn back(&self, run: &Run, s: SessionId) -> bool {
        let (generation, was_open) = self.before[s.index()];
        run.is_connected(s) && (!was_open || run.generation_of(s) != generation)
    }

    /// The finished cycle once every session is back, or once the timeout passed.
    fn judge(&self, run: &Run, now: Millis, timeout: Millis) -> Option<Cycle> {
        let sessions = || (0..run.session_count() as u32).map(SessionId);
        if sessions().all(|s| self.back(run, s)) {
            let slowest = sessions()
                .filter(|s| self.before[s.index()].1)
                .filter_map(|s| run.last_recovery(s))
                .reduce(f64::max);
            let all_back = sessions()
                .filter_map(|s| run.connected_since(s))
                .fold(self.fault_at, f64::max);
            return Some(Cycle {
                slowest_ms: slowest,
                all_back_ms: Some(all_back - self.fault_at),
                missing: 0,
            });
        }
        (now - self.fault_at >= timeout).then(|| Cycle {
            slowest_ms: None,
            all_back_ms: None,
            missing: sessions().filter(|s| !self.back(run, *s)).count() as u32,
        })
    }
}

/// Drops every open session with an abnormal client-side close; with `only`, just the
/// sessions still on the generation they had at the fault.
fn drop_client_side(run: &mut Run, now: Millis, only: Option<&[(Generation, bool)]>) {
    for i in 0..run.session_count() {
        let s = SessionId(i as u32);
        let still_old = only.is_none_or(|b| b[i].0 == run.generation_of(s));
        if still_old && run.is_connected(s) {
            run.drop_session(s, now);
        }
    }
}

impl Drive for Recovery {
    fn start(&mut self, core: &mut Core, run: &mut Run, now: Millis) {
        self.end_at = now + self.p.duration_ms;
        run.start(now);
        self.step = Step::Warmup {
            until: now + self.p.warmup_ms,
        };
        core.enter("warm-up", run, now);
    }

    fn tick(&mut self, core: &mut Core, run: &mut Run, now: Millis) {
        let next = match &mut self.step {
            Step::Warmup { until } if now >= *until => Next::Drop,
            Step::Steady {
                next_drop: Some(at),
            } if now >= *at => Next::Drop,
            Step::Steady { .. } if now >= self.end_at => Next::Drain,
            Step::Outage(o) => {
                if !o.client_side && fault_missing(o, run, now) {
                    run.note(
                        now,
                        LogLevel::Warn,
                        "the backend did not drop the sessions: dropping them client-side (abnormal close) instead",
                    );
                    drop_client_side(run, now, Some(&o.before));
                    o.client_side = true;
                    self.backend = false;
                }
                o.probe(run, now);
                match o.judge(run, now, self.p.recovery_timeout_ms) {
                    Some(cycle) if cycle.missing == 0 => {
                        self.seen.add(cycle);
                        Next::Steady(o.fault_at)
                    }
                    Some(cycle) => {
                        self.seen.add(cycle);
                        run.note(
                            now,
                            LogLevel::Error,
                            &format!(
                                "{} session(s) not back {} s after the drop: giving up",
                                cycle.missing,
                                fixed(self.p.recovery_timeout_ms / 1000.0, 0)
                            ),
                        );
                        Next::Drain
                    }
                    None => Next::Wait,
                }
            }
            _ => Next::Wait,
        };
        match next {
            Next::Wait => {}
            Next::Drop => self.drop_now(core, run, now),
            Next::Drain => core.drain(run, now),
            Next::Steady(fault_at) => self.after_outage(core, run, now, fault_at),
        }
    }

    fn end(&mut self, run: &mut Run, now: Millis) {
        if self.asked_backend && self.backend {
            run.request_fault(FaultRequest::Reset, now);
        }
    }

    fn criteria(&self, run: &Run, now: Millis) -> Vec<Criterion> {
        let target = format!("≤ {} s", fixed(self.p.recovery_target_ms / 1000.0, 1));
        let seen = self.seen;
        let recovery = if seen.outages == 0 {
            Criterion::new(
                "recovery-time",
                "Recovery time",
                target,
                "no data: no drop yet",
                None,
                Grade::Fail,
            )
        } else if seen.missing > 0 {
            Criterion::new(
                "recovery-time",
                "Recovery time",
                target,
                format!(
                    "{} of {} session(s) not back after {} s",
                    seen.missing,
                    run.session_count(),
                    fixed(self.p.recovery_timeout_ms / 1000.0, 0)
                ),
                None,
                Grade::Fail,
            )
        } else {
            let limit = self.p.recovery_target_ms;
            let grade = if seen.slowest_ms <= limit {
                Grade::Pass
            } else if seen.slowest_ms <= 2.0 * limit {
                Grade::Warn
            } else {
                Grade::Fail
            };
            Criterion::new(
                "recovery-time",
                "Recovery time",
                target,
                format!(
                    "slowest session {} s over {} drop(s); all back {} s after the fault",
                    fixed(seen.slowest_ms / 1000.0, 2),
                    seen.outages,
                    fixed(seen.all_back_ms / 1000.0, 2)
                ),
                Some(seen.slowest_ms),
                grade,
            )
        };
        let c = run.counters();
        let queued_now = run.queued_now();
        let flushed_pending = c
            .queue_flushed
            .saturating_sub(c.queue_delivered + c.queue_lost);
        // The console's part is to keep every queued message and send it, in order, once the
        // session is back. A queue that refused one, or still holds one, is the console's
        // failure; a flushed message the backend then left unanswered (it dropped the new
        // socket too) is the backend's doing, reported, and worth a look.
        let (grade, measured) = if c.queue_overflow > 0 {
            (
                Grade::Fail,
                format!(
                    "{} of {} queued refused by a full queue",
                    c.queue_overflow, c.queued
                ),
            )
        } else if c.queue_lost > 0 && queued_now == 0 && flushed_pending == 0 {
            (
                Grade::Warn,
                format!(
                    "all {} queued sent after reconnecting; {} of them unanswered (the backend dropped the socket again)",
                    c.queued, c.queue_lost
                ),
            )
        } else if queued_now > 0 || flushed_pending > 0 {
            (
                Grade::Fail,
                format!(
                    "{} of {} queued still waiting",
                    queued_now + flushed_pending,
                    c.queued
                ),
            )
        } else if c.queued == 0 {
            (
                Grade::Warn,
                "nothing was queued: no session was seen down".to_string(),
            )
        } else {
            (
                Grade::Pass,
                format!("{} of {} queued delivered", c.queue_delivered, c.queued),
            )
        };
        let queued = Criterion::new(
            "queued-delivered",
            "Queued messages delivered",
            "every queued message delivered",
            measured,
            Some(c.queue_delivered as f64),
            grade,
        );
        vec![
            F10::of(run, now).get(Measure::Reconnection, true),
            recovery,
            queued,
        ]
    }
}
