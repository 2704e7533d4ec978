//! The console's effects, all through one closure type.
//!
//! Why: Leptos' `Effect::new` is generic over its closure, and each instance carries its own
//! copy of the effect's task (about 1 KB of wasm each). Boxed behind one non-generic function,
//! every effect of the console shares one instance; the box is made once per effect, when its
//! panel is built, never per run of the effect.

use leptos::prelude::Effect;

/// Runs `f` now and again whenever a signal it read changes (as `Effect::new`); `f` is told
/// whether this is its first run.
pub fn effect(f: impl FnMut(bool) + 'static) {
    boxed(Box::new(f));
}

fn boxed(mut f: Box<dyn FnMut(bool)>) {
    Effect::new(move |before: Option<()>| f(before.is_none()));
}
