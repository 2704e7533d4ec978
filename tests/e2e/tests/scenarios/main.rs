//! The scenarios (F12) end to end: each one run from the scenario panel against the real test
//! backend, to its verdict, with its report (F13) read back through `window.wsConsole.report()`
//! and the export buttons, and held against what the backend counted — including under the
//! faults of R1 (random drops, the backend's fault control, a half-open server, auth rejection).
//!
//! Durations are shortened to seconds; everything else is as a QA person would click it.
//!
//! One test binary, a module per part: every scenario kind on a healthy backend ([`kinds`]),
//! recovery under random drops and through the backend's fault control ([`recovery`]), the
//! half-open server ([`half_open`]), auth with its exports checked field by field
//! ([`exports`]), cancelling ([`cancel`]), bands edited in the guidelines panel
//! ([`thresholds`]), the capacity finder stopping at the backend's rate limit
//! ([`capacity`]), the readiness checklist ([`readiness`]), and presets and suites ([`suites`]).

mod cancel;
mod capacity;
mod common;
mod exports;
mod half_open;
mod kinds;
mod readiness;
mod recovery;
mod suites;
mod thresholds;
