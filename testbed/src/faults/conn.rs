//! One connection's faults at work: what to do with each frame in and each reply out.
//!
//! The decisions are made here and carried out by the session, which owns the socket and the
//! counters. Nothing here does I/O, so the rules (order of checks, what draws a random number)
//! are unit tests; the random draws happen in a fixed order, so a seed replays a run exactly.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

use super::delayed::Delayed;
use super::global::GlobalFaults;
use super::plan::FaultPlan;
use super::rng::Rng;

/// The window the global rate limit counts frames in.
const RATE_WINDOW: Duration = Duration::from_secs(1);

/// What to do with a data frame just received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Handle it as usual (its reply still goes through [`ConnFaults::reply_fate`]).
    Answer,
    /// The server is silent: discard it.
    Silenced,
    /// `stop_after` was reached: discard it.
    Stopped,
    /// Drop the TCP connection without a close frame.
    Drop,
    /// Over the rate limit: close with 4029.
    RateLimited,
}

/// What to do with one reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fate {
    /// Do not send it.
    Lost,
    /// Send `copies` (1 or 2) at `due`; `None` means now.
    Send { copies: u8, due: Option<Instant> },
}

/// A reply waiting for its delay: the frame, the type it is counted under, how many copies.
pub(crate) type Pending<F> = (F, String, u8);

/// The fault state of one connection; `F` is the frame type (the session's `Message`).
#[derive(Debug)]
pub(crate) struct ConnFaults<F> {
    plan: FaultPlan,
    rng: Rng,
    /// Data frames admitted so far (for `stop_after`).
    admitted: u64,
    /// Arrival times of recent frames, at most the rate limit of them.
    window: VecDeque<Instant>,
    delayed: Delayed<Pending<F>>,
    /// When, and with which code, the server closes by itself.
    close_at: Option<(Instant, u16)>,
}

impl<F> ConnFaults<F> {
    /// Faults for connection `id`, opened at `opened`.
    pub fn new(plan: FaultPlan, id: u64, opened: Instant) -> Self {
        let close_at = plan.close.map(|c| (opened + c.after, c.code));
        Self {
            rng: Rng::new(plan.seed.unwrap_or(id)),
            plan,
            admitted: 0,
            window: VecDeque::new(),
            delayed: Delayed::default(),
            close_at,
        }
    }

    /// Decides the fate of a data frame received at `now`. Checks run in this order: silent,
    /// rate limit, drop, stop.
    pub fn on_frame(&mut self, global: &GlobalFaults, now: Instant) -> Verdict {
        if global.is_silent() {
            return Verdict::Silenced;
        }
        if self.over_rate_limit(global.rate_limit(), now) {
            return Verdict::RateLimited;
        }
        if self.rng.chance(self.plan.drop_rate) {
            return Verdict::Drop;
        }
        self.admitted += 1;
        if self.plan.stop_after.is_some_and(|n| self.admitted > n) {
            return Verdict::Stopped;
        }
        Verdict::Answer
    }

    /// Records a frame at `now`; true when it makes more than `limit` in the last second.
    fn over_rate_limit(&mut self, limit: Option<u32>, now: Instant) -> bool {
        let Some(limit) = limit else {
            if self.window.capacity() > 0 {
                self.window = VecDeque::new();
            }
            return false;
        };
        while self
            .window
            .front()
            .is_some_and(|&t| now.duration_since(t) >= RATE_WINDOW)
        {
            self.window.pop_front();
        }
        // The limit may have been lowered since these were recorded.
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        while self.window.len() > limit {
            self.window.pop_front();
        }
        if self.window.len() == limit {
            return true;
        }
        self.window.push_back(now);
        false
    }

    /// True once `stop_after` frames were admitted: the session sends nothing more.
    pub fn is_stopped(&self) -> bool {
        self.plan.stop_after.is_some_and(|n| self.admitted >= n)
    }

    /// Decides the fate of a reply made at `now`.
    pub fn reply_fate(&mut self, now: Instant) -> Fate {
        if self.rng.chance(self.plan.loss_rate) {
            return Fate::Lost;
        }
        let copies = if self.rng.chance(self.plan.dup_rate) {
            2
        } else {
            1
        };
        let delay = self.plan.delay + Duration::from_millis(self.rng.up_to(self.plan.jitter_ms));
        let due = (!delay.is_zero()).then(|| now + delay);
        Fate::Send { copies, due }
    }

    /// The close the server starts by itself, if one is planned.
    pub fn close_at(&self) -> Option<(Instant, u16)> {
        self.close_at
    }

    /// Queues a delayed reply.
    pub fn delay(&mut self, due: Instant, pending: Pending<F>) {
        self.delayed.push(due, pending);
    }

    /// True when no more delayed replies fit: stop reading until some have left.
    pub fn is_backlogged(&self) -> bool {
        self.delayed.is_full()
    }

    pub fn next_due(&self) -> Option<Instant> {
        self.delayed.next_due()
    }

    pub fn pop_due(&mut self, now: Instant) -> Option<Pending<F>> {
        self.delayed.pop_due(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn(plan: FaultPlan) -> ConnFaults<()> {
        ConnFaults::new(plan, 1, Instant::now())
    }

    #[test]
    fn no_plan_answers_everything_at_once() {
        let g = GlobalFaults::new(true);
        let mut c = conn(FaultPlan::default());
        let now = Instant::now();
        for _ in 0..100 {
            assert_eq!(c.on_frame(&g, now), Verdict::Answer);
            assert_eq!(
                c.reply_fate(now),
                Fate::Send {
                    copies: 1,
                    due: None
                }
            );
        }
        assert!(!c.is_stopped() && c.close_at().is_none());
    }

    #[test]
    fn stop_after_answers_exactly_n() {
        let g = GlobalFaults::new(true);
        let mut c = conn(FaultPlan {
            stop_after: Some(3),
            ..FaultPlan::default()
        });
        let now = Instant::now();
        let verdicts: Vec<_> = (0..5).map(|_| c.on_frame(&g, now)).collect();
        assert_eq!(verdicts[..3], [Verdict::Answer; 3]);
        assert_eq!(verdicts[3..], [Verdict::Stopped; 2]);
        assert!(c.is_stopped());
    }

    #[test]
    fn a_seed_replays_the_same_drops() {
        let g = GlobalFaults::new(true);
        let plan = FaultPlan {
            drop_rate: 0.3,
            seed: Some(9),
            ..FaultPlan::default()
        };
        let now = Instant::now();
        let run = |mut c: ConnFaults<()>| -> Vec<Verdict> {
            (0..200).map(|_| c.on_frame(&g, now)).collect()
        };
        let a = run(conn(plan.clone()));
        assert_eq!(a, run(ConnFaults::new(plan, 77, now)));
        let drops = a.iter().filter(|&&v| v == Verdict::Drop).count();
        assert!((40..80).contains(&drops), "{drops}");
    }

    #[test]
    fn loss_duplicate_and_delay_with_jitter() {
        let now = Instant::now();
        let mut lossy = conn(FaultPlan {
            loss_rate: 1.0,
            ..FaultPlan::default()
        });
        assert_eq!(lossy.reply_fate(now), Fate::Lost);

        let mut c = conn(FaultPlan {
            dup_rate: 1.0,
            delay: Duration::from_millis(100),
            jitter_ms: 50,
            ..FaultPlan::default()
        });
        for _ in 0..100 {
            let Fate::Send {
                copies: 2,
                due: Some(due),
            } = c.reply_fate(now)
            else {
                panic!("expected a delayed duplicate");
            };
            let delay = due - now;
            assert!(delay >= Duration::from_millis(100) && delay <= Duration::from_millis(150));
        }
    }

    #[test]
    fn rate_limit_counts_a_sliding_second() {
        let g = GlobalFaults::new(true);
        g.set_rate_limit(3);
        let mut c = conn(FaultPlan::default());
        let t0 = Instant::now();
        let at = |ms| t0 + Duration::from_millis(ms);
        for ms in [0, 400, 800] {
            assert_eq!(c.on_frame(&g, at(ms)), Verdict::Answer);
        }
        // A fourth within one second of the first is one too many…
        assert_eq!(c.on_frame(&g, at(999)), Verdict::RateLimited);
        // …but once the first has left the window there is room again.
        assert_eq!(c.on_frame(&g, at(1000)), Verdict::Answer);
        g.set_rate_limit(0);
        assert_eq!(c.on_frame(&g, at(1001)), Verdict::Answer);
        assert_eq!(
            c.window.capacity(),
            0,
            "the window is freed when the limit is off"
        );
    }

    #[test]
    fn silence_comes_first() {
        let g = GlobalFaults::new(true);
        g.silence_for(10.0);
        let mut c = conn(FaultPlan {
            drop_rate: 1.0,
            ..FaultPlan::default()
        });
        assert_eq!(c.on_frame(&g, Instant::now()), Verdict::Silenced);
    }

    #[test]
    fn a_planned_close_is_timed_from_the_opening() {
        let opened = Instant::now();
        let plan = FaultPlan::for_connection(
            true,
            &[
                ("close_code".to_owned(), "4001".to_owned()),
                ("close_after_ms".to_owned(), "100".to_owned()),
            ]
            .into(),
        )
        .unwrap();
        let c: ConnFaults<()> = ConnFaults::new(plan, 1, opened);
        assert_eq!(
            c.close_at(),
            Some((opened + Duration::from_millis(100), 4001))
        );
    }
}
