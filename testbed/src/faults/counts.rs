//! Counting injected faults, so a test can compare what the client saw with what the server did.

use serde::Serialize;

/// One fault carried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// A connection cut without a close frame (`drop_rate` or drop-all).
    Dropped,
    /// A reply not sent (`loss_rate`).
    Lost,
    /// A reply held back (`delay_ms`, `jitter_ms`).
    Delayed,
    /// A reply sent twice (`dup_rate`).
    Duplicated,
    /// A received frame left unanswered, or a broadcast withheld, after `stop_after`.
    Stopped,
    /// A frame discarded or withheld while the server was silent.
    Silenced,
    /// A WebSocket handshake answered with 503.
    Refused,
    /// A connection closed with 4029 for sending too fast.
    RateLimited,
    /// A connection closed by `close_code` / `close_after_ms`.
    PlannedClose,
}

/// The `faults` object in `/api/ws/stats` totals.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub(crate) struct FaultCounts {
    dropped: u64,
    lost: u64,
    delayed: u64,
    duplicated: u64,
    stopped: u64,
    silenced: u64,
    refused: u64,
    rate_limited: u64,
    closed_by_fault: u64,
}

impl FaultCounts {
    pub fn add(&mut self, fault: Fault) {
        let n = match fault {
            Fault::Dropped => &mut self.dropped,
            Fault::Lost => &mut self.lost,
            Fault::Delayed => &mut self.delayed,
            Fault::Duplicated => &mut self.duplicated,
            Fault::Stopped => &mut self.stopped,
            Fault::Silenced => &mut self.silenced,
            Fault::Refused => &mut self.refused,
            Fault::RateLimited => &mut self.rate_limited,
            Fault::PlannedClose => &mut self.closed_by_fault,
        };
        *n += 1;
    }
}
