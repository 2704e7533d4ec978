//! A panic hook that shows the panic on the page, not only in DevTools.
//!
//! A panic in the console is a bug; QA staff must see it where they are looking. The message is
//! set as text (never HTML) in a fixed banner, and also logged to the browser console as an
//! `Error`, whose stack DevTools shows.
//!
//! The release build leaves source locations out (`-Zlocation-detail=none`, see
//! `xtask/src/release.rs`: 7.5 KB gzip, a location for every call that can panic). Its panics
//! then carry the message alone, and the hook says nothing of a place rather than show
//! `<redacted>:0:0`; the debug builds (the wasm tests, `trunk serve`) keep the place.

use std::panic::PanicHookInfo;
use wasm_bindgen::JsCast;

/// Installs the hook once; later calls do nothing.
pub fn install() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info: &PanicHookInfo| {
            let place = info.location().map(|l| (l.file(), l.line(), l.column()));
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
            let text = describe(message, place);
            web_sys::console::error_1(&js_sys::Error::new(&text));
            show(&text);
        }));
    });
}

/// The banner's text: the panic's message and, when the build recorded it, where it happened
/// (a location compiled out has line 0).
pub fn describe(message: Option<&str>, place: Option<(&str, u32, u32)>) -> String {
    let mut text = format!(
        "ws-console crashed — please report this: {}",
        message.unwrap_or("a panic without a message")
    );
    if let Some((file, line, column)) = place.filter(|p| p.1 != 0) {
        text.push_str(&format!(" (at {file}:{line}:{column})"));
    }
    text
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

#[cfg(test)]
mod tests {
    use super::describe;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn names_the_place_only_when_the_build_recorded_it() {
        let with = describe(Some("index out of bounds"), Some(("src/ui/log.rs", 12, 5)));
        assert_eq!(
            with,
            "ws-console crashed — please report this: index out of bounds (at src/ui/log.rs:12:5)"
        );
        let without = describe(Some("index out of bounds"), Some(("<redacted>", 0, 0)));
        assert_eq!(
            without,
            "ws-console crashed — please report this: index out of bounds"
        );
        assert!(describe(None, None).ends_with("a panic without a message"));
    }
}
