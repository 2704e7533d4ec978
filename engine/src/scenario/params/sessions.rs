//! The parameters of the scenarios that open and close sessions (memory leak, ramp-up,
//! auth), beside their drivers in `scenario::sessions`: defaults, and how the form reads
//! and writes them.

use super::{
    ParamField, RawScenarioParams, interval, invalid_token, num, secs, secs_text, sessions,
};
use crate::config::MAX_SESSIONS;
use crate::form::{self, Validator};
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
    pub(super) fn parse(v: &mut Validator<ParamField>, raw: &RawScenarioParams) -> Option<Self> {
        let sessions = sessions(v, raw, 1);
        let cycles = v.take(
            ParamField::Cycles,
            form::count(&raw.cycles, "Cycles", 1, 1000),
        );
        let open_ms = secs(v, ParamField::OpenS, &raw.open_s, "Open time", 0.1, 3600.0);
        let closed_ms = secs(
            v,
            ParamField::ClosedS,
            &raw.closed_s,
            "Closed time",
            0.0,
            3600.0,
        );
        let interval_ms = interval(v, raw);
        Some(Self {
            sessions: sessions?,
            cycles: cycles?,
            open_ms: open_ms?,
            closed_ms: closed_ms?,
            interval_ms: interval_ms?,
        })
    }

    pub(super) fn fill(&self, raw: &mut RawScenarioParams) {
        raw.sessions = self.sessions.to_string();
        raw.cycles = self.cycles.to_string();
        raw.open_s = secs_text(self.open_ms);
        raw.closed_s = secs_text(self.closed_ms);
        raw.interval_ms = num(self.interval_ms);
    }
}

impl RampUpParams {
    pub(super) fn parse(v: &mut Validator<ParamField>, raw: &RawScenarioParams) -> Option<Self> {
        let sessions = sessions(v, raw, 1);
        let batch_size = v.take(
            ParamField::BatchSize,
            form::count(&raw.batch_size, "Sessions per batch", 1, MAX_SESSIONS),
        );
        let batch_every_ms = secs(
            v,
            ParamField::BatchEveryS,
            &raw.batch_every_s,
            "Batch interval",
            0.1,
            3600.0,
        );
        let hold_ms = secs(v, ParamField::HoldS, &raw.hold_s, "Hold", 0.0, 86_400.0);
        let interval_ms = interval(v, raw);
        Some(Self {
            sessions: sessions?,
            batch_size: batch_size?,
            batch_every_ms: batch_every_ms?,
            hold_ms: hold_ms?,
            interval_ms: interval_ms?,
        })
    }

    pub(super) fn fill(&self, raw: &mut RawScenarioParams) {
        raw.sessions = self.sessions.to_string();
        raw.batch_size = self.batch_size.to_string();
        raw.batch_every_s = secs_text(self.batch_every_ms);
        raw.hold_s = secs_text(self.hold_ms);
        raw.interval_ms = num(self.interval_ms);
    }
}

impl AuthParams {
    pub(super) fn parse(v: &mut Validator<ParamField>, raw: &RawScenarioParams) -> Option<Self> {
        let sessions = sessions(v, raw, 1);
        let hold_ms = secs(v, ParamField::HoldS, &raw.hold_s, "Hold", 0.0, 600.0);
        let observe_ms = secs(
            v,
            ParamField::ObserveS,
            &raw.observe_s,
            "Retry watch",
            1.0,
            600.0,
        );
        let invalid_token = invalid_token(v, raw);
        Some(Self {
            sessions: sessions?,
            hold_ms: hold_ms?,
            observe_ms: observe_ms?,
            invalid_token: invalid_token?,
        })
    }

    pub(super) fn fill(&self, raw: &mut RawScenarioParams) {
        raw.sessions = self.sessions.to_string();
        raw.hold_s = secs_text(self.hold_ms);
        raw.observe_s = secs_text(self.observe_ms);
        raw.invalid_token.clone_from(&self.invalid_token);
    }
}
