//! The suite panel (issue 13): scenarios added from the scenario form run one after the
//! other, with one progress bar, a row per step, an overall verdict and one combined report.
//!
//! The steps are the forms as typed, captured by "Add to suite"; they are validated together
//! when the suite runs, so a bad step is named before anything starts. The driver runs the
//! steps; this panel only reads the suite's summary (no step reports) from the context, and
//! asks the context for the full combined report when it is exported.

use super::ConsoleCtx;
use crate::browser::export::JSON_MIME;
use leptos::prelude::*;
use ws_console_engine::fixed;
use ws_console_engine::suite::SuiteStatus;

/// The suite: its steps, Run / Cancel, the progress bar, a row per step and the verdict.
#[component]
pub fn SuitePanel() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let running = move || {
        ctx.suite
            .with(|s| s.as_ref().is_some_and(|r| r.status == SuiteStatus::Running))
    };
    let empty = move || ctx.suite_plan.with(|p| p.steps.is_empty());
    // The rows change only when a step does, not with the bar.
    let steps = Memo::new(move |_| ctx.suite.with(|s| s.as_ref().map(|r| r.steps.clone())));
    let export = move |json: bool| {
        let (text, name, mime) = if json {
            (ctx.suite_report(), "ws-console-suite.json", JSON_MIME)
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
                                disabled=running on:click=move |_| ctx.remove_step(i)>"Remove"</button>
                        </li>
                    }.into_any()
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
                    <div class="wsc-progress" data-testid="suite-progress" data-status=r.status.as_str() data-fraction=fixed(r.progress, 3).to_string()>
                        <div class="wsc-progress__bar" style:width=format!("{}%", fixed(r.progress * 100.0, 1))></div>
                    </div>
                    <p>
                        "Suite "{r.status.as_str()}": "
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
                            }.into_any()).collect_view()}
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
