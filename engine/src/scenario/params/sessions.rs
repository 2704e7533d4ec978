//! The parameters of the scenarios that open and close sessions (memory leak, ramp-up,
//! auth), beside their drivers in `scenario::sessions`: defaults, and how the form reads
//! and writes them.

use super::{ParamField, Walk};
use crate::config::MAX_SESSIONS;
use crate::ids::Millis;

/// Memory leak detection: cycles of opening and closing every session.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct MemoryLeakParams {
    /// Sessions opened each cycle (default 10).
    pub sessions: u32,
    /// Cycles, C (default 20).
    pub cycles: u32,
    /// How long the sessions stay open each cycle, ms (default 10 000).
    pub open_ms: Millis,
    /// How long they stay closed, ms (default 5000).
    pub closed_ms: Millis,
    /// Automatic send interval while open, ms (default 1000).
    pub interval_ms: Millis,
}

impl Default for MemoryLeakParams {
    fn default() -> Self {
        Self {
            sessions: 10,
            cycles: 20,
            open_ms: 10_000.0,
            closed_ms: 5000.0,
            interval_ms: 1000.0,
        }
    }
}

/// Ramp-up: batches of B sessions every T until N, then a hold.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct RampUpParams {
    /// Sessions at the top, N (default 50).
    pub sessions: u32,
    /// Sessions per batch, B (default 5).
    pub batch_size: u32,
    /// Time between batches, ms (default 2000).
    pub batch_every_ms: Millis,
    /// Hold at N, ms (default 10 000).
    pub hold_ms: Millis,
    /// Automatic send interval per session, ms (default 1000).
    pub interval_ms: Millis,
}

impl Default for RampUpParams {
    fn default() -> Self {
        Self {
            sessions: 50,
            batch_size: 5,
            batch_every_ms: 2000.0,
            hold_ms: 10_000.0,
            interval_ms: 1000.0,
        }
    }
}

/// Auth: the configured token must connect; an invalid one must be refused, not retried.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct AuthParams {
    /// Sessions (default 3).
    pub sessions: u32,
    /// How long the valid token's sessions must stay open, ms (default 2000).
    pub hold_ms: Millis,
    /// How long to watch for retries after the invalid token was refused, ms (default 5000).
    pub observe_ms: Millis,
    /// A token the server must refuse (default `invalid-token`). Redacted in reports.
    #[serde(serialize_with = "super::redacted")]
    pub invalid_token: String,
}

impl Default for AuthParams {
    fn default() -> Self {
        Self {
            sessions: 3,
            hold_ms: 2000.0,
            observe_ms: 5000.0,
            invalid_token: "invalid-token".into(),
        }
    }
}

impl MemoryLeakParams {
    pub(super) fn walk(&mut self, w: &mut impl Walk) {
        use ParamField::*;
        w.sessions(&mut self.sessions, 1);
        w.count(Cycles, &mut self.cycles, "Cycles", 1, 1000);
        w.secs(OpenS, &mut self.open_ms, "Open time", 0.1, 3600.0);
        w.secs(ClosedS, &mut self.closed_ms, "Closed time", 0.0, 3600.0);
        w.interval(&mut self.interval_ms);
    }
}

impl RampUpParams {
    pub(super) fn walk(&mut self, w: &mut impl Walk) {
        use ParamField::*;
        w.sessions(&mut self.sessions, 1);
        let batch = &mut self.batch_size;
        w.count(BatchSize, batch, "Sessions per batch", 1, MAX_SESSIONS);
        let every = &mut self.batch_every_ms;
        w.secs(BatchEveryS, every, "Batch interval", 0.1, 3600.0);
        w.secs(HoldS, &mut self.hold_ms, "Hold", 0.0, 86_400.0);
        w.interval(&mut self.interval_ms);
    }
}

impl AuthParams {
    pub(super) fn walk(&mut self, w: &mut impl Walk) {
        use ParamField::*;
        w.sessions(&mut self.sessions, 1);
        w.secs(HoldS, &mut self.hold_ms, "Hold", 0.0, 600.0);
        w.secs(ObserveS, &mut self.observe_ms, "Retry watch", 1.0, 600.0);
        w.invalid_token(&mut self.invalid_token);
    }
}
