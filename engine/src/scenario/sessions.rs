//! Scenarios that are about opening and closing sessions: ramp-up, memory-leak detection
//! and auth.

use super::Drive;
use super::criteria::{self, Criterion, F10, Grade};
use super::params::{AuthParams, MemoryLeakParams, RampUpParams};
use super::phases::Core;
use crate::ids::{Millis, SessionId};
use crate::run::Run;
use crate::session::TimelineKind;
use crate::thresholds::{Measure, Thresholds};

fn sessions(run: &Run) -> impl Iterator<Item = SessionId> + use<> {
    (0..run.session_count() as u32).map(SessionId)
}

fn all_connected(run: &Run) -> bool {
    run.connected_count() == run.session_count()
}

/// Ramp-up: batches of B sessions every T until N are open, then a hold at N.
#[derive(Debug)]
pub(super) struct RampUp {
    batch: u32,
    every_ms: Millis,
    hold_ms: Millis,
    opened: u32,
    next_at: Millis,
    hold_until: Option<Millis>,
    /// Sessions open at the end of the hold.
    open_at_end: Option<u32>,
}

impl RampUp {
    pub(super) fn new(p: &RampUpParams) -> RampUp {
        RampUp {
            batch: p.batch_size.max(1),
            every_ms: p.batch_every_ms,
            hold_ms: p.hold_ms,
            opened: 0,
            next_at: 0.0,
            hold_until: None,
            open_at_end: None,
        }
    }
}

impl Drive for RampUp {
    fn start(&mut self, core: &mut Core, run: &mut Run, now: Millis) {
        run.start_idle(now);
        self.next_at = now;
        core.enter("ramp", run, now);
    }

    fn tick(&mut self, core: &mut Core, run: &mut Run, now: Millis) {
        let total = run.session_count() as u32;
        match self.hold_until {
            None if now >= self.next_at => {
                let upto = (self.opened + self.batch).min(total);
                for i in self.opened..upto {
                    run.open_session(SessionId(i), now);
                }
                run.note(
                    now,
                    crate::LogLevel::Info,
                    &format!("ramp-up: {upto} of {total} session(s) opened"),
                );
                self.opened = upto;
                self.next_at += self.every_ms;
                if self.opened >= total {
                    let until = now + self.hold_ms;
                    self.hold_until = Some(until);
                    core.enter("hold", run, now);
                    core.plan_end(until);
                }
            }
            Some(until) if now >= until => {
                self.open_at_end = Some(run.connected_count() as u32);
                core.drain(run, now);
            }
            _ => {}
        }
    }

    fn criteria(&self, run: &Run, now: Millis) -> Vec<Criterion> {
        let f10 = F10::of(run, now);
        let open = self
            .open_at_end
            .unwrap_or_else(|| run.connected_count() as u32);
        let mut at_top = criteria::ratio(
            &run.config().thresholds,
            "sessions-open",
            "Sessions open at the top",
            (u64::from(open), run.session_count() as u64),
            (1, "sessions"),
            true,
        );
        at_top.measured = format!("{open} of {} open", run.session_count());
        vec![
            f10.get(Measure::ConnectionSuccess, true),
            at_top,
            f10.get(Measure::MessageSuccess, false),
            f10.get(Measure::AvgRtt, false),
        ]
    }
}

/// Memory-leak detection: open every session, hold, let replies drain, close every
/// session, wait; C times, while the adapter samples the heap.
#[derive(Debug)]
pub(super) struct MemoryLeak {
    cycles: u32,
    open_ms: Millis,
    closed_ms: Millis,
    cycle: u32,
    step: Step,
    next_at: Millis,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Step {
    Open,
    /// Sending paused; closing once the replies are in (or after one reply timeout).
    Quiesce,
    Closed,
}

impl MemoryLeak {
    pub(super) fn new(p: &MemoryLeakParams) -> MemoryLeak {
        MemoryLeak {
            cycles: p.cycles,
            open_ms: p.open_ms,
            closed_ms: p.closed_ms,
            cycle: 1,
            step: Step::Open,
            next_at: 0.0,
        }
    }

    fn open_all(&mut self, core: &mut Core, run: &mut Run, now: Millis) {
        run.set_auto_send(true, now);
        for s in sessions(run) {
            run.open_session(s, now);
        }
        core.enter(format!("open {}/{}", self.cycle, self.cycles), run, now);
        self.step = Step::Open;
        self.next_at = now + self.open_ms;
    }
}

impl Drive for MemoryLeak {
    fn start(&mut self, core: &mut Core, run: &mut Run, now: Millis) {
        run.start_idle(now);
        self.open_all(core, run, now);
    }

    fn tick(&mut self, core: &mut Core, run: &mut Run, now: Millis) {
        match self.step {
            Step::Open if now >= self.next_at => {
                run.set_auto_send(false, now);
                self.step = Step::Quiesce;
                self.next_at = now + run.config().reply_timeout_ms;
            }
            Step::Quiesce if run.counters().pending == 0 || now >= self.next_at => {
                for s in sessions(run) {
                    run.stop_session(s, now);
                }
                core.enter(format!("closed {}/{}", self.cycle, self.cycles), run, now);
                self.step = Step::Closed;
                self.next_at = now + self.closed_ms;
            }
            Step::Closed if now >= self.next_at => {
                if self.cycle >= self.cycles {
                    core.drain(run, now);
                } else {
                    self.cycle += 1;
                    self.open_all(core, run, now);
                }
            }
            _ => {}
        }
    }

    fn criteria(&self, run: &Run, now: Millis) -> Vec<Criterion> {
        let f10 = F10::of(run, now);
        vec![
            criteria::heap(&f10, run, true),
            f10.get(Measure::ConnectionSuccess, true),
            f10.get(Measure::MessageSuccess, false),
        ]
    }
}

/// Auth: the configured token connects and holds; then an invalid one must be refused
/// (the session waits for a fresh token, F6) and not retried; then a fresh valid token
/// brings every session back (F8).
#[derive(Debug)]
pub(super) struct Auth {
    valid: String,
    invalid: String,
    hold_ms: Millis,
    observe_ms: Millis,
    step: AuthStep,
    since: Millis,
    all_open_at: Option<Millis>,
    valid_ok: Option<u32>,
    /// The invalid token's window: from our `set_token` to the next token update (the
    /// host's provider answering the engine's request) or the end of the phase.
    window_start: Millis,
    window_end: Option<Millis>,
    own_updates: u64,
    all_refused_at: Option<Millis>,
    outcome: Option<Refusals>,
    restored: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum AuthStep {
    Valid,
    Invalid,
    Fresh,
}

/// What the invalid token got.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Refusals {
    refused: u32,
    accepted: u32,
    max_attempts: u32,
}

impl Auth {
    pub(super) fn new(p: &AuthParams, valid: &str) -> Auth {
        Auth {
            valid: valid.to_owned(),
            invalid: p.invalid_token.clone(),
            hold_ms: p.hold_ms,
            observe_ms: p.observe_ms,
            step: AuthStep::Valid,
            since: 0.0,
            all_open_at: None,
            valid_ok: None,
            window_start: 0.0,
            window_end: None,
            own_updates: 0,
            all_refused_at: None,
            outcome: None,
            restored: None,
        }
    }

    fn in_window(&self, t: Millis) -> bool {
        t >= self.window_start && self.window_end.is_none_or(|end| t < end)
    }

    fn refused(&self, run: &Run, s: SessionId) -> bool {
        run.timeline(s)
            .any(|e| e.kind == TimelineKind::NeedsAuth && e.t >= self.window_start)
    }

    fn judge_refusals(&self, run: &Run) -> Refusals {
        let mut r = Refusals {
            refused: 0,
            accepted: 0,
            max_attempts: 0,
        };
        for s in sessions(run) {
            let attempts = run
                .timeline(s)
                .filter(|e| {
                    matches!(e.kind, TimelineKind::Connecting { .. }) && self.in_window(e.t)
                })
                .count() as u32;
            r.max_attempts = r.max_attempts.max(attempts);
            if self.refused(run, s) {
                r.refused += 1;
            } else if run.is_connected(s) {
                r.accepted += 1;
            }
        }
        r
    }

    fn connect_timeout(run: &Run) -> Millis {
        run.config().reconnect.connect_timeout_ms
    }
}

impl Drive for Auth {
    fn start(&mut self, core: &mut Core, run: &mut Run, now: Millis) {
        run.start(now);
        self.since = now;
        core.enter("valid-token", run, now);
    }

    fn tick(&mut self, core: &mut Core, run: &mut Run, now: Millis) {
        match self.step {
            AuthStep::Valid => {
                if self.all_open_at.is_none() && all_connected(run) {
                    self.all_open_at = Some(now);
                }
                let held = self.all_open_at.is_some_and(|t| now - t >= self.hold_ms);
                if !held && now - self.since < Self::connect_timeout(run) + self.hold_ms {
                    return;
                }
                self.valid_ok = Some(
                    sessions(run)
                        .filter(|s| run.is_connected(*s) && !run.needs_auth(*s))
                        .count() as u32,
                );
                run.set_token(self.invalid.clone(), now);
                self.own_updates = run.token_updates().0;
                self.window_start = now;
                for s in sessions(run) {
                    run.stop_session(s, now);
                    run.open_session(s, now);
                }
                self.step = AuthStep::Invalid;
                self.since = now;
                core.enter("invalid-token", run, now);
                core.plan_end(now + self.observe_ms + 2.0 * Self::connect_timeout(run).min(1000.0));
            }
            AuthStep::Invalid => {
                let (updates, at) = run.token_updates();
                if self.window_end.is_none() && updates > self.own_updates {
                    self.window_end = at.or(Some(now));
                }
                if self.all_refused_at.is_none() && sessions(run).all(|s| self.refused(run, s)) {
                    self.all_refused_at = Some(now);
                }
                let watched = self
                    .all_refused_at
                    .is_some_and(|t| now - t >= self.observe_ms);
                if !watched && now - self.since < Self::connect_timeout(run) + self.observe_ms {
                    return;
                }
                self.outcome = Some(self.judge_refusals(run));
                self.window_end.get_or_insert(now);
                run.set_token(self.valid.clone(), now);
                for s in sessions(run) {
                    if !run.is_connected(s) {
                        run.open_session(s, now);
                    }
                }
                self.step = AuthStep::Fresh;
                self.since = now;
                core.enter("fresh-token", run, now);
            }
            AuthStep::Fresh => {
                if all_connected(run) || now - self.since >= Self::connect_timeout(run) {
                    self.restored = Some(run.connected_count() as u32);
                    core.drain(run, now);
                }
            }
        }
    }

    fn criteria(&self, run: &Run, _now: Millis) -> Vec<Criterion> {
        let th = &run.config().thresholds;
        let n = run.session_count() as u64;
        let valid = every_session(
            th,
            ("valid-token", "Valid token connects"),
            (self.valid_ok, n),
            "connected and held",
        );
        let (refused, retried) = match self.outcome {
            None => {
                let none = |id, label| {
                    Criterion::new(id, label, "", "no data: not reached", None, Grade::Fail)
                };
                (
                    none("invalid-token-refused", "Invalid token refused"),
                    none("not-retried", "Refused token not retried"),
                )
            }
            Some(r) => {
                let mut measured = format!("{} of {n} refused", r.refused);
                if r.accepted > 0 {
                    measured.push_str(&format!("; {} accepted by the server", r.accepted));
                }
                let refused = Criterion::new(
                    "invalid-token-refused",
                    "Invalid token refused",
                    format!("{n} of {n} refused"),
                    measured,
                    Some(f64::from(r.refused)),
                    if u64::from(r.refused) == n {
                        Grade::Pass
                    } else {
                        Grade::Fail
                    },
                );
                let retried = Criterion::new(
                    "not-retried",
                    "Refused token not retried",
                    "1 attempt per session",
                    format!("at most {} attempt(s) per session", r.max_attempts),
                    Some(f64::from(r.max_attempts)),
                    if r.max_attempts <= 1 {
                        Grade::Pass
                    } else {
                        Grade::Fail
                    },
                );
                (refused, retried)
            }
        };
        let fresh = every_session(
            th,
            ("fresh-token", "Fresh token reconnects"),
            (self.restored, n),
            "back",
        );
        vec![valid, refused, retried, fresh]
    }
}

/// A required check that each of `n` sessions did something: `done` of them (`None`: not
/// reached, no data), measured as "`done` of `n` `what`".
fn every_session(
    th: &Thresholds,
    (id, label): (&'static str, &'static str),
    (done, n): (Option<u32>, u64),
    what: &str,
) -> Criterion {
    let of = if done.is_some() { n } else { 0 };
    let mut c = criteria::ratio(
        th,
        id,
        label,
        (done.map_or(0, u64::from), of),
        (1, "sessions"),
        true,
    );
    if let Some(k) = done {
        c.measured = format!("{k} of {n} {what}");
    }
    c
}
