//! A test run: every session, every counter, every decision.
//!
//! [`Run`] is driven from outside. The adapter calls an `on_*` method for each socket event,
//! `tick` from its timer, and the control methods (`start`, `stop`, `send_one` …) for the
//! user's clicks; after each call it drains the [`Command`]s and executes them. The read
//! side (`sessions`, `totals`, `verdicts`, `log` …) is for the view and exports.
//!
//! The split across files follows the direction of data: `control` (user intent), `events`
//! (socket reports), `timers` (time passing), `view` (read side).

mod control;
mod events;
mod flow;
mod input;
mod probe;
mod quiet;
pub use control::TOKEN_RETRY_MS;
pub use flow::burst_size;
pub use input::SocketEvent;
pub use probe::Probe;
pub use quiet::PAINT_ROOM_MS;
mod timers;
mod view;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use crate::command::{Command, Frame};
use crate::config::{AuthMode, RunConfig};
use crate::correlation::Correlator;
use crate::decimal::fixed;
use crate::frames::{CapturedFrame, Direction, FrameLog, Wire};
use crate::groups::{Groups, NO_GROUP};
use crate::heap::HeapTracker;
use crate::histogram::Histogram;
use crate::ids::{Generation, Millis, SessionId};
use crate::log::{Log, LogCategory, LogLevel, redact_and_clip};
use crate::message::Pointer;
use crate::metrics::Counters;
use crate::queue::Outgoing;
use crate::rate::RateWindow;
use crate::reconnect::Decision;
use crate::rng::SplitMix64;
use crate::series::{Series, SeriesPoint};
use crate::session::{Phase, Session, TimelineKind};
use crate::template::Values;
use crate::url::Redactor;

/// Close code the engine uses for the closes it decides itself (timeouts, faults).
pub const ENGINE_CLOSE_CODE: u16 = 4000;

/// How often a point is added to the metrics history.
const HISTORY_EVERY_MS: Millis = 1000.0;

/// The first-message auth frame, `{"type":"auth","token":…}`.
pub(crate) fn auth_frame(token: &str) -> String {
    let mut frame = crate::compact::Text::new(r#"{"token":"#);
    frame.str(token).raw(r#","type":"auth"}"#);
    frame.done()
}

/// A test run.
#[derive(Debug)]
pub struct Run {
    cfg: RunConfig,
    pointer: Pointer,
    rng: SplitMix64,
    sessions: Vec<Session>,
    commands: Vec<Command>,
    correlator: Correlator,
    log: Log,
    redactor: Redactor,
    token: String,
    token_exp_ms: Option<f64>,
    token_requested: bool,
    /// The server refused the current token: handing it over again reconnects nothing.
    token_bad: bool,
    /// The provider could not give a token (redacted): no refresh is asked for on a timer
    /// until one arrives; a session refused anew still asks.
    token_error: Option<String>,
    /// A refreshed token that is itself due for refresh is not asked for again before this.
    token_retry_at: Option<Millis>,
    running: bool,
    started_at: Option<Millis>,
    next_id: u64,
    sent_rate: RateWindow,
    received_rate: RateWindow,
    rtt: Histogram,
    ping_rtt: Histogram,
    foreign_latency: Histogram,
    connect_time: Histogram,
    first_message: Histogram,
    /// Connect and first-message times per endpoint (one per endpoint line).
    endpoint_times: Vec<crate::per_endpoint::EndpointTimes>,
    recovery: Histogram,
    history: Series<SeriesPoint>,
    next_history_at: Option<Millis>,
    /// RTTs matched since the last history point.
    history_rtt: Histogram,
    /// The breakdown by a field of the messages, when configured.
    groups: Option<Groups>,
    /// RTTs matched since a scenario last took them ([`Run::take_step_rtt`]).
    step_rtt: Histogram,
    heap: HeapTracker,
    hidden: bool,
    /// Whether the tab was hidden at any moment of the run.
    was_hidden: bool,
    /// Which thread stamped the run's socket events, as the adapter said.
    stamped_in: Option<StampedIn>,
    /// Automatic sending on (a scenario pauses it to let replies drain).
    auto_send: bool,
    frames: FrameLog,
    token_updates: u64,
    token_updated_at: Option<Millis>,
    fault_failures: u64,
    /// When a session held back by a full socket buffer is to be looked at again.
    flow_retry_at: Option<Millis>,
    /// The readiness checklist's HTTP results, by request id (bounded).
    http: Vec<(u32, crate::command::HttpResult)>,
}

/// Which thread stamped the run's socket events (SPEC P2: the report says where its times
/// were taken).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StampedIn {
    /// The socket worker, off the page's thread.
    Worker,
    /// The page's thread (its policy allows no worker, or the browser has none).
    Page,
    /// The socket worker until it failed mid-run, then the page's thread.
    WorkerThenPage,
}

impl Run {
    /// A run for `config`, all sessions disconnected until [`Run::start`]. `seed` drives
    /// the reconnect jitter, so a run is reproducible.
    pub fn new(config: RunConfig, seed: u64) -> Run {
        let limits = config.limits.clone();
        let sessions = (0..config.sessions)
            .map(|i| Session::new(SessionId(i), config.queue_capacity, limits.timeline))
            .collect();
        let mut redactor = Redactor::default();
        redactor.add(&config.token);
        let token = config.token.clone();
        let mut rng = SplitMix64::new(seed);
        Run {
            next_id: first_id(&mut rng),
            pointer: Pointer::new(&config.correlation_pointer),
            rng,
            sessions,
            commands: Vec::new(),
            correlator: Correlator::new(limits.pending, limits.dedup, limits.lost_memory),
            log: Log::new(config.log_capacity),
            redactor,
            token_exp_ms: crate::token::jwt_exp_ms(&token),
            token,
            token_requested: false,
            token_bad: false,
            token_error: None,
            token_retry_at: None,
            running: false,
            started_at: None,
            sent_rate: RateWindow::new(10, 500.0),
            received_rate: RateWindow::new(10, 500.0),
            rtt: Histogram::new(),
            ping_rtt: Histogram::new(),
            foreign_latency: Histogram::new(),
            connect_time: Histogram::new(),
            first_message: Histogram::new(),
            endpoint_times: vec![Default::default(); config.endpoint.len()],
            recovery: Histogram::new(),
            history: Series::new(limits.history),
            next_history_at: None,
            history_rtt: Histogram::new(),
            groups: config.group_pointer.as_deref().map(Groups::new),
            step_rtt: Histogram::new(),
            heap: HeapTracker::new(limits.heap_samples),
            hidden: false,
            was_hidden: false,
            stamped_in: None,
            auto_send: true,
            frames: FrameLog::new(limits.frames, limits.frame_bytes, limits.frames_total_bytes),
            token_updates: 0,
            token_updated_at: None,
            fault_failures: 0,
            flow_retry_at: None,
            http: Vec::new(),
            cfg: config,
        }
    }

    /// The commands produced so far, oldest first; the adapter executes them in order.
    pub fn drain_commands(&mut self) -> std::vec::Drain<'_, Command> {
        self.commands.drain(..)
    }

    /// Sets the Unix time (ms) of `now == 0` — `performance.timeOrigin` — used for `{{ts}}`
    /// and for JWT expiry.
    pub fn set_time_origin(&mut self, unix_ms: f64) {
        self.cfg.time_origin_ms = unix_ms;
    }

    /// Records which thread stamps the socket events, for the report: a reader weighing the
    /// RTTs needs to know.
    pub fn set_stamped_in(&mut self, thread: StampedIn) {
        self.stamped_in = Some(thread);
    }

    // ---- internal helpers shared by the submodules ----

    fn session_mut(&mut self, s: SessionId) -> Option<&mut Session> {
        self.sessions.get_mut(s.index())
    }

    fn push_log(
        &mut self,
        now: Millis,
        level: LogLevel,
        category: LogCategory,
        session: Option<SessionId>,
        text: &str,
    ) {
        let text = redact_and_clip(&self.redactor, text, self.cfg.limits.log_text);
        self.log.push(now, level, category, session, text);
    }

    /// Opens a new socket for session `s`: bumps the generation, retiring whatever was there.
    fn open(&mut self, s: SessionId, now: Millis) {
        if self.cfg.token_provider && self.token.is_empty() {
            self.await_token(s, now);
            return;
        }
        let probe = self.sessions.get(s.index()).and_then(|x| x.probe.clone());
        let (url, protocols) = match probe {
            Some(p) => (p.url, p.protocols),
            None => (
                self.cfg
                    .endpoint
                    .fill(&self.cfg.user_id, &self.token, s.0, self.cfg.auth_mode),
                match self.cfg.auth_mode {
                    AuthMode::Subprotocol if !self.token.is_empty() => vec![self.token.clone()],
                    _ => Vec::new(),
                },
            ),
        };
        let connect_timeout = self.cfg.reconnect.connect_timeout_ms;
        let Some(sess) = self.sessions.get_mut(s.index()) else {
            return;
        };
        if sess.live {
            let generation = sess.generation;
            sess.live = false;
            self.commands.push(Command::Close {
                session: s,
                generation,
                code: 1000,
                reason: "replaced by a new socket".into(),
            });
        }
        sess.generation = Generation(sess.generation.0 + 1);
        sess.live = true;
        sess.stopped = false;
        sess.heartbeat = Default::default();
        sess.control_sent_at = None;
        sess.phase = Phase::Connecting {
            since: now,
            deadline: now + connect_timeout,
        };
        sess.counters.connect_attempts += 1;
        sess.token_gen = self.token_updates;
        let generation = sess.generation;
        sess.mark(
            now,
            TimelineKind::Connecting {
                generation: generation.0,
            },
        );
        let shown = self.redactor.redact(&url);
        self.commands.push(Command::Open {
            session: s,
            generation,
            url,
            protocols,
        });
        self.push_log(
            now,
            LogLevel::Info,
            LogCategory::Connection,
            Some(s),
            &format!("connecting (socket {}) to {shown}", generation.0),
        );
    }

    /// Retires the live socket of `s` and asks the adapter to close it.
    fn close_live(&mut self, s: SessionId, code: u16, reason: &str) {
        let Some(sess) = self.sessions.get_mut(s.index()) else {
            return;
        };
        if !sess.live {
            return;
        }
        sess.live = false;
        sess.heartbeat = Default::default();
        self.commands.push(Command::Close {
            session: s,
            generation: sess.generation,
            code,
            reason: reason.into(),
        });
    }

    /// After a socket of `s` was lost (its close came in, or the engine declared it dead):
    /// counts it and decides what comes next. `code` is `None` for an engine timeout.
    fn after_drop(&mut self, s: SessionId, code: Option<u16>, now: Millis) {
        let Some(sess) = self.sessions.get_mut(s.index()) else {
            return;
        };
        sess.live = false;
        sess.first_open = false;
        sess.heartbeat = Default::default();
        if let Phase::Connected { since } = sess.phase
            && now - since >= self.cfg.reconnect.stable_ms
        {
            sess.attempts_in_row = 0;
        }
        match sess.phase {
            Phase::Connected { .. } | Phase::Authenticating { .. } => {
                sess.counters.drops += 1;
                sess.down_since.get_or_insert(now);
            }
            _ => sess.counters.connect_failures += 1,
        }
        if sess.stopped {
            sess.phase = Phase::Idle;
            return;
        }
        let policy = &self.cfg.reconnect;
        let decision = policy.decide(sess.attempts_in_row, code, &mut self.rng);
        let (level, text) = match decision {
            Decision::NeedsAuth => {
                sess.phase = Phase::NeedsAuth;
                self.token_bad |= sess.token_gen == self.token_updates;
                sess.counters.errors.auth += 1;
                sess.mark(now, TimelineKind::NeedsAuth);
                (
                    LogLevel::Warn,
                    "credentials refused: not retrying until a fresh token arrives".to_string(),
                )
            }
            Decision::GiveUp => {
                let reason = if policy.enabled {
                    format!("gave up after {} attempts", sess.attempts_in_row)
                } else {
                    "disconnected; reconnect is off".to_string()
                };
                sess.phase = Phase::Failed {
                    reason: reason.clone(),
                };
                sess.mark(now, TimelineKind::GaveUp);
                (LogLevel::Error, reason)
            }
            Decision::Retry { attempt, delay } => {
                sess.attempts_in_row = attempt;
                sess.tries_since_open += 1;
                sess.max_attempts_in_row = sess.max_attempts_in_row.max(sess.tries_since_open);
                sess.phase = Phase::Backoff {
                    attempt,
                    at: now + delay,
                };
                sess.mark(now, TimelineKind::Backoff { attempt, delay });
                (
                    LogLevel::Info,
                    format!(
                        "reconnecting in {} s (attempt {attempt})",
                        fixed(delay / 1000.0, 1)
                    ),
                )
            }
        };
        self.push_log(now, level, LogCategory::Connection, Some(s), &text);
        if decision == Decision::NeedsAuth {
            self.request_token(now, "a session needs auth");
        }
    }

    /// Emits one [`Command::RequestToken`] until a token arrives.
    fn request_token(&mut self, now: Millis, why: &str) {
        if self.token_requested {
            return;
        }
        self.token_requested = true;
        self.commands.push(Command::RequestToken);
        self.push_log(
            now,
            LogLevel::Info,
            LogCategory::Auth,
            None,
            &format!("asking for a fresh token: {why}"),
        );
    }

    /// Renders the next test message of session `s`.
    fn render(&mut self, s: SessionId, now: Millis) -> Option<Outgoing> {
        let id = self.next_id;
        let ts = (self.cfg.time_origin_ms + now).round() as i64;
        let sess = self.sessions.get_mut(s.index())?;
        self.next_id += 1;
        let seq = sess.next_seq;
        sess.next_seq += 1;
        let text = self.cfg.template.render(&Values {
            id,
            seq,
            session: s.0,
            ts,
        });
        let group = match &mut self.groups {
            Some(g) => g.group_of(&text, &self.redactor),
            None => NO_GROUP,
        };
        let frame = if self.cfg.binary {
            Frame::Binary(text.into_bytes())
        } else {
            Frame::Text(text)
        };
        Some(Outgoing {
            key: id,
            seq,
            group,
            frame,
        })
    }

    /// Sends a test message now, holds it back behind what the session already holds (or
    /// while its socket has no room), or queues it when the session is not connected.
    fn send_or_queue(&mut self, s: SessionId, now: Millis) {
        let Some(sess) = self.sessions.get(s.index()) else {
            return;
        };
        if sess.is_connected() {
            if !self.has_backlog(s) && self.room(s) == flow::Room::Yes {
                if let Some(msg) = self.render(s, now) {
                    self.transmit(s, msg, now, false);
                }
            } else {
                self.sessions[s.index()].held += 1;
                self.release(s, now);
            }
            return;
        }
        let Some(msg) = self.render(s, now) else {
            return;
        };
        let sess = &mut self.sessions[s.index()];
        match sess.queue.push(msg) {
            Ok(()) => sess.counters.queued += 1,
            Err(_) => {
                sess.counters.queue_overflow += 1;
                let first = !sess.overflowing;
                sess.overflowing = true;
                let cap = sess.queue.capacity();
                if first {
                    self.push_log(
                        now,
                        LogLevel::Warn,
                        LogCategory::Queue,
                        Some(s),
                        &format!(
                            "offline queue full ({cap}): message refused (further refusals counted)"
                        ),
                    );
                }
            }
        }
    }

    /// Hands a test message to the live socket and starts waiting for its reply. `queued`
    /// says it comes out of the offline queue.
    fn transmit(&mut self, s: SessionId, msg: Outgoing, now: Millis, queued: bool) {
        let Some(sess) = self.sessions.get_mut(s.index()) else {
            return;
        };
        let len = msg.frame.len() as u64;
        sess.buffered += len;
        sess.counters.sent += 1;
        sess.counters.pending += 1;
        sess.counters.bytes_out += len;
        if queued {
            sess.counters.queue_flushed += 1;
        }
        let generation = sess.generation;
        let logged = self.cfg.log_sent.then(|| match &msg.frame {
            Frame::Text(t) => t.clone(),
            Frame::Binary(b) => format!("binary frame, {} bytes", b.len()),
        });
        self.sent_rate.add(now, 1);
        let pending = crate::correlation::Pending {
            session: s,
            seq: msg.seq,
            sent_at: now,
            queued,
            group: msg.group,
        };
        if let Some(g) = &mut self.groups {
            g.sent(msg.group);
        }
        if let Some(evicted) = self.correlator.sent(msg.key, pending) {
            self.resolve_lost(evicted, now, "pushed out of the full pending map");
        }
        let len = match &msg.frame {
            Frame::Text(t) => t.len(),
            Frame::Binary(b) => b.len(),
        };
        self.capture(now, s, Direction::Send, (&msg.frame).into(), len);
        self.commands.push(Command::Send {
            session: s,
            generation,
            frame: msg.frame,
            key: Some(msg.key),
        });
        if let Some(text) = logged {
            self.push_log(now, LogLevel::Debug, LogCategory::Sent, Some(s), &text);
        }
    }

    /// Counts one request as lost.
    fn resolve_lost(&mut self, p: crate::correlation::Pending, now: Millis, why: &str) {
        let (owner, seq) = (p.session, p.seq);
        if let Some(g) = &mut self.groups {
            g.lost(p.group);
        }
        if let Some(sess) = self.session_mut(owner) {
            sess.counters.pending = sess.counters.pending.saturating_sub(1);
            sess.counters.lost += 1;
            if p.queued {
                sess.counters.queue_lost += 1;
            }
        }
        self.push_log(
            now,
            LogLevel::Warn,
            LogCategory::Correlation,
            Some(owner),
            &format!("message seq {seq} lost: {why}"),
        );
        self.in_flight_settled(owner, now);
    }

    /// Sends a frame that is not a test message (ping, auth) on the live socket.
    fn send_control(&mut self, s: SessionId, text: String, now: Millis) {
        let Some(sess) = self.sessions.get_mut(s.index()) else {
            return;
        };
        if !sess.live {
            return;
        }
        sess.counters.bytes_out += text.len() as u64;
        sess.buffered += text.len() as u64;
        let generation = sess.generation;
        self.capture(now, s, Direction::Send, Wire::Text(&text), text.len());
        self.commands.push(Command::Send {
            session: s,
            generation,
            frame: Frame::Text(text),
            key: None,
        });
    }

    /// Keeps a copy of a frame of `len` bytes on the wire for the HAR export (clipped,
    /// token redacted), while capture is on.
    fn capture(&mut self, now: Millis, s: SessionId, direction: Direction, wire: Wire, len: usize) {
        if !self.frames.enabled() {
            return;
        }
        let payload = wire.kept(&self.redactor, self.frames.frame_limit());
        self.frames.push(CapturedFrame {
            t: now,
            session: s,
            direction,
            payload,
            len,
        });
    }

    /// The socket is open and usable: flush the queue, start the heartbeat.
    fn become_connected(&mut self, s: SessionId, now: Millis) {
        let heartbeat = self.cfg.heartbeat.clone();
        let Some(sess) = self.sessions.get_mut(s.index()) else {
            return;
        };
        sess.phase = Phase::Connected { since: now };
        sess.first_open = false;
        if let Some(hb) = &heartbeat {
            sess.heartbeat = crate::heartbeat::Heartbeat::started(now, hb);
        }
        sess.mark(now, TimelineKind::Open);
        sess.overflowing = false;
        sess.buffered = 0;
        sess.flushing = sess.queue.len();
        self.release(s, now);
    }

    /// Sum of every session's counters.
    fn total_counters(&self) -> Counters {
        let mut total = Counters::default();
        for s in &self.sessions {
            total.add(&s.counters);
        }
        total
    }
}

/// The first `{{id}}` of a run: a random 10-digit number (10⁹ … 9·10⁹), so ids differ from
/// run to run and a server's own small numeric ids (a push with `"id": 3`) never match a
/// waiting request — they count as unsolicited. Ids stay below 2⁵³, exact in JavaScript.
fn first_id(rng: &mut SplitMix64) -> u64 {
    1_000_000_000 + rng.next_u64() % 8_000_000_000
}
