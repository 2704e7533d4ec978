//! Where fault injection will plug in (SPEC R1, F17). Not built yet.
//!
//! The plan, so the seam is in the right place: with [`Options::faults`](crate::Options::faults)
//! set, each session reads its own faults from its query string (drop rate, reply delay and
//! jitter, duplicate rate, stop answering after N, close with code C after T ms), and a control
//! endpoint sets global ones (drop all now, refuse new connections for T s, go silent, rate limit
//! with close 4029). Every reply a session makes already goes through [`FaultPlan::delivery`],
//! so per-reply faults only have to change what that returns; per-connection timers and the
//! global switch will join the session loop's `select!`.

use std::collections::HashMap;

/// What to do with one outgoing reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delivery {
    /// Send it now, once.
    Send,
}

/// The faults that apply to one session.
#[derive(Debug, Clone, Default)]
pub(crate) struct FaultPlan {}

impl FaultPlan {
    /// The plan for a session opened with `query`; empty unless faults are enabled
    /// (and, until they are implemented, always empty).
    pub fn for_connection(_enabled: bool, _query: &HashMap<String, String>) -> Self {
        Self::default()
    }

    /// Decides the fate of the next reply.
    pub fn delivery(&mut self) -> Delivery {
        Delivery::Send
    }
}
