//! The HTTP side: routes, and the two JSON endpoints (the state they share is in
//! [`crate::state`]).
//!
//! Routing is kept apart from the WebSocket code so that the whole surface of the server —
//! what a browser, a test or an operator can reach — reads in one screen.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde_json::json;

use crate::demo;
use crate::faults;
use crate::state::{AppState, json_response};
use crate::static_files::{self, Sites};
use crate::upgrade;

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
