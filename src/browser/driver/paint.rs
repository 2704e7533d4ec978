//! When the view is repainted: at most [`PAINT_EVERY_MS`] apart, and at a moment that keeps
//! painting off the measurement path.
//!
//! A repaint is the view's update, then the browser's rendering (style, layout, paint, commit)
//! and its raster and compositing on other threads; on a machine with few cores a reply that
//! arrives meanwhile waits for a core, and its round trip shows the console. So a due repaint
//! waits for a quiet stretch in the send schedule ([`Run::quiet_moment`]; a busy interval
//! keeps one, `ws_console_engine::PAINT_ROOM_MS`), then for the moment no reply is in flight,
//! and lays the page out there; it waits at most [`PAINT_DEFER_MS`] in all.
//!
//! Tried and left out: updating the view in an animation frame chosen to have no reply in
//! flight and 8 ms before the next send, so that the browser's rendering follows the update at
//! once rather than at the next frame. At 1 × 10 ms and 15 × 100 ms on two cores the round
//! trips' p99 did not move beyond the run-to-run noise, and it cost 0.4 KB.

use super::{Driver, with};
use crate::browser::clock::now;
use gloo_timers::callback::Timeout;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use ws_console_engine::{PAINT_ROOM_MS, Run};

/// The shortest time between two repaints (5 Hz).
pub const PAINT_EVERY_MS: f64 = 200.0;
/// How long a due repaint may wait for a moment with no reply in flight.
pub const PAINT_DEFER_MS: f64 = 300.0;
/// How long after a send its reply is taken to be back, when placing a repaint after it.
pub const PAINT_SETTLE_MS: f64 = 3.0;

/// When and whether the view is repainted.
#[derive(Default)]
pub(super) struct Paint {
    /// The run changed since the last repaint.
    dirty: Cell<bool>,
    /// A repaint is due, since then, and waits for a moment with no reply in flight.
    wanted_since: Cell<Option<f64>>,
    last: Cell<f64>,
    timer: RefCell<Option<Timeout>>,
}

impl Driver {
    /// After a change to the run (`changed`) or any event: repaints if a due repaint's moment
    /// has come, else places the next one.
    pub(super) fn schedule_paint(&self, changed: bool) {
        let paint = &self.0.paint;
        if changed {
            paint.dirty.set(true);
        }
        if let Some(since) = paint.wanted_since.get() {
            let t = now();
            if self.awaiting_replies() == 0 || t - since >= PAINT_DEFER_MS {
                self.paint_now(t);
            }
            return;
        }
        if !paint.dirty.get() || paint.timer.borrow().is_some() {
            return;
        }
        // Due PAINT_EVERY_MS after the last, at the first moment after that with no send due
        // for a repaint's length (or the most room before the next, on a dense schedule).
        let t = now();
        let due = (paint.last.get() + PAINT_EVERY_MS).max(t);
        let at = self
            .with_run(|r| r.quiet_moment(due, PAINT_EVERY_MS, PAINT_ROOM_MS, PAINT_SETTLE_MS))
            .unwrap_or(due);
        let weak = Rc::downgrade(&self.0);
        let timer = Timeout::new((at - t).ceil() as u32, move || {
            with(&weak, |d| {
                d.0.paint.timer.borrow_mut().take();
                d.0.paint.wanted_since.set(Some(now()));
                d.after_change(false);
                // Still in flight: a fallback fires when the deferral runs out.
                if d.0.paint.wanted_since.get().is_some() {
                    let weak = Rc::downgrade(&d.0);
                    let fallback = Timeout::new(PAINT_DEFER_MS as u32, move || {
                        with(&weak, |d| d.paint_now(now()))
                    });
                    *d.0.paint.timer.borrow_mut() = Some(fallback);
                }
            })
        });
        *paint.timer.borrow_mut() = Some(timer);
    }

    pub(super) fn paint_now(&self, t: f64) {
        let paint = &self.0.paint;
        paint.wanted_since.set(None);
        paint.dirty.set(false);
        paint.last.set(t);
        paint.timer.borrow_mut().take();
        let st = self.0.state.borrow();
        if let Some(test) = st.test.as_ref() {
            (self.0.on_change)(test, st.suite.as_ref(), &super::buffered(&st.conns));
            // Once the view's effects have written the DOM (they run as microtasks queued
            // before this one), lay the page out now, in this quiet moment, rather than at the
            // next frame, when a reply may be waiting for the main thread.
            wasm_bindgen_futures::spawn_local(async { crate::browser::layout::settle() });
        }
    }

    fn awaiting_replies(&self) -> usize {
        self.with_run(Run::awaiting_replies).unwrap_or(0)
    }
}
