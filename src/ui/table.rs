//! The scrollable table of a panel: a wide table scrolls inside its own box, which is a named
//! region the keyboard can focus (so it can be scrolled without a mouse).
//!
//! The caller passes the whole `<thead>` and `<tbody>`: written out in its own `view!`, a header with only
//! literal text is built from one HTML string. A `<thead>` here with the row passed in would
//! be built element by element, which cost about 1.2 KB of wasm (gzip) for three tables; and
//! a non-generic helper taking `AnyView`s cost about 7 KB.

use leptos::prelude::*;

/// The table, in its focusable scrolling region: `label` is what assistive technology calls
/// the region (e.g. "Sessions table"), `head` the `<thead>`, `body` the `<tbody>`.
pub fn scroll_table(
    label: &'static str,
    head: impl IntoView + 'static,
    body: impl IntoView + 'static,
) -> impl IntoView {
    view! {
        <div class="wsc-table-wrap" tabindex="0" role="region" aria-label=label>
            <table class="wsc-table">
                {head}
                {body}
            </table>
        </div>
    }
}
