//! The console's one wasm binary. The standalone page (`index.html`, whose body carries
//! `data-wsc-standalone`) gets the whole-page console; a host page that loads the same
//! bundle through `embed.js` gets nothing until it calls `mount()` (see [`ws_console::embed`]).
//!
//! The standalone page then marks `wsc-interactive` in the page's performance timeline: from
//! here the Start button is in the page with its handlers, so the bench (`load`) reads the
//! time to interactive from the page itself, without a WebDriver round trip in the figure.

fn main() {
    let standalone = leptos::prelude::document()
        .body()
        .is_some_and(|b| b.has_attribute("data-wsc-standalone"));
    if standalone {
        ws_console::start_standalone();
        if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
            let _ = p.mark("wsc-interactive");
        }
    }
}
