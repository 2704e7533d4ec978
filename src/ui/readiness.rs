//! The readiness checklist's results, as a production test suite reports them: each group
//! with its pass rate (passed / graded), then a row per check with its group, status, time
//! and detail, and the overall rate. Shown only while the readiness scenario drives the run.
//!
//! One closure renders each part whole (a few dozen rows, repainted with the snapshot), as
//! the breakdown table does, and the groups are a flat list rather than a table section each:
//! nested views cost wasm per nesting (and `AnyView` more: about 5 KB here). Every detail is server text or derived from it, so
//! it is rendered as text.

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

/// The groups, each with its pass rate.
fn groups(list: &Checklist) -> impl IntoView + use<> {
    list.groups
        .iter()
        .map(|g| {
            view! {
                <li data-testid="readiness-group" data-group=g.name data-passed=g.passed data-graded=g.graded>
                    {g.name}": "
                    <span data-testid="readiness-group-rate">{percent(g.rate_pct)}</span>
                    " ("{g.passed}" of "{g.graded}" graded)"
                </li>
            }
            .into_any()
        })
        .collect_view()
}

/// A row per check, its group in the first cell.
fn rows(list: &Checklist) -> impl IntoView + use<> {
    list.groups
        .iter()
        .flat_map(|g| g.checks.iter().map(move |c| (g.name, c)))
        .map(|(group, c)| {
            view! {
                <tr data-testid="readiness-check" data-group=group data-check=c.id data-status=c.status.label()>
                    <td>{group}</td>
                    <td>{c.name}</td>
                    <td class=grade_class(c.status)>{c.status.label()}</td>
                    <td>{ms(c.time_ms)}</td>
                    <td>{c.detail.clone()}</td>
                </tr>
            }
            .into_any()
        })
        .collect_view()
}

/// The checklist, refreshed with the snapshot.
#[component]
pub fn Readiness() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let list = move |f: fn(&Checklist) -> String| {
        ctx.snapshot.with(|s| {
            s.scenario
                .as_ref()
                .and_then(|v| v.checklist.as_ref())
                .map(f)
        })
    };
    let groups = move || {
        ctx.snapshot.with(|s| {
            let list = s.scenario.as_ref().and_then(|v| v.checklist.as_ref());
            list.map(groups)
        })
    };
    let rows = move || {
        ctx.snapshot.with(|s| {
            let list = s.scenario.as_ref().and_then(|v| v.checklist.as_ref());
            list.map(rows)
        })
    };
    view! {
        <section class="wsc-panel" aria-label="Readiness checklist" data-testid="readiness" hidden=move || list(|_| String::new()).is_none()>
            <h2>
                "Readiness: "
                <span data-testid="readiness-rate">{move || list(|l| percent(l.rate_pct))}</span>
                " of graded checks passed"
            </h2>
            <ul class="wsc-readiness">{move || groups()}</ul>
            <div class="wsc-table-wrap" tabindex="0" role="region" aria-label="Readiness checks">
                <table class="wsc-table">
                    <thead>
                        <tr><th>"Group"</th><th>"Check"</th><th>"Status"</th><th>"Time"</th><th>"Detail"</th></tr>
                    </thead>
                    <tbody>{move || rows()}</tbody>
                </table>
            </div>
        </section>
    }
}
