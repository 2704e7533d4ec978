//! A signal the panels can read and not write: what a run produces (the snapshot, the suite's
//! summary, whether the tab is hidden) is written only by [`super::Console`], from the
//! driver's and the page's callbacks, so a panel cannot put the view out of step with the run.
//!
//! Why not Leptos' own `ReadSignal` (`RwSignal::read_only`): it reads alike, but as a second
//! signal type it brought its own copy of the reading code, about 1.2 KB of wasm (gzip) for
//! these three signals. This wrapper reads through the `RwSignal` itself and costs nothing.

use leptos::prelude::*;

/// A read-only view of an `RwSignal` that only the console writes.
pub struct ReadOnly<T: 'static>(RwSignal<T>);

impl<T> Clone for ReadOnly<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for ReadOnly<T> {}

impl<T: Send + Sync + 'static> ReadOnly<T> {
    /// The read-only view of `signal`.
    pub fn of(signal: RwSignal<T>) -> Self {
        ReadOnly(signal)
    }

    /// Reads the value, and subscribes the reactive scope to its changes.
    pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        self.0.with(f)
    }

    /// Reads the value without subscribing to it.
    pub fn with_untracked<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        self.0.with_untracked(f)
    }

    /// A copy of the value, subscribing to its changes.
    pub fn get(&self) -> T
    where
        T: Clone,
    {
        self.0.get()
    }
}
