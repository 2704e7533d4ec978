//! A panic hook that shows the panic on the page, not only in DevTools.
//!
//! A panic in the console is a bug; QA staff must see it where they are looking. The message is
//! set as text (never HTML) in a fixed banner, and also logged to the browser console.

use wasm_bindgen::JsCast;

/// Installs the hook once; later calls do nothing.
pub fn install() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            console_error_panic_hook::hook(info);
            show(&format!("ws-console crashed — please report this: {info}"));
        }));
    });
}

fn show(text: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = doc.body() else { return };
    let Ok(el) = doc.create_element("div") else {
        return;
    };
    el.set_attribute("data-testid", "panic").ok();
    el.set_attribute("role", "alert").ok();
    // A class, not a `style` attribute: the page's CSP has no 'unsafe-inline' for styles.
    el.set_attribute("class", "wsc-panic").ok();
    el.set_text_content(Some(text));
    if let Ok(html) = el.dyn_into::<web_sys::HtmlElement>() {
        body.append_child(&html).ok();
    }
}
