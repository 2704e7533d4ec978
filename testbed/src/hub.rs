//! Fan-out of broadcasts to every open session.
//!
//! Each session owns a bounded queue that the hub holds the sending end of. A broadcast is
//! offered to every queue without waiting: a session whose client stops reading loses
//! broadcasts (counted as `broadcast_dropped`) instead of stalling the sender and, through it,
//! everyone else. The sender's own reply path is not affected.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use axum::extract::ws::Utf8Bytes;
use tokio::sync::mpsc;

use crate::stats::ConnId;

/// Broadcasts one session may have waiting before further ones are dropped for it.
pub(crate) const QUEUE_CAPACITY: usize = 1024;

/// The sending ends of every open session's broadcast queue.
#[derive(Debug, Default)]
pub(crate) struct Hub {
    sessions: Mutex<HashMap<ConnId, mpsc::Sender<Utf8Bytes>>>,
}

impl Hub {
    fn lock(&self) -> MutexGuard<'_, HashMap<ConnId, mpsc::Sender<Utf8Bytes>>> {
        self.sessions.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers session `id` and returns the queue it must drain.
    pub fn join(&self, id: ConnId) -> mpsc::Receiver<Utf8Bytes> {
        let (tx, rx) = mpsc::channel(QUEUE_CAPACITY);
        self.lock().insert(id, tx);
        rx
    }

    /// Unregisters session `id`; later broadcasts skip it.
    pub fn leave(&self, id: ConnId) {
        self.lock().remove(&id);
    }

    /// Offers `text` to every open session, the sender included.
    /// Returns how many sessions could not take it because their queue was full.
    pub fn broadcast(&self, text: &Utf8Bytes) -> u64 {
        let sessions = self.lock();
        let mut dropped = 0;
        for tx in sessions.values() {
            if tx.try_send(text.clone()).is_err() {
                dropped += 1;
            }
        }
        dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcast_reaches_every_member_and_counts_full_queues() {
        let hub = Hub::default();
        let mut a = hub.join(1);
        let mut b = hub.join(2);
        assert_eq!(hub.broadcast(&"hello".into()), 0);
        assert_eq!(a.try_recv().unwrap().as_str(), "hello");
        assert_eq!(b.try_recv().unwrap().as_str(), "hello");

        hub.leave(2);
        for _ in 0..QUEUE_CAPACITY {
            assert_eq!(hub.broadcast(&"x".into()), 0);
        }
        assert_eq!(hub.broadcast(&"overflow".into()), 1);
        assert!(
            b.try_recv().is_err(),
            "a session that left receives nothing"
        );
    }
}
