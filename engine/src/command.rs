//! What the engine asks the browser adapter to do.
//!
//! The engine never calls out: it queues commands, and the adapter drains and executes them
//! after every call. Each socket command names the session *and* the generation it is meant
//! for, so the adapter can refuse one aimed at a socket it has already replaced.

use crate::{Generation, SessionId};

/// One WebSocket frame to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// A text frame.
    Text(String),
    /// A binary frame.
    Binary(Vec<u8>),
}

impl Frame {
    /// Payload length in bytes.
    pub fn len(&self) -> usize {
        match self {
            Frame::Text(t) => t.len(),
            Frame::Binary(b) => b.len(),
        }
    }

    /// Whether the payload is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// An instruction for the browser adapter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Open a new socket for `session`; its events must carry `generation`.
    /// The session's previous socket, if any, has already been retired (and closed).
    Open {
        /// The session.
        session: SessionId,
        /// The new socket's generation.
        generation: Generation,
        /// The filled-in URL, token included: use it, never display it (see [`crate::redact`]).
        url: String,
        /// `Sec-WebSocket-Protocol` values to offer (subprotocol auth), possibly empty.
        protocols: Vec<String>,
    },
    /// Send a frame on the socket of `generation`.
    Send {
        /// The session.
        session: SessionId,
        /// The socket's generation.
        generation: Generation,
        /// The frame.
        frame: Frame,
    },
    /// Close the socket of `generation`. The engine has already retired it: whatever that
    /// socket reports afterwards is ignored, so the adapter may also simply drop it.
    Close {
        /// The session.
        session: SessionId,
        /// The socket's generation.
        generation: Generation,
        /// Close code (1000 or 3000–4999, as browsers allow from script).
        code: u16,
        /// Close reason (at most 123 bytes).
        reason: String,
    },
    /// Ask the host's token provider for a fresh token, then call [`crate::Run::set_token`].
    /// Emitted when a session needs auth or the current token is about to expire.
    RequestToken,
}
