//! What the panels can do: every action is a method of the context (or of its
//! [`RunActions`]), so a panel reads signals and calls these, and never reaches the driver or
//! writes what a run produces.
//!
//! Editing the forms (a configuration field, a switch, a band, a scenario parameter), choosing
//! from a list, keeping or discarding a shared configuration, and everything that goes to the
//! driver (sending, the token, the suite, the reports it holds) is here; the panels write only
//! their own view state (the log's filter and scroll position). Sending and the token go
//! through [`RunActions`], the context's small handle on the running run.

use super::{Action, ConsoleCtx};
use crate::browser::clock::now;
use crate::browser::driver::Driver;
use crate::browser::storage;
use leptos::prelude::*;
use ws_console_engine::suite::{StepError, Suite};
use ws_console_engine::{
    AuthMode, Field, FieldError, ParamField, Preset, RawConfig, RawScenarioParams, ScenarioKind,
    SessionId, Thresholds, junit,
};

/// What a panel may do to the forms: type into a field, turn a switch, edit a band, keep or
/// discard a shared configuration. A small handle of its own, a field of the context, for the
/// same reason as [`RunActions`]: a field's closure captures these few signals, not the whole
/// context.
#[derive(Clone, Copy)]
pub struct FormEdits {
    pub(super) config: RwSignal<RawConfig>,
    pub(super) messages: RwSignal<Vec<FieldError>>,
    pub(super) notices: RwSignal<Vec<FieldError>>,
    pub(super) shared: RwSignal<bool>,
    pub(super) scenario: RwSignal<RawScenarioParams>,
    pub(super) preset: RwSignal<Option<Preset>>,
}

/// A configuration that came from a share link: kept, or discarded back to the saved one.
impl FormEdits {
    /// Keeps the shared configuration: the link is forgotten, and the storage effect saves
    /// the configuration now that nothing shared is pending.
    pub fn keep_shared(&self) {
        storage::forget_share_link();
        self.shared.set(false);
    }

    /// Discards the shared configuration: the saved one comes back, with no messages.
    pub fn discard_shared(&self) {
        self.config.set(storage::saved());
        self.messages.set(Vec::new());
        self.notices.set(Vec::new());
        storage::forget_share_link();
        self.shared.set(false);
    }
}

/// The configuration form: a field typed, a switch turned, a band edited.
impl FormEdits {
    /// The text of configuration field `field` typed.
    pub fn edit_config(&self, field: Field, text: String) {
        self.config.update(|c| {
            if let Some(slot) = c.text_mut(field) {
                *slot = text;
            }
        });
    }

    /// Configuration switch `field` turned on or off.
    pub fn set_config_flag(&self, field: Field, on: bool) {
        self.config.update(|c| {
            if let Some(f) = c.flag_mut(field) {
                *f = on;
            }
        });
    }

    /// The threshold bands edited by `edit`.
    pub fn edit_thresholds(&self, edit: impl FnOnce(&mut Thresholds)) {
        self.config.update(|c| edit(&mut c.thresholds));
    }
}

/// The scenario form: an edit leaves the preset it was filled from.
impl FormEdits {
    /// The text of scenario parameter `field` typed.
    pub fn edit_param(&self, field: ParamField, text: String) {
        self.preset.set(None);
        self.scenario.update(|r| {
            if let Some(slot) = r.text_mut(field) {
                *slot = text;
            }
        });
    }

    /// Scenario switch `field` turned on or off.
    pub fn set_param_flag(&self, field: ParamField, on: bool) {
        self.preset.set(None);
        self.scenario.update(|r| {
            if let Some(f) = r.flag_mut(field) {
                *f = on;
            }
        });
    }
}

/// The form: choices from a list.
impl ConsoleCtx {
    /// The auth mode picked.
    pub fn set_auth_mode(&self, mode: AuthMode) {
        self.config.update(|c| c.auth_mode = mode);
    }

    /// A load preset picked: it fills the scenario form; `None` keeps the form as set.
    pub fn pick_preset(&self, preset: Option<Preset>) {
        if let Some(p) = preset {
            self.scenario.set(p.raw());
            self.scenario_errors.set(Vec::new());
        }
        self.preset.set(preset);
    }

    /// A scenario picked: the form starts from its defaults, and leaves the preset.
    pub fn pick_scenario(&self, kind: ScenarioKind) {
        self.preset.set(None);
        self.scenario.set(RawScenarioParams::defaults(kind));
        self.scenario_errors.set(Vec::new());
    }
}

/// What a panel may do to the running run. A handle of its own, a field of the context, so
/// that a button's closure captures this one small value and not the whole context: in a
/// debug build, what a view's closures capture is copied through every level of the view as
/// it is built, and the browser tests run such a build on a 1 MB stack.
#[derive(Clone, Copy)]
pub struct RunActions(StoredValue<Driver, LocalStorage>);

impl RunActions {
    /// The actions on `driver`'s run.
    pub(super) fn new(driver: StoredValue<Driver, LocalStorage>) -> Self {
        RunActions(driver)
    }

    /// One message from every open session.
    pub fn broadcast(&self) {
        self.0.with_value(|d| d.broadcast());
    }

    /// One message from `session`.
    pub fn send_one(&self, session: SessionId) {
        self.0.with_value(|d| d.send_one(session));
    }

    /// `k` messages spread over the open sessions.
    pub fn burst(&self, k: u32) {
        self.0.with_value(|d| d.burst(None, k));
    }

    /// A new token: sessions waiting for auth reconnect with it now.
    pub fn set_token(&self, token: String) {
        self.0.with_value(|d| d.set_token(token));
    }
}

/// The suite.
impl ConsoleCtx {
    /// Adds the scenario form, as it stands, as the suite's last step.
    pub fn add_to_suite(&self) {
        let step = self.scenario.get_untracked();
        let added = self.suite_plan.try_update(|p| p.push(step));
        self.suite_errors.set(match added {
            Some(Err(message)) => vec![StepError { step: 0, message }],
            _ => Vec::new(),
        });
    }

    /// Removes step `i` from the suite.
    pub fn remove_step(&self, i: usize) {
        self.suite_plan.update(|p| p.remove(i));
    }

    /// Validates the configuration and every step; runs the suite when all are valid (asking
    /// first when the token would go to another origin), else shows the messages.
    pub fn run_suite(&self) {
        self.run_suite_confirmed(None);
    }

    pub(super) fn run_suite_confirmed(&self, host: Option<&str>) {
        let Some(base) = self.validated() else {
            return;
        };
        match self.suite_plan.with_untracked(|p| Suite::new(p, &base)) {
            Ok(suite) => {
                self.suite_errors.set(Vec::new());
                if self.may_start(&base, host, Action::Suite) {
                    self.driver.with_value(|d| d.start_suite(suite));
                }
            }
            Err(errors) => self.suite_errors.set(errors),
        }
    }

    /// The JS handle's `runSuite()`: as [`ConsoleCtx::run_suite`] for the suite now in the
    /// panel, with no one to ask about another origin (`allow_host` agrees to it).
    pub fn run_suite_from_handle(&self, allow_host: Option<String>) -> Result<(), String> {
        let base = self
            .validated()
            .ok_or("ws-console: invalid configuration")?;
        let suite = self
            .suite_plan
            .with_untracked(|p| Suite::new(p, &base))
            .map_err(|errors| {
                let why: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
                self.suite_errors.set(errors);
                format!("ws-console: invalid suite: {}", why.join("; "))
            })?;
        Self::allowed(&base, allow_host, |h| {
            format!("call runSuite(steps, {{ allowHost: \"{h}\" }})")
        })?;
        self.suite_errors.set(Vec::new());
        self.driver.with_value(|d| d.start_suite(suite));
        Ok(())
    }

    /// The combined report as JSON, or `None` before the first suite.
    pub fn suite_report(&self) -> Option<String> {
        self.driver.with_value(|d| {
            d.with_suite(|s, test| {
                s.report(test.map_or(0.0, |t| t.scenario_elapsed_ms(now())))
                    .to_json()
            })
        })
    }

    /// The combined report as JUnit XML, or `None` before the first suite.
    pub(super) fn suite_junit(&self) -> Option<String> {
        self.driver
            .with_value(|d| d.with_suite(|s, _| junit::junit_xml(s.reports())))
    }
}
