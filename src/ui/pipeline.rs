//! Exports for pipelines: the scenario as a k6 script (F16) and the report as JUnit XML.
//!
//! The k6 script is made from the scenario form and the configuration exactly as a Run would
//! use them (same validation, same messages beside the fields), so what runs at scale on k6
//! is the test the console would run. Scenarios k6 cannot express keep the button disabled,
//! with the reason shown next to it rather than hidden in a tooltip.

use super::ConsoleCtx;
use crate::browser::export::download;
use leptos::prelude::*;
use ws_console_engine::{ExportKind, Scenario, k6};

impl ConsoleCtx {
    /// The k6 script for the scenario form (or for the load preset too big for a tab, whose
    /// typed parameters skip the form's in-browser bound), or `None` (with the messages
    /// shown) when the configuration or the form is invalid.
    fn k6_script(&self) -> Option<(String, String)> {
        let base = self.validated()?;
        let k6_only = self
            .preset
            .get_untracked()
            .filter(|p| p.why_not_here().is_some());
        let built = match k6_only {
            Some(p) => Scenario::new(p.scenario(), &base),
            None => self
                .scenario
                .with_untracked(|raw| Scenario::from_raw(raw, &base)),
        };
        match built {
            Ok(sc) => {
                self.scenario_errors.set(Vec::new());
                let what = k6_only.map_or(sc.kind().as_str(), |p| p.as_str());
                let name = format!("ws-console-{what}.k6.js");
                k6::script(&sc).ok().map(|s| (name, s))
            }
            Err(errors) => {
                self.scenario_errors.set(errors);
                None
            }
        }
    }

    pub(super) fn save(&self, name: &str, mime: &str, text: &str) {
        self.export_note.set(match download(name, mime, text) {
            Ok(bytes) => format!("Saved {name} ({bytes} bytes)"),
            Err(e) => format!("Could not save {name}: {e}"),
        });
    }
}

/// **Export k6 script**: disabled, with the reason, for scenarios k6 cannot express.
#[component]
pub fn ExportK6() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let why_not = move || ctx.scenario.with(|r| k6::unsupported(r.kind));
    let export = move || {
        if let Some((name, script)) = ctx.k6_script() {
            ctx.save(&name, "text/javascript", &script);
        }
    };
    view! {
        <button
            class="wsc-button"
            data-testid="export-k6"
            disabled=move || why_not().is_some()
            on:click=move |_| export()
        >
            "Export k6 script"
        </button>
        <span class="wsc-note" data-testid="export-k6-reason">{move || why_not().map(String::from)}</span>
    }
}

/// **JUnit XML**: the report's criteria as test cases, for a CI dashboard.
#[component]
pub fn ExportJunit() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let has_run = move || ctx.snapshot.with(|s| s.total_sessions() > 0);
    let export = move || {
        if let Some(xml) = ctx.export_text(ExportKind::Junit) {
            let (name, mime) = super::report::file(ExportKind::Junit);
            ctx.save(name, mime, &xml);
        }
    };
    view! {
        <button class="wsc-button" data-testid="export-junit" disabled=move || !has_run() on:click=move |_| export()>
            "JUnit XML"
        </button>
    }
}
