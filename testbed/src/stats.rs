//! Counting what the server saw and did, for `/health` and `/api/ws/stats`.
//!
//! Tests (host, browser and end-to-end) judge the console by comparing its own counters with
//! these, so they must be exact: every data frame in and out is recorded here, once, by the
//! session that moved it. Everything kept is bounded: open sessions are bounded by the sockets
//! the OS gives us, closed ones by [`CLOSED_HISTORY`], and per-type maps by [`MAX_TYPES`] (the
//! `type` of a frame is client input, so a hostile client could otherwise grow them forever).

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::Serialize;
use serde_json::Value;

use crate::faults::{Fault, FaultCounts};

/// How many closed connections `/api/ws/stats` remembers.
pub const CLOSED_HISTORY: usize = 1000;
/// How many distinct message types one counter map tracks before lumping the rest together.
pub const MAX_TYPES: usize = 64;
/// Key for types beyond [`MAX_TYPES`].
const OTHER_TYPES: &str = "(other)";
/// Longest type name kept as a key; longer ones are cut (at a character boundary).
const MAX_TYPE_LEN: usize = 64;

/// Identifies one accepted WebSocket session for as long as the server runs.
pub(crate) type ConnId = u64;

/// A data frame received from a client, as far as counting is concerned.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Inbound<'a> {
    /// A text frame, with the key it is counted under (see `Request::stats_key`).
    Text(&'a str),
    /// A text frame that was not a JSON object; also counted under its key.
    Malformed(&'a str),
    /// A binary frame.
    Binary,
}

/// Message counts by type, bounded to [`MAX_TYPES`] keys.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
struct TypeCounts(BTreeMap<String, u64>);

impl TypeCounts {
    fn add(&mut self, key: &str) {
        let key = truncate(key, MAX_TYPE_LEN);
        if let Some(n) = self.0.get_mut(key) {
            *n += 1;
        } else if self.0.len() < MAX_TYPES {
            self.0.insert(key.to_owned(), 1);
        } else {
            *self.0.entry(OTHER_TYPES.to_owned()).or_default() += 1;
        }
    }
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[derive(Debug, Clone, Default, Serialize)]
struct Totals {
    accepted: u64,
    open: u64,
    closed: u64,
    rejected_auth: u64,
    /// WebSocket handshakes refused for a foreign `Origin` (see the `origin` module).
    rejected_origin: u64,
    /// CSP violations the served console reported (`/api/csp-report`); should stay 0.
    csp_violations: u64,
    received: u64,
    sent: u64,
    received_by_type: TypeCounts,
    sent_by_type: TypeCounts,
    binary_received: u64,
    malformed: u64,
    /// Broadcast deliveries skipped because the receiving session's queue was full.
    broadcast_dropped: u64,
    /// Injected faults carried out (see the `faults` module).
    faults: FaultCounts,
}

/// One session as reported by `/api/ws/stats`.
#[derive(Debug, Clone, Serialize)]
struct Connection {
    id: ConnId,
    path: String,
    user_id: String,
    authenticated: bool,
    open: bool,
    received: u64,
    sent: u64,
    received_by_type: TypeCounts,
    opened_at_ms: u64,
    closed_at_ms: Option<u64>,
    close_code: Option<u16>,
}

#[derive(Debug)]
struct Inner {
    next_id: ConnId,
    totals: Totals,
    open: BTreeMap<ConnId, Connection>,
    closed: VecDeque<Connection>,
    history: usize,
}

/// The server's counters. Cheap to update from many sessions at once.
#[derive(Debug)]
pub(crate) struct Stats {
    inner: Mutex<Inner>,
}

impl Default for Stats {
    fn default() -> Self {
        Self::with_history(CLOSED_HISTORY)
    }
}

impl Stats {
    /// Counters that remember at most `history` closed connections.
    pub fn with_history(history: usize) -> Self {
        Self {
            inner: Mutex::new(Inner {
                next_id: 1,
                totals: Totals::default(),
                open: BTreeMap::new(),
                closed: VecDeque::with_capacity(history.min(CLOSED_HISTORY)),
                history,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Counters stay meaningful even if a holder panicked mid-update; never cascade.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records a newly accepted session and returns its id.
    pub fn open(&self, path: &str, user_id: &str, authenticated: bool, now_ms: u64) -> ConnId {
        let mut inner = self.lock();
        let id = inner.next_id;
        inner.next_id += 1;
        inner.totals.accepted += 1;
        inner.open.insert(
            id,
            Connection {
                id,
                path: path.to_owned(),
                user_id: user_id.to_owned(),
                authenticated,
                open: true,
                received: 0,
                sent: 0,
                received_by_type: TypeCounts::default(),
                opened_at_ms: now_ms,
                closed_at_ms: None,
                close_code: None,
            },
        );
        id
    }

    /// Records a data frame received on session `id`.
    pub fn received(&self, id: ConnId, frame: Inbound<'_>) {
        let mut inner = self.lock();
        let key = match frame {
            Inbound::Text(key) => key,
            Inbound::Malformed(key) => {
                inner.totals.malformed += 1;
                key
            }
            Inbound::Binary => {
                inner.totals.binary_received += 1;
                "(binary)"
            }
        };
        inner.totals.received += 1;
        inner.totals.received_by_type.add(key);
        if let Some(conn) = inner.open.get_mut(&id) {
            conn.received += 1;
            conn.received_by_type.add(key);
        }
    }

    /// Records a data frame of type `key` sent on session `id`.
    pub fn sent(&self, id: ConnId, key: &str) {
        let mut inner = self.lock();
        inner.totals.sent += 1;
        inner.totals.sent_by_type.add(key);
        if let Some(conn) = inner.open.get_mut(&id) {
            conn.sent += 1;
        }
    }

    /// Marks session `id` as authenticated (first-message auth) as `user_id`.
    pub fn authenticated(&self, id: ConnId, user_id: &str) {
        if let Some(conn) = self.lock().open.get_mut(&id) {
            conn.authenticated = true;
            user_id.clone_into(&mut conn.user_id);
        }
    }

    /// Moves session `id` to the closed history, dropping the oldest beyond the bound.
    pub fn close(&self, id: ConnId, close_code: Option<u16>, now_ms: u64) {
        let mut inner = self.lock();
        let Some(mut conn) = inner.open.remove(&id) else {
            return;
        };
        conn.open = false;
        conn.closed_at_ms = Some(now_ms);
        conn.close_code = close_code;
        inner.totals.closed += 1;
        if inner.history == 0 {
            return;
        }
        while inner.closed.len() >= inner.history {
            inner.closed.pop_front();
        }
        inner.closed.push_back(conn);
    }

    /// Counts a connection refused for a bad or missing token (1008 or HTTP 401).
    pub fn rejected_auth(&self) {
        self.lock().totals.rejected_auth += 1;
    }

    /// Counts a WebSocket handshake refused for its `Origin` (HTTP 403).
    pub fn rejected_origin(&self) {
        self.lock().totals.rejected_origin += 1;
    }

    /// Counts a CSP violation report from a served page.
    pub fn csp_violation(&self) {
        self.lock().totals.csp_violations += 1;
    }

    /// Counts broadcast deliveries skipped because a receiver's queue was full.
    pub fn broadcast_dropped(&self, n: u64) {
        if n > 0 {
            self.lock().totals.broadcast_dropped += n;
        }
    }

    /// Counts one injected fault carried out.
    pub fn fault(&self, fault: Fault) {
        self.lock().totals.faults.add(fault);
    }

    /// Number of sessions open right now.
    pub fn open_count(&self) -> usize {
        self.lock().open.len()
    }

    /// The `/api/ws/stats` document: `totals` plus open and recently closed `connections`.
    pub fn snapshot(&self) -> Value {
        let inner = self.lock();
        let mut totals = inner.totals.clone();
        totals.open = inner.open.len() as u64;
        let connections: Vec<&Connection> =
            inner.closed.iter().chain(inner.open.values()).collect();
        serde_json::json!({ "totals": totals, "connections": connections })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_counted_in_totals_and_per_connection() {
        let stats = Stats::default();
        let a = stats.open("/ws", "anonymous", false, 10);
        let b = stats.open("/ws", "anonymous", false, 11);
        stats.received(a, Inbound::Text("ping"));
        stats.received(a, Inbound::Text("ping"));
        stats.received(b, Inbound::Binary);
        stats.received(b, Inbound::Malformed("(malformed)"));
        stats.sent(a, "pong");
        let s = stats.snapshot();
        let t = &s["totals"];
        assert_eq!(t["accepted"], 2);
        assert_eq!(t["open"], 2);
        assert_eq!(t["received"], 4);
        assert_eq!(t["sent"], 1);
        assert_eq!(t["binary_received"], 1);
        assert_eq!(t["malformed"], 1);
        assert_eq!(t["received_by_type"]["ping"], 2);
        assert_eq!(t["sent_by_type"]["pong"], 1);
        let conns = s["connections"].as_array().unwrap();
        assert_eq!(conns[0]["id"], a);
        assert_eq!(conns[0]["received"], 2);
        assert_eq!(conns[0]["sent"], 1);
        assert_eq!(conns[1]["received_by_type"]["(binary)"], 1);
    }

    #[test]
    fn closing_keeps_the_connection_in_history_with_its_code() {
        let stats = Stats::default();
        let a = stats.open("/ws", "u", false, 1);
        stats.authenticated(a, "alice");
        stats.close(a, Some(1000), 5);
        stats.close(a, Some(1001), 6); // a second close is ignored
        let s = stats.snapshot();
        assert_eq!(s["totals"]["open"], 0);
        assert_eq!(s["totals"]["closed"], 1);
        let c = &s["connections"][0];
        assert_eq!(
            (
                c["open"].clone(),
                c["close_code"].clone(),
                c["closed_at_ms"].clone()
            ),
            (false.into(), 1000.into(), 5.into())
        );
        assert_eq!(
            (c["user_id"].clone(), c["authenticated"].clone()),
            ("alice".into(), true.into())
        );
        assert_eq!(stats.open_count(), 0);
    }

    #[test]
    fn closed_history_keeps_only_the_most_recent() {
        let stats = Stats::with_history(3);
        let ids: Vec<_> = (0..5).map(|_| stats.open("/ws", "u", false, 0)).collect();
        for &id in &ids {
            stats.close(id, None, 0);
        }
        let s = stats.snapshot();
        let kept: Vec<u64> = s["connections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_u64().unwrap())
            .collect();
        assert_eq!(kept, ids[2..]);
        assert_eq!(s["totals"]["closed"], 5);
    }

    #[test]
    fn type_maps_are_bounded_and_keys_cut() {
        let stats = Stats::default();
        let a = stats.open("/ws", "u", false, 0);
        for i in 0..(MAX_TYPES + 10) {
            stats.received(a, Inbound::Text(&format!("t{i}")));
        }
        stats.received(a, Inbound::Text(&"é".repeat(100)));
        let s = stats.snapshot();
        let by_type = s["totals"]["received_by_type"].as_object().unwrap();
        assert_eq!(by_type.len(), MAX_TYPES + 1);
        assert_eq!(by_type[OTHER_TYPES], 11);
        assert_eq!(s["totals"]["received"], MAX_TYPES as u64 + 11);
        assert_eq!(truncate(&"é".repeat(100), MAX_TYPE_LEN), "é".repeat(32));
    }
}
