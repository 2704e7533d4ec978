//! The example host as a page: Trunk builds it (public URL `/leptos-host/`), and the testbed
//! serves it at `/leptos-host/` with `--leptos-host-dir` next to the demo host (`--demo-user`,
//! `--demo-password`). Log in at `/demo/` first: the token provider asks the demo's
//! `/demo/api/token` with the session cookie. The user id is the page's `?user=` (the demo's
//! user name), as a host would take it from its own login.

use ws_console::TokenProvider;
use ws_console_leptos_host::{HostApp, fetch_token};

/// The `{user_id}` when the page names none.
const DEFAULT_USER: &str = "leptos-host";

fn main() {
    let user_id = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|q| web_sys::UrlSearchParams::new_with_str(&q).ok())
        .and_then(|q| q.get("user"))
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| DEFAULT_USER.to_string());
    leptos::mount::mount_to_body(move || {
        leptos::view! {
            <HostApp
                endpoint="/api/v1/pam/ws/{user_id}?token={token}".to_string()
                user_id=user_id
                token_provider=TokenProvider::new(|| fetch_token("/demo/api/token".into()))
                on_report=|json: String| leptos::logging::log!("ws-console report: {} bytes", json.len())
            />
        }
    });
}
