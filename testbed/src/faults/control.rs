//! The control endpoint: `/api/faults`, where a test sets server-wide faults.
//!
//! Same-origin only: one POST here drops every connection, and a browser lets any page send a
//! simple POST anywhere, so a request from a page whose origin is not on the testbed's
//! allow-list is refused with 403 before it reaches a handler (see the `origin` module; tests
//! and tools that are not browsers pass). An allowed page of another origin (`--allow-origin`)
//! gets its origin back in `Access-Control-Allow-Origin` and the CORS preflight answered.
//! Parameters travel in the query string; a body, if any, is ignored. Without `--faults` every
//! route answers 404 and says why, so a test that forgot the flag fails loudly.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

use super::ParamError;
use super::global::{MAX_PERIOD_S, MAX_RATE_LIMIT};
use super::plan::parse;
use crate::state::{AppState, json_response, unix_ms};

type Params = Query<HashMap<String, String>>;

/// The control routes, to merge into the server's router, behind the same-origin check.
pub(crate) fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/api/faults", get(current).options(preflight))
        .route("/api/faults/drop-all", post(drop_all).options(preflight))
        .route("/api/faults/refuse", post(refuse).options(preflight))
        .route("/api/faults/silent", post(silent).options(preflight))
        .route(
            "/api/faults/rate-limit",
            post(rate_limit).options(preflight),
        )
        .route("/api/faults/reset", post(reset).options(preflight))
        .route_layer(middleware::from_fn_with_state(state, same_origin_only))
}

/// Refuses pages of foreign origins; names an allowed page's origin for CORS (instead of the
/// `*` that JSON answers carry elsewhere).
async fn same_origin_only(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let origin = match state.origins.check_control(request.headers()) {
        Ok(origin) => origin,
        Err(refusal) => return refusal.into_response(),
    };
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    match origin {
        Some(origin) => headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin),
        None => headers.remove(header::ACCESS_CONTROL_ALLOW_ORIGIN),
    };
    headers.append(header::VARY, HeaderValue::from_static("origin"));
    response
}

/// The 404 to answer unless the server was started with fault injection.
fn disabled(state: &AppState) -> Option<Response> {
    if state.faults.enabled() {
        return None;
    }
    Some(json_response(
        StatusCode::NOT_FOUND,
        json!({
            "error": "fault injection is disabled: start the testbed with --faults \
                      (Options::faults)",
            "faults_enabled": false,
        }),
    ))
}

/// The global fault state, the answer to every call that changes it.
fn state_response(state: &AppState) -> Response {
    json_response(StatusCode::OK, state.faults.snapshot(unix_ms()))
}

/// `GET /api/faults`.
async fn current(State(state): State<AppState>) -> Response {
    if let Some(r) = disabled(&state) {
        return r;
    }
    state_response(&state)
}

/// `POST /api/faults/drop-all`: `{"dropped": n}`.
async fn drop_all(State(state): State<AppState>) -> Response {
    if let Some(r) = disabled(&state) {
        return r;
    }
    let dropped = state.faults.drop_all();
    json_response(StatusCode::OK, json!({ "dropped": dropped }))
}

/// `POST /api/faults/refuse?seconds=T`.
async fn refuse(State(state): State<AppState>, Query(query): Params) -> Response {
    if let Some(r) = disabled(&state) {
        return r;
    }
    match seconds(&query) {
        Ok(s) => state.faults.refuse_for(s),
        Err(e) => return e.into_response(),
    }
    state_response(&state)
}

/// `POST /api/faults/silent?seconds=T`.
async fn silent(State(state): State<AppState>, Query(query): Params) -> Response {
    if let Some(r) = disabled(&state) {
        return r;
    }
    match seconds(&query) {
        Ok(s) => state.faults.silence_for(s),
        Err(e) => return e.into_response(),
    }
    state_response(&state)
}

/// `POST /api/faults/rate-limit?per_second=N` (0 turns it off).
async fn rate_limit(State(state): State<AppState>, Query(query): Params) -> Response {
    if let Some(r) = disabled(&state) {
        return r;
    }
    let expected = format!("a whole number from 0 to {MAX_RATE_LIMIT}");
    match parse::<u32>(&query, "per_second", &expected) {
        Ok(Some(n)) if n <= MAX_RATE_LIMIT => state.faults.set_rate_limit(n),
        Ok(Some(n)) => {
            let message = format!("per_second must be {expected}, got {n}");
            return ParamError::new("per_second", message).into_response();
        }
        Ok(None) => return missing("per_second", &expected).into_response(),
        Err(e) => return e.into_response(),
    }
    state_response(&state)
}

/// `POST /api/faults/reset`.
async fn reset(State(state): State<AppState>) -> Response {
    if let Some(r) = disabled(&state) {
        return r;
    }
    state.faults.reset();
    state_response(&state)
}

/// The CORS preflight for every control route, from an allowed page (answered even when faults
/// are off, so the browser goes on to the real request and can read its 404). The allowed
/// origin replaces the `*` on the way out.
async fn preflight() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        (header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST"),
        (header::ACCESS_CONTROL_ALLOW_HEADERS, "content-type"),
        (header::ACCESS_CONTROL_MAX_AGE, "600"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// The required `seconds` parameter: a number from 0 (ends the period) to a day.
fn seconds(query: &HashMap<String, String>) -> Result<f64, ParamError> {
    let expected = format!("a number of seconds from 0 to {MAX_PERIOD_S}");
    match parse::<f64>(query, "seconds", &expected)? {
        Some(s) if (0.0..=MAX_PERIOD_S).contains(&s) => Ok(s),
        Some(s) => Err(ParamError::new(
            "seconds",
            format!("seconds must be {expected}, got {s}"),
        )),
        None => Err(missing("seconds", &expected)),
    }
}

fn missing(name: &'static str, expected: &str) -> ParamError {
    ParamError::new(name, format!("{name} is required: {expected}"))
}
