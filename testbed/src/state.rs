//! What every handler and session shares, and the two helpers they all use: the leaves of
//! the server's module graph, so that routing (`app.rs`) and the handlers never import each
//! other.

use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::Options;
use crate::auth::Authenticator;
use crate::demo::Demo;
use crate::faults::GlobalFaults;
use crate::hub::Hub;
use crate::origin::OriginPolicy;
use crate::stats::Stats;

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
    /// When the server started (`/health` reports the uptime).
    pub(crate) started: Instant,
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
