//! Replies waiting out an injected delay, earliest first.
//!
//! A session keeps its own queue and sends from it in its own loop, so delayed replies leave in
//! order of their due time (with jitter, not in the order they were asked for: that reordering
//! is the point). The queue is bounded: when it is full the session stops reading until replies
//! have left, which pushes back on the client instead of growing without limit.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use tokio::time::Instant;

/// Replies one session may have waiting before it stops reading.
pub(crate) const MAX_DELAYED: usize = 1024;

struct Entry<T> {
    due: Instant,
    /// Arrival order, so replies due at the same instant keep it.
    seq: u64,
    item: T,
}

impl<T> Entry<T> {
    fn key(&self) -> (Instant, u64) {
        (self.due, self.seq)
    }
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl<T> Eq for Entry<T> {}

impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Entry<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// A bounded min-queue of items by due time.
pub(crate) struct Delayed<T> {
    heap: BinaryHeap<Reverse<Entry<T>>>,
    next_seq: u64,
}

impl<T> std::fmt::Debug for Delayed<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Delayed")
            .field("len", &self.heap.len())
            .finish()
    }
}

impl<T> Default for Delayed<T> {
    fn default() -> Self {
        Self {
            heap: BinaryHeap::new(),
            next_seq: 0,
        }
    }
}

impl<T> Delayed<T> {
    pub fn is_full(&self) -> bool {
        self.heap.len() >= MAX_DELAYED
    }

    /// Queues `item` for `due`. The caller checks [`Delayed::is_full`] before reading the
    /// frame that leads here; a push beyond the bound is still kept rather than lost.
    pub fn push(&mut self, due: Instant, item: T) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Reverse(Entry { due, seq, item }));
    }

    /// When the earliest item is due, if any is waiting.
    pub fn next_due(&self) -> Option<Instant> {
        self.heap.peek().map(|Reverse(e)| e.due)
    }

    /// The earliest item, if it is due at `now`.
    pub fn pop_due(&mut self, now: Instant) -> Option<T> {
        if self.next_due()? > now {
            return None;
        }
        self.heap.pop().map(|Reverse(e)| e.item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn items_leave_by_due_time_then_arrival() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let mut q = Delayed::default();
        q.push(ms(30), "c");
        q.push(ms(10), "a");
        q.push(ms(30), "d");
        q.push(ms(20), "b");
        assert_eq!(q.next_due(), Some(ms(10)));
        assert_eq!(q.pop_due(ms(5)), None);
        let mut out = Vec::new();
        while let Some(x) = q.pop_due(ms(30)) {
            out.push(x);
        }
        assert_eq!(out, ["a", "b", "c", "d"]);
        assert_eq!(q.next_due(), None);
    }

    #[test]
    fn full_at_the_bound() {
        let mut q = Delayed::default();
        let now = Instant::now();
        for i in 0..MAX_DELAYED {
            assert!(!q.is_full());
            q.push(now, i);
        }
        assert!(q.is_full());
        q.pop_due(now);
        assert!(!q.is_full());
    }
}
