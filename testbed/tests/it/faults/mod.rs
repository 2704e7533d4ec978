//! Fault injection, each fault seen from a real client and checked against the server's counts.
//!
//! Timing assertions only ever bound from below ("not before D ms"): an upper bound would test
//! the machine, not the server. Periods are short (1 s) and waited for as conditions.

mod per_connection;
mod server_wide;

use std::net::SocketAddr;

use serde_json::{Value, json};
use testbed::Options;
use tokio_tungstenite::tungstenite::Message;

use crate::common::*;

pub fn fault_options() -> Options {
    Options {
        faults: true,
        ..options()
    }
}

/// `totals.faults` of a stats snapshot.
pub fn faults(s: &Value) -> &Value {
    &s["totals"]["faults"]
}

pub fn ping(id: impl Into<Value>) -> Value {
    json!({"type":"ping","id":id.into()})
}

/// Closes from the client and checks the server had sent nothing more before answering.
pub async fn nothing_more(mut ws: Ws) {
    ws.close(None).await.expect("close");
    match next_frame(&mut ws).await {
        Message::Close(_) => {}
        other => panic!("expected only the close answer, got {other:?}"),
    }
}

/// A server-wide fault call that must succeed; returns its JSON answer.
pub async fn control(addr: SocketAddr, path: &str) -> Value {
    let response = post(addr, path).await;
    assert_eq!(response.status, 200, "{path}: {:?}", response.json());
    response.json()
}
