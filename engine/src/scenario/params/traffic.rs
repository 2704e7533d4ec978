//! The parameters of the traffic scenarios (load, soak, reliability, broadcast), beside
//! their drivers in `scenario::traffic`: defaults, and how the form reads and writes them.

use super::{ParamField, Print, Walk};
use crate::form;
use crate::ids::Millis;

/// Load: N sessions sending automatically for a duration.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct LoadParams {
    /// Sessions (default 15).
    pub sessions: u32,
    /// Automatic send interval per session, ms (default 1000); 0 keeps one message in flight.
    pub interval_ms: Millis,
    /// How long, ms (default 60 000).
    pub duration_ms: Millis,
}

impl Default for LoadParams {
    fn default() -> Self {
        Self {
            sessions: 15,
            interval_ms: 1000.0,
            duration_ms: 60_000.0,
        }
    }
}

/// Persistence / soak: sessions held with heartbeats (always on in this scenario).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SoakParams {
    /// Sessions (default 15).
    pub sessions: u32,
    /// Automatic send interval per session, ms (default 1000).
    pub interval_ms: Millis,
    /// How long, ms (default 30 min).
    pub duration_ms: Millis,
}

impl Default for SoakParams {
    fn default() -> Self {
        Self {
            sessions: 15,
            interval_ms: 1000.0,
            duration_ms: 30.0 * 60_000.0,
        }
    }
}

/// Message reliability: K messages per session, paced.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ReliabilityParams {
    /// Sessions (default 5).
    pub sessions: u32,
    /// Messages per session, K (default 100).
    pub messages: u32,
    /// Time between two messages of a session, ms (default 50).
    pub interval_ms: Millis,
}

impl Default for ReliabilityParams {
    fn default() -> Self {
        Self {
            sessions: 5,
            messages: 100,
            interval_ms: 50.0,
        }
    }
}

/// Broadcast: `{"type":"broadcast","id":…}` at a rate, fanned out by the server.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct BroadcastParams {
    /// Sessions (default 10; at least 2).
    pub sessions: u32,
    /// Broadcasts per second over all sessions, R (default 5).
    pub rate_per_s: f64,
    /// How long, ms (default 30 000).
    pub duration_ms: Millis,
}

impl Default for BroadcastParams {
    fn default() -> Self {
        Self {
            sessions: 10,
            rate_per_s: 5.0,
            duration_ms: 30_000.0,
        }
    }
}

impl LoadParams {
    pub(super) fn walk(&mut self, w: &mut impl Walk) {
        use ParamField::*;
        w.sessions(&mut self.sessions, 1);
        // As the configuration's: 0 keeps one message in flight.
        let print: Print<Millis> = |v| super::num(*v);
        w.text(
            IntervalMs,
            &mut self.interval_ms,
            &form::send_interval,
            print,
        );
        w.duration(&mut self.duration_ms);
    }
}

impl SoakParams {
    pub(super) fn walk(&mut self, w: &mut impl Walk) {
        w.sessions(&mut self.sessions, 1);
        w.interval(&mut self.interval_ms);
        w.duration(&mut self.duration_ms);
    }
}

impl ReliabilityParams {
    pub(super) fn walk(&mut self, w: &mut impl Walk) {
        use ParamField::*;
        w.sessions(&mut self.sessions, 1);
        let k = &mut self.messages;
        w.count(Messages, k, "Messages per session", 1, 100_000);
        w.interval(&mut self.interval_ms);
    }
}

impl BroadcastParams {
    pub(super) fn walk(&mut self, w: &mut impl Walk) {
        use ParamField::*;
        w.sessions(&mut self.sessions, 2);
        let unit = "broadcasts per second";
        let rate = &mut self.rate_per_s;
        w.number(RatePerS, rate, "Broadcast rate", unit, 0.1, 1000.0);
        w.duration(&mut self.duration_ms);
    }
}
