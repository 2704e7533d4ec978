//! Probes for the readiness checklist: a session opened with its own URL and protocols (an
//! auth mode other than the configuration's, an invalid token, an open endpoint), frames
//! sent as they are, the last frames a probed session received, and HTTP `GET`s.
//!
//! They go through the same sessions, commands and redaction as every socket, so what the
//! checklist judges is what the console sees; the results are kept small and bounded.

use super::Run;
use crate::command::{Command, HttpResult};
use crate::ids::{Millis, SessionId};
use crate::log::{LogCategory, LogLevel, redact_and_clip};

/// Frames a probed session keeps (the newest).
pub(crate) const INBOX_FRAMES: usize = 16;
/// Bytes kept of each probed frame and of an HTTP body.
pub(crate) const PROBE_TEXT_BYTES: usize = 2048;
/// HTTP results kept (the newest).
pub(crate) const HTTP_RESULTS: usize = 8;

/// How a probed session opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probe {
    /// The URL, token included where the probe carries one (never shown unredacted).
    pub url: String,
    /// `Sec-WebSocket-Protocol` values to offer.
    pub protocols: Vec<String>,
}

impl Run {
    /// Opens session `s` with `probe`'s URL and protocols instead of the configuration's
    /// (no first-message auth is sent; a fresh token does not reopen it). `secret` (an
    /// invalid token the probe carries) is redacted like the run's token.
    pub fn open_probe(&mut self, s: SessionId, probe: Probe, secret: &str, now: Millis) {
        self.redactor.add(secret);
        let Some(sess) = self.session_mut(s) else {
            return;
        };
        sess.probe = Some(probe);
        sess.inbox = Some(Default::default());
        self.open_session(s, now);
    }

    /// Keeps the last text frames of session `s` for [`Run::inbox`] (opened normally).
    pub fn listen(&mut self, s: SessionId) {
        if let Some(sess) = self.session_mut(s) {
            sess.inbox = Some(Default::default());
        }
    }

    /// Sends `text` on session `s` as it is (not a test message: no id, not correlated).
    /// Returns whether the socket was open to take it.
    pub fn send_text(&mut self, s: SessionId, text: String, now: Millis) -> bool {
        if !self.is_connected(s) {
            return false;
        }
        self.send_control(s, text, now);
        true
    }

    /// The last frames a probed session received: (time, text clipped and redacted).
    pub fn inbox(&self, s: SessionId) -> impl Iterator<Item = &(Millis, String)> {
        self.sessions
            .get(s.index())
            .and_then(|x| x.inbox.as_ref())
            .into_iter()
            .flatten()
    }

    /// Records a frame in a listened-to session's inbox (bounded).
    pub(super) fn keep_probed(&mut self, s: SessionId, text: &str, now: Millis) {
        if self
            .sessions
            .get(s.index())
            .is_none_or(|x| x.inbox.is_none())
        {
            return;
        }
        let text = redact_and_clip(&self.redactor, text, PROBE_TEXT_BYTES);
        if let Some(inbox) = self.sessions[s.index()].inbox.as_mut() {
            if inbox.len() >= INBOX_FRAMES {
                inbox.pop_front();
            }
            inbox.push_back((now, text));
        }
    }

    /// Asks the adapter to `GET` `url` ([`Command::HttpGet`]).
    pub fn request_get(&mut self, id: u32, url: String, now: Millis) {
        let shown = self.redactor.redact(&url);
        self.commands.push(Command::HttpGet { id, url });
        self.push_log(
            now,
            LogLevel::Info,
            LogCategory::Scenario,
            None,
            &format!("GET {shown}"),
        );
    }

    /// The outcome of [`Command::HttpGet`] `id`; the body is clipped and redacted here.
    pub fn on_http_result(&mut self, id: u32, mut result: HttpResult, now: Millis) {
        result.body = redact_and_clip(&self.redactor, &result.body, PROBE_TEXT_BYTES);
        let text = format!(
            "HTTP result {id}: status {} in {} ms",
            result.status,
            crate::decimal::fixed(result.elapsed_ms, 1)
        );
        self.push_log(now, LogLevel::Info, LogCategory::Scenario, None, &text);
        self.http.retain(|(i, _)| *i != id);
        if self.http.len() >= HTTP_RESULTS {
            self.http.remove(0);
        }
        self.http.push((id, result));
    }

    /// The result of HTTP request `id`, once it is in.
    pub fn http_result(&self, id: u32) -> Option<&HttpResult> {
        self.http.iter().find(|(i, _)| *i == id).map(|(_, r)| r)
    }
}
