//! The page's wake-up signals. Tab visibility: Chrome throttles timers in a tab hidden for 5+
//! minutes to once a minute, so the console warns while hidden and the engine marks samples
//! taken then. The network coming back (`online`) and the page coming back from the
//! back/forward cache (`pageshow`, persisted): sessions waiting out a backoff try at once.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Whether the page is hidden right now.
pub fn is_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

/// Listeners for the page's wake-up signals, removed when dropped.
pub struct PageListeners {
    visibility: Closure<dyn FnMut()>,
    online: Closure<dyn FnMut()>,
    pageshow: Closure<dyn FnMut(web_sys::Event)>,
}

impl PageListeners {
    /// Calls `on_visibility(hidden)` whenever the tab is hidden or shown, and
    /// `on_network_back(why)` when the network comes back or the page returns from the
    /// back/forward cache.
    pub fn new(
        mut on_visibility: impl FnMut(bool) + 'static,
        on_network_back: impl Fn(&'static str) + 'static,
    ) -> Option<PageListeners> {
        let window = web_sys::window()?;
        let doc = window.document()?;
        let back = std::rc::Rc::new(on_network_back);
        let on_online = back.clone();
        let listeners = PageListeners {
            visibility: Closure::new(move || on_visibility(is_hidden())),
            online: Closure::new(move || on_online("network back online")),
            pageshow: Closure::new(move |e: web_sys::Event| {
                let persisted = js_sys::Reflect::get(&e, &"persisted".into())
                    .ok()
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false);
                if persisted {
                    back("page back from the back/forward cache");
                }
            }),
        };
        doc.add_event_listener_with_callback(
            "visibilitychange",
            listeners.visibility.as_ref().unchecked_ref(),
        )
        .ok()?;
        window
            .add_event_listener_with_callback("online", listeners.online.as_ref().unchecked_ref())
            .ok()?;
        window
            .add_event_listener_with_callback(
                "pageshow",
                listeners.pageshow.as_ref().unchecked_ref(),
            )
            .ok()?;
        Some(listeners)
    }
}

impl Drop for PageListeners {
    fn drop(&mut self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        if let Some(doc) = window.document() {
            let _ = doc.remove_event_listener_with_callback(
                "visibilitychange",
                self.visibility.as_ref().unchecked_ref(),
            );
        }
        let _ = window
            .remove_event_listener_with_callback("online", self.online.as_ref().unchecked_ref());
        let _ = window.remove_event_listener_with_callback(
            "pageshow",
            self.pageshow.as_ref().unchecked_ref(),
        );
    }
}
