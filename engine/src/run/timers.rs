//! Time passing: scheduled sends, heartbeats, timeouts, reconnect timers, token refresh,
//! clean-up and the metrics history. Each check compares a stored deadline with `now`, so a
//! late tick (a throttled, hidden tab) catches up without bursting.

use super::{HISTORY_EVERY_MS, Run};

/// How far back a late tick still makes the scheduled sends it missed (at least one
/// interval): later than that, the tab was throttled and the sends are skipped, counted.
pub const CATCH_UP_MS: Millis = 250.0;

/// With one message in flight, how long a session waits after the browser refused a send
/// before it tries the next one: long enough not to meet the same refusal at once (a full
/// buffer, a closing socket), short enough not to idle a run.
pub const REFUSED_RETRY_MS: Millis = 250.0;
use crate::ids::{Millis, SessionId};
use crate::log::{LogCategory, LogLevel};
use crate::series::SeriesPoint;
use crate::session::Phase;
use crate::template::Values;

impl Run {
    /// Advances time to `now`. Call it often (every 10–50 ms) and whenever
    /// [`Run::next_deadline`] passes.
    pub fn tick(&mut self, now: Millis) {
        for i in 0..self.sessions.len() {
            self.tick_session(SessionId(i as u32), now);
        }
        let timeout = self.cfg.reply_timeout_ms;
        let mut lost = Vec::new();
        self.correlator.expire(now, timeout, |_, p| lost.push(p));
        for p in lost {
            self.resolve_lost(p, now, &format!("no reply within {timeout} ms"));
        }
        self.correlator.clean(now, self.cfg.duplicate_window_ms);
        self.release_all(now);
        if self.running && self.token_refresh_due(now) {
            self.request_token(now, "the token expires soon");
        }
        if let Some(at) = self.next_history_at
            && now >= at
        {
            self.sample_history(now);
            let next = at + HISTORY_EVERY_MS;
            self.next_history_at = Some(if next <= now {
                now + HISTORY_EVERY_MS
            } else {
                next
            });
        }
    }

    fn tick_session(&mut self, s: SessionId, now: Millis) {
        let sess = &self.sessions[s.index()];
        match sess.phase {
            Phase::Connecting { deadline, .. } if sess.live && now >= deadline => {
                let ms = self.cfg.reconnect.connect_timeout_ms;
                self.declare_dead(s, &format!("connect timeout: not open after {ms} ms"), now);
            }
            Phase::Authenticating { deadline, .. } if sess.live && now >= deadline => {
                let ms = self.cfg.reconnect.connect_timeout_ms;
                self.declare_dead(
                    s,
                    &format!("auth timeout: no auth_success after {ms} ms"),
                    now,
                );
            }
            Phase::Connected { .. } if sess.live => self.tick_heartbeat(s, now),
            Phase::Backoff { at, .. } if now >= at && !sess.stopped => self.open(s, now),
            _ => {}
        }
        let sess = &mut self.sessions[s.index()];
        if let (Some(at), Some(iv), false) =
            (sess.next_send_at, self.cfg.send_interval_ms, sess.stopped)
            && self.running
            && self.auto_send
            && now >= at
        {
            if iv == 0.0 {
                self.send_in_flight(s, now);
                return;
            }
            // Drift-free: each send has its due time on a fixed grid, and every send due since
            // the last tick is made now — except those older than the catch-up window (a
            // throttled, hidden tab), which are skipped and counted rather than burst out.
            // While the session's first socket is still opening, its grid moves on without
            // it (nothing queued, nothing counted): sends queued then would go out together
            // the moment it opens, into a page and a browser busy opening the others, and
            // their round trips would measure that. A session that was up, or whose first
            // attempt failed, queues what falls due (F7).
            let window = iv.max(CATCH_UP_MS);
            let waits = sess.first_opening();
            let mut due = at;
            let mut make = 0u64;
            while due <= now {
                match (waits, now - due < window) {
                    (true, _) => {}
                    (false, true) => make += 1,
                    (false, false) => sess.counters.schedule_skipped += 1,
                }
                due += iv;
            }
            sess.next_send_at = Some(due);
            for _ in 0..make {
                self.send_or_queue(s, now);
            }
        }
    }

    /// One message in flight (a send interval of 0): sends the session's next message when
    /// it is due and none of its messages is in flight, held back or queued.
    pub(super) fn send_in_flight(&mut self, s: SessionId, now: Millis) {
        if self.in_flight_ready(s, now) {
            self.sessions[s.index()].next_send_at = None;
            self.send_or_queue(s, now);
        }
    }

    /// One message in flight: a message of session `s` was answered, lost or taken back, so
    /// its next one is due now — sent at once when nothing else of it is in flight, so the
    /// loop does not wait for a timer.
    pub(super) fn in_flight_settled(&mut self, s: SessionId, now: Millis) {
        if !self.cfg.one_in_flight() {
            return;
        }
        if let Some(sess) = self.sessions.get_mut(s.index())
            && sess.counters.pending == 0
        {
            sess.next_send_at.get_or_insert(now);
            self.send_in_flight(s, now);
        }
    }

    fn in_flight_ready(&self, s: SessionId, now: Millis) -> bool {
        let Some(sess) = self.sessions.get(s.index()) else {
            return false;
        };
        self.running
            && self.auto_send
            && !sess.stopped
            && sess.is_connected()
            && sess.counters.pending == 0
            && sess.held == 0
            && sess.queue.is_empty()
            && sess.next_send_at.is_some_and(|at| now >= at)
    }

    fn tick_heartbeat(&mut self, s: SessionId, now: Millis) {
        let Some(hb) = &self.cfg.heartbeat else {
            return;
        };
        let sess = &mut self.sessions[s.index()];
        if sess.heartbeat.timed_out(now, hb) {
            sess.counters.ping_timeouts += 1;
            let ms = hb.timeout_ms;
            self.declare_dead(
                s,
                &format!("no pong within {ms} ms: socket treated as dead"),
                now,
            );
        } else if sess.heartbeat.ping_due(now) {
            let id = self.next_id;
            self.next_id += 1;
            let ts = (self.cfg.time_origin_ms + now).round() as i64;
            let ping = hb.ping.render(&Values {
                id,
                seq: 0,
                session: s.0,
                ts,
            });
            sess.heartbeat.ping_sent(id, now, hb);
            sess.counters.pings_sent += 1;
            if self.cfg.log_noise {
                self.push_log(now, LogLevel::Debug, LogCategory::Heartbeat, Some(s), &ping);
            }
            self.send_control(s, ping, now);
        }
    }

    fn sample_history(&mut self, now: Millis) {
        let rtt = std::mem::take(&mut self.history_rtt).summary();
        let active = self.sessions.iter().filter(|s| s.is_connected()).count() as u32;
        self.history.push(SeriesPoint {
            t: now,
            sent_per_s: self.sent_rate.per_second(now),
            received_per_s: self.received_rate.per_second(now),
            rtt_count: rtt.count,
            rtt_mean_ms: rtt.mean,
            rtt_p50_ms: rtt.p50,
            rtt_p95_ms: rtt.p95,
            rtt_max_ms: rtt.max,
            active,
        });
    }

    /// Whether the current token is a JWT due for refresh (`refresh_before_ms`, 5 minutes
    /// by default, before `exp`). Not while the provider has just failed, nor again right
    /// after a refresh that brought a token as close to expiry.
    pub fn token_refresh_due(&self, now: Millis) -> bool {
        self.token_error.is_none()
            && self.token_retry_at.is_none_or(|at| now >= at)
            && self
                .token_exp_ms
                .is_some_and(|exp| self.unix_now(now) >= exp - self.cfg.refresh_before_ms)
    }

    /// The earliest moment something is scheduled to happen, for the adapter's timer.
    /// `None` when nothing is.
    pub fn next_deadline(&self) -> Option<Millis> {
        let mut next: Option<Millis> = None;
        let mut consider = |t: Option<Millis>| {
            if let Some(t) = t {
                next = Some(next.map_or(t, |n| n.min(t)));
            }
        };
        for sess in &self.sessions {
            consider(match sess.phase {
                Phase::Connecting { deadline, .. } | Phase::Authenticating { deadline, .. } => {
                    Some(deadline)
                }
                Phase::Backoff { at, .. } if !sess.stopped => Some(at),
                Phase::Connected { .. } => self
                    .cfg
                    .heartbeat
                    .as_ref()
                    .and_then(|hb| sess.heartbeat.deadline(hb)),
                _ => None,
            });
            if self.running
                && self.auto_send
                && !sess.stopped
                && self.cfg.send_interval_ms.is_some()
                && (!self.cfg.one_in_flight()
                    || sess.is_connected() && sess.counters.pending == 0 && sess.queue.is_empty())
            {
                consider(sess.next_send_at);
            }
        }
        consider(self.correlator.next_timeout(self.cfg.reply_timeout_ms));
        consider(self.flow_retry_at);
        if self.running && !self.token_requested && self.token_error.is_none() {
            consider(self.token_exp_ms.map(|exp| {
                let due = exp - self.cfg.refresh_before_ms - self.cfg.time_origin_ms;
                self.token_retry_at.map_or(due, |at| due.max(at))
            }));
        }
        if self.running {
            consider(self.next_history_at);
        }
        next
    }
}
