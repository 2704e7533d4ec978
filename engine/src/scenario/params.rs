//! Scenario parameters (F12): what the form holds, their defaults, and their validation.
//!
//! As with the run configuration, [`RawScenarioParams`] holds the form's strings (durations
//! in seconds, intervals in milliseconds, as typed) and [`ScenarioParams::from_raw`] turns
//! them into typed values or one specific message per bad field, in one pass through the
//! form toolkit's `Validator`. The defaults live in one place, the `Default` of each kind's
//! typed parameters; the form's defaults are printed from them.
//!
//! Each kind's typed parameters sit in the file of their family, as the scenarios do
//! (`traffic`, `sessions`, `recovery`, `capacity`, `readiness`), with the two functions
//! that tie them to the form: `parse` reads their fields, `fill` writes them back as text.

mod capacity;
mod fields;
mod raw;
mod readiness;
mod recovery;
mod sessions;
#[cfg(test)]
mod tests;
mod traffic;

pub use capacity::{CapacityParams, MAX_CAPACITY_RATE, MAX_CAPACITY_STEPS};
pub use fields::{ParamError, ParamField};
pub use raw::RawScenarioParams;
pub use readiness::ReadinessParams;
pub use recovery::RecoveryParams;
pub use sessions::{AuthParams, MemoryLeakParams, RampUpParams};
pub use traffic::{BroadcastParams, LoadParams, ReliabilityParams, SoakParams};

use crate::ScenarioKind;
use crate::form::{self, Validator};
use crate::ids::Millis;
use crate::url::REDACTED;

/// Validated parameters of one scenario.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum ScenarioParams {
    /// Load.
    Load(LoadParams),
    /// Persistence / soak.
    Soak(SoakParams),
    /// Message reliability.
    Reliability(ReliabilityParams),
    /// Network recovery.
    Recovery(RecoveryParams),
    /// Memory leak detection.
    MemoryLeak(MemoryLeakParams),
    /// Ramp-up.
    RampUp(RampUpParams),
    /// Broadcast.
    Broadcast(BroadcastParams),
    /// Auth.
    Auth(AuthParams),
    /// Capacity finder.
    Capacity(CapacityParams),
    /// Readiness checklist.
    Readiness(ReadinessParams),
}

impl ScenarioParams {
    /// The defaults of `kind`.
    pub fn defaults(kind: ScenarioKind) -> ScenarioParams {
        match kind {
            ScenarioKind::Load => ScenarioParams::Load(LoadParams::default()),
            ScenarioKind::Soak => ScenarioParams::Soak(SoakParams::default()),
            ScenarioKind::Reliability => ScenarioParams::Reliability(ReliabilityParams::default()),
            ScenarioKind::Recovery => ScenarioParams::Recovery(RecoveryParams::default()),
            ScenarioKind::MemoryLeak => ScenarioParams::MemoryLeak(MemoryLeakParams::default()),
            ScenarioKind::RampUp => ScenarioParams::RampUp(RampUpParams::default()),
            ScenarioKind::Broadcast => ScenarioParams::Broadcast(BroadcastParams::default()),
            ScenarioKind::Auth => ScenarioParams::Auth(AuthParams::default()),
            ScenarioKind::Capacity => ScenarioParams::Capacity(CapacityParams::default()),
            ScenarioKind::Readiness => ScenarioParams::Readiness(ReadinessParams::default()),
        }
    }

    /// Which scenario these are for.
    pub fn kind(&self) -> ScenarioKind {
        match self {
            ScenarioParams::Load(_) => ScenarioKind::Load,
            ScenarioParams::Soak(_) => ScenarioKind::Soak,
            ScenarioParams::Reliability(_) => ScenarioKind::Reliability,
            ScenarioParams::Recovery(_) => ScenarioKind::Recovery,
            ScenarioParams::MemoryLeak(_) => ScenarioKind::MemoryLeak,
            ScenarioParams::RampUp(_) => ScenarioKind::RampUp,
            ScenarioParams::Broadcast(_) => ScenarioKind::Broadcast,
            ScenarioParams::Auth(_) => ScenarioKind::Auth,
            ScenarioParams::Capacity(_) => ScenarioKind::Capacity,
            ScenarioParams::Readiness(_) => ScenarioKind::Readiness,
        }
    }

    /// Number of sessions the run needs.
    pub fn sessions(&self) -> u32 {
        match self {
            ScenarioParams::Load(p) => p.sessions,
            ScenarioParams::Soak(p) => p.sessions,
            ScenarioParams::Reliability(p) => p.sessions,
            ScenarioParams::Recovery(p) => p.sessions,
            ScenarioParams::MemoryLeak(p) => p.sessions,
            ScenarioParams::RampUp(p) => p.sessions,
            ScenarioParams::Broadcast(p) => p.sessions,
            ScenarioParams::Auth(p) => p.sessions,
            ScenarioParams::Capacity(p) => p.sessions,
            ScenarioParams::Readiness(_) => super::readiness::SESSIONS,
        }
    }

    /// Validates the fields of `raw.kind`; every problem at once, one per field.
    pub fn from_raw(raw: &RawScenarioParams) -> Result<ScenarioParams, Vec<ParamError>> {
        let mut v = Validator::new();
        let params = match raw.kind {
            ScenarioKind::Load => LoadParams::parse(&mut v, raw).map(ScenarioParams::Load),
            ScenarioKind::Soak => SoakParams::parse(&mut v, raw).map(ScenarioParams::Soak),
            ScenarioKind::Reliability => {
                ReliabilityParams::parse(&mut v, raw).map(ScenarioParams::Reliability)
            }
            ScenarioKind::Recovery => {
                RecoveryParams::parse(&mut v, raw).map(ScenarioParams::Recovery)
            }
            ScenarioKind::MemoryLeak => {
                MemoryLeakParams::parse(&mut v, raw).map(ScenarioParams::MemoryLeak)
            }
            ScenarioKind::RampUp => RampUpParams::parse(&mut v, raw).map(ScenarioParams::RampUp),
            ScenarioKind::Broadcast => {
                BroadcastParams::parse(&mut v, raw).map(ScenarioParams::Broadcast)
            }
            ScenarioKind::Auth => AuthParams::parse(&mut v, raw).map(ScenarioParams::Auth),
            ScenarioKind::Capacity => {
                CapacityParams::parse(&mut v, raw).map(ScenarioParams::Capacity)
            }
            ScenarioKind::Readiness => {
                ReadinessParams::parse(&mut v, raw).map(ScenarioParams::Readiness)
            }
        };
        v.finish(params).map(|(params, _notices)| params)
    }

    /// Writes these parameters into the form's fields, as text.
    fn fill(&self, raw: &mut RawScenarioParams) {
        match self {
            ScenarioParams::Load(p) => p.fill(raw),
            ScenarioParams::Soak(p) => p.fill(raw),
            ScenarioParams::Reliability(p) => p.fill(raw),
            ScenarioParams::Recovery(p) => p.fill(raw),
            ScenarioParams::MemoryLeak(p) => p.fill(raw),
            ScenarioParams::RampUp(p) => p.fill(raw),
            ScenarioParams::Broadcast(p) => p.fill(raw),
            ScenarioParams::Auth(p) => p.fill(raw),
            ScenarioParams::Capacity(p) => p.fill(raw),
            ScenarioParams::Readiness(p) => p.fill(raw),
        }
    }
}

/// The number of sessions; some scenarios need more than one.
fn sessions(v: &mut Validator<ParamField>, raw: &RawScenarioParams, min: u32) -> Option<u32> {
    v.take(
        ParamField::Sessions,
        form::sessions(&raw.sessions, "Sessions", min),
    )
}

/// The automatic send interval, 10–60000 ms.
fn interval(v: &mut Validator<ParamField>, raw: &RawScenarioParams) -> Option<Millis> {
    v.take(
        ParamField::IntervalMs,
        form::number(
            &raw.interval_ms,
            "Send interval",
            "milliseconds",
            10.0,
            60_000.0,
        ),
    )
}

/// How long the scenario runs, 1 s to a day.
fn duration(v: &mut Validator<ParamField>, raw: &RawScenarioParams) -> Option<Millis> {
    secs(
        v,
        ParamField::DurationS,
        &raw.duration_s,
        "Duration",
        1.0,
        86_400.0,
    )
}

/// A field typed in seconds, returned in ms.
fn secs(
    v: &mut Validator<ParamField>,
    field: ParamField,
    text: &str,
    what: &str,
    min: f64,
    max: f64,
) -> Option<Millis> {
    v.take(field, form::secs(text, what, min, max))
}

/// A number as a user would type it: no trailing `.0`.
fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Milliseconds written as the seconds the form shows.
fn secs_text(ms: Millis) -> String {
    num(ms / 1000.0)
}

/// Serialises a token as [`REDACTED`] (or empty when there is none).
fn redacted<S: serde::Serializer>(v: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(if v.is_empty() { "" } else { REDACTED })
}

/// The token the server must refuse (auth, readiness).
fn invalid_token(v: &mut Validator<ParamField>, raw: &RawScenarioParams) -> Option<String> {
    v.take(
        ParamField::InvalidToken,
        form::required(
            &raw.invalid_token,
            "Enter a token the server must refuse, e.g. invalid-token",
        ),
    )
}
