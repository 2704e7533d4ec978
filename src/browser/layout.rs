//! Forcing the page's layout at a moment the console chooses.
//!
//! The browser lays out a changed page at its next frame, whenever that falls. Reading a
//! layout property makes it do so at once instead, so that after a repaint made at a quiet
//! moment (no reply in flight) the next frame has little left to do on the main thread.

/// Lays the page out now.
pub fn settle() {
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.offset_height();
    }
}
