//! The parameters of the network recovery scenario, beside its driver in
//! `scenario::recovery`: defaults, and how the form reads and writes them.

use super::{ParamField, Print, Walk};
use crate::form;
use crate::ids::Millis;

/// Network recovery: drops, then recovery time and queued-message delivery.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct RecoveryParams {
    /// Sessions (default 5).
    pub sessions: u32,
    /// Automatic send interval per session, ms (default 1000).
    pub interval_ms: Millis,
    /// Traffic before the first drop, ms (default 5000).
    pub warmup_ms: Millis,
    /// How long the scenario runs, warm-up included, ms (default 60 000); it runs on until
    /// the last recovery ends or times out.
    pub duration_ms: Millis,
    /// Time between drops, ms; 0 drops once (default 0).
    pub drop_every_ms: Millis,
    /// With backend faults: how long new connections are refused after a drop, ms
    /// (default 0).
    pub outage_ms: Millis,
    /// Recovery time (drop → open, slowest session) that passes, ms (default 5000); up to
    /// twice that is a warning.
    pub recovery_target_ms: Millis,
    /// How long to wait for every session to come back before failing, ms (default 30 000).
    pub recovery_timeout_ms: Millis,
    /// Drop through the backend's fault control (`POST /api/faults/drop-all`), falling
    /// back to an abnormal client-side close when it is not there (default true).
    pub use_backend_faults: bool,
}

impl Default for RecoveryParams {
    fn default() -> Self {
        Self {
            sessions: 5,
            interval_ms: 1000.0,
            warmup_ms: 5000.0,
            duration_ms: 60_000.0,
            drop_every_ms: 0.0,
            outage_ms: 0.0,
            recovery_target_ms: 5000.0,
            recovery_timeout_ms: 30_000.0,
            use_backend_faults: true,
        }
    }
}

/// Time between drops, in seconds: 0 drops once, otherwise 1 s to an hour.
fn drop_every(s: &str) -> Result<Millis, String> {
    let t = s.trim();
    match t.parse::<f64>() {
        Ok(v) if v == 0.0 || (v.is_finite() && (1.0..=3600.0).contains(&v)) => Ok(v * 1000.0),
        _ => Err(format!(
            "Drop interval must be 0 (drop once) or a number of seconds from 1 to 3600; got {}",
            form::quoted(t)
        )),
    }
}

impl RecoveryParams {
    pub(super) fn walk(&mut self, w: &mut impl Walk) {
        use ParamField::*;
        w.sessions(&mut self.sessions, 1);
        w.interval(&mut self.interval_ms);
        w.secs(WarmupS, &mut self.warmup_ms, "Warm-up", 0.0, 3600.0);
        w.duration(&mut self.duration_ms);
        let print: Print<Millis> = |ms| super::secs_text(*ms);
        w.text(DropEveryS, &mut self.drop_every_ms, &drop_every, print);
        w.secs(OutageS, &mut self.outage_ms, "Outage", 0.0, 3600.0);
        let target = &mut self.recovery_target_ms;
        w.secs(RecoveryTargetS, target, "Recovery target", 0.1, 3600.0);
        let timeout = &mut self.recovery_timeout_ms;
        w.secs(RecoveryTimeoutS, timeout, "Give-up time", 1.0, 3600.0);
        w.flag(UseBackendFaults, &mut self.use_backend_faults);
    }
}
