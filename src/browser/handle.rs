//! The JavaScript handle of a mounted console: `start()`, `stop()`, `report()`, `unmount()`.
//!
//! Host pages and end-to-end tests read the console the same way a person does, through this
//! handle and the `data-testid`s. Its closures are handed to JavaScript (they live as long as
//! the handle object, once per mount, never per connection).
//!
//! `start()` has no person to ask before a token goes to another origin than the page's, so it
//! throws instead (an `Error` naming the host) and starts nothing; `start({ allowHost: "h:p" })`
//! names the one host the caller agrees to send the token to (R3). Same-origin endpoints, and
//! runs without a token, start as before.

use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;

/// What the handle can do, supplied by the mounted console.
pub struct Actions {
    /// Starts, given the host the caller allows the token to go to; `Err` says why not.
    pub start: Box<dyn Fn(Option<String>) -> Result<(), String>>,
    pub stop: Box<dyn Fn()>,
    /// The report as JSON text (the same as the export).
    pub report: Box<dyn Fn() -> String>,
    pub unmount: Box<dyn FnMut()>,
}

fn set(obj: &js_sys::Object, name: &str, f: JsValue) {
    let _ = js_sys::Reflect::set(obj, &name.into(), &f);
}

/// Builds the handle object. `report()` returns a parsed object (the export's JSON).
pub fn build(actions: Actions) -> js_sys::Object {
    let Actions {
        start,
        stop,
        report,
        unmount,
    } = actions;
    let obj = js_sys::Object::new();
    let start = Closure::<dyn Fn(JsValue) -> Result<(), JsValue>>::new(move |options: JsValue| {
        let allow_host = js_sys::Reflect::get(&options, &"allowHost".into())
            .ok()
            .and_then(|h| h.as_string());
        start(allow_host).map_err(|m| js_sys::Error::new(&m).into())
    });
    set(&obj, "start", start.into_js_value());
    set(&obj, "stop", Closure::<dyn Fn()>::new(stop).into_js_value());
    let report = Closure::<dyn Fn() -> JsValue>::new(move || {
        js_sys::JSON::parse(&report()).unwrap_or(JsValue::NULL)
    });
    set(&obj, "report", report.into_js_value());
    set(
        &obj,
        "unmount",
        Closure::<dyn FnMut()>::new(unmount).into_js_value(),
    );
    obj
}

/// Publishes the standalone page's handle as `window.wsConsole` (the one global).
pub fn publish(obj: &js_sys::Object) {
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &"wsConsole".into(), obj);
    }
}
