//! The readiness checklist's results: a table grouped as a production test suite reports
//! them, each group with its pass rate (passed / graded), each check with its status, time
//! and detail, and the overall rate. Shown only while the readiness scenario drives the run.
//!
//! One closure renders the whole body (at most a few dozen rows, repainted with the
//! snapshot), as the breakdown table does; every detail is server text or derived from it,
//! so it is rendered as text.

use super::ConsoleCtx;
use super::cards::{ms, percent};
use leptos::prelude::*;
use ws_console_engine::{CheckStatus, Checklist};

fn grade_class(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Pass => "wsc-grade wsc-grade--pass",
        CheckStatus::Fail => "wsc-grade wsc-grade--fail",
        CheckStatus::Warn => "wsc-grade wsc-grade--warn",
        CheckStatus::Skip | CheckStatus::NotPossible => "wsc-grade wsc-grade--skip",
    }
}

fn body(list: &Checklist) -> impl IntoView + use<> {
    list.groups
        .iter()
        .map(|g| {
            let rows = g
                .checks
                .iter()
                .map(|c| {
                    view! {
                        <tr data-testid="readiness-check" data-check=c.id data-status=c.status.label()>
                            <td>{c.name}</td>
                            <td class=grade_class(c.status)>{c.status.label()}</td>
                            <td>{ms(c.time_ms)}</td>
                            <td>{c.detail.clone()}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <tbody data-testid="readiness-group" data-group=g.name data-passed=g.passed data-graded=g.graded>
                    <tr>
                        <th scope="rowgroup" colspan="4">
                            {g.name}" — "
                            <span data-testid="readiness-group-rate">{percent(g.rate_pct)}</span>
                            " ("{g.passed}" of "{g.graded}" graded)"
                        </th>
                    </tr>
                    {rows}
                </tbody>
            }
        })
        .collect_view()
}

/// The checklist table, refreshed with the snapshot.
#[component]
pub fn Readiness() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let list = move || {
        ctx.snapshot
            .with(|s| s.scenario.as_ref().and_then(|v| v.checklist.clone()))
    };
    view! {
        <section class="wsc-panel" aria-label="Readiness checklist" data-testid="readiness" hidden=move || list().is_none()>
            <h2>
                "Readiness: "
                <span data-testid="readiness-rate">{move || list().map(|l| percent(l.rate_pct))}</span>
                " of graded checks passed"
            </h2>
            <div class="wsc-table-wrap" tabindex="0" role="region" aria-label="Readiness checks">
                <table class="wsc-table">
                    <thead>
                        <tr><th>"Check"</th><th>"Status"</th><th>"Time"</th><th>"Detail"</th></tr>
                    </thead>
                    {move || list().map(|l| body(&l))}
                </table>
            </div>
        </section>
    }
}
