//! ws-console: a WebSocket test console that runs inside the browser.
//!
//! The crate is the thin browser half of the product: [`browser`] holds everything that
//! touches web-sys, gloo-net or js-sys (sockets, the clock, timers, the panic hook), and [`ui`]
//! holds the Leptos components. Every decision — states, backoff, correlation, metrics,
//! verdicts — is made by the pure `ws-console-engine` crate.

pub mod browser;
pub mod ui;

pub use ui::Console;

/// Mounts the standalone console on the page body (the `/ws-testing` page).
pub fn start_standalone() {
    browser::panic::install();
    leptos::mount::mount_to_body(|| leptos::view! { <Console /> });
}
