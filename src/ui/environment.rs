//! The environment panel: what this run talks to and what the browser can tell.

use super::ConsoleCtx;
use leptos::prelude::*;
use ws_console_engine::StampedIn;

/// User id, backend, endpoint (token redacted), auth mode, browser, heap availability.
#[component]
pub fn Environment() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let origin = crate::browser::page::origin();
    let heap = if crate::browser::heap::js_heap().is_some() {
        "available (performance.memory; includes the host page)"
    } else {
        "not available in this browser"
    };
    let clock = if crate::browser::clock::is_isolated() {
        "5 µs (the page is cross-origin isolated)"
    } else {
        "100 µs (serve the page with COOP/COEP headers for 5 µs)"
    };
    // The readiness checklist records the welcome's shape: type, user, capabilities.
    let welcome = move || {
        ctx.snapshot
            .with(|s| {
                let list = s.scenario.as_ref()?.checklist.as_ref()?;
                let check = list
                    .groups
                    .iter()
                    .flat_map(|g| &g.checks)
                    .find(|c| c.id == "welcome")?;
                Some(check.detail.clone())
            })
            .unwrap_or_else(|| "– (recorded by the readiness checklist)".into())
    };
    view! {
        <section class="wsc-panel wsc-env" aria-label="Environment" data-testid="environment">
            <h2>"Environment"</h2>
            <dl>
                <dt>"User id"</dt>
                <dd>{move || ctx.config.with(|c| if c.user_id.is_empty() { "–".to_string() } else { c.user_id.clone() })}</dd>
                <dt>"Page origin"</dt>
                <dd>{origin}</dd>
                <dt>"Endpoint"</dt>
                <dd data-testid="display-url">
                    // While a run goes, the URL it really uses; otherwise what Start would use.
                    {move || {
                        ctx.snapshot
                            .with(|s| (s.running && !s.display_url.is_empty()).then(|| s.display_url.clone()))
                            .unwrap_or_else(|| ctx.preview_url())
                    }}
                </dd>
                <dt>"Auth mode"</dt>
                <dd>{move || ctx.config.with(|c| c.auth_mode.label().to_string())}</dd>
                <dt>"Browser"</dt>
                <dd>{crate::browser::page::browser_name()}</dd>
                <dt>"Heap figures"</dt>
                <dd>{heap}</dd>
                <dt>"Clock precision"</dt>
                <dd data-testid="clock-precision">{clock}</dd>
                <dt>"Welcome"</dt>
                <dd data-testid="welcome-shape">{move || welcome()}</dd>
                <dt>"Stamped in"</dt>
                <dd data-testid="stamped-in">
                    {move || String::from(match ctx.snapshot.with(|s| s.stamped_in) {
                        Some(StampedIn::Worker) => "a socket worker, off the page's thread",
                        Some(StampedIn::Page) => "the page's thread (its policy allows no worker: add worker-src blob:)",
                        Some(StampedIn::WorkerThenPage) => "a socket worker until it failed, then the page's thread",
                        None => "–",
                    })}
                </dd>
            </dl>
        </section>
    }
}
