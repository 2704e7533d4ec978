//! The example host, standalone: `cd examples/leptos-host && trunk serve` next to a testbed
//! with the demo host on (see `Trunk.toml` here); log in at `/demo/` first.

use ws_console::TokenProvider;
use ws_console_leptos_host::{HostApp, fetch_token};

fn main() {
    leptos::mount::mount_to_body(|| {
        leptos::view! {
            <HostApp
                endpoint="/api/v1/pam/ws/{user_id}?token={token}".to_string()
                token_provider=TokenProvider::new(|| fetch_token("/demo/api/token".into()))
                on_report=|json: String| leptos::logging::log!("ws-console report: {json}")
            />
        }
    });
}
