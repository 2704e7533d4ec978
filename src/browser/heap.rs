//! Heap figures: Chromium's `performance.memory` and the size of wasm linear memory.
//!
//! `performance.memory` exists only in Chromium and includes the host page's heap; where it is
//! missing the console says "not available" rather than inventing a number. wasm memory never
//! shrinks, so its size is the high-water mark of everything the console ever held.

use wasm_bindgen::JsCast;

/// One reading of the JS heap.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct JsHeap {
    /// `usedJSHeapSize`: bytes in use.
    pub used: u64,
    /// `totalJSHeapSize`: bytes the heap holds.
    pub total: u64,
    /// `jsHeapSizeLimit`: the most it may hold.
    pub limit: u64,
}

fn number(obj: &wasm_bindgen::JsValue, key: &str) -> Option<u64> {
    js_sys::Reflect::get(obj, &key.into())
        .ok()?
        .as_f64()
        .map(|v| v as u64)
}

/// `performance.memory`, or `None` where the browser has no such thing.
pub fn js_heap() -> Option<JsHeap> {
    let perf = web_sys::window()?.performance()?;
    let memory = js_sys::Reflect::get(&perf, &"memory".into()).ok()?;
    if memory.is_undefined() || memory.is_null() {
        return None;
    }
    Some(JsHeap {
        used: number(&memory, "usedJSHeapSize")?,
        total: number(&memory, "totalJSHeapSize")?,
        limit: number(&memory, "jsHeapSizeLimit")?,
    })
}

/// Bytes of wasm linear memory (it only ever grows).
pub fn wasm_memory_bytes() -> u64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .ok()
        .and_then(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().ok())
        .map_or(0, |b| b.byte_length() as u64)
}
