#![warn(missing_docs)]
//! ws-console: a WebSocket test console that runs inside the browser.
//!
//! The crate is the thin browser half of the product: [`browser`] holds everything that
//! touches web-sys, gloo-net or js-sys (sockets, the clock, timers, storage, the panic hook),
//! [`ui`] holds the Leptos components, and [`embed`] mounts them for a host page (`mount()`,
//! `<WsConsole/>`) or the standalone page, with one handle for both. Every decision — states, backoff, correlation,
//! metrics, verdicts — is made by the pure `ws-console-engine` crate.

pub mod browser;
pub mod embed;
pub mod ui;

pub use browser::token::{OnReport, TokenProvider};
pub use embed::WsConsole;
pub use ui::{Console, ConsoleCtx};

// The crate's unit tests run with the wasm tests, in the browser (`#[wasm_bindgen_test]`: a
// plain `#[test]` is not run on this target).
#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the standalone console on the page body (the `/ws-testing` page) and publishes its
/// handle — the same as `mount()` gives a host — as `window.wsConsole`.
pub fn start_standalone() {
    let body = leptos::prelude::document()
        .body()
        .expect("the page has a body");
    let props = ui::ConsoleProps {
        config: None,
        ctx_slot: None,
        persistence: browser::storage::Persistence::Page,
        token_provider: None,
        on_report: None,
    };
    if let Ok(handle) = embed::mount_console(body, props)
        && let Some(w) = web_sys::window()
    {
        let _ = js_sys::Reflect::set(&w, &"wsConsole".into(), &handle);
    }
}
