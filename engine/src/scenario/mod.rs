//! Scenarios (F12): pure controllers that drive a [`Run`] through phases and judge it.
//!
//! A [`Scenario`] never touches the browser either. It builds the run configuration it
//! needs from the user's (more sessions, a set interval, heartbeats on, the broadcast
//! message …), then steers the run with the same public calls a user's clicks make —
//! `start`, `open_session`, `stop_session`, `drop_session`, `set_token`, `send_one` — plus
//! [`Run::request_fault`] for the test backend's fault control. It reads only what the run
//! shows (states, counters, timelines), so what it judges is what the console displays.
//!
//! # Wiring (the adapter's side)
//!
//! 1. `let sc = Scenario::from_raw(&raw_params, &run_config)?` — show each [`ParamError`]
//!    next to its field, start nothing.
//! 2. `let mut run = sc.new_run(seed)`; set the time origin; `sc.start(&mut run, now)`;
//!    drain and execute the run's commands.
//! 3. On every timer tick: `run.tick(now)`, then `sc.tick(&mut run, now)`, then drain and
//!    execute. Socket events go to the run as usual. For heap-based criteria call
//!    [`Run::record_heap`] about once a second (Chromium only).
//! 4. Show [`Scenario::progress`] (bar, remaining time, phase); Cancel calls
//!    [`Scenario::cancel`].
//! 5. When [`Scenario::is_finished`], the report (JSON/CSV export,
//!    `window.wsConsole.report()`) is final. The scenario has stopped the run by then.
//!
//! [`crate::TestRun`] does all of this for the adapter, and makes the report from the run
//! and the scenario's verdicts: a scenario never builds a report itself.
//!
//! Each scenario ends with a short drain: automatic sending pauses and the scenario waits
//! until every reply is in or has timed out, so the report's `pending` is 0 and
//! `sent = matched + lost` exactly.

mod capacity;
mod criteria;
mod kind;
mod params;
mod phases;
mod presets;
mod readiness;
mod recovery;
mod sessions;
mod traffic;

#[cfg(test)]
mod tests;

pub use capacity::{CapacityResult, CapacityStep, CapacityStop, StepOutcome};
pub use criteria::{Criterion, Grade};
pub use kind::ScenarioKind;
pub use params::{
    AuthParams, BroadcastParams, CapacityParams, LoadParams, MAX_CAPACITY_RATE, MAX_CAPACITY_STEPS,
    MemoryLeakParams, ParamError, ParamField, RampUpParams, RawScenarioParams, ReadinessParams,
    RecoveryParams, ReliabilityParams, ScenarioParams, SoakParams,
};
pub use phases::{Progress, ScenarioPhase, ScenarioStatus};
pub use presets::Preset;
pub use readiness::{Check, CheckGroup, CheckStatus, Checklist};

use crate::AuthMode;
use crate::config::{DEFAULT_PING, Field, RunConfig};
use crate::decimal::fixed;
use crate::form::Validator;
use crate::heartbeat::HeartbeatConfig;
use crate::ids::Millis;
use crate::run::Run;
use crate::template::Template;
use phases::Core;

/// The message the broadcast scenario sends: the default protocol's `broadcast`, which
/// the server fans out to every open session.
pub const BROADCAST_TEMPLATE: &str =
    r#"{"type":"broadcast","id":"{{id}}","seq":{{seq}},"session":{{session}},"ts":{{ts}}}"#;

/// One scenario's own logic: what to do at the start and on each tick, and how to judge.
/// Not `Debug`: a supertrait would put every driver's `Debug` (and core's float printing)
/// into the vtable, and so into the wasm.
trait Drive {
    /// Starts the run the way the scenario needs it.
    fn start(&mut self, core: &mut Core, run: &mut Run, now: Millis);
    /// Advances the scenario; called after every `run.tick` until it drains.
    fn tick(&mut self, core: &mut Core, run: &mut Run, now: Millis);
    /// Judges the run.
    fn criteria(&self, run: &Run, now: Millis) -> Vec<Criterion>;
    /// Called once when the scenario ends (finished or cancelled), before the run stops.
    fn end(&mut self, _run: &mut Run, _now: Millis) {}
    /// The capacity finder's steps and the rate it found; `None` for other scenarios.
    fn capacity(&self) -> Option<CapacityResult> {
        None
    }
    /// Whether the page runs under https (the readiness checklist's TLS check).
    fn page(&mut self, _secure: bool) {}
    /// The readiness checklist, for the scenario that has one.
    fn checklist(&self, _run: &Run, _now: Millis) -> Option<Checklist> {
        None
    }
}

/// A scenario in progress (or done).
pub struct Scenario {
    params: ScenarioParams,
    config: RunConfig,
    core: Core,
    driver: Box<dyn Drive>,
    /// Criteria frozen when the scenario ended.
    criteria: Option<Vec<Criterion>>,
    /// The checklist frozen when the scenario ended (readiness).
    checklist: Option<Checklist>,
}

impl std::fmt::Debug for Scenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scenario")
            .field("params", &self.params)
            .field("criteria", &self.criteria)
            .finish_non_exhaustive()
    }
}

impl Scenario {
    /// Validates the form and builds the scenario on top of `base` (the user's validated
    /// configuration: endpoint, token, templates, thresholds …).
    pub fn from_raw(
        raw: &RawScenarioParams,
        base: &RunConfig,
    ) -> Result<Scenario, Vec<ParamError>> {
        let params = ScenarioParams::from_raw(raw)?;
        Scenario::new(params, base)
    }

    /// Builds the scenario for validated `params` on top of `base`. Fails when the
    /// configuration cannot support it (e.g. auth without a token): those checks go through
    /// the form toolkit's `Validator`, as the form's own do, and every message comes back
    /// in order, with the token redacted.
    pub fn new(params: ScenarioParams, base: &RunConfig) -> Result<Scenario, Vec<ParamError>> {
        let mut v = Validator::new();
        let kind = params.kind();
        let correlates = base.template_is_json && base.template.has_id();
        if matches!(
            kind,
            ScenarioKind::Load
                | ScenarioKind::Soak
                | ScenarioKind::Reliability
                | ScenarioKind::Recovery
                | ScenarioKind::Capacity
        ) && !correlates
        {
            v.fail(
                ParamField::Config(Field::MessageTemplate),
                format!(
                    "The {} scenario judges replies: the message template must be JSON with {{{{id}}}}",
                    kind.label().to_ascii_lowercase()
                ),
            );
        }
        // The scenarios that offer an invalid token start with the valid one.
        let invalid = match &params {
            ScenarioParams::Auth(p) => Some((
                p.invalid_token.as_str(),
                "The auth scenario starts with a valid token: enter one",
            )),
            ScenarioParams::Readiness(p) => Some((
                p.invalid_token.as_str(),
                "The readiness checklist connects with the token and every auth mode: enter one",
            )),
            _ => None,
        };
        if let Some((invalid, needs)) = invalid {
            if base.token.is_empty() {
                v.fail(ParamField::Config(Field::Token), needs);
            } else if invalid == base.token {
                v.fail(
                    ParamField::InvalidToken,
                    "The invalid token must differ from the valid one",
                );
            }
        }
        if kind == ScenarioKind::Auth && base.auth_mode == AuthMode::Cookie {
            v.fail(
                ParamField::Config(Field::AuthMode),
                "With cookie auth the console sends no token, so it cannot offer an invalid one; choose query, subprotocol or first message",
            );
        }
        for e in v.errors_mut() {
            e.message = crate::url::redact(&e.message, &base.token);
        }
        v.finish(Some(()))?;
        let config = scenario_config(&params, base);
        let driver: Box<dyn Drive> = match &params {
            ScenarioParams::Load(p) => Box::new(traffic::Steady::load(p)),
            ScenarioParams::Soak(p) => Box::new(traffic::Steady::soak(p)),
            ScenarioParams::Reliability(p) => Box::new(traffic::Reliability::new(p)),
            ScenarioParams::Broadcast(p) => Box::new(traffic::Broadcast::new(p)),
            ScenarioParams::Recovery(p) => Box::new(recovery::Recovery::new(p)),
            ScenarioParams::RampUp(p) => Box::new(sessions::RampUp::new(p)),
            ScenarioParams::MemoryLeak(p) => Box::new(sessions::MemoryLeak::new(p)),
            ScenarioParams::Auth(p) => Box::new(sessions::Auth::new(p, &base.token)),
            ScenarioParams::Capacity(p) => Box::new(capacity::Capacity::new(p)),
            ScenarioParams::Readiness(p) => Box::new(readiness::Readiness::new(p, &base.token)),
        };
        Ok(Scenario {
            core: Core::new(kind, &config, planned_ms(&params, &config)),
            params,
            config,
            driver,
            criteria: None,
            checklist: None,
        })
    }

    /// Which scenario.
    pub fn kind(&self) -> ScenarioKind {
        self.params.kind()
    }

    /// Its validated parameters.
    pub fn params(&self) -> &ScenarioParams {
        &self.params
    }

    /// The run configuration the scenario needs (build the [`Run`] from it).
    pub fn config(&self) -> &RunConfig {
        &self.config
    }

    /// A fresh run for this scenario. `seed` drives the reconnect jitter.
    pub fn new_run(&self, seed: u64) -> Run {
        Run::new(self.config.clone(), seed)
    }

    /// Starts the scenario on `run` (built with [`Scenario::new_run`]). Called once.
    pub fn start(&mut self, run: &mut Run, now: Millis) {
        if self.core.status != ScenarioStatus::Ready {
            return;
        }
        self.core.begin(run, now);
        self.driver.start(&mut self.core, run, now);
    }

    /// Advances the scenario; call it right after every [`Run::tick`].
    pub fn tick(&mut self, run: &mut Run, now: Millis) {
        if self.core.status != ScenarioStatus::Running {
            return;
        }
        if self.core.draining() {
            if self.core.drained(run, now) {
                self.end(run, now, ScenarioStatus::Finished);
            }
            return;
        }
        self.driver.tick(&mut self.core, run, now);
    }

    /// The user's Cancel: the scenario ends now, the run stops, and the report says so.
    pub fn cancel(&mut self, run: &mut Run, now: Millis) {
        if matches!(
            self.core.status,
            ScenarioStatus::Running | ScenarioStatus::Ready
        ) {
            self.end(run, now, ScenarioStatus::Cancelled);
        }
    }

    fn end(&mut self, run: &mut Run, now: Millis, status: ScenarioStatus) {
        self.driver.end(run, now);
        let mut criteria = self.driver.criteria(run, now);
        if status == ScenarioStatus::Cancelled {
            let done = self.core.progress(now).fraction * 100.0;
            criteria.push(Criterion::new(
                "completion",
                "Completion",
                "runs to the end",
                format!("cancelled at {} %", fixed(done, 0)),
                Some(done),
                Grade::Warn,
            ));
        }
        self.criteria = Some(criteria);
        self.checklist = self.driver.checklist(run, now);
        self.core.close(run, now, status);
    }

    /// Tells the scenario whether the page runs under https (call it before
    /// [`Scenario::start`]; the readiness checklist's TLS check needs it).
    pub fn set_page_secure(&mut self, secure: bool) {
        self.driver.page(secure);
    }

    /// The readiness checklist (groups, checks, pass rates): final once the scenario ended,
    /// provisional before; `None` for the other scenarios.
    pub fn checklist(&self, run: &Run, now: Millis) -> Option<Checklist> {
        match &self.checklist {
            Some(c) => Some(c.clone()),
            None => self.driver.checklist(run, now),
        }
    }

    /// Where the scenario stands, for the progress bar.
    pub fn progress(&self, now: Millis) -> Progress {
        self.core.progress(now)
    }

    /// Whether it finished or was cancelled.
    pub fn is_finished(&self) -> bool {
        matches!(
            self.core.status,
            ScenarioStatus::Finished | ScenarioStatus::Cancelled
        )
    }

    /// Ready, running, finished or cancelled.
    pub fn status(&self) -> ScenarioStatus {
        self.core.status
    }

    /// The phases so far, with their times (ms, same origin as `now`).
    pub fn phases(&self) -> &[ScenarioPhase] {
        &self.core.phases
    }

    /// When it started and ended (ms, same origin as `now`).
    pub fn span(&self) -> (Option<Millis>, Option<Millis>) {
        (self.core.started_at, self.core.ended_at)
    }

    /// The verdict per criterion: final once the scenario ended, provisional before.
    pub fn criteria(&self, run: &Run, now: Millis) -> Vec<Criterion> {
        match &self.criteria {
            Some(c) => c.clone(),
            None => self.driver.criteria(run, now),
        }
    }

    /// How long it was planned to take when built, ms (a suite weighs its steps by it).
    pub fn planned_ms(&self) -> Millis {
        self.core.planned_ms()
    }

    /// The overall verdict: the worst criterion.
    pub fn verdict(&self, run: &Run, now: Millis) -> Grade {
        Grade::overall(self.criteria(run, now).iter().map(|c| c.grade))
    }

    /// The capacity finder's steps and the rate it found, as they stand; `None` for the
    /// other scenarios.
    pub fn capacity(&self) -> Option<CapacityResult> {
        self.driver.capacity()
    }
}

/// The run configuration a scenario needs, derived from the user's.
fn scenario_config(params: &ScenarioParams, base: &RunConfig) -> RunConfig {
    let mut cfg = base.clone();
    cfg.sessions = params.sessions();
    cfg.send_interval_ms = match params {
        ScenarioParams::Load(p) => Some(p.interval_ms),
        ScenarioParams::Soak(p) => Some(p.interval_ms),
        ScenarioParams::Recovery(p) => Some(p.interval_ms),
        ScenarioParams::MemoryLeak(p) => Some(p.interval_ms),
        ScenarioParams::RampUp(p) => Some(p.interval_ms),
        // The first step's; each step sets its own.
        ScenarioParams::Capacity(p) => Some(f64::from(p.sessions) * 1000.0 / p.start_rate_per_s),
        // These send on their own schedule, or not at all.
        ScenarioParams::Reliability(_)
        | ScenarioParams::Broadcast(_)
        | ScenarioParams::Auth(_)
        | ScenarioParams::Readiness(_) => None,
    };
    match params {
        ScenarioParams::Soak(_) if cfg.heartbeat.is_none() => {
            cfg.heartbeat = Some(HeartbeatConfig {
                interval_ms: 20_000.0,
                timeout_ms: 10_000.0,
                ping: Template::parse(DEFAULT_PING).expect("the default ping parses"),
                pong_type: "pong".into(),
            });
        }
        ScenarioParams::Readiness(_) => {
            // Each probe connects once: a refusal or a drop is the check's answer.
            cfg.heartbeat = None;
            cfg.reconnect.enabled = false;
        }
        ScenarioParams::Broadcast(_) => {
            cfg.template =
                Template::parse(BROADCAST_TEMPLATE).expect("the broadcast template parses");
            cfg.template_is_json = true;
            cfg.binary = false;
            cfg.correlation_pointer = "/id".into();
        }
        _ => {}
    }
    cfg
}

/// How long a scenario should take (for the progress bar; drivers refine it as they go).
fn planned_ms(params: &ScenarioParams, cfg: &RunConfig) -> Millis {
    let connect = cfg.reconnect.connect_timeout_ms.min(1000.0);
    match params {
        ScenarioParams::Load(p) => p.duration_ms,
        ScenarioParams::Soak(p) => p.duration_ms,
        ScenarioParams::Reliability(p) => connect + f64::from(p.messages) * p.interval_ms,
        ScenarioParams::Recovery(p) => p.duration_ms.max(p.warmup_ms + p.recovery_target_ms),
        ScenarioParams::MemoryLeak(p) => f64::from(p.cycles) * (p.open_ms + p.closed_ms),
        ScenarioParams::RampUp(p) => {
            let batches = p.sessions.div_ceil(p.batch_size.max(1));
            f64::from(batches.saturating_sub(1)) * p.batch_every_ms + p.hold_ms
        }
        ScenarioParams::Broadcast(p) => connect + p.duration_ms,
        ScenarioParams::Auth(p) => 3.0 * connect + p.hold_ms + p.observe_ms,
        ScenarioParams::Capacity(p) => connect + p.rates().len() as f64 * p.step_ms,
        ScenarioParams::Readiness(_) => 4.0 * connect,
    }
}
