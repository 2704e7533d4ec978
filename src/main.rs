//! The standalone console: mounts [`ws_console::App`] on the page body.
//!
//! Then marks `wsc-interactive` in the page's performance timeline: from here the Start
//! button is in the page with its handlers, so the bench (`load`) reads the time to
//! interactive from the page itself, without a WebDriver round trip in the figure.

fn main() {
    ws_console::start_standalone();
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark("wsc-interactive");
    }
}
