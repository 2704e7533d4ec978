//! Starting: Start, Run scenario and the suite's Run validate first, then hold a start that
//! would send the token to another origin until the user agrees in the page (R3); the JS
//! handle's variants take that agreement as an argument instead.

use super::ConsoleCtx;
use crate::browser::driver::Driver;
use leptos::prelude::*;
use ws_console_engine::{RawConfig, RunConfig, Scenario, embedded_tokens};

/// A Start held back because it would send the token to a host other than the page's.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingStart {
    /// Where the token would go (`host:port`).
    pub host: String,
    /// Which button asked.
    pub action: Action,
}

/// What a held-back start was going to start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// A plain run (Start).
    Run,
    /// The scenario form's scenario.
    Scenario,
    /// The suite.
    Suite,
}

impl ConsoleCtx {
    /// Validates the configuration, first moving a token typed into the endpoint to the
    /// Token field (R3); shows the messages and returns `None` when it is not valid.
    pub(super) fn validated(&self) -> Option<RunConfig> {
        let mut moved = None;
        if self
            .config
            .with_untracked(|c| !embedded_tokens(&c.endpoint).is_empty())
        {
            match self.config.try_update(RawConfig::move_endpoint_token) {
                Some(Ok(notice)) => moved = notice,
                Some(Err(e)) => {
                    self.messages.set(vec![e]);
                    return None;
                }
                None => {}
            }
        }
        match self
            .config
            .with_untracked(|raw| RunConfig::from_raw(raw, &Self::origin()))
        {
            Ok(mut config) => {
                config.token_provider = self.driver.with_value(Driver::has_token_provider);
                self.messages.set(Vec::new());
                let mut notices = config.notices.clone();
                notices.extend(moved);
                self.notices.set(notices);
                Some(config)
            }
            Err(messages) => {
                self.messages.set(messages);
                None
            }
        }
    }

    /// Whether `config` may start: yes, unless it would send the token to another origin
    /// than `confirmed` — then the in-page confirmation asks first (R3).
    pub(super) fn may_start(
        &self,
        config: &RunConfig,
        confirmed: Option<&str>,
        action: Action,
    ) -> bool {
        match config.token_destination(&Self::origin()) {
            Some(host) if confirmed != Some(host.as_str()) => {
                self.confirm.set(Some(PendingStart { host, action }));
                false
            }
            _ => {
                self.confirm.set(None);
                true
            }
        }
    }

    /// Validates the configuration; starts a run when it is valid (asking first when the
    /// token would go to another origin), else shows the messages.
    pub fn start(&self) {
        self.start_confirmed(None);
    }

    /// [`ConsoleCtx::start`], the user having agreed to send the token to `host`.
    fn start_confirmed(&self, host: Option<&str>) {
        if let Some(config) = self.validated()
            && self.may_start(&config, host, Action::Run)
        {
            self.driver.with_value(|d| d.start(config));
        }
    }

    /// The JS handle's `start()`: no one is there to ask, so a token bound for another
    /// origin than the page's starts nothing unless the caller named that host; the error
    /// says which host and how. An invalid configuration shows its messages, as Start does.
    pub fn start_from_handle(&self, allow_host: Option<String>) -> Result<(), String> {
        let Some(config) = self.validated() else {
            return Ok(());
        };
        Self::allowed(&config, allow_host, |h| {
            format!("call start({{ allowHost: \"{h}\" }})")
        })?;
        self.driver.with_value(|d| d.start(config));
        Ok(())
    }

    /// The JS handle's `runScenario()`: as [`ConsoleCtx::start_from_handle`], for the
    /// scenario form's current parameters; an invalid configuration or invalid parameters
    /// are an error naming them.
    pub fn run_scenario_from_handle(&self, allow_host: Option<String>) -> Result<(), String> {
        let Some(base) = self.validated() else {
            let why = self.messages.with_untracked(|m| {
                m.iter()
                    .map(|e| e.message.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            });
            return Err(format!("ws-console: invalid configuration: {why}"));
        };
        let scenario = self
            .scenario
            .with_untracked(|raw| Scenario::from_raw(raw, &base))
            .map_err(|errors| {
                self.scenario_errors.set(errors.clone());
                let why: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
                format!("ws-console: invalid scenario: {}", why.join("; "))
            })?;
        self.scenario_errors.set(Vec::new());
        Self::allowed(&base, allow_host, |h| {
            format!("add allowHost: \"{h}\" to runScenario's params")
        })?;
        self.driver.with_value(|d| d.start_scenario(scenario));
        Ok(())
    }

    /// Whether the handle's caller agreed to where the token of `config` goes (R3); the
    /// error says which host, and (`how`) the call that agrees to it.
    pub(crate) fn allowed(
        config: &RunConfig,
        allow_host: Option<String>,
        how: impl Fn(&str) -> String,
    ) -> Result<(), String> {
        match config.token_destination(&Self::origin()) {
            Some(host) if allow_host.as_deref() != Some(host.as_str()) => Err(format!(
                "ws-console: not started: the token would be sent to {host}, which is not this page's origin; {} to send it there",
                how(&host)
            )),
            _ => Ok(()),
        }
    }

    /// The user agreed to send the token to the pending host: the held-back action goes on.
    pub fn confirm_foreign(&self) {
        if let Some(p) = self.confirm.get_untracked() {
            match p.action {
                Action::Run => self.start_confirmed(Some(&p.host)),
                Action::Scenario => self.run_scenario_confirmed(Some(&p.host)),
                Action::Suite => self.run_suite_confirmed(Some(&p.host)),
            }
        }
    }

    /// Validates the configuration and the scenario's parameters; runs the scenario when both
    /// are valid (asking first when the token would go to another origin), else shows the
    /// messages beside their fields.
    pub fn run_scenario(&self) {
        self.run_scenario_confirmed(None);
    }

    fn run_scenario_confirmed(&self, host: Option<&str>) {
        let Some(base) = self.validated() else {
            return;
        };
        match self
            .scenario
            .with_untracked(|raw| Scenario::from_raw(raw, &base))
        {
            Ok(scenario) => {
                self.scenario_errors.set(Vec::new());
                if self.may_start(&base, host, Action::Scenario) {
                    self.driver.with_value(|d| d.start_scenario(scenario));
                }
            }
            Err(errors) => self.scenario_errors.set(errors),
        }
    }
}
