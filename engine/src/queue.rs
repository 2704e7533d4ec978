//! Offline queue (F7): what is sent while a session is not connected waits here, bounded,
//! and goes out in order when the session (re)connects. A message that does not fit is
//! refused, and the caller counts and logs it — nothing is dropped silently.

use std::collections::VecDeque;

use crate::command::Frame;

/// A rendered test message waiting for a socket.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Outgoing {
    /// Correlation key of its `{{id}}`.
    pub key: u64,
    /// Its `{{seq}}`.
    pub seq: u64,
    /// Its row of the breakdown by field (`groups::NO_GROUP` when there is none).
    pub group: u8,
    /// The frame.
    pub frame: Frame,
}

/// A bounded FIFO of messages.
#[derive(Clone, Debug)]
pub(crate) struct OutQueue {
    items: VecDeque<Outgoing>,
    capacity: usize,
}

impl OutQueue {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            items: VecDeque::new(),
            capacity,
        }
    }

    /// Queues `msg`, or hands it back when the queue is full.
    pub(crate) fn push(&mut self, msg: Outgoing) -> Result<(), Outgoing> {
        if self.items.len() >= self.capacity {
            return Err(msg);
        }
        self.items.push_back(msg);
        Ok(())
    }

    /// Puts `msg` back in front (it was taken out before the others), or hands it back when
    /// the queue is full.
    pub(crate) fn push_front(&mut self, msg: Outgoing) -> Result<(), Outgoing> {
        if self.items.len() >= self.capacity {
            return Err(msg);
        }
        self.items.push_front(msg);
        Ok(())
    }

    /// Takes the oldest message.
    pub(crate) fn pop(&mut self) -> Option<Outgoing> {
        self.items.pop_front()
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(seq: u64) -> Outgoing {
        Outgoing {
            key: seq,
            seq,
            group: 0,
            frame: Frame::Text(seq.to_string()),
        }
    }

    #[test]
    fn fifo_and_bounded() {
        let mut q = OutQueue::new(3);
        for i in 0..3 {
            q.push(msg(i)).unwrap();
        }
        assert_eq!(q.push(msg(3)).unwrap_err().seq, 3);
        assert_eq!(q.len(), 3);
        let order: Vec<u64> = std::iter::from_fn(|| q.pop()).map(|m| m.seq).collect();
        assert_eq!(order, vec![0, 1, 2]);
        assert_eq!(q.len(), 0);
        assert_eq!(q.capacity(), 3);
    }

    #[test]
    fn zero_capacity_refuses_everything() {
        let mut q = OutQueue::new(0);
        assert!(q.push(msg(1)).is_err());
    }
}
