//! The parameters of the traffic scenarios (load, soak, reliability, broadcast), beside
//! their drivers in `scenario::traffic`: defaults, and how the form reads and writes them.

use super::{ParamField, RawScenarioParams, duration, interval, num, secs_text, sessions};
use crate::form::{self, Validator};
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

/// Auth: the configured token must connect; an invalid one must be refused, not retried.

impl LoadParams {
    pub(super) fn parse(v: &mut Validator<ParamField>, raw: &RawScenarioParams) -> Option<Self> {
        let sessions = sessions(v, raw, 1);
        // As the configuration's: 0 keeps one message in flight.
        let interval_ms = v.take(
            ParamField::IntervalMs,
            form::send_interval(&raw.interval_ms),
        );
        let duration_ms = duration(v, raw);
        Some(Self {
            sessions: sessions?,
            interval_ms: interval_ms?,
            duration_ms: duration_ms?,
        })
    }

    pub(super) fn fill(&self, raw: &mut RawScenarioParams) {
        raw.sessions = self.sessions.to_string();
        raw.interval_ms = num(self.interval_ms);
        raw.duration_s = secs_text(self.duration_ms);
    }
}

impl SoakParams {
    pub(super) fn parse(v: &mut Validator<ParamField>, raw: &RawScenarioParams) -> Option<Self> {
        let sessions = sessions(v, raw, 1);
        let interval_ms = interval(v, raw);
        let duration_ms = duration(v, raw);
        Some(Self {
            sessions: sessions?,
            interval_ms: interval_ms?,
            duration_ms: duration_ms?,
        })
    }

    pub(super) fn fill(&self, raw: &mut RawScenarioParams) {
        LoadParams {
            sessions: self.sessions,
            interval_ms: self.interval_ms,
            duration_ms: self.duration_ms,
        }
        .fill(raw);
    }
}

impl ReliabilityParams {
    pub(super) fn parse(v: &mut Validator<ParamField>, raw: &RawScenarioParams) -> Option<Self> {
        let sessions = sessions(v, raw, 1);
        let messages = v.take(
            ParamField::Messages,
            form::count(&raw.messages, "Messages per session", 1, 100_000),
        );
        let interval_ms = interval(v, raw);
        Some(Self {
            sessions: sessions?,
            messages: messages?,
            interval_ms: interval_ms?,
        })
    }

    pub(super) fn fill(&self, raw: &mut RawScenarioParams) {
        raw.sessions = self.sessions.to_string();
        raw.messages = self.messages.to_string();
        raw.interval_ms = num(self.interval_ms);
    }
}

impl BroadcastParams {
    pub(super) fn parse(v: &mut Validator<ParamField>, raw: &RawScenarioParams) -> Option<Self> {
        let sessions = sessions(v, raw, 2);
        let rate_per_s = v.take(
            ParamField::RatePerS,
            form::number(
                &raw.rate_per_s,
                "Broadcast rate",
                "broadcasts per second",
                0.1,
                1000.0,
            ),
        );
        let duration_ms = duration(v, raw);
        Some(Self {
            sessions: sessions?,
            rate_per_s: rate_per_s?,
            duration_ms: duration_ms?,
        })
    }

    pub(super) fn fill(&self, raw: &mut RawScenarioParams) {
        raw.sessions = self.sessions.to_string();
        raw.rate_per_s = num(self.rate_per_s);
        raw.duration_s = secs_text(self.duration_ms);
    }
}
