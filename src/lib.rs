//! ws-console: a WebSocket test console that runs inside the browser.
//!
//! The crate is the thin browser half of the product: [`browser`] holds everything that
//! touches web-sys, gloo-net or js-sys (sockets, the clock, timers, storage, the panic hook),
//! and [`ui`] holds the Leptos components. Every decision — states, backoff, correlation,
//! metrics, verdicts — is made by the pure `ws-console-engine` crate.

pub mod browser;
pub mod embed;
pub mod ui;

pub use browser::token::{OnReport, TokenProvider};
pub use embed::WsConsole;
pub use ui::{Console, ConsoleCtx};

use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Mounts the standalone console on the page body (the `/ws-testing` page) and publishes its
/// handle as `window.wsConsole`.
pub fn start_standalone() {
    browser::panic::install();
    let slot: ui::CtxSlot = Rc::new(Cell::new(None));
    let body = leptos::prelude::document()
        .body()
        .expect("the page has a body");
    let for_view = slot.clone();
    let mounted = leptos::mount::mount_to(
        body,
        move || leptos::view! { <Console ctx_slot=for_view /> },
    );
    let Some(ctx) = slot.get() else { return };
    let mounted = RefCell::new(Some(mounted));
    let handle = browser::handle::build(browser::handle::Actions {
        start: Box::new(move |allow_host| ctx.start_from_handle(allow_host)),
        stop: Box::new(move || ctx.stop()),
        report: Box::new(move || ctx.report_json()),
        unmount: Box::new(move || drop(mounted.borrow_mut().take())),
    });
    browser::handle::publish(&handle);
}
