//! Files and the clipboard: how reports, CSV, logs and HAR captures leave the console.

use wasm_bindgen::{JsCast, JsValue};

/// The type of the JSON exports (reports, suite reports, HAR), which [`download`] indents.
pub const JSON_MIME: &str = "application/json";

/// JSON, which the engine writes compact, indented for a reader by the browser's own
/// `JSON.stringify` (serde_json's pretty printer would cost the bundle about a kilobyte).
/// `None` for text that is not JSON.
pub fn indented_json(text: &str) -> Option<String> {
    let v = js_sys::JSON::parse(text).ok()?;
    js_sys::JSON::stringify_with_replacer_and_space(&v, &JsValue::NULL, &2.into())
        .ok()
        .map(String::from)
}

/// Offers `text` as a file download named `filename` (JSON indented); says how many bytes
/// the file holds.
pub fn download(filename: &str, mime: &str, text: &str) -> Result<u64, String> {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let indented = (mime == JSON_MIME).then(|| indented_json(text)).flatten();
    let parts = js_sys::Array::of1(&indented.as_deref().unwrap_or(text).into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "could not make the file")?;
    let url =
        web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "could not make a URL")?;
    let a: web_sys::HtmlAnchorElement = doc
        .create_element("a")
        .map_err(|_| "no anchor")?
        .dyn_into()
        .map_err(|_| "no anchor")?;
    a.set_href(&url);
    a.set_download(filename);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(blob.size() as u64)
}

/// Copies `text` to the clipboard (the browser may refuse without a user gesture).
pub fn copy(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}
