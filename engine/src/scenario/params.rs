//! Scenario parameters (F12): what the form holds, their defaults, and their validation.
//!
//! As with the run configuration, [`RawScenarioParams`] holds the form's strings (durations
//! in seconds, intervals in milliseconds, as typed) and [`ScenarioParams::from_raw`] turns
//! them into typed values or one specific message per bad field, in one pass through the
//! form toolkit's `Validator`. The defaults live in one place, the `Default` of each kind's
//! typed parameters; the form's defaults are printed from them.
//!
//! Each kind's typed parameters sit in the file of their family, as the scenarios do
//! (`traffic`, `sessions`, `recovery`, `capacity`, `readiness`), with the one list that
//! ties them to the form: a `walk` over their fields in display order, which reads the form
//! into them (validation) and writes them into the form (its defaults).

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
        let mut params = ScenarioParams::defaults(raw.kind);
        params.walk(&mut Reader { raw, v: &mut v });
        if let ScenarioParams::Capacity(p) = &params {
            p.check_rates(&mut v);
        }
        v.finish(Some(params))
    }

    /// Writes these parameters into the form's fields, as text.
    fn fill(&self, raw: &mut RawScenarioParams) {
        self.clone().walk(&mut Writer(raw));
    }

    /// Walks the fields of this kind, in display order.
    fn walk(&mut self, w: &mut impl Walk) {
        match self {
            ScenarioParams::Load(p) => p.walk(w),
            ScenarioParams::Soak(p) => p.walk(w),
            ScenarioParams::Reliability(p) => p.walk(w),
            ScenarioParams::Recovery(p) => p.walk(w),
            ScenarioParams::MemoryLeak(p) => p.walk(w),
            ScenarioParams::RampUp(p) => p.walk(w),
            ScenarioParams::Broadcast(p) => p.walk(w),
            ScenarioParams::Auth(p) => p.walk(w),
            ScenarioParams::Capacity(p) => p.walk(w),
            ScenarioParams::Readiness(p) => p.walk(w),
        }
    }
}

/// How a field's text is read.
type Parse<'a, T> = &'a dyn Fn(&str) -> Result<T, String>;
/// How a field's value is written as text.
type Print<T> = fn(&T) -> String;

/// One list of a kind's fields, walked both ways: a [`Reader`] parses the form's text into
/// the typed parameters, a [`Writer`] prints the typed parameters into the form. The rule
/// and the text of a field are written once, side by side.
trait Walk {
    /// A text field: `parse` reads it, `print` writes it.
    fn text<T>(&mut self, field: ParamField, slot: &mut T, parse: Parse<T>, print: Print<T>);

    /// A switch.
    fn flag(&mut self, field: ParamField, slot: &mut bool);

    /// A whole number.
    fn count(&mut self, field: ParamField, slot: &mut u32, what: &str, min: u32, max: u32) {
        self.text(
            field,
            slot,
            &|s| form::count(s, what, min, max),
            u32::to_string,
        );
    }

    /// A number of `unit`.
    fn number(
        &mut self,
        field: ParamField,
        slot: &mut f64,
        what: &str,
        unit: &str,
        min: f64,
        max: f64,
    ) {
        self.text(
            field,
            slot,
            &|s| form::number(s, what, unit, min, max),
            |v| num(*v),
        );
    }

    /// A time typed in seconds and kept in ms.
    fn secs(&mut self, field: ParamField, slot: &mut Millis, what: &str, min: f64, max: f64) {
        self.text(field, slot, &|s| form::secs(s, what, min, max), |ms| {
            secs_text(*ms)
        });
    }

    /// The number of sessions; some scenarios need more than one.
    fn sessions(&mut self, slot: &mut u32, min: u32) {
        self.text(
            ParamField::Sessions,
            slot,
            &|s| form::sessions(s, "Sessions", min),
            u32::to_string,
        );
    }

    /// The automatic send interval, 10–60000 ms.
    fn interval(&mut self, slot: &mut Millis) {
        self.number(
            ParamField::IntervalMs,
            slot,
            "Send interval",
            "milliseconds",
            10.0,
            60_000.0,
        );
    }

    /// How long the scenario runs, 1 s to a day.
    fn duration(&mut self, slot: &mut Millis) {
        self.secs(ParamField::DurationS, slot, "Duration", 1.0, 86_400.0);
    }

    /// The token the server must refuse (auth, readiness).
    fn invalid_token(&mut self, slot: &mut String) {
        self.text(
            ParamField::InvalidToken,
            slot,
            &|s| {
                form::required(
                    s,
                    "Enter a token the server must refuse, e.g. invalid-token",
                )
            },
            String::clone,
        );
    }
}

/// Parses the form into typed parameters; a field that does not parse keeps its message
/// (and its slot keeps the default, never handed out since there is an error).
struct Reader<'a> {
    raw: &'a RawScenarioParams,
    v: &'a mut Validator<ParamField>,
}

impl Walk for Reader<'_> {
    fn text<T>(&mut self, field: ParamField, slot: &mut T, parse: Parse<T>, _: Print<T>) {
        if let Some(value) = self.v.take(field, parse(self.raw.text_str(field))) {
            *slot = value;
        }
    }

    fn flag(&mut self, field: ParamField, slot: &mut bool) {
        *slot = self.raw.flag(field);
    }
}

/// Prints typed parameters into the form.
struct Writer<'a>(&'a mut RawScenarioParams);

impl Walk for Writer<'_> {
    fn text<T>(&mut self, field: ParamField, slot: &mut T, _: Parse<T>, print: Print<T>) {
        if let Some(text) = self.0.text_mut(field) {
            *text = print(slot);
        }
    }

    fn flag(&mut self, field: ParamField, slot: &mut bool) {
        if let Some(flag) = self.0.flag_mut(field) {
            *flag = *slot;
        }
    }
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
