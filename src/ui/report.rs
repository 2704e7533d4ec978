//! The verdict table and the exports (F12, F13): report JSON, CSV per session, the log, and the
//! captured frames as HAR; each also copies to the clipboard.

use super::ConsoleCtx;
use crate::browser::export::{JSON_MIME, copy, indented_json};
use leptos::prelude::*;
use ws_console_engine::ExportKind as Export;

/// The file an export is saved as, and its type.
pub(super) fn file(what: Export) -> (&'static str, &'static str) {
    match what {
        Export::Json => ("ws-console-report.json", JSON_MIME),
        Export::Csv => ("ws-console-sessions.csv", "text/csv"),
        Export::Log => ("ws-console-log.txt", "text/plain"),
        Export::Har => ("ws-console-frames.har", JSON_MIME),
        Export::Junit => ("ws-console-junit.xml", "application/xml"),
    }
}

/// Verdicts of the scenario (or of the manual run) and the export buttons.
#[component]
pub fn Report() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let has_run = move || ctx.snapshot.with(|s| s.total_sessions() > 0);
    let export = move |what: Export| {
        let Some(text) = ctx.export_text(what) else {
            return;
        };
        let (name, mime) = file(what);
        ctx.save(name, mime, &text);
    };
    let copy_report = move || {
        if let Some(text) = ctx.export_text(Export::Json) {
            copy(&indented_json(&text).unwrap_or(text));
            ctx.export_note.set("Report copied to the clipboard".into());
        }
    };
    view! {
        <section class="wsc-panel" aria-label="Report">
            <h2>"Report"</h2>
            {move || ctx.snapshot.with(|s| s.scenario.as_ref().map(|sc| {
                let overall = sc.verdict.as_str();
                view! {
                    <p>
                        {sc.kind.label()}": "
                        <strong class=format!("wsc-grade wsc-grade--{overall}") data-testid="verdict">{overall.to_ascii_uppercase()}</strong>
                    </p>
                    <div class="wsc-table-wrap" tabindex="0" role="region" aria-label="Verdict per criterion">
                        <table class="wsc-table">
                            <thead><tr><th>"Criterion"</th><th>"Target"</th><th>"Measured"</th><th>"Result"</th></tr></thead>
                            <tbody>
                                {sc.criteria.iter().map(|c| view! {
                                    <tr data-testid="criterion" data-criterion=c.id>
                                        <td>{c.label}</td>
                                        <td>{c.target.clone()}</td>
                                        <td>{c.measured.clone()}</td>
                                        <td class=format!("wsc-grade wsc-grade--{}", c.grade.as_str())>{c.grade.as_str().to_ascii_uppercase()}</td>
                                    </tr>
                                }.into_any()).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
            }))}
            <super::capacity::CapacitySteps />
            <div class="wsc-actions">
                <button class="wsc-button" data-testid="export-json" disabled=move || !has_run() on:click=move |_| export(Export::Json)>"Report JSON"</button>
                <button class="wsc-button" data-testid="export-csv" disabled=move || !has_run() on:click=move |_| export(Export::Csv)>"Sessions CSV"</button>
                <button class="wsc-button" data-testid="export-log" disabled=move || !has_run() on:click=move |_| export(Export::Log)>"Log"</button>
                <button class="wsc-button" data-testid="export-har" disabled=move || !has_run() on:click=move |_| export(Export::Har)>"Frames (HAR)"</button>
                <super::pipeline::ExportJunit />
                <button class="wsc-button" data-testid="copy-report" disabled=move || !has_run() on:click=move |_| copy_report()>"Copy report"</button>
            </div>
            <div class="wsc-note" data-testid="export-note">{move || ctx.export_note.get()}</div>
        </section>
    }
}
