//! The one clock: `performance.now()` in milliseconds.
//!
//! `std::time::Instant` panics on wasm32, and the engine takes time as a plain number so that
//! host tests can drive it; this is the only place that reads the browser's clock.

use std::cell::OnceCell;

thread_local! {
    static PERFORMANCE: OnceCell<Option<web_sys::Performance>> = const { OnceCell::new() };
}

fn read(f: fn(&web_sys::Performance) -> f64) -> f64 {
    PERFORMANCE.with(|p| {
        p.get_or_init(|| web_sys::window().and_then(|w| w.performance()))
            .as_ref()
            .map_or(0.0, f)
    })
}

/// Milliseconds since the page started (monotonic, coarsened by the browser to 5–100 µs).
pub fn now() -> f64 {
    read(web_sys::Performance::now)
}

/// Whether the page is cross-origin isolated (served with COOP/COEP), which makes [`now`]
/// precise to 5 µs instead of 100 µs.
pub fn is_isolated() -> bool {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &"crossOriginIsolated".into()).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// `performance.timeOrigin`: the Unix time in ms at which [`now`] was 0.
pub fn time_origin() -> f64 {
    read(web_sys::Performance::time_origin)
}
