//! A Leptos host app embedding the console: its own header, and `<WsConsole/>` with the
//! host's token provider and report callback. It shows the shape a Leptos product team would
//! write; its test mounts it against the live test backend.
//!
//! The provider here asks the host's own backend for a token (`token_url`, sent with the
//! session cookie, e.g. the testbed demo's `/demo/api/token`); a host with the token already
//! in memory would just return it.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use ws_console::{OnReport, TokenProvider, WsConsole};
use ws_console_engine::RawConfig;

/// Fetches `{"token": …}` from `url` with the page's cookies; any failure is the reason.
pub async fn fetch_token(url: String) -> Result<String, String> {
    let init = web_sys::RequestInit::new();
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .map_err(|_| "the token endpoint cannot be reached".to_string())?
        .dyn_into()
        .map_err(|_| "not a response".to_string())?;
    if !response.ok() {
        return Err(format!("the token endpoint answered {}", response.status()));
    }
    let json = JsFuture::from(response.json().map_err(|_| "no body")?)
        .await
        .map_err(|_| "the token endpoint sent no JSON".to_string())?;
    js_sys::Reflect::get(&json, &"token".into())
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| "no token in the answer".to_string())
}

/// The host app: a header of its own, and the console.
#[component]
pub fn HostApp(
    /// Where the console connects (a URL template with `{token}`).
    endpoint: String,
    /// How the host gets a token.
    token_provider: TokenProvider,
    /// What the host does with a report.
    #[prop(into)]
    on_report: OnReport,
) -> impl IntoView {
    let config = RawConfig {
        endpoint,
        sessions: "3".into(),
        ..RawConfig::default()
    };
    view! {
        <header class="host-header">
            <h1>"Acme Ops"</h1>
            <nav><a href="/">"Dashboard"</a></nav>
        </header>
        <main>
            <WsConsole
                config=config
                token_provider=token_provider
                on_report=on_report
                storage_key="leptos-host"
            />
        </main>
    }
}
