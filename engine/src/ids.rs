//! The engine's identifiers and its unit of time: leaves of the module graph, so every
//! module can name them without importing from the crate root.

/// Milliseconds from an arbitrary origin, as `performance.now()` gives them.
pub type Millis = f64;

/// Index of a session, `0..n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct SessionId(pub u32);

impl SessionId {
    /// The index as a `usize`, for slices.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl std::fmt::Display for SessionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Which socket of a session an event belongs to; bumped every time the session opens a new
/// socket. Events from any other generation come from retired sockets and are ignored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Generation(pub u64);
