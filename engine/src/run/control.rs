//! User intent: start, stop, manual sends, tokens, and what the page reports about itself.

use super::Run;
use super::quiet::staggered;
use crate::command::{Command, FaultRequest};
use crate::decimal::fixed;
use crate::heap::HeapSample;
use crate::ids::{Millis, SessionId};
use crate::log::{LogCategory, LogLevel};
use crate::session::{Phase, TimelineKind};

/// How long after a refresh that brought a token already due for refresh the provider is
/// asked again (a host that hands out the same token until shortly before expiry).
pub const TOKEN_RETRY_MS: Millis = 1000.0;

impl Run {
    /// The user's Start: (re)enables reconnects and opens every session that has no socket.
    /// Automatic sending starts, staggered across the interval so sessions do not send in
    /// lockstep, with a pause for the view's repaint where the interval is busy
    /// ([`super::quiet::staggered`]).
    pub fn start(&mut self, now: Millis) {
        self.begin(now, "");
        let n = self.sessions.len();
        let interval = self.cfg.send_interval_ms;
        for i in 0..self.sessions.len() {
            let s = SessionId(i as u32);
            let sess = &mut self.sessions[i];
            sess.stopped = false;
            sess.attempts_in_row = 0;
            sess.tries_since_open = 0;
            if let Some(iv) = interval {
                sess.next_send_at.get_or_insert(staggered(now, i, n, iv));
            }
            if !sess.live {
                sess.first_open = true;
                self.open(s, now);
            }
        }
        if self.token_refresh_due(now) {
            self.request_token(now, "the token expires soon");
        }
    }

    /// Starts the run without opening any session: automatic sending and the metrics
    /// history are on, and sessions open one by one through [`Run::open_session`] (the
    /// ramp-up and memory-leak scenarios).
    pub fn start_idle(&mut self, now: Millis) {
        self.begin(now, " (opened on demand)");
        if self.token_refresh_due(now) {
            self.request_token(now, "the token expires soon");
        }
    }

    fn begin(&mut self, now: Millis, how: &str) {
        self.running = true;
        self.auto_send = true;
        self.started_at.get_or_insert(now);
        self.next_history_at.get_or_insert(now);
        let shown = self.display_url(SessionId(0));
        let count = self.sessions.len();
        self.push_log(
            now,
            LogLevel::Info,
            LogCategory::Run,
            None,
            &format!("run started: {count} session(s){how} → {shown}"),
        );
    }

    /// Pauses or resumes automatic sending without touching the sockets (a scenario pauses
    /// it so the last replies can arrive before it judges). [`Run::start`] resumes it.
    pub fn set_auto_send(&mut self, on: bool, now: Millis) {
        if self.auto_send == on {
            return;
        }
        self.auto_send = on;
        let text = if on {
            "automatic sending resumed"
        } else {
            "automatic sending paused"
        };
        self.push_log(now, LogLevel::Info, LogCategory::Run, None, text);
    }

    /// Changes the automatic send interval (the capacity finder's steps): each session's
    /// next send is placed afresh on the new grid, staggered across the interval as at Start.
    pub fn set_send_interval(&mut self, interval_ms: Millis, now: Millis) {
        self.cfg.send_interval_ms = Some(interval_ms);
        let n = self.sessions.len();
        for (i, sess) in self.sessions.iter_mut().enumerate() {
            sess.next_send_at = Some(staggered(now, i, n, interval_ms));
        }
    }

    /// The message RTTs matched since the last call (a capacity step's own percentiles).
    pub fn take_step_rtt(&mut self) -> crate::RttSummary {
        std::mem::take(&mut self.step_rtt).summary()
    }

    /// Asks the adapter to have the backend's fault control inject `fault`
    /// ([`Command::Fault`]); the adapter reports back with [`Run::on_fault_result`].
    pub fn request_fault(&mut self, fault: FaultRequest, now: Millis) {
        let url = format!("{}{}", self.cfg.endpoint.http_origin(), fault.path());
        let shown = self.redactor.redact(&url);
        self.commands.push(Command::Fault {
            request: fault,
            url,
        });
        self.push_log(
            now,
            LogLevel::Info,
            LogCategory::Scenario,
            None,
            &format!("asking the backend to inject a fault: POST {shown}"),
        );
    }

    /// The outcome of a [`Command::Fault`]: `Err` with a reason when the backend has no
    /// fault control (404, 403, network error …). Failures are counted
    /// ([`Run::fault_failures`]) so a scenario can fall back to client-side faults.
    pub fn on_fault_result(
        &mut self,
        fault: FaultRequest,
        result: Result<(), String>,
        now: Millis,
    ) {
        let (level, text) = match result {
            Ok(()) => (
                LogLevel::Info,
                format!("backend fault {} injected", fault.as_str()),
            ),
            Err(why) => {
                self.fault_failures += 1;
                (
                    LogLevel::Warn,
                    format!("backend fault {} failed: {why}", fault.as_str()),
                )
            }
        };
        self.push_log(now, level, LogCategory::Scenario, None, &text);
    }

    /// Adds a scenario line to the log (token redacted like every entry).
    pub fn note(&mut self, now: Millis, level: LogLevel, text: &str) {
        self.push_log(now, level, LogCategory::Scenario, None, text);
    }

    /// The user's Stop: closes every socket. Nothing reopens them — no reconnect timer, no
    /// late event from a retired socket — until the next [`Run::start`].
    pub fn stop(&mut self, now: Millis) {
        self.halt(now, "run stopped by the user");
    }

    /// Stops as [`Run::stop`] does, logging `why`.
    pub(crate) fn halt(&mut self, now: Millis, why: &str) {
        self.running = false;
        for i in 0..self.sessions.len() {
            self.stop_session(SessionId(i as u32), now);
        }
        self.push_log(now, LogLevel::Info, LogCategory::Run, None, why);
    }

    /// Opens one session (the user's per-session connect, or a ramp-up scenario step).
    pub fn open_session(&mut self, s: SessionId, now: Millis) {
        let interval = self.cfg.send_interval_ms;
        let running = self.running;
        let Some(sess) = self.session_mut(s) else {
            return;
        };
        sess.attempts_in_row = 0;
        sess.tries_since_open = 0;
        if running && let Some(iv) = interval {
            sess.next_send_at.get_or_insert(now + iv);
        }
        if !sess.live {
            sess.first_open = true;
            self.open(s, now);
        } else {
            sess.stopped = false;
        }
    }

    /// Closes one session as the user would: no reconnect until it is opened again.
    pub fn stop_session(&mut self, s: SessionId, now: Millis) {
        let Some(sess) = self.session_mut(s) else {
            return;
        };
        sess.stopped = true;
        sess.next_send_at = None;
        sess.held = 0;
        sess.down_since = None;
        let had_socket = sess.live;
        if sess.phase != Phase::Idle {
            sess.phase = Phase::Idle;
            sess.mark(now, TimelineKind::Stopped);
        }
        if had_socket {
            self.close_live(s, 1000, "stopped by the user");
        }
    }

    /// Fault injection (network-recovery scenario): closes the socket abnormally, as a
    /// network failure would, and lets the reconnect policy bring it back.
    pub fn drop_session(&mut self, s: SessionId, now: Millis) {
        let Some(sess) = self.session_mut(s) else {
            return;
        };
        if !sess.live {
            return;
        }
        sess.last_close = Some(crate::session::CloseInfo {
            code: 4000,
            reason: "dropped by the console (fault injection)".into(),
            at: now,
        });
        sess.mark(now, TimelineKind::TimedOut);
        // The console broke a healthy connection: no flapping server to back off from.
        if matches!(sess.phase, crate::session::Phase::Connected { .. }) {
            sess.attempts_in_row = 0;
        }
        self.close_live(s, super::ENGINE_CLOSE_CODE, "fault injection");
        self.push_log(
            now,
            LogLevel::Warn,
            LogCategory::Connection,
            Some(s),
            "socket dropped by the console (fault injection)",
        );
        self.after_drop(s, None, now);
    }

    /// Sends one test message on session `s` (queued if it is not connected).
    pub fn send_one(&mut self, s: SessionId, now: Millis) {
        self.send_or_queue(s, now);
    }

    /// Sends one test message on every session.
    pub fn broadcast(&mut self, now: Millis) {
        for i in 0..self.sessions.len() {
            self.send_or_queue(SessionId(i as u32), now);
        }
    }

    /// A fresh token (F8), from the configuration or the host's token provider. Later opens
    /// use it; sessions waiting for auth or for a first token open now (unless stopped).
    /// No token, or the very token the server just refused, is no fresh token: nothing
    /// reconnects with it, and the sessions keep needing auth ([`Run::token_unavailable`]).
    pub fn set_token(&mut self, token: String, now: Millis) {
        if token.is_empty() {
            return self.token_unavailable("the token provider gave no token", now);
        }
        if self.token_bad && token == self.token {
            return self
                .token_unavailable("the token provider gave the token the server refused", now);
        }
        self.redactor.add(&token);
        self.token_exp_ms = crate::token::jwt_exp_ms(&token);
        self.token = token;
        self.token_requested = false;
        self.token_bad = false;
        self.token_error = None;
        self.token_updates += 1;
        self.token_updated_at = Some(now);
        // A token as close to expiry as the last one is not asked for again at once.
        self.token_retry_at = None;
        if self.token_refresh_due(now) {
            self.token_retry_at = Some(now + TOKEN_RETRY_MS);
        }
        let expiry = match self.token_exp_ms {
            Some(exp) => format!(
                "; expires in {} s",
                fixed((exp - self.unix_now(now)) / 1000.0, 0)
            ),
            None => String::new(),
        };
        self.push_log(
            now,
            LogLevel::Info,
            LogCategory::Auth,
            None,
            &format!("token updated{expiry}"),
        );
        for i in 0..self.sessions.len() {
            let sess = &mut self.sessions[i];
            // A probe carries its own credentials: a fresh token is nothing to it.
            if matches!(sess.phase, Phase::NeedsAuth | Phase::AwaitingToken)
                && !sess.stopped
                && sess.probe.is_none()
            {
                sess.attempts_in_row = 0;
                sess.tries_since_open = 0;
                self.open(SessionId(i as u32), now);
            }
        }
    }

    /// The host's token provider could not give a token (`why` is its message; shown
    /// redacted): sessions waiting for one need auth and stay closed until a token arrives.
    pub fn token_unavailable(&mut self, why: &str, now: Millis) {
        self.token_requested = false;
        let why = crate::log::redact_and_clip(&self.redactor, why, self.cfg.limits.log_text);
        for sess in &mut self.sessions {
            if sess.phase == Phase::AwaitingToken {
                sess.phase = Phase::NeedsAuth;
                sess.counters.errors.auth += 1;
                sess.mark(now, TimelineKind::NeedsAuth);
            }
        }
        self.push_log(
            now,
            LogLevel::Error,
            LogCategory::Auth,
            None,
            &format!("no token: {why}; sessions needing auth wait for one"),
        );
        self.token_error = Some(why);
    }

    /// Session `s` is to open, but the token provider has not given the first token yet:
    /// it waits for one (asked for once for every session).
    pub(super) fn await_token(&mut self, s: SessionId, now: Millis) {
        let Some(sess) = self.sessions.get_mut(s.index()) else {
            return;
        };
        sess.stopped = false;
        if self.token_error.is_some() {
            sess.phase = Phase::NeedsAuth;
            sess.mark(now, TimelineKind::NeedsAuth);
        } else {
            sess.phase = Phase::AwaitingToken;
        }
        self.request_token(now, "the run needs its first token");
    }

    /// A `performance.memory` reading (Chromium only; never call it with made-up values),
    /// with the bytes of wasm linear memory at the same moment (0 when unknown).
    pub fn record_heap(&mut self, now: Millis, used: u64, total: u64, limit: u64, wasm: u64) {
        self.heap.record(HeapSample {
            t: now,
            used,
            total,
            limit,
            wasm,
            hidden: self.hidden,
        });
    }

    /// The browser says the network is back (`online`), or the page came back from the
    /// back/forward cache (`pageshow`): a session waiting out its backoff tries now rather
    /// than at the end of its wait. Its attempt count stands (the backoff resets only after a
    /// connection stays up), and a session that gave up, was stopped or needs auth is left
    /// alone.
    pub fn on_network_back(&mut self, why: &str, now: Millis) {
        if !self.running {
            return;
        }
        let waiting: Vec<SessionId> = self
            .sessions
            .iter()
            .filter(|s| matches!(s.phase, Phase::Backoff { .. }) && !s.stopped)
            .map(|s| s.id)
            .collect();
        if waiting.is_empty() {
            return;
        }
        let n = waiting.len();
        self.push_log(
            now,
            LogLevel::Info,
            LogCategory::Browser,
            None,
            &format!("{why}: {n} session(s) waiting to reconnect try now"),
        );
        for s in waiting {
            self.open(s, now);
        }
    }

    /// Page visibility changed. Hidden tabs have their timers throttled (down to once a
    /// minute after 5 minutes), so samples taken meanwhile are marked.
    pub fn set_hidden(&mut self, hidden: bool, now: Millis) {
        if hidden == self.hidden {
            return;
        }
        self.hidden = hidden;
        self.was_hidden |= hidden;
        let (level, text) = if hidden {
            (
                LogLevel::Warn,
                "tab hidden: the browser throttles timers (once a minute after 5 min); results are marked",
            )
        } else {
            (LogLevel::Info, "tab visible again")
        };
        if self.running {
            self.push_log(now, level, LogCategory::Browser, None, text);
        }
    }

    pub(super) fn unix_now(&self, now: Millis) -> f64 {
        self.cfg.time_origin_ms + now
    }
}
