//! Backpressure: bursts and queue flushes are released in slices the socket can take.
//!
//! A burst of 15 × 10,000 or a reconnect flushing a full offline queue must not push
//! everything at the browser at once: the excess would sit in the socket's buffer past its
//! reply timeout and count as lost, or overflow the pending map, blaming the server for the
//! console's own limits. So what is asked for is *held* — not rendered, not sent, not
//! pending, never lost — and released while the session has room: fewer than
//! [`WINDOW_PER_SESSION`] replies awaited, fewer than [`BUFFER_HIGH_WATER`] bytes in the
//! browser's buffer, and room left in the run's pending map. Replies, timeouts and a short
//! poll (for the buffer, which reports no event when it drains) release the rest.

use super::Run;
use crate::ids::{Millis, SessionId};
use crate::log::{LogCategory, LogLevel};

/// Test messages one session may have awaiting replies before the rest are held back.
pub const WINDOW_PER_SESSION: u64 = 512;
/// Bytes the browser may hold for one socket before more are held back.
pub const BUFFER_HIGH_WATER: u64 = 256 * 1024;
/// How soon a session held back by a full socket buffer is looked at again.
pub const BUFFER_POLL_MS: Millis = 4.0;
/// The most test messages one burst may ask for, over all its sessions.
pub const MAX_BURST_TOTAL: u64 = 500_000;

/// The most test messages one burst may ask of one session.
pub const MAX_BURST_PER_SESSION: u32 = 10_000;

/// Reads a burst size typed for `sessions` sessions: a whole number from 1 to
/// [`MAX_BURST_PER_SESSION`], and at most [`MAX_BURST_TOTAL`] over all of them.
pub fn burst_size(text: &str, sessions: u32) -> Result<u32, String> {
    let k: u32 = text
        .trim()
        .parse()
        .map_err(|_| format!("Burst: a whole number from 1 to {MAX_BURST_PER_SESSION}"))?;
    if k == 0 || k > MAX_BURST_PER_SESSION {
        return Err(format!(
            "Burst: from 1 to {MAX_BURST_PER_SESSION} messages per session"
        ));
    }
    let total = u64::from(k) * u64::from(sessions.max(1));
    if total > MAX_BURST_TOTAL {
        return Err(format!(
            "Burst: {total} messages in all is more than {MAX_BURST_TOTAL}; fewer per session"
        ));
    }
    Ok(k)
}

/// Why a session cannot send more right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Room {
    Yes,
    /// Waiting for replies (its window, or the run's pending map, is full).
    Replies,
    /// Waiting for the browser to put buffered bytes on the wire.
    Buffer,
}

impl Run {
    /// Whether session `s` may hand one more test message to its socket now.
    pub(super) fn room(&self, s: SessionId) -> Room {
        let sess = &self.sessions[s.index()];
        // Keep a tenth of the pending map free so a flush never evicts a pending request.
        let cap = self.cfg.limits.pending - self.cfg.limits.pending / 10;
        if sess.counters.pending >= WINDOW_PER_SESSION || self.correlator.pending_len() >= cap {
            Room::Replies
        } else if sess.buffered >= BUFFER_HIGH_WATER {
            Room::Buffer
        } else {
            Room::Yes
        }
    }

    /// Whether session `s` has anything held back or queued that it could send once connected.
    pub(super) fn has_backlog(&self, s: SessionId) -> bool {
        let sess = &self.sessions[s.index()];
        sess.held > 0 || !sess.queue.is_empty()
    }

    /// Releases what session `s` holds — its offline queue first, in order, then held test
    /// messages — while it is connected and has room.
    pub(super) fn release(&mut self, s: SessionId, now: Millis) {
        while self.sessions[s.index()].is_connected() && self.has_backlog(s) {
            match self.room(s) {
                Room::Yes => {}
                Room::Buffer => {
                    self.flow_retry_at = Some(now + BUFFER_POLL_MS);
                    return;
                }
                Room::Replies => return,
            }
            let sess = &mut self.sessions[s.index()];
            if let Some(msg) = sess.queue.pop() {
                self.transmit(s, msg, now, true);
                if self.sessions[s.index()].queue.is_empty() {
                    self.queue_flushed_log(s, now);
                }
            } else {
                sess.held -= 1;
                if let Some(msg) = self.render(s, now) {
                    self.transmit(s, msg, now, false);
                }
            }
        }
    }

    /// Releases what every session holds (from the timer).
    pub(super) fn release_all(&mut self, now: Millis) {
        self.flow_retry_at = None;
        for i in 0..self.sessions.len() {
            let s = SessionId(i as u32);
            if self.has_backlog(s) {
                self.release(s, now);
            }
        }
    }

    /// The browser's `bufferedAmount` for the live socket of `s`, read after the adapter
    /// handed it frames (the engine adds what it sends until the next reading).
    pub fn set_buffered(&mut self, s: SessionId, bytes: u32) {
        if let Some(sess) = self.sessions.get_mut(s.index()) {
            sess.buffered = u64::from(bytes);
        }
    }

    /// Sessions holding messages back because the browser's buffer was full at the last
    /// reading: the adapter reads their `bufferedAmount` again before each tick, since no
    /// send happens to refresh it while they wait.
    pub fn waiting_on_buffer(&self) -> Vec<SessionId> {
        if self.flow_retry_at.is_none() {
            return Vec::new();
        }
        self.sessions
            .iter()
            .filter(|s| s.buffered >= BUFFER_HIGH_WATER && (s.held > 0 || !s.queue.is_empty()))
            .map(|s| s.id)
            .collect()
    }

    /// Test messages held back over all sessions (a burst, or scheduled sends behind one).
    pub fn held_now(&self) -> u64 {
        self.sessions.iter().map(|s| s.held).sum()
    }

    /// Sends `k` test messages as fast as the sockets take them on session `s`, or on every
    /// session when `None`. On a connected session they are held and released with
    /// backpressure; on one that is not, they go to its offline queue as any send would.
    /// A burst over [`MAX_BURST_TOTAL`] is refused with a log entry.
    pub fn burst(&mut self, s: Option<SessionId>, k: u32, now: Millis) {
        let targets: Vec<SessionId> = match s {
            Some(s) if s.index() < self.sessions.len() => vec![s],
            Some(_) => Vec::new(),
            None => (0..self.sessions.len() as u32).map(SessionId).collect(),
        };
        let total = u64::from(k) * targets.len() as u64;
        if total > MAX_BURST_TOTAL {
            self.push_log(
                now,
                LogLevel::Error,
                LogCategory::Sent,
                s,
                &format!(
                    "burst refused: {total} messages asked for, at most {MAX_BURST_TOTAL} at once"
                ),
            );
            return;
        }
        for t in targets {
            if self.sessions[t.index()].is_connected() {
                self.sessions[t.index()].held += u64::from(k);
                self.release(t, now);
            } else {
                for _ in 0..k {
                    self.send_or_queue(t, now);
                }
            }
        }
    }

    fn queue_flushed_log(&mut self, s: SessionId, now: Millis) {
        let flushed = std::mem::take(&mut self.sessions[s.index()].flushing);
        if flushed > 0 {
            self.push_log(
                now,
                LogLevel::Info,
                LogCategory::Queue,
                Some(s),
                &format!("flushed {flushed} queued message(s)"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_sizes_are_bounded_per_session_and_in_all() {
        assert_eq!(burst_size(" 400 ", 15), Ok(400));
        assert_eq!(burst_size("10000", 15), Ok(10_000));
        for bad in ["0", "-1", "abc", "", "10001"] {
            assert!(burst_size(bad, 15).is_err(), "{bad}");
        }
        let e = burst_size("10000", 200).unwrap_err();
        assert!(e.contains("2000000") && e.contains("500000"), "{e}");
    }
}
