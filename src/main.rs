//! The console's one wasm binary. The standalone page (`index.html`, whose body carries
//! `data-wsc-standalone`) gets the whole-page console; a host page that loads the same
//! bundle through `embed.js` gets nothing until it calls `mount()` (see [`ws_console::embed`]).

fn main() {
    let standalone = leptos::prelude::document()
        .body()
        .is_some_and(|b| b.has_attribute("data-wsc-standalone"));
    if standalone {
        ws_console::start_standalone();
    }
}
