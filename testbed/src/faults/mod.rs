//! Fault injection (SPEC R1, F17): the testbed misbehaving on request, reproducibly.
//!
//! The console's job is to notice and survive a bad network and a bad server, so the server it
//! is tested against must be able to be bad in every way the console claims to handle — and
//! exactly as bad as asked, with the damage counted, so a test can hold the console's numbers
//! against the server's. Faults are off unless the server is started with `--faults`
//! ([`Options::faults`](crate::Options::faults)): a testbed used as an ordinary backend must never
//! misbehave because a URL happened to carry `drop_rate`.
//!
//! How it fits: [`plan`] reads a connection's query string, [`conn`] decides, frame by frame,
//! what that connection does (the session carries it out), [`global`] holds the server-wide
//! switches that [`control`] sets over HTTP, and [`counts`] tallies it all for `/api/ws/stats`.
//!
//! # Per connection: query parameters on `/ws` and `/api/v1/pam/ws/{user_id}`
//!
//! All optional; a bad value gets HTTP 400 before the upgrade,
//! `{"error":"bad_parameter","parameter":"drop_rate","message":"…"}`.
//!
//! | parameter | value | effect |
//! | --- | --- | --- |
//! | `drop_rate=P` | 0–1 | per received data frame, with probability P the server drops the TCP connection instead of answering: no close frame, a browser sees 1006 |
//! | `loss_rate=P` | 0–1 | per reply (pongs included), with probability P it is not sent |
//! | `delay_ms=D` | 0–300000 | every reply waits D ms… |
//! | `jitter_ms=J` | 0–300000 | …plus a uniform 0–J ms, so replies may overtake each other |
//! | `dup_rate=P` | 0–1 | per reply, with probability P it is sent twice |
//! | `stop_after=N` | whole number | only the first N data frames are answered; later ones are read and discarded, and broadcasts are no longer delivered (half-open) |
//! | `close_code=C` | 1000–1003, 1007–1014, 3000–4999 | the server closes with C, reason "fault injection"… |
//! | `close_after_ms=T` | 0–86400000 | …T ms after the connection opened (either alone: C defaults to 1000, T to 0) |
//! | `seed=S` | u64 | seeds the connection's random draws (default: the connection id), so a run replays exactly |
//!
//! Per message: a `message` carrying `"delay_ms": D` (0–300000) is answered D ms later still,
//! on top of the connection's delay, so a test can make some messages slow and others not.
//! "Reply" means the answer to one of the connection's own frames (pong, chat_response,
//! errors, auth results, binary echo). The welcome and broadcasts from others are not replies.
//! Control-frame pings are answered by the WebSocket layer itself and are never faulted
//! (browsers cannot send them anyway).
//!
//! # Server-wide: the control endpoint
//!
//! Same-origin: a browser page whose origin is not allowed (the testbed's own, plus
//! `--allow-origin`) gets 403 `{"error":"origin_not_allowed",…}`; an allowed page of another
//! origin gets CORS headers naming it and its `OPTIONS` preflight answered. Clients that are not
//! browsers (no `Origin`, no `Sec-Fetch-Site`) pass. Without `--faults` every route answers 404
//! `{"error":"fault injection is disabled…","faults_enabled":false}`.
//!
//! | request | effect | answer |
//! | --- | --- | --- |
//! | `GET /api/faults` | — | the state, below |
//! | `POST /api/faults/drop-all` | drops every open connection now, abruptly (client sees 1006) | `{"dropped": n}` |
//! | `POST /api/faults/refuse?seconds=T` | new WebSocket handshakes get HTTP 503 for T s (0 ends it) | the state |
//! | `POST /api/faults/silent?seconds=T` | for T s no connection is answered: frames are read and discarded; no pong, no reply, no broadcast, no welcome, no rate-limit close. Then answering resumes (0 ends it) | the state |
//! | `POST /api/faults/rate-limit?per_second=N` | a connection sending more than N data frames in any one second is closed with 4029 "rate limited"; 0 turns it off (N ≤ 10000) | the state |
//! | `POST /api/faults/reset` | clears refuse, silent and rate limit | the state |
//!
//! The state: `{"faults_enabled":true,"refusing":bool,"refusing_until":unix_ms|null,
//! "silent":bool,"silent_until":unix_ms|null,"rate_limit":N|null}`. Periods are at most a day.
//!
//! Order of checks on each received data frame: silent (discard), rate limit (close 4029),
//! `drop_rate` (drop), `stop_after` (discard); then the reply gets `loss_rate`, `dup_rate` and
//! the delay. A planned close and drop-all act even while the server is silent.
//!
//! # Counted
//!
//! `/api/ws/stats` `totals.faults`: `dropped` (drop_rate and drop-all), `lost`, `delayed`,
//! `duplicated` (replies), `stopped` (frames left unanswered and broadcasts withheld after
//! `stop_after`), `silenced` (frames discarded or withheld while silent), `refused` (503
//! handshakes), `rate_limited` (4029 closes), `closed_by_fault` (`close_code` closes). Frames
//! actually sent, duplicates included, are in `sent` as always.

mod conn;
mod control;
mod counts;
mod delayed;
mod global;
mod plan;
mod rng;

pub(crate) use conn::{ConnFaults, Fate, Verdict};
pub(crate) use control::routes;
pub(crate) use counts::{Fault, FaultCounts};
pub(crate) use global::GlobalFaults;
pub(crate) use plan::{FaultPlan, parse, requested_delay};

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::state::json_response;

/// A fault parameter that could not be used: answered with HTTP 400.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ParamError {
    pub parameter: &'static str,
    pub message: String,
}

impl ParamError {
    pub fn new(parameter: &'static str, message: String) -> Self {
        Self { parameter, message }
    }
}

impl IntoResponse for ParamError {
    fn into_response(self) -> Response {
        json_response(
            StatusCode::BAD_REQUEST,
            json!({
                "error": "bad_parameter",
                "parameter": self.parameter,
                "message": self.message,
            }),
        )
    }
}
