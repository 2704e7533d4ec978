//! The HTTP side: shared state, routes, and the two JSON endpoints.
//!
//! Routing is kept apart from the WebSocket code so that the whole surface of the server —
//! what a browser, a test or an operator can reach — reads in one screen.

use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::auth::Authenticator;
use crate::demo::{self, Demo};
use crate::faults::{self, GlobalFaults};
use crate::hub::Hub;
use crate::origin::OriginPolicy;
use crate::static_files::{self, Sites};
use crate::stats::Stats;
use crate::{Options, upgrade};

/// Everything handlers and sessions share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub auth: Authenticator,
    pub stats: Stats,
    pub hub: Hub,
    pub reject_with_401: bool,
    /// Which browser pages may open WebSockets and use the fault control.
    pub origins: OriginPolicy,
    /// Server-wide faults, and whether fault injection is on at all.
    pub faults: GlobalFaults,
    started: Instant,
    /// Cancelled when the server shuts down; every session watches it.
    pub shutdown: CancellationToken,
    /// Tracks every session so shutdown can wait for them to close.
    pub sessions: TaskTracker,
    /// The demo host, when on.
    pub demo: Option<Demo>,
}

pub(crate) type AppState = Arc<Shared>;

impl Shared {
    pub fn new(
        opts: &Options,
        origins: OriginPolicy,
        shutdown: CancellationToken,
        sessions: TaskTracker,
    ) -> Self {
        Self {
            auth: Authenticator::new(opts),
            stats: Stats::default(),
            hub: Hub::default(),
            reject_with_401: opts.reject_with_401,
            origins,
            faults: GlobalFaults::new(opts.faults),
            started: Instant::now(),
            shutdown,
            sessions,
            demo: opts
                .demo
                .clone()
                .map(|d| Demo::new(d, opts.jwt_secret.clone().unwrap_or_default())),
        }
    }
}

/// Builds every route the server answers; `sites` are the builds to serve, if any.
pub(crate) fn router(state: AppState, sites: Sites) -> Router {
    let router = Router::new()
        .route("/health", get(health))
        .route("/api/ws/stats", get(stats))
        .route("/ws", get(upgrade::open))
        .route("/api/v1/pam/ws/{user_id}", get(upgrade::authenticated))
        .merge(faults::routes(state.clone()))
        .merge(demo::routes());
    let router = if sites.is_empty() {
        router
    } else {
        static_files::mount(router, sites)
    };
    router.with_state(state)
}

async fn health(State(state): State<AppState>) -> Response {
    json_response(
        StatusCode::OK,
        json!({
            "status": "ok",
            "uptime_s": state.started.elapsed().as_secs_f64(),
            "connections": state.stats.open_count(),
            "version": env!("CARGO_PKG_VERSION"),
        }),
    )
}

async fn stats(State(state): State<AppState>) -> Response {
    json_response(StatusCode::OK, state.stats.snapshot())
}

/// A JSON response any origin may read: browser tests fetch these from the console's origin.
pub(crate) fn json_response(status: StatusCode, body: Value) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// Milliseconds since the Unix epoch, as the protocol's `timestamp` fields carry.
pub(crate) fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}
