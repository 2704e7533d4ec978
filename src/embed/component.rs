//! `<WsConsole/>`: the console as a component for Leptos hosts (F14).
//!
//! The same console as the JS entry's, taking the same three things from its host: a starting
//! configuration, a token provider (an async closure; the token stays in memory and is redacted
//! everywhere) and a callback for the report when a run or scenario ends. The host links the
//! console's stylesheet (`style/console.css`, every class `wsc-`) once.
//!
//! ```ignore
//! view! {
//!     <WsConsole
//!         config=RawConfig { endpoint: "/api/v1/pam/ws/{user_id}?token={token}".into(), ..Default::default() }
//!         token_provider=TokenProvider::new(|| async { fetch_token().await })
//!         on_report=|json: String| log(&json)
//!     />
//! }
//! ```

use crate::browser::storage::{self, Persistence};
use crate::browser::token::{OnReport, TokenProvider};
use crate::ui::Console;
use leptos::prelude::*;
use ws_console_engine::RawConfig;

/// The console, embedded in a Leptos app.
#[component]
pub fn WsConsole(
    /// The starting configuration (the defaults point at the backend that served the page).
    #[prop(optional)]
    config: Option<RawConfig>,
    /// Gives the current token, or the host's reason why there is none (F8). Called at Start,
    /// when a session needs auth, and ahead of a JWT's expiry.
    #[prop(optional)]
    token_provider: Option<TokenProvider>,
    /// Called with the report (JSON text, the export's) when a run or scenario ends.
    #[prop(optional, into)]
    on_report: Option<OnReport>,
    /// Keeps the tester's configuration under this name in `localStorage` (apart from every
    /// other console); without one nothing is stored.
    #[prop(optional, into)]
    storage_key: Option<String>,
) -> impl IntoView {
    let persistence = storage_key.map_or(Persistence::Off, |k| {
        Persistence::Key(storage::embedded_key(&k))
    });
    let config = config.unwrap_or_else(|| match &persistence {
        Persistence::Key(k) => storage::saved_json(k)
            .and_then(|s| RawConfig::from_json(&s))
            .unwrap_or_default(),
        _ => RawConfig::default(),
    });
    view! {
        <Console
            config=config
            persistence=persistence
            token_provider=token_provider
            on_report=on_report
        />
    }
}
