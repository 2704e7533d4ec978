//! Leptos' `<Show>` through one instance, and the console's lists of rows without `<For>`.
//!
//! Why: `<Show>` is generic over its closure and its children, so every use brought its own
//! copy of the component (about 1.5 KB of wasm each, see `docs/size.md`); the console's uses
//! differ only in what they show, so they go through one boxed shape here. The boxes are made
//! once, when the panel is built, never per repaint. The lists (sessions, log) are rows by
//! index, which `<For>` would diff by key for nothing.

use leptos::prelude::*;
use leptos::tachys::view::any_view::AnyViewState;
use leptos::tachys::view::{Mountable, Render};
use std::sync::Arc;

type When = Arc<dyn Fn() -> bool + Send + Sync>;
type Build = Arc<dyn Fn() -> AnyView + Send + Sync>;
type Parent = Box<dyn Fn() -> Option<web_sys::Element>>;
type Count = Box<dyn Fn() -> usize>;
type BuildRow = Box<dyn Fn(usize) -> AnyView>;

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

/// Rows `0..count()` appended to `parent()`, one per index: row `i` is built once, when
/// `count()` first reaches past it, and removed when `count()` drops to `i` or below, so a row
/// follows its slot and updates itself. This is `<For each=0..count() key=|i| *i>` without its
/// keyed diff (9 KB of wasm): rows here only come and go at the end, so there is nothing to diff.
pub fn rows(
    parent: impl Fn() -> Option<web_sys::Element> + 'static,
    count: impl Fn() -> usize + 'static,
    row: impl Fn(usize) -> AnyView + 'static,
) {
    rows_boxed(Box::new(parent), Box::new(count), Box::new(row));
}

fn rows_boxed(parent: Parent, count: Count, row: BuildRow) {
    // A row belongs to the panel (its owner a child of the panel's), not to the effect, whose
    // children are let go at each of its runs. Held weakly: the panel owns this effect, so a
    // strong hold here would keep the panel, and everything it owns, past its unmount.
    let panel = Owner::current().unwrap_or_default().downgrade();
    let mut built: Vec<(Owner, AnyViewState)> = Vec::new();
    super::effect::effect(move |_| {
        let n = count();
        let (Some(parent), Some(panel)) = (parent(), panel.upgrade()) else {
            return;
        };
        for (_owner, mut view) in built.drain(n.min(built.len())..).rev() {
            // The row's DOM goes here; its memos and effects when `_owner` drops.
            view.unmount();
        }
        while built.len() < n {
            let i = built.len();
            let owner = panel.child();
            let mut view = untrack(|| owner.with(|| row(i).build()));
            view.mount(&parent, None);
            built.push((owner, view));
        }
    });
}
