//! The suite panel (issue 13): scenarios added from the scenario form run one after the
//! other, with one progress bar, a row per step, an overall verdict and one combined report.
//!
//! The steps are the forms as typed, captured by "Add to suite"; they are validated together
//! when the suite runs, so a bad step is named before anything starts. The driver runs the
//! steps; this panel only reads the suite's summary (no step reports) from the context, and
//! asks the driver for the full combined report when it is exported.

use super::{Action, ConsoleCtx};
use crate::browser::clock::now;
use leptos::prelude::*;
use ws_console_engine::suite::{StepError, Suite};
use ws_console_engine::{fixed, junit};

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

    fn suite_junit(&self) -> Option<String> {
        self.driver
            .with_value(|d| d.with_suite(|s, _| junit::junit_xml(s.reports())))
    }
}

/// The suite: its steps, Run / Cancel, the progress bar, a row per step and the verdict.
#[component]
pub fn SuitePanel() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let running = move || {
        ctx.suite
            .with(|s| s.as_ref().is_some_and(|r| r.status == "running"))
    };
    let empty = move || ctx.suite_plan.with(|p| p.steps.is_empty());
    // The rows change only when a step does, not with the bar.
    let steps = Memo::new(move |_| ctx.suite.with(|s| s.as_ref().map(|r| r.steps.clone())));
    let export = move |json: bool| {
        let (text, name, mime) = if json {
            (
                ctx.suite_report(),
                "ws-console-suite.json",
                "application/json",
            )
        } else {
            (
                ctx.suite_junit(),
                "ws-console-suite-junit.xml",
                "application/xml",
            )
        };
        if let Some(text) = text {
            ctx.save(name, mime, &text);
        }
    };
    view! {
        <section class="wsc-panel" aria-label="Suite">
            <h2>"Suite"</h2>
            <p class="wsc-note">"Scenarios run one after the other: one progress bar, one combined report."</p>
            <ol data-testid="suite-plan">
                {move || ctx.suite_plan.with(|p| p.steps.iter().enumerate().map(|(i, s)| {
                    let label = s.kind.label();
                    view! {
                        <li data-testid="suite-plan-step" data-kind=s.kind.as_str()>
                            {label}" · "{s.sessions.clone()}" sessions "
                            <button class="wsc-button" data-testid="suite-remove" aria-label=format!("Remove step {} ({label})", i + 1)
                                disabled=running on:click=move |_| ctx.suite_plan.update(|p| p.remove(i))>"Remove"</button>
                        </li>
                    }
                }).collect_view())}
            </ol>
            <div class="wsc-error" data-testid="suite-error">
                {move || ctx.suite_errors.with(|e| e.iter().map(|x| x.message.clone()).collect::<Vec<_>>().join(" "))}
            </div>
            <div class="wsc-actions">
                <button class="wsc-button" data-testid="suite-add" disabled=running on:click=move |_| ctx.add_to_suite()>"Add scenario to suite"</button>
                <button class="wsc-button wsc-button--primary" data-testid="suite-run" disabled=move || running() || empty() on:click=move |_| ctx.run_suite()>"Run suite"</button>
                <button class="wsc-button" data-testid="suite-cancel" disabled=move || !running() on:click=move |_| ctx.stop()>"Cancel suite"</button>
            </div>
            {move || ctx.suite.with(|s| s.as_ref().map(|r| {
                let grade = r.verdict;
                view! {
                    <div class="wsc-progress" data-testid="suite-progress" data-status=r.status data-fraction=fixed(r.progress, 3).to_string()>
                        <div class="wsc-progress__bar" style:width=format!("{}%", fixed(r.progress * 100.0, 1))></div>
                    </div>
                    <p>
                        "Suite "{r.status}": "
                        <strong class=format!("wsc-grade wsc-grade--{}", grade.as_str()) data-testid="suite-verdict">{grade.label()}</strong>
                    </p>
                }
            }))}
            {move || steps.get().map(|steps| view! {
                <div class="wsc-table-wrap" tabindex="0" role="region" aria-label="Verdict per suite step">
                    <table class="wsc-table">
                        <thead><tr><th>"Step"</th><th>"Scenario"</th><th>"Status"</th><th>"Verdict"</th></tr></thead>
                        <tbody>
                            {steps.into_iter().enumerate().map(|(i, (kind, status, grade))| view! {
                                <tr data-testid="suite-step" data-kind=kind.as_str() data-status=status.as_str() data-verdict=grade.label()>
                                    <td>{i + 1}</td>
                                    <td>{kind.label()}</td>
                                    <td>{status.as_str()}</td>
                                    <td class=format!("wsc-grade wsc-grade--{}", grade.as_str())>{grade.label()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <div class="wsc-actions">
                    <button class="wsc-button" data-testid="suite-export-json" on:click=move |_| export(true)>"Suite report JSON"</button>
                    <button class="wsc-button" data-testid="suite-export-junit" on:click=move |_| export(false)>"Suite JUnit XML"</button>
                </div>
            })}
        </section>
    }
    .into_any()
}
