//! What a socket reports, as one type: the adapter (page or socket worker), the scenario
//! simulator and the property tests all feed a [`Run`] the same [`SocketEvent`]s through
//! [`Run::on_socket`], so there is one model of socket events and one place that maps each
//! to the run's reaction.

use super::Run;
use crate::command::{Frame, OversizedFrame};
use crate::ids::{Generation, Millis, SessionId};

/// What a socket reports to its owner.
#[derive(Debug, Clone, PartialEq)]
pub enum SocketEvent {
    /// The handshake completed.
    Open,
    /// A text frame arrived.
    Text(String),
    /// A binary frame arrived.
    Binary(Vec<u8>),
    /// A frame over the size cap arrived: only its first `prefix` was read out of the
    /// browser, so it never occupies wasm memory (which never shrinks). A text frame's
    /// `size` is its length in UTF-16 code units, as the browser holds it.
    Oversized {
        /// Its first bytes: all that was read.
        prefix: Vec<u8>,
        /// Its full size.
        size: usize,
        /// A binary frame.
        binary: bool,
        /// A text frame's correlation id, read by the browser.
        id: Option<String>,
    },
    /// The socket closed (server close, network drop, or failed handshake as 1006).
    Close {
        /// The close code.
        code: u16,
        /// The close reason.
        reason: String,
        /// Whether the closing handshake completed.
        was_clean: bool,
    },
    /// The browser's `error` event (it carries no detail).
    Error,
    /// The browser refused to create the socket (reported by the socket worker, where the
    /// page's thread learns it only afterwards).
    Refused(String),
    /// A frame was handed to the browser: `at` is the time taken right before its `send()`.
    Sent {
        /// The test message's correlation key (none for a ping or an auth frame).
        key: Option<u64>,
        /// The clock right before `send()`.
        at: Millis,
    },
    /// The browser could not send `frame`: the socket had `closed` (in the socket worker,
    /// before the page learnt of it), or `send()` threw.
    Unsent {
        /// The test message's correlation key (none for a ping or an auth frame).
        key: Option<u64>,
        /// The frame, back to its owner.
        frame: Frame,
        /// The socket had closed (else `send()` threw).
        closed: bool,
        /// Why, as the browser said it.
        why: String,
    },
}

impl Run {
    /// Applies what socket `g` of session `s` reported at `now`.
    pub fn on_socket(&mut self, s: SessionId, g: Generation, event: SocketEvent, now: Millis) {
        match event {
            SocketEvent::Open => self.on_open(s, g, now),
            SocketEvent::Text(text) => self.on_text(s, g, &text, now),
            SocketEvent::Binary(bytes) => self.on_binary_data(s, g, &bytes, now),
            SocketEvent::Oversized {
                prefix,
                size,
                binary,
                id,
            } => {
                let frame = OversizedFrame {
                    prefix: &prefix,
                    size,
                    binary,
                    id: id.as_deref(),
                };
                self.on_oversized(s, g, frame, now);
            }
            SocketEvent::Close { code, reason, .. } => self.on_close(s, g, code, &reason, now),
            SocketEvent::Error => self.on_error(s, g, now),
            SocketEvent::Refused(why) => self.on_open_refused(s, g, &why, now),
            SocketEvent::Sent { key, at } => self.on_sent(s, key, at),
            // The socket had closed in the worker before its close reached the page: a test
            // message goes back to the queue; a ping or auth frame is moot (the close follows).
            SocketEvent::Unsent {
                key: Some(key),
                frame,
                closed: true,
                ..
            } => self.on_closed_before_send(key, frame, now),
            SocketEvent::Unsent {
                key: None,
                closed: true,
                ..
            } => {}
            SocketEvent::Unsent {
                key: Some(key),
                why,
                ..
            } => self.on_unsent(s, g, key, &why, now),
            SocketEvent::Unsent { key: None, .. } => self.on_send_failed(s, g, now),
        }
    }
}
