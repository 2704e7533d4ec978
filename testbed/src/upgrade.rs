//! Deciding, before the handshake completes, who a WebSocket client is and whether it may stay.
//!
//! First the page it comes from: a browser's `Origin` must be on the allow-list (see the
//! `origin` module), else HTTP 403, before anything else is looked at.
//!
//! A token can arrive in the `token` query parameter or as one of the offered subprotocols
//! (`Sec-WebSocket-Protocol`: the only header a browser lets a page set on a WebSocket). When
//! the client offers subprotocols we always echo one back — the valid token if there is one,
//! otherwise the first offered — because a browser fails a handshake whose answer names none of
//! its protocols, and would then see only close 1006 instead of the real verdict (1008).
//!
//! With the demo host on, the authenticated endpoint also takes the demo's session cookie
//! (the console's cookie mode), and refuses the JWTs and cookie of a session that logged out.

use std::collections::HashMap;

use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::auth::Identity;
use crate::faults::{Fault, FaultPlan, ParamError};
use crate::pushes::PushPlan;
use crate::session::{self, SessionInfo};
use crate::state::{AppState, json_response, unix_ms};
use tokio_util::sync::CancellationToken;

/// Largest message (and frame) accepted: the protocol promises 1 MB+ messages work.
pub(crate) const MAX_MESSAGE_BYTES: usize = 16 << 20;

/// User id reported for sessions on the open endpoint.
const ANONYMOUS: &str = "anonymous";

/// What the handshake carried, checked.
struct Credentials {
    identity: Option<Identity>,
    /// The subprotocol to answer with, if the client offered any.
    protocol: Option<String>,
}

impl Credentials {
    fn read(state: &AppState, query: &HashMap<String, String>, headers: &HeaderMap) -> Self {
        let now_s = unix_ms() / 1000;
        let offered: Vec<&str> = headers
            .get_all(header::SEC_WEBSOCKET_PROTOCOL)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let by_protocol = offered
            .iter()
            .find_map(|p| state.auth.check(p, now_s).map(|id| (*p, id)));
        if let Some((protocol, identity)) = by_protocol {
            return Self {
                identity: Some(identity),
                protocol: Some(protocol.to_owned()),
            };
        }
        // The demo host's session cookie, for the console's cookie mode.
        let identity = query
            .get("token")
            .and_then(|t| state.auth.check(t, now_s))
            .or_else(|| state.demo.as_ref()?.cookie_identity(headers));
        Self {
            identity,
            protocol: offered.first().map(|p| (*p).to_owned()),
        }
    }

    /// Holds the credentials against the demo's logins: those of a session that logged out
    /// are no credentials. Returns what to watch for the session's end.
    fn admit(&mut self, state: &AppState) -> Option<CancellationToken> {
        let (Some(demo), Some(identity)) = (state.demo.as_ref(), self.identity.as_ref()) else {
            return None;
        };
        match demo.admit(identity) {
            Ok(ended) => ended,
            Err(()) => {
                self.identity = None;
                None
            }
        }
    }
}

/// What both endpoints settle before they differ, in this order: the page's origin is
/// allowed, the fault and push parameters are valid, and the credentials are read and held
/// against the demo's logins.
struct Handshake {
    faults: FaultPlan,
    pushes: Option<PushPlan>,
    creds: Credentials,
    /// What to watch for the session's end (a demo logout).
    ended: Option<CancellationToken>,
}

impl Handshake {
    /// The checks, or why the handshake is turned away.
    fn check(
        state: &AppState,
        query: &HashMap<String, String>,
        headers: &HeaderMap,
    ) -> Result<Self, TurnedAway> {
        if let Err(refusal) = state.origins.check_upgrade(headers) {
            state.stats.rejected_origin();
            return Err(TurnedAway::Origin(refusal));
        }
        let faults = fault_gate(state, query).map_err(TurnedAway::Faults)?;
        let pushes = PushPlan::from_query(query).map_err(TurnedAway::Pushes)?;
        let mut creds = Credentials::read(state, query, headers);
        let ended = creds.admit(state);
        Ok(Self {
            faults,
            pushes,
            creds,
            ended,
        })
    }

    /// The session this handshake admits at `path` as `user_id` (authenticated when its
    /// credentials hold), and the subprotocol to answer with.
    fn admit(self, path: &str, user_id: String) -> (Option<String>, SessionInfo) {
        let info = SessionInfo {
            path: path.to_owned(),
            user_id,
            authenticated: self.creds.identity.is_some(),
            faults: self.faults,
            pushes: self.pushes,
            ended: self.ended,
        };
        (self.creds.protocol, info)
    }
}

/// Why [`Handshake::check`] turned a handshake away, each with its own response.
pub(crate) enum TurnedAway {
    /// The page's origin is not allowed: HTTP 403.
    Origin(crate::origin::Refusal),
    /// Fault injection refused it.
    Faults(FaultRefusal),
    /// A push parameter is bad: HTTP 400.
    Pushes(ParamError),
}

impl IntoResponse for TurnedAway {
    fn into_response(self) -> Response {
        match self {
            Self::Origin(refusal) => refusal.into_response(),
            Self::Faults(refusal) => refusal.into_response(),
            Self::Pushes(bad) => bad.into_response(),
        }
    }
}

/// `GET /ws`: open to anyone; a valid token only marks the session authenticated.
pub(crate) async fn open(
    ws: WebSocketUpgrade,
    uri: Uri,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    State(state): State<AppState>,
) -> Result<Response, TurnedAway> {
    let handshake = Handshake::check(&state, &query, &headers)?;
    let user_id = handshake
        .creds
        .identity
        .as_ref()
        .and_then(|i| i.subject.clone())
        .unwrap_or_else(|| ANONYMOUS.to_owned());
    let (protocol, info) = handshake.admit(uri.path(), user_id);
    Ok(accept(ws, protocol, state, info))
}

/// `GET /api/v1/pam/ws/{user_id}?token=…`: a valid token is required.
pub(crate) async fn authenticated(
    ws: WebSocketUpgrade,
    uri: Uri,
    Path(user_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    State(state): State<AppState>,
) -> Result<Response, TurnedAway> {
    let handshake = Handshake::check(&state, &query, &headers)?;
    if handshake.creds.identity.is_none() {
        state.stats.rejected_auth();
        if state.reject_with_401 {
            return Ok(json_response(
                StatusCode::UNAUTHORIZED,
                json!({ "type": "auth_error", "reason": "invalid token" }),
            ));
        }
        let guard = state.sessions.token();
        let refusing = configure(ws, handshake.creds.protocol);
        return Ok(refusing.on_upgrade(move |socket: WebSocket| async move {
            session::refuse(socket).await;
            drop(guard);
        }));
    }
    let (protocol, info) = handshake.admit(uri.path(), user_id);
    Ok(accept(ws, protocol, state, info))
}

/// Why fault injection turns a handshake away.
pub(crate) enum FaultRefusal {
    /// A fault parameter is bad: HTTP 400.
    BadParameter(ParamError),
    /// The server is refusing new connections: HTTP 503.
    Refusing,
}

impl IntoResponse for FaultRefusal {
    fn into_response(self) -> Response {
        match self {
            Self::BadParameter(e) => e.into_response(),
            Self::Refusing => json_response(
                StatusCode::SERVICE_UNAVAILABLE,
                json!({ "error": "refusing new connections (fault injection)" }),
            ),
        }
    }
}

/// The fault checks made before anything else: the connection's own faults and the
/// server-wide refusal. Both are no-ops without `--faults`.
fn fault_gate(
    state: &AppState,
    query: &HashMap<String, String>,
) -> Result<FaultPlan, FaultRefusal> {
    let plan = FaultPlan::for_connection(state.faults.enabled(), query)
        .map_err(FaultRefusal::BadParameter)?;
    if state.faults.is_refusing() {
        state.stats.fault(Fault::Refused);
        return Err(FaultRefusal::Refusing);
    }
    Ok(plan)
}

fn accept(
    ws: WebSocketUpgrade,
    protocol: Option<String>,
    state: AppState,
    info: SessionInfo,
) -> Response {
    // Held from the handshake on, so shutdown also waits for sessions still being set up.
    let guard = state.sessions.token();
    configure(ws, protocol).on_upgrade(move |socket| async move {
        session::run(socket, state, info).await;
        drop(guard);
    })
}

fn configure(ws: WebSocketUpgrade, protocol: Option<String>) -> WebSocketUpgrade {
    let ws = ws
        .max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES);
    match protocol {
        Some(p) => ws.protocols([p]),
        None => ws,
    }
}
