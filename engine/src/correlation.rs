//! Reply correlation (F4): pending requests, duplicates, late replies.
//!
//! - pending: requests awaiting a reply, keyed by correlation key, plus their send order
//!   so the oldest can time out (or be pushed out when the map is full) without scanning.
//!   The order queue is cleaned lazily and compacted when it grows past twice the map.
//! - recent: keys answered within the duplicate window; the same key again is a duplicate.
//! - lost: keys recently declared lost, so a reply after its timeout is counted once as
//!   late and is never matched.
//! - delivered: (key, receiver) pairs of fan-out seen within the duplicate window, so a
//!   broadcast delivered twice to one session counts once, and the second is reported.
//!
//! All four are bounded (P5) and cleaned as time passes.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

use crate::ids::{Millis, SessionId};

/// A cheap hasher for `u64` keys (engine ids are sequential; others are already hashed).
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b) ^ self.0.rotate_left(8));
        }
    }
    fn write_u64(&mut self, n: u64) {
        let h = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 32);
    }
}

type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<KeyHasher>>;

/// A request awaiting its reply.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Pending {
    pub session: SessionId,
    pub seq: u64,
    pub sent_at: Millis,
    /// Whether it waited in the offline queue before it was sent.
    pub queued: bool,
    /// Its row of the breakdown by field.
    pub group: u8,
}

/// What a reply turned out to be.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Outcome {
    /// Answers a pending request of the receiving session.
    Matched {
        seq: u64,
        rtt: Millis,
        queued: bool,
        group: u8,
    },
    /// Answers a request of another session (broadcast fan-out), the first time this
    /// session gets it; nothing resolved.
    Foreign { latency: Millis },
    /// The same fan-out again on the same receiving session.
    ForeignDuplicate,
    /// Answers a request already declared lost (first time only); `owner` sent it.
    Late { owner: SessionId },
    /// The same reply again.
    Duplicate,
    /// No request of this run has that key.
    Unsolicited,
}

#[derive(Clone, Copy, Debug)]
struct Answered {
    owner: SessionId,
    sent_at: Millis,
}

/// Correlation state for the whole run.
#[derive(Debug)]
pub(crate) struct Correlator {
    pending: KeyMap<Pending>,
    order: VecDeque<u64>,
    recent: KeyMap<Answered>,
    recent_order: VecDeque<(Millis, u64)>,
    lost: KeyMap<Answered>,
    lost_order: VecDeque<u64>,
    delivered: KeyMap<()>,
    delivered_order: VecDeque<(Millis, u64)>,
    pending_cap: usize,
    recent_cap: usize,
    lost_cap: usize,
}

impl Correlator {
    pub(crate) fn new(pending_cap: usize, recent_cap: usize, lost_cap: usize) -> Self {
        Self {
            pending: KeyMap::default(),
            order: VecDeque::new(),
            recent: KeyMap::default(),
            recent_order: VecDeque::new(),
            lost: KeyMap::default(),
            lost_order: VecDeque::new(),
            delivered: KeyMap::default(),
            delivered_order: VecDeque::new(),
            pending_cap: pending_cap.max(1),
            recent_cap: recent_cap.max(1),
            lost_cap: lost_cap.max(1),
        }
    }

    /// Registers a sent request. When the pending map is full the oldest request is pushed
    /// out and returned: the caller counts it as lost.
    pub(crate) fn sent(&mut self, key: u64, p: Pending) -> Option<Pending> {
        let evicted = if self.pending.len() >= self.pending_cap && !self.pending.contains_key(&key)
        {
            self.pop_oldest().map(|(k, old)| {
                self.remember_lost(k, old);
                old
            })
        } else {
            None
        };
        if let Some(previous) = self.pending.insert(key, p) {
            // The same key sent twice (a template whose id is not unique): the earlier one
            // can no longer be told apart, so it resolves as lost now.
            self.remember_lost(key, previous);
            return Some(previous);
        }
        self.order.push_back(key);
        if self.order.len() > 2 * self.pending.len() + 64 {
            let pending = &self.pending;
            self.order.retain(|k| pending.contains_key(k));
        }
        evicted
    }

    fn pop_oldest(&mut self) -> Option<(u64, Pending)> {
        while let Some(k) = self.order.pop_front() {
            if let Some(p) = self.pending.remove(&k) {
                return Some((k, p));
            }
        }
        None
    }

    /// Takes back a request that never left (the browser refused the frame): it is no longer
    /// pending, and no reply can match it.
    pub(crate) fn withdraw(&mut self, key: u64) -> Option<Pending> {
        self.pending.remove(&key)
    }

    /// Moves the send time of a pending request to when the browser really took it (the
    /// adapter stamps each frame immediately before `send()`).
    pub(crate) fn restamp(&mut self, key: u64, sent_at: Millis) {
        if let Some(p) = self.pending.get_mut(&key) {
            p.sent_at = sent_at;
        }
    }

    /// Classifies a reply with `key` received by `session` at `now`.
    pub(crate) fn reply(&mut self, key: u64, session: SessionId, now: Millis) -> Outcome {
        if let Some(p) = self.pending.get(&key).copied() {
            if p.session != session {
                return self.foreign(key, session, p.sent_at, now);
            }
            self.pending.remove(&key);
            self.remember_answered(
                key,
                Answered {
                    owner: p.session,
                    sent_at: p.sent_at,
                },
                now,
            );
            return Outcome::Matched {
                seq: p.seq,
                rtt: (now - p.sent_at).max(0.0),
                queued: p.queued,
                group: p.group,
            };
        }
        if let Some(a) = self.recent.get(&key).copied() {
            return if a.owner == session {
                Outcome::Duplicate
            } else {
                self.foreign(key, session, a.sent_at, now)
            };
        }
        if let Some(a) = self.lost.get(&key).copied() {
            if a.owner != session {
                return self.foreign(key, session, a.sent_at, now);
            }
            self.lost.remove(&key);
            self.remember_answered(key, a, now);
            return Outcome::Late { owner: a.owner };
        }
        Outcome::Unsolicited
    }

    /// A fan-out of `key` reaching `session`: the first time per pair, or a duplicate.
    fn foreign(&mut self, key: u64, session: SessionId, sent_at: Millis, now: Millis) -> Outcome {
        let pair = key ^ u64::from(session.0 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        if self.delivered.contains_key(&pair) {
            return Outcome::ForeignDuplicate;
        }
        while self.delivered.len() >= self.recent_cap {
            match self.delivered_order.pop_front() {
                Some((_, old)) => self.delivered.remove(&old),
                None => break,
            };
        }
        self.delivered.insert(pair, ());
        self.delivered_order.push_back((now, pair));
        Outcome::Foreign {
            latency: (now - sent_at).max(0.0),
        }
    }

    /// Declares requests older than `timeout` lost, oldest first, handing each to `lost`.
    pub(crate) fn expire(
        &mut self,
        now: Millis,
        timeout: Millis,
        mut lost: impl FnMut(u64, Pending),
    ) {
        while let Some(&k) = self.order.front() {
            match self.pending.get(&k).copied() {
                None => {
                    self.order.pop_front();
                }
                Some(p) if now - p.sent_at >= timeout => {
                    self.order.pop_front();
                    self.pending.remove(&k);
                    self.remember_lost(k, p);
                    lost(k, p);
                }
                Some(_) => break,
            }
        }
    }

    /// Forgets answered keys older than the duplicate window.
    pub(crate) fn clean(&mut self, now: Millis, window: Millis) {
        while let Some(&(at, k)) = self.recent_order.front() {
            if now - at < window {
                break;
            }
            self.recent_order.pop_front();
            self.recent.remove(&k);
        }
        while let Some(&(at, k)) = self.delivered_order.front() {
            if now - at < window {
                break;
            }
            self.delivered_order.pop_front();
            self.delivered.remove(&k);
        }
    }

    fn remember_answered(&mut self, key: u64, a: Answered, now: Millis) {
        while self.recent.len() >= self.recent_cap {
            match self.recent_order.pop_front() {
                Some((_, old)) => self.recent.remove(&old),
                None => break,
            };
        }
        if self.recent.insert(key, a).is_none() {
            self.recent_order.push_back((now, key));
        }
    }

    fn remember_lost(&mut self, key: u64, p: Pending) {
        while self.lost.len() >= self.lost_cap {
            match self.lost_order.pop_front() {
                Some(old) => self.lost.remove(&old),
                None => break,
            };
        }
        if self
            .lost
            .insert(
                key,
                Answered {
                    owner: p.session,
                    sent_at: p.sent_at,
                },
            )
            .is_none()
        {
            self.lost_order.push_back(key);
        }
        // A late reply moves a key from lost to recent; keep the order queue from growing
        // with keys no longer in the map.
        if self.lost_order.len() > 2 * self.lost_cap {
            let lost = &self.lost;
            self.lost_order.retain(|k| lost.contains_key(k));
        }
    }

    /// Requests awaiting a reply.
    pub(crate) fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// When the oldest pending request times out.
    pub(crate) fn next_timeout(&self, timeout: Millis) -> Option<Millis> {
        self.order
            .iter()
            .find_map(|k| self.pending.get(k))
            .map(|p| p.sent_at + timeout)
    }

    /// Sizes of every internal structure, for the boundedness tests.
    #[cfg(test)]
    pub(crate) fn sizes(&self) -> [usize; 8] {
        [
            self.pending.len(),
            self.order.len(),
            self.recent.len(),
            self.recent_order.len(),
            self.lost.len(),
            self.lost_order.len(),
            self.delivered.len(),
            self.delivered_order.len(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S0: SessionId = SessionId(0);
    const S1: SessionId = SessionId(1);

    fn p(session: SessionId, seq: u64, sent_at: Millis) -> Pending {
        Pending {
            session,
            seq,
            sent_at,
            queued: false,
            group: 0,
        }
    }

    fn expire_all(c: &mut Correlator, now: Millis) -> Vec<u64> {
        let mut out = Vec::new();
        c.expire(now, 10_000.0, |k, _| out.push(k));
        out
    }

    #[test]
    fn match_gives_rtt_then_duplicate() {
        let mut c = Correlator::new(100, 100, 100);
        assert_eq!(c.sent(1, p(S0, 1, 100.0)), None);
        assert_eq!(
            c.reply(1, S0, 100.4),
            Outcome::Matched {
                seq: 1,
                rtt: 0.4000000000000057,
                queued: false,
                group: 0
            }
        );
        assert_eq!(c.reply(1, S0, 101.0), Outcome::Duplicate);
        assert_eq!(c.pending_len(), 0);
    }

    #[test]
    fn duplicate_window_is_cleaned() {
        let mut c = Correlator::new(100, 100, 100);
        c.sent(1, p(S0, 1, 0.0));
        c.reply(1, S0, 10.0);
        c.clean(5_009.0, 5_000.0);
        assert_eq!(c.reply(1, S0, 5_009.0), Outcome::Duplicate);
        c.clean(5_010.0, 5_000.0);
        assert_eq!(c.reply(1, S0, 5_010.0), Outcome::Unsolicited);
    }

    #[test]
    fn unknown_key_is_unsolicited() {
        let mut c = Correlator::new(100, 100, 100);
        assert_eq!(c.reply(77, S0, 0.0), Outcome::Unsolicited);
    }

    #[test]
    fn timeout_makes_lost_then_late_once_then_duplicate() {
        let mut c = Correlator::new(100, 100, 100);
        c.sent(1, p(S0, 1, 0.0));
        c.sent(2, p(S0, 2, 5_000.0));
        assert_eq!(expire_all(&mut c, 9_999.0), Vec::<u64>::new());
        assert_eq!(expire_all(&mut c, 10_000.0), vec![1]);
        assert_eq!(c.next_timeout(10_000.0), Some(15_000.0));
        assert_eq!(c.reply(1, S0, 12_000.0), Outcome::Late { owner: S0 });
        assert_eq!(c.reply(1, S0, 12_001.0), Outcome::Duplicate);
        assert_eq!(c.pending_len(), 1);
    }

    #[test]
    fn full_pending_map_pushes_out_the_oldest() {
        let mut c = Correlator::new(2, 100, 100);
        c.sent(1, p(S0, 1, 0.0));
        c.sent(2, p(S0, 2, 1.0));
        let evicted = c.sent(3, p(S0, 3, 2.0)).unwrap();
        assert_eq!(evicted.seq, 1);
        assert_eq!(c.pending_len(), 2);
        assert_eq!(c.reply(1, S0, 3.0), Outcome::Late { owner: S0 });
    }

    #[test]
    fn reused_key_resolves_the_earlier_request() {
        let mut c = Correlator::new(10, 10, 10);
        c.sent(5, p(S0, 1, 0.0));
        assert_eq!(c.sent(5, p(S0, 2, 1.0)).unwrap().seq, 1);
        assert_eq!(c.pending_len(), 1);
    }

    #[test]
    fn replies_on_another_session_are_foreign() {
        let mut c = Correlator::new(10, 10, 10);
        c.sent(9, p(S0, 1, 0.0));
        assert_eq!(c.reply(9, S1, 3.0), Outcome::Foreign { latency: 3.0 });
        assert_eq!(
            c.reply(9, S0, 4.0),
            Outcome::Matched {
                seq: 1,
                rtt: 4.0,
                queued: false,
                group: 0
            }
        );
        // The same fan-out on the same receiver again: once is a delivery, twice a duplicate,
        // whether the sender's copy came back yet or not.
        assert_eq!(c.reply(9, S1, 5.0), Outcome::ForeignDuplicate);
        let s2 = SessionId(2);
        assert_eq!(c.reply(9, s2, 5.0), Outcome::Foreign { latency: 5.0 });
        assert_eq!(c.reply(9, s2, 6.0), Outcome::ForeignDuplicate);
    }

    #[test]
    fn everything_stays_bounded() {
        let mut c = Correlator::new(50, 60, 70);
        for i in 0..100_000u64 {
            let t = i as f64;
            c.sent(i, p(S0, i, t));
            match i % 4 {
                0 => {
                    c.reply(i, S0, t);
                }
                1 => {
                    c.reply(i.saturating_sub(30), S0, t);
                }
                2 => {
                    c.reply(i, S1, t);
                    c.reply(i.saturating_sub(2), SessionId(2), t);
                }
                _ => {}
            }
            c.expire(t, 40.0, |_, _| {});
            c.clean(t, 100.0);
            let [
                pending,
                order,
                recent,
                recent_order,
                lost,
                lost_order,
                delivered,
                delivered_order,
            ] = c.sizes();
            assert!(delivered <= 60 && delivered_order <= 60, "{:?}", c.sizes());
            assert!(pending <= 50 && order <= 2 * 50 + 65, "{:?}", c.sizes());
            assert!(recent <= 60 && recent_order <= 60);
            assert!(lost <= 70 && lost_order <= 141);
        }
    }
}
