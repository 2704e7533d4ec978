//! Leptos' `<Show>` and `<For>`, each through one instance.
//!
//! Why: both are generic over their closures and their children, so every use brought its own
//! copy of the component (about 1.5 KB of wasm a `<Show>`, 3 KB a `<For>`, see `docs/size.md`).
//! The console's uses differ only in what they show, so each goes through one boxed shape here:
//! the boxes are made once, when the panel is built, never per repaint.

use leptos::prelude::*;
use std::sync::Arc;

type When = Arc<dyn Fn() -> bool + Send + Sync>;
type Build = Arc<dyn Fn() -> AnyView + Send + Sync>;
type Count = Arc<dyn Fn() -> usize + Send + Sync>;
type BuildRow = Arc<dyn Fn(usize) -> AnyView + Send + Sync>;

/// `children`, built when `when()` turns true and dropped when it turns false (`<Show>`).
pub fn show(
    when: impl Fn() -> bool + Send + Sync + 'static,
    children: impl Fn() -> AnyView + Send + Sync + 'static,
) -> AnyView {
    show_boxed(Arc::new(when), Arc::new(children))
}

fn show_boxed(when: When, children: Build) -> AnyView {
    view! { <Show when=move || when()>{children()}</Show> }.into_any()
}

/// Rows `0..count()`, keyed by index (`<For>`): row `i` is built once and kept while
/// `i < count()`, so a row follows its slot and updates itself.
pub fn rows(
    count: impl Fn() -> usize + Send + Sync + 'static,
    row: impl Fn(usize) -> AnyView + Send + Sync + 'static,
) -> AnyView {
    rows_boxed(Arc::new(count), Arc::new(row))
}

fn rows_boxed(count: Count, row: BuildRow) -> AnyView {
    view! {
        <For each=move || 0..count() key=|i| *i let:i>
            {row(i)}
        </For>
    }
    .into_any()
}
