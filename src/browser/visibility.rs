//! Tab visibility: Chrome throttles timers in a tab hidden for 5+ minutes to once a minute, so
//! the console warns while hidden and the engine marks samples taken then.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Whether the page is hidden right now.
pub fn is_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

/// A `visibilitychange` listener, removed when dropped.
pub struct VisibilityListener {
    closure: Closure<dyn FnMut()>,
}

impl VisibilityListener {
    /// Calls `on_change(hidden)` whenever the tab is hidden or shown.
    pub fn new(mut on_change: impl FnMut(bool) + 'static) -> Option<VisibilityListener> {
        let doc = web_sys::window()?.document()?;
        let closure = Closure::<dyn FnMut()>::new(move || on_change(is_hidden()));
        doc.add_event_listener_with_callback("visibilitychange", closure.as_ref().unchecked_ref())
            .ok()?;
        Some(VisibilityListener { closure })
    }
}

impl Drop for VisibilityListener {
    fn drop(&mut self) {
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            let _ = doc.remove_event_listener_with_callback(
                "visibilitychange",
                self.closure.as_ref().unchecked_ref(),
            );
        }
    }
}
