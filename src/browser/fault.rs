//! Asks a backend's fault control to inject a fault (the network-recovery scenario).
//!
//! A plain `POST` with no body and no credentials: the control endpoint never sees the token.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// POSTs to `url`; `Ok` on a 2xx answer, else why not (with the answer's body).
pub async fn post(url: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|e| {
            format!(
                "fault control unreachable: {}",
                e.as_string().unwrap_or_else(|| format!("{e:?}"))
            )
        })?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| "not a response")?;
    let body = match response.text() {
        Ok(p) => JsFuture::from(p)
            .await
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    if response.ok() {
        Ok(())
    } else {
        Err(format!(
            "fault control answered {}: {body}",
            response.status()
        ))
    }
}
