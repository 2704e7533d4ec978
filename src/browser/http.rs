//! `GET` for the readiness checklist's health and statistics checks.
//!
//! The time is stamped here, around the request, and the body is cut to a few KB before it
//! is copied into wasm memory (which never shrinks): a backend answering with megabytes
//! costs nothing. A refusal (network error, CORS) is an answer with status 0 and the
//! browser's reason, never a crash. The engine redacts and clips the body; the view shows it
//! as text.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use ws_console_engine::HttpResult;

/// Characters of a body copied out of the browser.
const BODY_CHARS: u32 = 4096;

/// GETs `url`; the result carries the status, the elapsed time and the body's start.
pub async fn get(url: &str) -> HttpResult {
    let start = super::clock::now();
    let outcome = fetch(url).await;
    let elapsed_ms = super::clock::now() - start;
    match outcome {
        Ok((status, body)) => HttpResult {
            status,
            elapsed_ms,
            body,
        },
        Err(why) => HttpResult {
            status: 0,
            elapsed_ms,
            body: why,
        },
    }
}

async fn fetch(url: &str) -> Result<(u16, String), String> {
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_else(|| "the request failed".into())
        })?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| "not a response")?;
    let status = response.status();
    let text = match response.text() {
        Ok(p) => JsFuture::from(p).await.unwrap_or_default(),
        Err(_) => wasm_bindgen::JsValue::from_str(""),
    };
    let text: js_sys::JsString = text.dyn_into().unwrap_or_else(|_| "".into());
    let cut = text.slice(0, BODY_CHARS.min(text.length()));
    Ok((status, String::from(cut)))
}
