//! Scenarios that are about traffic on sessions that stay open: load, soak, message
//! reliability and broadcast.

use super::Drive;
use super::criteria::{self, Criterion, F10, Grade};
use super::params::{BroadcastParams, LoadParams, ReliabilityParams, SoakParams};
use super::phases::Core;
use crate::decimal::fixed;
use crate::ids::{Millis, SessionId};
use crate::run::Run;
use crate::thresholds::{Measure, Sample};

fn all_connected(run: &Run) -> bool {
    run.connected_count() == run.session_count()
}

fn sessions(run: &Run) -> impl Iterator<Item = SessionId> + use<> {
    (0..run.session_count() as u32).map(SessionId)
}

/// The first phase of most scenarios: every session opening. It ends when all are open or
/// after one connect timeout, whichever comes first.
#[derive(Debug, Default)]
pub(super) struct ConnectGate {
    since: Option<Millis>,
}

impl ConnectGate {
    /// Starts the run (every session opens) and the connect phase.
    pub(super) fn open(&mut self, core: &mut Core, run: &mut Run, now: Millis) {
        run.start(now);
        self.since = Some(now);
        core.enter("connect", run, now);
    }

    /// Where the connect phase stands; it ends once.
    pub(super) fn check(&mut self, run: &Run, now: Millis) -> Gate {
        let Some(since) = self.since else {
            return Gate::Passed;
        };
        if all_connected(run) || now - since >= run.config().reconnect.connect_timeout_ms {
            self.since = None;
            return Gate::JustPassed;
        }
        Gate::Waiting
    }

    /// Whether the connect phase is over. On the tick it ends, `begin` starts the next
    /// phase first; while it lasts the caller waits.
    pub(super) fn passed(
        &mut self,
        run: &mut Run,
        now: Millis,
        begin: impl FnOnce(&mut Run),
    ) -> bool {
        match self.check(run, now) {
            Gate::Waiting => false,
            Gate::JustPassed => {
                begin(run);
                true
            }
            Gate::Passed => true,
        }
    }
}

/// Where the connect phase stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Gate {
    /// Sessions are still opening.
    Waiting,
    /// The phase ended on this tick: start the next one.
    JustPassed,
    /// Long over.
    Passed,
}

/// Load and soak: sessions send automatically for a duration.
#[derive(Debug)]
pub(super) struct Steady {
    soak: bool,
    duration_ms: Millis,
    gate: ConnectGate,
    end_at: Millis,
}

impl Steady {
    fn new(soak: bool, duration_ms: Millis) -> Steady {
        Steady {
            soak,
            duration_ms,
            gate: ConnectGate::default(),
            end_at: 0.0,
        }
    }

    pub(super) fn load(p: &LoadParams) -> Steady {
        Steady::new(false, p.duration_ms)
    }

    pub(super) fn soak(p: &SoakParams) -> Steady {
        Steady::new(true, p.duration_ms)
    }
}

impl Drive for Steady {
    fn start(&mut self, core: &mut Core, run: &mut Run, now: Millis) {
        self.end_at = now + self.duration_ms;
        self.gate.open(core, run, now);
    }

    fn tick(&mut self, core: &mut Core, run: &mut Run, now: Millis) {
        if self.gate.check(run, now) == Gate::JustPassed {
            core.enter(if self.soak { "hold" } else { "load" }, run, now);
        }
        if now >= self.end_at {
            core.drain(run, now);
        }
    }

    fn criteria(&self, run: &Run, now: Millis) -> Vec<Criterion> {
        let f10 = F10::of(run, now);
        let c = run.counters();
        let th = &run.config().thresholds;
        let mut out = vec![
            f10.get(Measure::ConnectionSuccess, true),
            f10.get(Measure::MessageSuccess, true),
            f10.get(Measure::AvgRtt, true),
        ];
        if self.soak {
            out.push(criteria::zero(
                "connections-held",
                "Connections held",
                c.drops,
                "drop(s)",
                Grade::Warn,
                Sample::new(c.connects, th.min_connects, "connections"),
            ));
            out.push(f10.get(Measure::Reconnection, false));
            out.push(criteria::zero(
                "heartbeat",
                "Heartbeat answered",
                c.ping_timeouts,
                "pong timeout(s)",
                Grade::Warn,
                Sample::new(c.pings_sent, th.min_pings, "pings"),
            ));
            out.push(criteria::heap(&f10, run, false));
        }
        out
    }
}

/// Message reliability: K messages per session, paced; then every reply must be back,
/// once, in order.
#[derive(Debug)]
pub(super) struct Reliability {
    messages: u32,
    interval_ms: Millis,
    gate: ConnectGate,
    sent: Vec<u32>,
    next_at: Vec<Millis>,
}

impl Reliability {
    pub(super) fn new(p: &ReliabilityParams) -> Reliability {
        Reliability {
            messages: p.messages,
            interval_ms: p.interval_ms,
            gate: ConnectGate::default(),
            sent: Vec::new(),
            next_at: Vec::new(),
        }
    }
}

impl Drive for Reliability {
    fn start(&mut self, core: &mut Core, run: &mut Run, now: Millis) {
        let n = run.session_count();
        self.sent = vec![0; n];
        self.gate.open(core, run, now);
    }

    fn tick(&mut self, core: &mut Core, run: &mut Run, now: Millis) {
        let sending = self.gate.passed(run, now, |run| {
            // Staggered so the sessions do not send in lockstep.
            let n = self.sent.len().max(1) as f64;
            self.next_at = (0..self.sent.len())
                .map(|i| now + self.interval_ms * i as f64 / n)
                .collect();
            core.enter("send", run, now);
            core.plan_end(now + f64::from(self.messages) * self.interval_ms);
        });
        if !sending {
            return;
        }
        for s in sessions(run) {
            let i = s.index();
            // At most one message per session per tick: a late tick does not burst.
            if self.sent[i] < self.messages && now >= self.next_at[i] {
                run.send_one(s, now);
                self.sent[i] += 1;
                let next = self.next_at[i] + self.interval_ms;
                self.next_at[i] = if next <= now {
                    now + self.interval_ms
                } else {
                    next
                };
            }
        }
        if self.sent.iter().all(|&k| k >= self.messages) {
            core.drain(run, now);
        }
    }

    fn criteria(&self, run: &Run, now: Millis) -> Vec<Criterion> {
        let th = &run.config().thresholds;
        let c = run.counters();
        let expected = u64::from(self.messages) * run.session_count() as u64;
        // Duplicates, order and lateness are judged over the replies that came back.
        let replies = Sample::new(c.matched, th.min_replies, "replies");
        vec![
            criteria::ratio(
                th,
                "delivered",
                "Messages answered",
                (c.matched, expected),
                (th.min_replies, "messages"),
                true,
            ),
            criteria::zero(
                "duplicates",
                "Duplicates",
                c.duplicate,
                "duplicate(s)",
                Grade::Fail,
                replies,
            ),
            criteria::zero(
                "out-of-order",
                "Order",
                c.out_of_order,
                "out of order",
                Grade::Warn,
                replies,
            ),
            criteria::zero(
                "late",
                "Late replies",
                c.late,
                "after the timeout",
                Grade::Warn,
                replies,
            ),
            F10::of(run, now).get(Measure::AvgRtt, true),
        ]
    }
}

/// Broadcast: `broadcast` messages at a set rate, sent by each session in turn; every
/// other open session should receive each one. Delivery latency is measured from the
/// send to each other session's receipt.
#[derive(Debug)]
pub(super) struct Broadcast {
    step_ms: Millis,
    duration_ms: Millis,
    gate: ConnectGate,
    end_at: Millis,
    next_at: Millis,
    next_sender: usize,
    /// Deliveries expected: for each broadcast, the other sessions open when it was sent.
    expected: u64,
    sent: u64,
    /// Deliveries to other sessions already counted before the broadcast phase.
    foreign_before: u64,
    /// Repeated deliveries already counted before the broadcast phase.
    repeats_before: u64,
}

/// Most broadcasts one tick may catch up on (a throttled tab must not burst).
const MAX_CATCH_UP: u32 = 100;

impl Broadcast {
    pub(super) fn new(p: &BroadcastParams) -> Broadcast {
        Broadcast {
            step_ms: 1000.0 / p.rate_per_s,
            duration_ms: p.duration_ms,
            gate: ConnectGate::default(),
            end_at: 0.0,
            next_at: 0.0,
            next_sender: 0,
            expected: 0,
            sent: 0,
            foreign_before: 0,
            repeats_before: 0,
        }
    }

    fn send(&mut self, run: &mut Run, now: Millis) {
        let n = run.session_count();
        let Some(sender) = (0..n)
            .map(|k| SessionId(((self.next_sender + k) % n) as u32))
            .find(|s| run.is_connected(*s))
        else {
            return;
        };
        self.next_sender = sender.index() + 1;
        run.send_one(sender, now);
        self.sent += 1;
        self.expected += run.connected_count().saturating_sub(1) as u64;
    }
}

impl Drive for Broadcast {
    fn start(&mut self, core: &mut Core, run: &mut Run, now: Millis) {
        self.gate.open(core, run, now);
    }

    fn tick(&mut self, core: &mut Core, run: &mut Run, now: Millis) {
        let broadcasting = self.gate.passed(run, now, |run| {
            self.end_at = now + self.duration_ms;
            self.next_at = now;
            let c = run.counters();
            self.foreign_before = c.foreign;
            self.repeats_before = c.foreign_duplicate;
            core.enter("broadcast", run, now);
            core.plan_end(self.end_at);
        });
        if !broadcasting {
            return;
        }
        let mut budget = MAX_CATCH_UP;
        while now >= self.next_at && self.next_at < self.end_at && budget > 0 {
            self.send(run, now);
            self.next_at += self.step_ms;
            budget -= 1;
        }
        if budget == 0 && self.next_at <= now {
            self.next_at = now + self.step_ms;
        }
        // The sender's copy settles the pending request long before the fan-out may reach
        // the others: wait for the deliveries too (at most one reply timeout).
        let delivered = run.counters().foreign.saturating_sub(self.foreign_before);
        let waited = now >= self.end_at + run.config().reply_timeout_ms;
        if now >= self.end_at && (delivered >= self.expected || waited) {
            core.drain(run, now);
        }
    }

    fn criteria(&self, run: &Run, now: Millis) -> Vec<Criterion> {
        let th = &run.config().thresholds;
        let c = run.counters();
        // Each (broadcast, receiver) pair counts once; repeats are reported on their own.
        let delivered = c.foreign.saturating_sub(self.foreign_before);
        let repeats = c.foreign_duplicate.saturating_sub(self.repeats_before);
        let latency = run.foreign_latency_summary();
        let mut delivery = criteria::ratio(
            th,
            "delivery",
            "Broadcasts delivered",
            (delivered, self.expected),
            (th.min_replies, "deliveries"),
            true,
        );
        delivery.measured = format!("{} ({} broadcasts sent)", delivery.measured, self.sent);
        let mut lat = criteria::latency(
            th,
            "delivery-latency",
            "Average delivery latency",
            (latency.mean, latency.count),
            "deliveries",
            true,
        );
        if let (Some(p95), Some(max)) = (latency.p95, latency.max) {
            lat.measured = format!(
                "{} (p95 {} ms, max {} ms)",
                lat.measured,
                fixed(p95, 1),
                fixed(max, 1)
            );
        }
        vec![
            F10::of(run, now).get(Measure::ConnectionSuccess, true),
            delivery,
            criteria::zero(
                "delivery-duplicates",
                "Broadcasts delivered twice",
                repeats,
                "repeated deliveries",
                Grade::Warn,
                Sample::new(delivered, th.min_replies, "deliveries"),
            ),
            lat,
        ]
    }
}
