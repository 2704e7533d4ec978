//! Captured frames (F13): what went over the wire, for the HAR-style export.
//!
//! A bounded ring of the most recent frames, sent and received, over every session. It is
//! bounded three ways so that no traffic pattern can pin wasm memory (P5): a number of
//! frames, a number of bytes per frame (longer payloads are clipped, the original length is
//! kept), and a total byte budget (the oldest frames go first). The run redacts the token
//! before a frame is stored, so what is held here is safe to show.

use std::collections::VecDeque;

use crate::command::Frame;
use crate::ids::{Millis, SessionId};
use crate::url::Redactor;

/// Which way a frame went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// From the console to the server.
    Send,
    /// From the server to the console.
    Receive,
}

impl Direction {
    /// `send` or `receive`, as HAR's `_webSocketMessages` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Send => "send",
            Direction::Receive => "receive",
        }
    }
}

/// One captured frame.
#[derive(Clone, Debug, PartialEq)]
pub struct CapturedFrame {
    /// When (ms, same origin as every `now`).
    pub t: Millis,
    /// Which session's socket.
    pub session: SessionId,
    /// Sent or received.
    pub direction: Direction,
    /// The payload, clipped to the per-frame limit and with the token redacted. Empty for a
    /// binary frame whose bytes the adapter did not hand over.
    pub payload: Frame,
    /// The payload's length on the wire, in bytes.
    pub len: usize,
}

impl CapturedFrame {
    /// The WebSocket opcode: 1 for text, 2 for binary.
    pub fn opcode(&self) -> u8 {
        match self.payload {
            Frame::Text(_) => 1,
            Frame::Binary(_) => 2,
        }
    }

    /// Whether the payload was cut to fit the per-frame limit.
    pub fn clipped(&self) -> bool {
        self.payload.len() < self.len
    }
}

/// The bounded ring.
#[derive(Clone, Debug)]
pub(crate) struct FrameLog {
    frames: VecDeque<CapturedFrame>,
    max_frames: usize,
    max_frame_bytes: usize,
    max_total_bytes: usize,
    bytes: usize,
    evicted: u64,
}

impl FrameLog {
    pub(crate) fn new(max_frames: usize, max_frame_bytes: usize, max_total_bytes: usize) -> Self {
        // Claimed whole at the start, so the ring never reallocates as it fills (P5).
        Self {
            frames: VecDeque::with_capacity(max_frames),
            max_frames,
            max_frame_bytes,
            max_total_bytes,
            bytes: 0,
            evicted: 0,
        }
    }

    /// Whether frames are captured at all.
    pub(crate) fn enabled(&self) -> bool {
        self.max_frames > 0
    }

    /// The per-frame payload limit.
    pub(crate) fn frame_limit(&self) -> usize {
        self.max_frame_bytes
    }

    /// Stores `frame` (already clipped and redacted), evicting the oldest to stay in bounds.
    pub(crate) fn push(&mut self, frame: CapturedFrame) {
        if !self.enabled() {
            return;
        }
        self.bytes += frame.payload.len();
        self.frames.push_back(frame);
        while self.frames.len() > self.max_frames
            || (self.bytes > self.max_total_bytes && self.frames.len() > 1)
        {
            if let Some(old) = self.frames.pop_front() {
                self.bytes -= old.payload.len();
                self.evicted += 1;
            }
        }
    }

    /// The frames, oldest first.
    pub(crate) fn iter(
        &self,
    ) -> impl DoubleEndedIterator<Item = &CapturedFrame> + ExactSizeIterator {
        self.frames.iter()
    }

    /// Frames dropped to stay within bounds.
    pub(crate) fn evicted(&self) -> u64 {
        self.evicted
    }

    /// Payload bytes held.
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }
}

/// `text` with every token redacted, then cut to at most `max` bytes on a character
/// boundary (redacted first: a cut through a token would keep its first characters; only a
/// head of the text is redacted, see [`Redactor::redact_head`]).
fn redact_clip_text(redactor: &Redactor, text: &str, max: usize) -> String {
    redactor.redact_head(text, max).0
}

/// `data` with every token's bytes redacted — UTF-8 or not, a binary frame can carry the
/// token — then cut to at most `max` bytes.
fn redact_clip_bytes(redactor: &Redactor, data: &[u8], max: usize) -> Vec<u8> {
    redactor.redact_head_bytes(data, max)
}

/// A frame as it went over the wire (as far as it is known), before a copy is kept.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Wire<'a> {
    /// A text frame, or the head of one.
    Text(&'a str),
    /// A binary frame, or the head of one.
    Binary(&'a [u8]),
}

impl Wire<'_> {
    /// The copy kept: every token redacted, cut to at most `max` bytes.
    pub(crate) fn kept(self, redactor: &Redactor, max: usize) -> Frame {
        match self {
            Wire::Text(t) => Frame::Text(redact_clip_text(redactor, t, max)),
            Wire::Binary(b) => Frame::Binary(redact_clip_bytes(redactor, b, max)),
        }
    }
}

impl<'a> From<&'a Frame> for Wire<'a> {
    fn from(frame: &'a Frame) -> Self {
        match frame {
            Frame::Text(t) => Wire::Text(t),
            Frame::Binary(b) => Wire::Binary(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: Millis, body: &str) -> CapturedFrame {
        CapturedFrame {
            t,
            session: SessionId(0),
            direction: Direction::Send,
            payload: Frame::Text(body.into()),
            len: body.len(),
        }
    }

    #[test]
    fn ring_is_bounded_by_count() {
        let mut log = FrameLog::new(5, 100, 10_000);
        for i in 0..100 {
            log.push(text(i as f64, "x"));
        }
        assert_eq!(log.iter().len(), 5);
        assert_eq!(log.iter().next().unwrap().t, 95.0);
        assert_eq!(log.evicted(), 95);
    }

    #[test]
    fn ring_is_bounded_by_bytes() {
        let mut log = FrameLog::new(1000, 100, 250);
        for i in 0..10 {
            log.push(text(i as f64, &"y".repeat(100)));
            assert!(log.bytes() <= 250);
        }
        assert_eq!(log.iter().len(), 2);
    }

    #[test]
    fn disabled_capture_keeps_nothing() {
        let mut log = FrameLog::new(0, 100, 100);
        log.push(text(0.0, "z"));
        assert_eq!(log.iter().len(), 0);
        assert!(!log.enabled());
    }

    #[test]
    fn clipping_respects_char_boundaries_and_reports_it() {
        let none = Redactor::default();
        assert_eq!(redact_clip_text(&none, "héllo", 2), "h");
        assert_eq!(redact_clip_text(&none, "héllo", 3), "hé");
        assert_eq!(redact_clip_text(&none, "abc", 10), "abc");
        let f = CapturedFrame {
            len: 10,
            ..text(0.0, "abc")
        };
        assert!(f.clipped());
        assert_eq!(f.opcode(), 1);
    }

    #[test]
    fn redaction_comes_before_the_cut() {
        let mut r = Redactor::default();
        r.add("SECRETTOKEN");
        let text = format!("{}SECRETTOKEN", "x".repeat(10));
        assert_eq!(redact_clip_text(&r, &text, 14), "xxxxxxxxxx[red");
        let mut data = vec![0xff; 10];
        data.extend_from_slice(b"SECRETTOKEN");
        let kept = redact_clip_bytes(&r, &data, 14);
        assert_eq!(&kept[10..], b"[red");
    }
}
