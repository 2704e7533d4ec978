//! What the engine asks the browser adapter to do.
//!
//! The engine never calls out: it queues commands, and the adapter drains and executes them
//! after every call. Each socket command names the session *and* the generation it is meant
//! for, so the adapter can refuse one aimed at a socket it has already replaced.

use crate::ids::{Generation, SessionId};

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

/// A received frame over [`crate::Limits::max_frame_bytes`], as the adapter read it: only its
/// start, never the rest (see [`crate::Run::on_oversized`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OversizedFrame<'a> {
    /// Its first bytes: all that was read.
    pub prefix: &'a [u8],
    /// Its full size (a text frame's in UTF-16 units, as the browser holds it).
    pub size: usize,
    /// A binary frame.
    pub binary: bool,
    /// The value under the correlation pointer, when the adapter could read it.
    pub id: Option<&'a str>,
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
        /// The correlation key of a test message, whose send time the adapter reports with
        /// [`crate::Run::on_sent`] (control frames such as pings carry `None`).
        key: Option<u64>,
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
    /// Ask the backend's fault control to inject a fault (network-recovery scenario): `POST`
    /// to `url` with an empty body, then report the outcome with
    /// [`crate::Run::on_fault_result`]. Execute fault commands in order, one after the other.
    Fault {
        /// What to inject.
        request: FaultRequest,
        /// The control endpoint: the endpoint's HTTP origin plus [`FaultRequest::path`]. It
        /// never carries the token.
        url: String,
    },
    /// `GET` `url` (the readiness checklist's health and statistics checks) without
    /// credentials, and report with [`crate::Run::on_http_result`], the time stamped by the
    /// adapter around the request.
    HttpGet {
        /// Which request, handed back with the result.
        id: u32,
        /// The URL; it never carries the token.
        url: String,
    },
}

/// What a [`Command::HttpGet`] got.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpResult {
    /// The HTTP status; 0 when there was no answer (network error, CORS refusal).
    pub status: u16,
    /// From the request to the whole body, ms.
    pub elapsed_ms: f64,
    /// The body, as text (the engine clips and redacts it), or why there was no answer.
    pub body: String,
}

/// A fault the test backend's control endpoint can inject (F17, R1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "fault", rename_all = "kebab-case")]
pub enum FaultRequest {
    /// Close every open connection now.
    DropAll,
    /// Refuse new connections for `seconds`.
    Refuse {
        /// How long, in seconds.
        seconds: u32,
    },
    /// Stop answering (half-open server) for `seconds`.
    Silent {
        /// How long, in seconds.
        seconds: u32,
    },
    /// Close connections that send more than `per_second` messages a second with 4029.
    RateLimit {
        /// Messages per second allowed per connection.
        per_second: u32,
    },
    /// Clear every global fault.
    Reset,
}

impl FaultRequest {
    /// The control endpoint's path and query, e.g. `/api/faults/refuse?seconds=5`.
    pub fn path(&self) -> String {
        match self {
            FaultRequest::DropAll => "/api/faults/drop-all".into(),
            FaultRequest::Refuse { seconds } => format!("/api/faults/refuse?seconds={seconds}"),
            FaultRequest::Silent { seconds } => format!("/api/faults/silent?seconds={seconds}"),
            FaultRequest::RateLimit { per_second } => {
                format!("/api/faults/rate-limit?per_second={per_second}")
            }
            FaultRequest::Reset => "/api/faults/reset".into(),
        }
    }

    /// Stable name, for the log.
    pub fn as_str(&self) -> &'static str {
        match self {
            FaultRequest::DropAll => "drop-all",
            FaultRequest::Refuse { .. } => "refuse",
            FaultRequest::Silent { .. } => "silent",
            FaultRequest::RateLimit { .. } => "rate-limit",
            FaultRequest::Reset => "reset",
        }
    }
}
