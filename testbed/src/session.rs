//! One WebSocket session: read a frame, answer it, repeat, until either side closes.
//!
//! A session is a single task that owns its socket, so replies go out in the order requests
//! came in and nothing else ever writes to it. Broadcasts from other sessions arrive through the
//! session's bounded queue (see [`crate::hub`]) and are written by the same task. The server's
//! shutdown token is watched in the same `select!`, so shutting down closes every session with
//! 1001 instead of cutting the TCP connection; only a session stuck writing to a client that
//! stopped reading is cut, after a grace period, so shutdown always ends.
//!
//! Injected faults (see [`crate::faults`]) are decided by the session's [`ConnFaults`] and
//! carried out here: every received data frame passes [`Session::admit`], every answer to one
//! goes through [`Session::reply`], and the fault timers (a planned close, delayed replies,
//! drop-all) are branches of the same `select!`. Without `--faults` none of them ever fires.

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use serde_json::Value;
use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, sleep_until};

use crate::faults::{ConnFaults, Fate, Fault, FaultPlan, Verdict, requested_delay};
use crate::protocol::{self, Request};
use crate::pushes::{PushPlan, notification};
use crate::state::{AppState, unix_ms};
use crate::stats::{ConnId, Inbound};

/// How long to wait for the client's answer to our close frame before dropping the socket.
const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// RFC 6455 close codes recorded in the statistics.
const GOING_AWAY: u16 = 1001;
const NO_STATUS: u16 = 1005;
const ABNORMAL: u16 = 1006;
const POLICY_VIOLATION: u16 = 1008;
/// The close code for "try again later, slower", used by the rate limit.
const RATE_LIMITED: u16 = 4029;

/// Who is on the other end, as decided during the handshake.
#[derive(Debug)]
pub(crate) struct SessionInfo {
    /// Request path, for the statistics.
    pub path: String,
    pub user_id: String,
    pub authenticated: bool,
    pub faults: FaultPlan,
    /// Server pushes asked for in the query ([`crate::pushes`]).
    pub pushes: Option<PushPlan>,
    /// Cancelled when the login session behind the credentials ends (demo logout): the
    /// socket is then closed with 4001.
    pub ended: Option<tokio_util::sync::CancellationToken>,
}

/// Serves one accepted session to its end, keeping the statistics.
pub(crate) async fn run(socket: WebSocket, state: AppState, info: SessionInfo) {
    let id = state
        .stats
        .open(&info.path, &info.user_id, info.authenticated, unix_ms());
    let mut queue = state.hub.join(id);
    // Subscribed before the welcome goes out, so drop-all reaches every client that has one.
    let mut drops = state.faults.subscribe();
    let mut session = Session {
        id,
        socket,
        state: state.clone(),
        user_id: info.user_id,
        authenticated: info.authenticated,
        faults: ConnFaults::new(info.faults, id, Instant::now()),
        close_code: None,
        ended: info.ended,
        pushes: info.pushes.filter(|p| p.count > 0),
        pushed: 0,
    };
    let shutdown = state.shutdown.clone();
    let code = tokio::select! {
        code = session.serve(&mut queue, &mut drops) => code,
        // A client that stops reading can leave `serve` stuck in a send where it never sees
        // the shutdown; give it the normal close time, then drop the socket regardless.
        () = async {
            shutdown.cancelled().await;
            tokio::time::sleep(2 * CLOSE_GRACE).await;
        } => GOING_AWAY,
    };
    state.hub.leave(id);
    state.stats.close(id, Some(code), unix_ms());
    // Dropping `session` drops the socket: for a fault drop that is the abrupt end, no close
    // frame.
}

/// Completes the handshake only to close with 1008 "invalid token" — what a browser can see,
/// unlike an HTTP 401.
pub(crate) async fn refuse(mut socket: WebSocket) {
    close(&mut socket, POLICY_VIOLATION, "invalid token").await;
}

/// Resolves when the login session ends; never, without one.
async fn logged_out(ended: Option<&tokio_util::sync::CancellationToken>) {
    match ended {
        Some(t) => t.cancelled().await,
        None => std::future::pending().await,
    }
}

/// Resolves with `value` at the deadline; never, without one.
async fn at<T>(deadline: Option<(Instant, T)>) -> T {
    match deadline {
        Some((when, value)) => {
            sleep_until(when).await;
            value
        }
        None => std::future::pending().await,
    }
}

/// Sends a close frame, then waits (briefly) for the client to answer it.
async fn close(socket: &mut WebSocket, code: u16, reason: &'static str) {
    let frame = CloseFrame {
        code,
        reason: Utf8Bytes::from_static(reason),
    };
    if socket.send(Message::Close(Some(frame))).await.is_ok() {
        let drain = async { while let Some(Ok(_)) = socket.recv().await {} };
        let _ = tokio::time::timeout(CLOSE_GRACE, drain).await;
    }
}

struct Session {
    id: ConnId,
    socket: WebSocket,
    state: AppState,
    user_id: String,
    authenticated: bool,
    faults: ConnFaults<Message>,
    /// The code of the client's close frame, once one arrived.
    close_code: Option<u16>,
    ended: Option<tokio_util::sync::CancellationToken>,
    /// Timed pushes, when asked for (never with a count of 0).
    pushes: Option<PushPlan>,
    /// Pushes sent so far.
    pushed: u64,
}

/// Why a session ends before the client closes.
enum End {
    /// The socket failed.
    Broken,
    /// The server ended it, recording this code (1006 for a fault drop).
    Code(u16),
}

impl Session {
    /// Runs the session; returns the close code to record.
    async fn serve(
        &mut self,
        queue: &mut mpsc::Receiver<Utf8Bytes>,
        drops: &mut watch::Receiver<u64>,
    ) -> u16 {
        let welcome = protocol::connected(self.authenticated, &self.user_id, unix_ms());
        let text = welcome.to_string();
        let sent = self.send(Message::Text(text.into()), protocol::type_of(&welcome));
        if let Err(end) = sent.await {
            return self.code(end);
        }
        let shutdown = self.state.shutdown.clone();
        let ended = self.ended.clone();
        let planned_close = self.faults.close_at();
        let mut next_push = self.pushes.map(|p| Instant::now() + p.every);
        loop {
            let due = self.faults.next_due();
            // Once the client has sent its close, only its answer is still to come.
            let closing = self.close_code.is_some();
            let step = tokio::select! {
                () = shutdown.cancelled() => {
                    close(&mut self.socket, GOING_AWAY, "server shutting down").await;
                    return GOING_AWAY;
                }
                () = logged_out(ended.as_ref()), if !closing => {
                    close(&mut self.socket, crate::demo::LOGGED_OUT, "logged out").await;
                    Err(End::Code(crate::demo::LOGGED_OUT))
                }
                Ok(()) = drops.changed() => {
                    self.state.stats.fault(Fault::Dropped);
                    Err(End::Code(ABNORMAL))
                }
                code = at(planned_close), if !closing => {
                    self.state.stats.fault(Fault::PlannedClose);
                    close(&mut self.socket, code, "fault injection").await;
                    Err(End::Code(code))
                }
                () = at(due.map(|due| (due, ()))), if !closing => self.send_due().await,
                () = at(next_push.map(|t| (t, ()))), if !closing => {
                    next_push = self.push(next_push);
                    self.send_push().await
                }
                Some(text) = queue.recv(), if !closing => self.deliver(text).await,
                // Too many delayed replies waiting: read no more until some have left.
                frame = self.socket.recv(), if closing || !self.faults.is_backlogged() => match frame {
                    Some(Ok(frame)) => self.handle(frame).await,
                    _ => Err(End::Broken),
                },
            };
            if let Err(end) = step {
                return self.code(end);
            }
        }
    }

    /// Counts a push as due and says when the next one is (`None` after the last).
    fn push(&mut self, this: Option<Instant>) -> Option<Instant> {
        self.pushed += 1;
        let plan = self.pushes?;
        (self.pushed < plan.count).then(|| this.unwrap_or_else(Instant::now) + plan.every)
    }

    /// Sends push number `pushed`.
    async fn send_push(&mut self) -> Result<(), End> {
        let count = self.pushes.map_or(0, |p| p.count);
        let push = notification(self.pushed, count, unix_ms());
        let text = push.to_string();
        self.send(Message::Text(text.into()), protocol::type_of(&push))
            .await
    }

    /// The close code to record for a session that ended with `end`.
    fn code(&self, end: End) -> u16 {
        match end {
            End::Broken => self.close_code.unwrap_or(ABNORMAL),
            End::Code(code) => code,
        }
    }

    async fn handle(&mut self, frame: Message) -> Result<(), End> {
        match frame {
            Message::Text(text) => self.handle_text(text.as_str()).await,
            Message::Binary(bytes) => {
                self.state.stats.received(self.id, Inbound::Binary);
                if !self.admit().await? {
                    return Ok(());
                }
                self.reply(Message::Binary(bytes), "(binary)", Duration::ZERO)
                    .await
            }
            // The socket answers pings itself; keep reading until the client's close
            // handshake completes and `recv` ends.
            Message::Ping(_) | Message::Pong(_) => Ok(()),
            Message::Close(frame) => {
                self.close_code = Some(frame.map_or(NO_STATUS, |f| f.code));
                Ok(())
            }
        }
    }

    async fn handle_text(&mut self, text: &str) -> Result<(), End> {
        let request = Request::parse(text);
        let counted = match &request {
            Request::Malformed { .. } => Inbound::Malformed(request.stats_key()),
            _ => Inbound::Text(request.stats_key()),
        };
        self.state.stats.received(self.id, counted);
        if !self.admit().await? {
            return Ok(());
        }
        let now = unix_ms();
        let mut extra = Duration::ZERO;
        let reply = match request {
            Request::Ping { id } => protocol::pong(id, now),
            Request::Message { id, body } => {
                if self.state.faults.enabled() {
                    extra = requested_delay(&body);
                }
                protocol::chat_response(id, body, now)
            }
            Request::Broadcast { id, body } => {
                let text = protocol::broadcast(id, self.id, body, now).to_string();
                let dropped = self.state.hub.broadcast(&text.into());
                self.state.stats.broadcast_dropped(dropped);
                return Ok(());
            }
            Request::Auth { token } => self.authenticate(token.as_deref()),
            Request::Unknown { received_type } => protocol::unknown_type(received_type),
            Request::Malformed { message } => protocol::malformed_json(&message),
        };
        let text = reply.to_string();
        self.reply(Message::Text(text.into()), protocol::type_of(&reply), extra)
            .await
    }

    /// First-message auth: a good token authenticates the session, a bad one only gets an
    /// `auth_error` (the session stays open, as on the open endpoint it was before).
    fn authenticate(&mut self, token: Option<&str>) -> Value {
        let now_s = unix_ms() / 1000;
        let Some(identity) = token.and_then(|t| self.state.auth.check(t, now_s)) else {
            return protocol::auth_error();
        };
        if let Some(subject) = identity.subject {
            self.user_id = subject;
        }
        self.authenticated = true;
        self.state.stats.authenticated(self.id, &self.user_id);
        protocol::auth_success(&self.user_id)
    }

    /// Applies the per-frame faults to a data frame just received (and counted): true when it
    /// is to be handled, false when it is to be ignored; the session ends on a drop or a
    /// rate-limit close.
    async fn admit(&mut self) -> Result<bool, End> {
        let ignored = match self.faults.on_frame(&self.state.faults, Instant::now()) {
            Verdict::Answer => return Ok(true),
            Verdict::Silenced => Fault::Silenced,
            Verdict::Stopped => Fault::Stopped,
            Verdict::Drop => {
                self.state.stats.fault(Fault::Dropped);
                return Err(End::Code(ABNORMAL));
            }
            Verdict::RateLimited => {
                self.state.stats.fault(Fault::RateLimited);
                close(&mut self.socket, RATE_LIMITED, "rate limited").await;
                return Err(End::Code(RATE_LIMITED));
            }
        };
        self.state.stats.fault(ignored);
        Ok(false)
    }

    /// Sends the answer to one of the client's frames, through the per-reply faults: lost,
    /// duplicated, or queued until its delay (and the `extra` its message asked for) is over.
    async fn reply(&mut self, frame: Message, key: &str, extra: Duration) -> Result<(), End> {
        let now = Instant::now();
        let Fate::Send { copies, due } = self.faults.reply_fate(now) else {
            self.state.stats.fault(Fault::Lost);
            return Ok(());
        };
        if copies > 1 {
            self.state.stats.fault(Fault::Duplicated);
        }
        let due = match due {
            _ if extra.is_zero() => due,
            Some(due) => Some(due + extra),
            None => Some(now + extra),
        };
        match due {
            Some(due) => {
                self.state.stats.fault(Fault::Delayed);
                self.faults.delay(due, (frame, key.to_owned(), copies));
                Ok(())
            }
            None => self.send_copies(frame, key, copies).await,
        }
    }

    /// Sends every delayed reply that is due.
    async fn send_due(&mut self) -> Result<(), End> {
        while let Some((frame, key, copies)) = self.faults.pop_due(Instant::now()) {
            self.send_copies(frame, &key, copies).await?;
        }
        Ok(())
    }

    async fn send_copies(&mut self, frame: Message, key: &str, copies: u8) -> Result<(), End> {
        for _ in 1..copies {
            self.send(frame.clone(), key).await?;
        }
        self.send(frame, key).await
    }

    /// Delivers a broadcast from the hub, unless this session has stopped answering.
    async fn deliver(&mut self, text: Utf8Bytes) -> Result<(), End> {
        if self.faults.is_stopped() {
            self.state.stats.fault(Fault::Stopped);
            return Ok(());
        }
        self.send(Message::Text(text), "broadcast").await
    }

    /// Sends one data frame, counting it first so a client that has just read the reply
    /// never sees a `sent` total that misses it. While the server is silent nothing goes out.
    async fn send(&mut self, frame: Message, key: &str) -> Result<(), End> {
        if self.state.faults.is_silent() {
            self.state.stats.fault(Fault::Silenced);
            return Ok(());
        }
        self.state.stats.sent(self.id, key);
        self.socket.send(frame).await.map_err(|_| End::Broken)
    }
}
