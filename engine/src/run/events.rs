//! What the sockets report. Every handler first checks the generation: an event from a
//! retired socket returns before touching anything.

use super::{ENGINE_CLOSE_CODE, Run};
use crate::config::AuthMode;
use crate::correlation::Outcome;
use crate::decimal::fixed;
use crate::frames::{Direction, Wire};
use crate::ids::{Generation, Millis, SessionId};
use crate::log::{LogCategory, LogLevel};
use crate::message::{Incoming, MessageKind, classify};
use crate::session::{CloseInfo, Phase, TimelineKind};
use crate::{Frame, OversizedFrame};

impl Run {
    fn accepts(&self, s: SessionId, g: Generation) -> bool {
        self.sessions
            .get(s.index())
            .is_some_and(|sess| sess.accepts(g))
    }

    /// The socket `g` of session `s` opened.
    pub fn on_open(&mut self, s: SessionId, g: Generation, now: Millis) {
        if !self.accepts(s, g) {
            return;
        }
        let connect_timeout = self.cfg.reconnect.connect_timeout_ms;
        let sess = &mut self.sessions[s.index()];
        let first_message_auth =
            self.cfg.auth_mode == AuthMode::FirstMessage && sess.probe.is_none();
        let Phase::Connecting { since, .. } = sess.phase else {
            return;
        };
        let took = (now - since).max(0.0);
        sess.connect_time = Some(took);
        sess.awaiting_first_since = Some(now);
        sess.counters.connects += 1;
        sess.tries_since_open = 0;
        // The backoff starts again only once this connection has stayed up a while
        // (`after_drop`): a server that accepts and closes at once is backed off.
        let recovered = sess.down_since.take().map(|down| (now - down).max(0.0));
        if recovered.is_some() {
            sess.counters.reconnects += 1;
            sess.last_recovery = recovered;
        }
        self.connect_time.record(took);
        let e = self.cfg.endpoint.index_of(s);
        self.endpoint_times[e].connect.record(took);
        let mut text = format!("open (socket {}) in {} ms", g.0, fixed(took, 1));
        if let Some(r) = recovered {
            self.recovery.record(r);
            text.push_str(&format!("; recovered after {} s", fixed(r / 1000.0, 1)));
        }
        self.push_log(now, LogLevel::Info, LogCategory::Connection, Some(s), &text);
        if first_message_auth {
            self.sessions[s.index()].phase = Phase::Authenticating {
                since: now,
                deadline: now + connect_timeout,
            };
            let auth = super::auth_frame(&self.token);
            self.send_control(s, auth, now);
        } else {
            self.become_connected(s, now);
        }
    }

    /// The browser refused to create socket `g` of session `s` (`new WebSocket` threw: a
    /// malformed URL, a blocked port, a page policy). No server was asked, so nothing counts
    /// against one and nothing is retried — the same URL would be refused again: the
    /// session ends in error with the browser's reason, counted in `client_errors`.
    pub fn on_open_refused(&mut self, s: SessionId, g: Generation, why: &str, now: Millis) {
        if !self.accepts(s, g) {
            return;
        }
        let reason = self
            .redactor
            .redact(&format!("the browser refused to open the socket: {why}"));
        let sess = &mut self.sessions[s.index()];
        sess.live = false;
        sess.counters.client_errors += 1;
        // The attempt never reached the network.
        sess.counters.connect_attempts = sess.counters.connect_attempts.saturating_sub(1);
        sess.phase = Phase::Failed {
            reason: reason.clone(),
        };
        sess.mark(now, TimelineKind::GaveUp);
        self.push_log(
            now,
            LogLevel::Error,
            LogCategory::Connection,
            Some(s),
            &reason,
        );
    }

    /// A text frame arrived on socket `g` of session `s`.
    pub fn on_text(&mut self, s: SessionId, g: Generation, text: &str, now: Millis) {
        if !self.accepts(s, g) {
            return;
        }
        let cap = self.cfg.limits.max_frame_bytes;
        if text.len() > cap {
            let mut end = cap;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let frame = OversizedFrame {
                prefix: &text.as_bytes()[..end],
                size: text.len(),
                binary: false,
                id: None,
            };
            return self.oversized(s, frame, classify(text, &self.pointer, "").key, now);
        }
        self.capture(now, s, Direction::Receive, Wire::Text(text), text.len());
        self.keep_probed(s, text, now);
        self.receive(s, text, text.len(), now);
        if self.has_backlog(s) {
            self.release(s, now);
        }
    }

    /// The adapter handed a frame of session `s` to the browser at `at` (stamped right before
    /// `send()`): the test message `key`, whose round trip is measured from there, or (no key)
    /// a ping, whose round trip starts there too, the auth frame or a probe's frame.
    pub fn on_sent(&mut self, s: SessionId, key: Option<u64>, at: Millis) {
        match key {
            Some(key) => self.correlator.restamp(key, at),
            None => {
                if let Some(sess) = self.sessions.get_mut(s.index()) {
                    sess.heartbeat.sent(at);
                    sess.control_sent_at = Some(at);
                }
            }
        }
    }

    /// When session `s`'s last frame that is not a test message went out (stamped right
    /// before `send()`), once the adapter has said so.
    pub fn control_sent_at(&self, s: SessionId) -> Option<Millis> {
        self.sessions.get(s.index())?.control_sent_at
    }

    /// A frame of `frame.size` bytes — over [`crate::Limits::max_frame_bytes`] — arrived,
    /// of which only the first bytes, `frame.prefix`, were read (the adapter never copies the
    /// rest into wasm memory, which never shrinks). It is counted with its full size in
    /// `oversized`. The reply is still matched — the console's cap never turns an answered
    /// message into a lost one — by `frame.id`, the value under the correlation pointer when
    /// the adapter could read it (the browser parses the frame in its own, collected heap),
    /// else by an id under a top-level key at the start of the prefix.
    pub fn on_oversized(
        &mut self,
        s: SessionId,
        g: Generation,
        frame: OversizedFrame<'_>,
        now: Millis,
    ) {
        if !self.accepts(s, g) {
            return;
        }
        let key = match frame.id {
            Some(id) => Some(crate::message::key_of_str(id)),
            None => self
                .pointer
                .scan_prefix(&String::from_utf8_lossy(frame.prefix)),
        };
        self.oversized(s, frame, key, now);
    }

    fn oversized(
        &mut self,
        s: SessionId,
        frame: OversizedFrame<'_>,
        key: Option<u64>,
        now: Millis,
    ) {
        let OversizedFrame {
            prefix,
            size,
            binary,
            ..
        } = frame;
        let text = String::from_utf8_lossy(prefix);
        if binary {
            self.capture(now, s, Direction::Receive, Wire::Binary(prefix), size);
        } else {
            self.capture(now, s, Direction::Receive, Wire::Text(&text), size);
        }
        self.count_received(s, size, binary, now);
        self.sessions[s.index()].counters.oversized += 1;
        if let Some(key) = key {
            self.correlate(s, key, now);
        }
        let cap = self.cfg.limits.max_frame_bytes;
        self.push_log(
            now,
            LogLevel::Warn,
            LogCategory::Received,
            Some(s),
            &format!(
                "frame of {size} bytes, over the {cap}-byte cap: only its first {} bytes were read",
                prefix.len()
            ),
        );
        if self.has_backlog(s) {
            self.release(s, now);
        }
    }

    /// A binary frame arrived; if it is UTF-8 it is correlated like text (binary mode sends
    /// the rendered template as bytes, and an echo server sends them back).
    pub fn on_binary_data(&mut self, s: SessionId, g: Generation, data: &[u8], now: Millis) {
        if !self.accepts(s, g) {
            return;
        }
        let cap = self.cfg.limits.max_frame_bytes;
        if data.len() > cap {
            let key = self
                .pointer
                .scan_prefix(&String::from_utf8_lossy(&data[..cap]));
            let frame = OversizedFrame {
                prefix: &data[..cap],
                size: data.len(),
                binary: true,
                id: None,
            };
            return self.oversized(s, frame, key, now);
        }
        self.capture(now, s, Direction::Receive, Wire::Binary(data), data.len());
        match std::str::from_utf8(data) {
            Ok(text) => {
                self.sessions[s.index()].counters.binary_in += 1;
                self.receive(s, text, data.len(), now);
            }
            Err(_) => {
                self.count_received(s, data.len(), true, now);
                self.sessions[s.index()].counters.pushes += 1;
            }
        }
        if self.has_backlog(s) {
            self.release(s, now);
        }
    }

    /// Socket `g` of session `s` closed (by the server, the network, or a failed handshake —
    /// which browsers report as 1006). Closes the engine asked for never get here: their
    /// sockets were retired first.
    pub fn on_close(&mut self, s: SessionId, g: Generation, code: u16, reason: &str, now: Millis) {
        if !self.accepts(s, g) {
            return;
        }
        let reason = crate::log::redact_and_clip(&self.redactor, reason, 200);
        let sess = &mut self.sessions[s.index()];
        sess.last_close = Some(CloseInfo {
            code,
            reason: reason.clone(),
            at: now,
        });
        sess.counters.errors.close(code);
        sess.mark(now, TimelineKind::Closed { code });
        let level = if code == 1000 {
            LogLevel::Info
        } else {
            LogLevel::Warn
        };
        let text = if reason.is_empty() {
            format!("closed: {code}")
        } else {
            format!("closed: {code} {reason}")
        };
        self.push_log(now, level, LogCategory::Connection, Some(s), &text);
        self.after_drop(s, Some(code), now);
    }

    /// Socket `g` of session `s` reported an error. Browsers give no detail and always
    /// follow with a close, so only the error is counted here.
    pub fn on_error(&mut self, s: SessionId, g: Generation, now: Millis) {
        if !self.accepts(s, g) {
            return;
        }
        self.sessions[s.index()].counters.errors.socket += 1;
        self.push_log(
            now,
            LogLevel::Warn,
            LogCategory::Connection,
            Some(s),
            "socket error (the browser gives no detail; a close follows)",
        );
    }

    /// The browser refused to take the test message `key` on socket `g` (it was closing, or
    /// `send()` threw). The message never left, so it is taken back — not sent, not pending,
    /// never lost — and counted in `client_errors`, the console's side of the wire.
    pub fn on_unsent(&mut self, s: SessionId, g: Generation, key: u64, why: &str, now: Millis) {
        let mut owner = None;
        if let Some(p) = self.correlator.withdraw(key)
            && let Some(sess) = self.sessions.get_mut(p.session.index())
        {
            if let Some(g) = &mut self.groups {
                g.unsent(p.group);
            }
            sess.counters.sent = sess.counters.sent.saturating_sub(1);
            sess.counters.pending = sess.counters.pending.saturating_sub(1);
            if p.queued {
                sess.counters.queue_flushed = sess.counters.queue_flushed.saturating_sub(1);
            }
            owner = Some(p.session);
        }
        if let Some(sess) = self.sessions.get_mut(s.index())
            && sess.generation == g
        {
            sess.counters.client_errors += 1;
        }
        self.push_log(
            now,
            LogLevel::Error,
            LogCategory::Sent,
            Some(s),
            &format!("not sent: {why}"),
        );
        // One message in flight: the next waits a moment rather than meeting the same refusal.
        if let Some(o) = owner
            && self.cfg.one_in_flight()
        {
            self.sessions[o.index()]
                .next_send_at
                .get_or_insert(now + super::timers::REFUSED_RETRY_MS);
        }
    }

    /// The test message `key` reached a socket that had already closed, before its close
    /// event did (the socket worker sends on its own thread, so the page can hand it a frame
    /// in that moment). The message never left: it goes back to the front of the session's
    /// offline queue, to go with the next connection, as it would have had the close been
    /// known a moment sooner. Not sent, not pending, never lost, and no one's error.
    pub fn on_closed_before_send(&mut self, key: u64, frame: Frame, now: Millis) {
        let Some(p) = self.correlator.withdraw(key) else {
            return;
        };
        if let Some(g) = &mut self.groups {
            g.unsent(p.group);
        }
        let Some(sess) = self.sessions.get_mut(p.session.index()) else {
            return;
        };
        let c = &mut sess.counters;
        c.sent = c.sent.saturating_sub(1);
        c.pending = c.pending.saturating_sub(1);
        c.bytes_out = c.bytes_out.saturating_sub(frame.len() as u64);
        if p.queued {
            c.queue_flushed = c.queue_flushed.saturating_sub(1);
        }
        let msg = crate::queue::Outgoing {
            key,
            seq: p.seq,
            group: p.group,
            frame,
        };
        let text = match sess.queue.push_front(msg) {
            Ok(()) => {
                if !p.queued {
                    sess.counters.queued += 1;
                }
                "not sent: the socket had closed; back in the offline queue"
            }
            Err(_) => {
                if p.queued {
                    sess.counters.queued = sess.counters.queued.saturating_sub(1);
                }
                sess.counters.queue_overflow += 1;
                "not sent: the socket had closed, and the offline queue is full"
            }
        };
        self.push_log(
            now,
            LogLevel::Info,
            LogCategory::Queue,
            Some(p.session),
            text,
        );
    }

    /// A frame that is not a test message (a ping, an auth message) could not be sent.
    pub fn on_send_failed(&mut self, s: SessionId, g: Generation, now: Millis) {
        if !self.accepts(s, g) {
            return;
        }
        self.sessions[s.index()].counters.client_errors += 1;
        self.push_log(
            now,
            LogLevel::Error,
            LogCategory::Sent,
            Some(s),
            "send failed",
        );
    }

    fn count_received(&mut self, s: SessionId, len: usize, binary: bool, now: Millis) {
        let sess = &mut self.sessions[s.index()];
        sess.counters.received += 1;
        if let Some(opened) = sess.awaiting_first_since.take() {
            let took = (now - opened).max(0.0);
            sess.first_message = Some(took);
            self.first_message.record(took);
            let e = self.cfg.endpoint.index_of(s);
            self.endpoint_times[e].first_message.record(took);
        }
        let sess = &mut self.sessions[s.index()];
        sess.counters.bytes_in += len as u64;
        if binary {
            sess.counters.binary_in += 1;
        }
        self.received_rate.add(now, 1);
    }

    /// The per-message path (P6): classify, correlate, record.
    fn receive(&mut self, s: SessionId, text: &str, len: usize, now: Millis) {
        self.count_received(s, len, false, now);
        let pong_type = self
            .cfg
            .heartbeat
            .as_ref()
            .map_or("pong", |h| h.pong_type.as_str());
        let msg = classify(text, &self.pointer, pong_type);
        let sess = &mut self.sessions[s.index()];
        let outstanding = sess.heartbeat.outstanding_key();
        let answers_ping =
            outstanding.is_some() && (msg.id_key == outstanding || msg.key == outstanding);
        if msg.kind == MessageKind::Pong || answers_ping {
            if let Some(rtt) = sess.heartbeat.pong(now) {
                sess.counters.pongs += 1;
                self.ping_rtt.record(rtt);
            }
            sess.counters.noise += 1;
            self.log_received(s, &msg, text, now);
            return;
        }
        match msg.kind {
            // A raw-text template's replies are not expected to be JSON.
            MessageKind::NotJson if self.cfg.template_is_json => sess.counters.errors.parse += 1,
            k if k.is_noise() => sess.counters.noise += 1,
            MessageKind::AuthSuccess => {
                if matches!(sess.phase, Phase::Authenticating { .. }) {
                    self.log_received(s, &msg, text, now);
                    self.become_connected(s, now);
                    return;
                }
            }
            MessageKind::AuthError => {
                self.log_received(s, &msg, text, now);
                self.auth_refused(s, now);
                return;
            }
            MessageKind::Error => sess.counters.errors.server += 1,
            _ => {}
        }
        let own_reply = match (msg.key, msg.kind.is_noise()) {
            (Some(key), false) => self.correlate(s, key, now),
            _ => false,
        };
        if !msg.kind.is_noise() && msg.kind != MessageKind::AuthSuccess && !own_reply {
            self.sessions[s.index()].counters.pushes += 1;
        }
        self.log_received(s, &msg, text, now);
    }

    /// Correlates a reply; true when it answers one of session `s`'s own messages.
    fn correlate(&mut self, s: SessionId, key: u64, now: Millis) -> bool {
        match self.correlator.reply(key, s, now) {
            Outcome::Matched {
                seq,
                rtt,
                queued,
                group,
            } => {
                if let Some(g) = &mut self.groups {
                    g.matched(group, rtt);
                }
                let sess = &mut self.sessions[s.index()];
                sess.counters.matched += 1;
                if queued {
                    sess.counters.queue_delivered += 1;
                }
                sess.counters.pending = sess.counters.pending.saturating_sub(1);
                if seq < sess.last_matched_seq {
                    sess.counters.out_of_order += 1;
                } else {
                    sess.last_matched_seq = seq;
                }
                sess.rtt.record(rtt);
                self.rtt.record(rtt);
                self.history_rtt.record(rtt);
                self.in_flight_settled(s, now);
                self.step_rtt.record(rtt);
                true
            }
            Outcome::Foreign { latency } => {
                self.sessions[s.index()].counters.foreign += 1;
                self.foreign_latency.record(latency);
                false
            }
            Outcome::ForeignDuplicate => {
                self.sessions[s.index()].counters.foreign_duplicate += 1;
                self.push_log(
                    now,
                    LogLevel::Warn,
                    LogCategory::Correlation,
                    Some(s),
                    &format!("the same broadcast again (id {key})"),
                );
                false
            }
            Outcome::Late { owner } => {
                if let Some(o) = self.session_mut(owner) {
                    o.counters.late += 1;
                }
                self.push_log(
                    now,
                    LogLevel::Warn,
                    LogCategory::Correlation,
                    Some(s),
                    &format!("late reply (id {key}): already counted as lost"),
                );
                owner == s
            }
            Outcome::Duplicate => {
                self.sessions[s.index()].counters.duplicate += 1;
                self.push_log(
                    now,
                    LogLevel::Warn,
                    LogCategory::Correlation,
                    Some(s),
                    &format!("duplicate reply (id {key})"),
                );
                true
            }
            Outcome::Unsolicited => {
                self.sessions[s.index()].counters.unsolicited += 1;
                false
            }
        }
    }

    fn log_received(&mut self, s: SessionId, msg: &Incoming, text: &str, now: Millis) {
        if msg.kind.is_noise() && !self.cfg.log_noise {
            return;
        }
        let (level, category) = match msg.kind {
            MessageKind::Pong | MessageKind::Ping => (LogLevel::Debug, LogCategory::Heartbeat),
            MessageKind::Error | MessageKind::NotJson => (LogLevel::Warn, LogCategory::Received),
            MessageKind::AuthError => (LogLevel::Error, LogCategory::Auth),
            MessageKind::AuthSuccess => (LogLevel::Info, LogCategory::Auth),
            _ => (LogLevel::Info, LogCategory::Received),
        };
        self.push_log(now, level, category, Some(s), text);
    }

    /// First-message auth was refused: no retry until a fresh token.
    fn auth_refused(&mut self, s: SessionId, now: Millis) {
        self.close_live(s, 1000, "auth refused");
        let sess = &mut self.sessions[s.index()];
        sess.counters.errors.auth += 1;
        self.token_bad |= sess.token_gen == self.token_updates;
        sess.phase = if sess.stopped {
            Phase::Idle
        } else {
            Phase::NeedsAuth
        };
        sess.mark(now, TimelineKind::NeedsAuth);
        if !sess.stopped {
            self.request_token(now, "the server refused the token");
        }
    }

    /// Declares the live socket of `s` dead (a timeout) and lets the policy decide.
    pub(super) fn declare_dead(&mut self, s: SessionId, why: &str, now: Millis) {
        let sess = &mut self.sessions[s.index()];
        sess.counters.errors.timeout += 1;
        sess.mark(now, TimelineKind::TimedOut);
        self.close_live(s, ENGINE_CLOSE_CODE, why);
        self.push_log(now, LogLevel::Warn, LogCategory::Connection, Some(s), why);
        self.after_drop(s, None, now);
    }
}
