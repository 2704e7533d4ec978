//! Counters (F9), per session and in total.
//!
//! `sent`, `matched`, `lost` and `pending` obey `sent = matched + lost + pending` at every
//! moment, per session and in total (F4): a message is `sent` when the engine hands its
//! frame to the adapter, and leaves `pending` exactly once, as matched or as lost.

use std::collections::BTreeMap;

use crate::heap::{HeapSample, HeapTrend};
use crate::histogram::RttSummary;
use serde::ser::{Serialize, SerializeStruct, Serializer};

/// Distinct close codes tracked; any further code is counted under 0.
const MAX_CLOSE_CODES: usize = 32;

/// Errors by category.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ErrorCounts {
    /// Unexpected closes by code (a close the engine asked for is not counted).
    pub close_codes: BTreeMap<u16, u64>,
    /// Replies that were not JSON (when the template is JSON).
    pub parse: u64,
    /// Connect, auth and heartbeat timeouts.
    pub timeout: u64,
    /// Socket `error` events (the browser gives no detail).
    pub socket: u64,
    /// `{"type":"error"}` messages from the server.
    pub server: u64,
    /// Auth refusals (`auth_error`, no-retry close codes).
    pub auth: u64,
}

impl ErrorCounts {
    pub(crate) fn close(&mut self, code: u16) {
        let key =
            if self.close_codes.len() < MAX_CLOSE_CODES || self.close_codes.contains_key(&code) {
                code
            } else {
                0
            };
        *self.close_codes.entry(key).or_default() += 1;
    }

    /// All errors.
    pub fn total(&self) -> u64 {
        self.close_codes.values().sum::<u64>()
            + self.parse
            + self.timeout
            + self.socket
            + self.server
            + self.auth
    }

    fn add(&mut self, o: &ErrorCounts) {
        for (code, n) in &o.close_codes {
            *self.close_codes.entry(*code).or_default() += n;
        }
        self.parse += o.parse;
        self.timeout += o.timeout;
        self.socket += o.socket;
        self.server += o.server;
        self.auth += o.auth;
    }
}

/// Message and connection counters.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counters {
    /// Test messages handed to a socket.
    pub sent: u64,
    /// Frames received (any kind).
    pub received: u64,
    /// Replies matched to a request (one RTT sample each).
    pub matched: u64,
    /// Requests with no reply within the timeout (or pushed out of a full pending map).
    pub lost: u64,
    /// Requests awaiting a reply.
    pub pending: u64,
    /// The same reply again within the duplicate window.
    pub duplicate: u64,
    /// Replies carrying an id the run never sent.
    pub unsolicited: u64,
    /// Matched replies whose `seq` came before an already matched one.
    pub out_of_order: u64,
    /// Replies that came after their request was declared lost (counted once).
    pub late: u64,
    /// Replies to another session's message (e.g. a broadcast fanning out), each
    /// (message, receiver) pair counted once.
    pub foreign: u64,
    /// The same (message, receiver) pair again: a fan-out delivered twice.
    pub foreign_duplicate: u64,
    /// Messages that went into the offline queue.
    pub queued: u64,
    /// Messages refused because the queue was full.
    pub queue_overflow: u64,
    /// Queued messages sent once the session (re)connected.
    pub queue_flushed: u64,
    /// Flushed messages whose reply came back (matched).
    pub queue_delivered: u64,
    /// Flushed messages that resolved as lost.
    pub queue_lost: u64,
    /// Payload bytes sent (test messages, pings, auth).
    pub bytes_out: u64,
    /// Payload bytes received.
    pub bytes_in: u64,
    /// Binary frames received.
    pub binary_in: u64,
    /// Heartbeat and connection chatter received (ping, pong, connected, visual_action).
    pub noise: u64,
    /// Server pushes: data frames the server sent on its own. Every frame received except
    /// a pong (or a heartbeat's answer), connection chatter (`noise`), an auth reply, and a
    /// reply to this session's own message (matched, duplicate or late); so replies to
    /// other sessions (`foreign`), unknown ids (`unsolicited`) and frames without an id
    /// count. An oversized frame is not looked into and does not count.
    pub pushes: u64,
    /// Pings sent.
    pub pings_sent: u64,
    /// Pongs received.
    pub pongs: u64,
    /// Heartbeats that timed out.
    pub ping_timeouts: u64,
    /// Sockets the engine asked to open.
    pub connect_attempts: u64,
    /// Sockets that opened.
    pub connects: u64,
    /// Sockets that failed before opening (closed or timed out while connecting).
    pub connect_failures: u64,
    /// Open sockets lost: closed by the server or the network, or declared dead.
    pub drops: u64,
    /// Sessions back after a drop.
    pub reconnects: u64,
    /// Scheduled sends skipped because the page's timer came too late to catch up with them
    /// (a throttled, hidden tab): the console's limit, never the server's.
    pub schedule_skipped: u64,
    /// The browser's own refusals: a frame `send()` would not take, a socket the browser
    /// would not create (a malformed URL, a blocked port, a page policy). The console's
    /// side of the wire: never lost, never a server or connection failure.
    pub client_errors: u64,
    /// Frames received over the size cap: counted with their size, only a prefix kept.
    pub oversized: u64,
    /// Errors by category.
    pub errors: ErrorCounts,
}

impl Counters {
    /// Adds `o` into `self`.
    pub fn add(&mut self, o: &Counters) {
        self.sent += o.sent;
        self.received += o.received;
        self.matched += o.matched;
        self.lost += o.lost;
        self.pending += o.pending;
        self.duplicate += o.duplicate;
        self.unsolicited += o.unsolicited;
        self.out_of_order += o.out_of_order;
        self.late += o.late;
        self.foreign += o.foreign;
        self.foreign_duplicate += o.foreign_duplicate;
        self.queued += o.queued;
        self.queue_overflow += o.queue_overflow;
        self.queue_flushed += o.queue_flushed;
        self.queue_delivered += o.queue_delivered;
        self.queue_lost += o.queue_lost;
        self.bytes_out += o.bytes_out;
        self.bytes_in += o.bytes_in;
        self.binary_in += o.binary_in;
        self.noise += o.noise;
        self.pushes += o.pushes;
        self.pings_sent += o.pings_sent;
        self.pongs += o.pongs;
        self.ping_timeouts += o.ping_timeouts;
        self.connect_attempts += o.connect_attempts;
        self.connects += o.connects;
        self.connect_failures += o.connect_failures;
        self.drops += o.drops;
        self.reconnects += o.reconnects;
        self.schedule_skipped += o.schedule_skipped;
        self.client_errors += o.client_errors;
        self.oversized += o.oversized;
        self.errors.add(&o.errors);
    }

    /// `matched / (matched + lost)` in percent; `None` before anything resolved.
    pub fn success_rate(&self) -> Option<f64> {
        let resolved = self.matched + self.lost;
        (resolved > 0).then(|| self.matched as f64 * 100.0 / resolved as f64)
    }

    /// Whether `sent = matched + lost + pending`.
    pub fn invariant_holds(&self) -> bool {
        self.sent == self.matched + self.lost + self.pending
    }
}

/// How many sessions the run has, and how many stand in each state: the metric cards'
/// figures and the report's (flattened into both, so the report's `totals` keeps its
/// field names).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SessionCounts {
    /// Sessions configured (`sessions` in JSON).
    pub configured: u32,
    /// Sessions connected.
    pub active: u32,
    /// Sessions connecting.
    pub connecting: u32,
    /// Sessions waiting to reconnect.
    pub reconnecting: u32,
    /// Sessions waiting for a token.
    pub needs_auth: u32,
    /// Sessions that gave up.
    pub errored: u32,
    /// Sessions disconnected.
    pub disconnected: u32,
}

impl SessionCounts {
    /// How many fields [`SessionCounts::serialize_fields`] writes.
    pub(crate) const FIELDS: usize = 7;

    /// Writes the counts as fields of `s`, the struct they are flattened into.
    pub(crate) fn serialize_fields<S: SerializeStruct>(&self, s: &mut S) -> Result<(), S::Error> {
        s.serialize_field("sessions", &self.configured)?;
        s.serialize_field("active", &self.active)?;
        s.serialize_field("connecting", &self.connecting)?;
        s.serialize_field("reconnecting", &self.reconnecting)?;
        s.serialize_field("needs_auth", &self.needs_auth)?;
        s.serialize_field("errored", &self.errored)?;
        s.serialize_field("disconnected", &self.disconnected)
    }
}

impl Serialize for SessionCounts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("SessionCounts", Self::FIELDS)?;
        self.serialize_fields(&mut s)?;
        s.end()
    }
}

/// Whole-run figures for the metric cards.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Totals {
    /// Sessions, by state.
    #[serde(flatten)]
    pub sessions: SessionCounts,
    /// Counters summed over sessions.
    pub counters: Counters,
    /// Message success rate, percent.
    pub success_rate: Option<f64>,
    /// Message RTT.
    pub rtt: RttSummary,
    /// Heartbeat RTT, kept apart from message RTT.
    pub ping_rtt: RttSummary,
    /// Latency of replies delivered to other sessions (broadcast fan-out).
    pub foreign_latency: RttSummary,
    /// Time from asking to open to open.
    pub connect_time: RttSummary,
    /// Time from open to the server's first frame on that socket.
    pub first_message: RttSummary,
    /// Time from a drop to the session's next open.
    pub recovery: RttSummary,
    /// Messages sent per second (sliding window).
    pub sent_per_s: f64,
    /// Frames received per second (sliding window).
    pub received_per_s: f64,
    /// Messages waiting in offline queues now.
    pub queued_now: u64,
    /// Test messages the console holds back until a socket has room (backpressure).
    pub held_now: u64,
    /// Latest heap reading; `None` = not available in this browser.
    pub heap: Option<HeapSample>,
    /// Heap trend over the visible samples.
    pub heap_trend: Option<HeapTrend>,
    /// Whether the tab is hidden now (timers throttled).
    pub hidden: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_rate_and_invariant() {
        let mut c = Counters {
            sent: 10,
            matched: 6,
            lost: 2,
            pending: 2,
            ..Default::default()
        };
        assert!(c.invariant_holds());
        assert_eq!(c.success_rate(), Some(75.0));
        c.pending = 1;
        assert!(!c.invariant_holds());
        assert_eq!(Counters::default().success_rate(), None);
    }

    #[test]
    fn add_sums_everything_including_errors() {
        let mut a = Counters {
            sent: 1,
            bytes_in: 5,
            ..Default::default()
        };
        a.errors.close(1006);
        let mut b = Counters {
            sent: 2,
            reconnects: 1,
            ..Default::default()
        };
        b.errors.close(1006);
        b.errors.parse = 3;
        a.add(&b);
        assert_eq!((a.sent, a.bytes_in, a.reconnects), (3, 5, 1));
        assert_eq!(a.errors.close_codes[&1006], 2);
        assert_eq!(a.errors.total(), 5);
    }

    #[test]
    fn close_codes_are_bounded() {
        let mut e = ErrorCounts::default();
        for code in 1000..3000u16 {
            e.close(code);
        }
        assert!(e.close_codes.len() <= MAX_CLOSE_CODES + 1);
        assert_eq!(e.total(), 2000);
    }
}
