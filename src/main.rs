//! The standalone console: mounts [`ws_console::App`] on the page body.

fn main() {
    ws_console::start_standalone();
}
