//! One WebSocket session: read a frame, answer it, repeat, until either side closes.
//!
//! A session is a single task that owns its socket, so replies go out in the order requests
//! came in and nothing else ever writes to it. Broadcasts from other sessions arrive through the
//! session's bounded queue (see [`crate::hub`]) and are written by the same task. The server's
//! shutdown token is watched in the same `select!`, so shutting down closes every session with
//! 1001 instead of cutting the TCP connection; only a session stuck writing to a client that
//! stopped reading is cut, after a grace period, so shutdown always ends.

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use serde_json::Value;
use tokio::sync::mpsc;

use crate::app::{AppState, unix_ms};
use crate::faults::{Delivery, FaultPlan};
use crate::protocol::{self, Request};
use crate::stats::{ConnId, Inbound};

/// How long to wait for the client's answer to our close frame before dropping the socket.
const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// RFC 6455 close codes recorded in the statistics.
const GOING_AWAY: u16 = 1001;
const NO_STATUS: u16 = 1005;
const ABNORMAL: u16 = 1006;
const POLICY_VIOLATION: u16 = 1008;

/// Who is on the other end, as decided during the handshake.
#[derive(Debug)]
pub(crate) struct SessionInfo {
    /// Request path, for the statistics.
    pub path: String,
    pub user_id: String,
    pub authenticated: bool,
    pub faults: FaultPlan,
}

/// Serves one accepted session to its end, keeping the statistics.
pub(crate) async fn run(socket: WebSocket, state: AppState, info: SessionInfo) {
    let id = state
        .stats
        .open(&info.path, &info.user_id, info.authenticated, unix_ms());
    let mut queue = state.hub.join(id);
    let mut session = Session {
        id,
        socket,
        state: state.clone(),
        user_id: info.user_id,
        authenticated: info.authenticated,
        faults: info.faults,
        close_code: None,
    };
    let shutdown = state.shutdown.clone();
    let code = tokio::select! {
        code = session.serve(&mut queue) => code,
        // A client that stops reading can leave `serve` stuck in a send where it never sees
        // the shutdown; give it the normal close time, then drop the socket regardless.
        () = async {
            shutdown.cancelled().await;
            tokio::time::sleep(2 * CLOSE_GRACE).await;
        } => GOING_AWAY,
    };
    state.hub.leave(id);
    state.stats.close(id, Some(code), unix_ms());
}

/// Completes the handshake only to close with 1008 "invalid token" — what a browser can see,
/// unlike an HTTP 401.
pub(crate) async fn refuse(mut socket: WebSocket) {
    close(&mut socket, POLICY_VIOLATION, "invalid token").await;
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
    faults: FaultPlan,
    /// The code of the client's close frame, once one arrived.
    close_code: Option<u16>,
}

/// The socket failed; the session ends.
struct Broken;

impl Session {
    /// Runs the session; returns the close code to record.
    async fn serve(&mut self, queue: &mut mpsc::Receiver<Utf8Bytes>) -> u16 {
        let welcome = protocol::connected(self.authenticated, &self.user_id, unix_ms());
        if self.send_json(welcome).await.is_err() {
            return ABNORMAL;
        }
        let shutdown = self.state.shutdown.clone();
        loop {
            tokio::select! {
                () = shutdown.cancelled() => {
                    close(&mut self.socket, GOING_AWAY, "server shutting down").await;
                    return GOING_AWAY;
                }
                // Once the client has sent its close, only its answer is still to come.
                Some(text) = queue.recv(), if self.close_code.is_none() => {
                    if self.send(Message::Text(text), "broadcast").await.is_err() {
                        return ABNORMAL;
                    }
                }
                frame = self.socket.recv() => {
                    let Some(Ok(frame)) = frame else {
                        return self.close_code.unwrap_or(ABNORMAL);
                    };
                    if self.handle(frame).await.is_err() {
                        return self.close_code.unwrap_or(ABNORMAL);
                    }
                }
            }
        }
    }

    async fn handle(&mut self, frame: Message) -> Result<(), Broken> {
        match frame {
            Message::Text(text) => self.handle_text(text.as_str()).await,
            Message::Binary(bytes) => {
                self.state.stats.received(self.id, Inbound::Binary);
                self.send(Message::Binary(bytes), "(binary)").await
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

    async fn handle_text(&mut self, text: &str) -> Result<(), Broken> {
        let request = Request::parse(text);
        let counted = match &request {
            Request::Malformed { .. } => Inbound::Malformed(request.stats_key()),
            _ => Inbound::Text(request.stats_key()),
        };
        self.state.stats.received(self.id, counted);
        let now = unix_ms();
        let reply = match request {
            Request::Ping { id } => protocol::pong(id, now),
            Request::Message { id, body } => protocol::chat_response(id, body, now),
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
        self.send_json(reply).await
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

    async fn send_json(&mut self, reply: Value) -> Result<(), Broken> {
        let text = reply.to_string();
        self.send(Message::Text(text.into()), protocol::type_of(&reply))
            .await
    }

    /// Sends one data frame, counting it first so a client that has just read the reply
    /// never sees a `sent` total that misses it.
    async fn send(&mut self, frame: Message, key: &str) -> Result<(), Broken> {
        match self.faults.delivery() {
            Delivery::Send => {
                self.state.stats.sent(self.id, key);
                self.socket.send(frame).await.map_err(|_| Broken)
            }
        }
    }
}
