//! Shared by the wasm-bindgen-tests: where the live test backend is, and waiting on a condition.

#![allow(dead_code)]

/// `host:port` of the test backend that `cargo xtask test` started for this layer.
pub const TESTBED: &str = match option_env!("WSC_TESTBED") {
    Some(addr) => addr,
    None => "127.0.0.1:8080",
};

/// The open WebSocket endpoint of the test backend.
pub fn ws_url() -> String {
    format!("ws://{TESTBED}/ws")
}

/// Yields to the browser for `ms` milliseconds.
pub async fn yield_for(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let window = web_sys::window().expect("a window");
        window
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("setTimeout");
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Waits until `check()` is true, polling every 10 ms; panics with `what` after `timeout_ms`.
pub async fn wait_until<F: FnMut() -> bool>(what: &str, timeout_ms: f64, mut check: F) {
    let start = ws_console::browser::clock::now();
    while !check() {
        assert!(
            ws_console::browser::clock::now() - start < timeout_ms,
            "timed out after {timeout_ms} ms waiting for {what}"
        );
        yield_for(10).await;
    }
}
