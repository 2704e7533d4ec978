//! The console's view: one component per panel, all reading one typed context.
//!
//! [`Console`] is the whole page as a single component that takes its configuration and uses
//! no globals, so it can be mounted standalone or inside a host app. Children get the
//! [`ConsoleCtx`] — signals to read, methods to act — and never the engine itself.

mod cards;
mod controls;
mod sessions;
pub mod snapshot;

use crate::browser::clock::now;
use crate::browser::driver::Driver;
use leptos::prelude::*;
use snapshot::Snapshot;
use ws_console_engine::{FieldError, RawConfig, RunConfig};

/// What every panel of the console shares.
#[derive(Clone, Copy)]
pub struct ConsoleCtx {
    /// The configuration as typed.
    pub config: RwSignal<RawConfig>,
    /// Messages from the last validation, by field.
    pub messages: RwSignal<Vec<FieldError>>,
    /// What the view shows, refreshed at most once per animation frame.
    pub snapshot: RwSignal<Snapshot>,
    /// The run's owner (single-threaded: lives in the local arena).
    pub driver: StoredValue<Driver, LocalStorage>,
}

impl ConsoleCtx {
    /// The console's context; panics outside a [`Console`], which is a programming error.
    #[track_caller]
    pub fn expect() -> ConsoleCtx {
        expect_context::<ConsoleCtx>()
    }

    /// Validates the configuration; starts a run when it is valid, else shows the messages.
    pub fn start(&self) {
        let origin = window().location().origin().unwrap_or_default();
        match self
            .config
            .with_untracked(|raw| RunConfig::from_raw(raw, &origin))
        {
            Ok(config) => {
                self.messages.set(Vec::new());
                self.driver.with_value(|d| d.start(config));
            }
            Err(messages) => self.messages.set(messages),
        }
    }

    /// The user's Stop.
    pub fn stop(&self) {
        self.driver.with_value(Driver::stop);
    }
}

/// The whole console.
#[component]
pub fn Console(
    /// The starting configuration (defaults point at the backend that served the page).
    #[prop(optional)]
    config: Option<RawConfig>,
) -> impl IntoView {
    let snapshot = RwSignal::new(Snapshot::default());
    let driver = StoredValue::new_local(Driver::new(move |run| {
        snapshot.set(Snapshot::from_run(run, now()))
    }));
    let ctx = ConsoleCtx {
        config: RwSignal::new(config.unwrap_or_default()),
        messages: RwSignal::new(Vec::new()),
        snapshot,
        driver,
    };
    provide_context(ctx);
    on_cleanup(move || driver.with_value(Driver::stop));
    view! {
        <div class="wsc-root">
            <header class="wsc-header">
                <h1>"ws-console"</h1>
                <span class="wsc-sub">"WebSocket test console"</span>
            </header>
            <controls::Controls />
            <cards::Cards />
            <sessions::Sessions />
        </div>
    }
}
