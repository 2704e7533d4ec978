//! The plain HTTP endpoints: health and stats (the console itself: `serving`).

use crate::common::*;

#[tokio::test]
async fn health_reports_status_uptime_connections_and_version() {
    let (server, ws) = serve_welcomed(options(), "/ws").await;
    let addr = server.local_addr();
    let response = get(addr, "/health").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    let health = response.json();
    assert_eq!(health["status"], "ok");
    assert!(health["uptime_s"].as_f64().unwrap() >= 0.0);
    assert_eq!(health["connections"], 1);
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
    close_and_stop(ws, server).await;
}

#[tokio::test]
async fn stats_have_totals_and_per_connection_records() {
    let (server, mut ws) = serve_welcomed(options(), "/ws").await;
    let addr = server.local_addr();
    request(&mut ws, &serde_json::json!({"type":"ping","id":1})).await;
    request(&mut ws, &serde_json::json!({"type":"message","id":2})).await;

    let response = get(addr, "/api/ws/stats").await;
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    assert!(
        response
            .header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let s = response.json();
    let t = &s["totals"];
    for key in [
        "accepted",
        "open",
        "closed",
        "rejected_auth",
        "received",
        "sent",
        "binary_received",
        "malformed",
        "broadcast_dropped",
    ] {
        assert!(t[key].is_u64(), "totals.{key} in {t}");
    }
    assert_eq!(
        (t["accepted"].as_u64(), t["open"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        (t["received"].as_u64(), t["sent"].as_u64()),
        (Some(2), Some(3))
    );
    assert_eq!(
        t["received_by_type"],
        serde_json::json!({"ping":1,"message":1})
    );
    assert_eq!(
        t["sent_by_type"],
        serde_json::json!({"connected":1,"pong":1,"chat_response":1})
    );
    let c = &s["connections"][0];
    assert_eq!(c["path"], "/ws");
    assert_eq!(c["user_id"], "anonymous");
    assert_eq!(c["open"], true);
    assert_eq!(
        (c["received"].as_u64(), c["sent"].as_u64()),
        (Some(2), Some(3))
    );
    assert!(c["opened_at_ms"].as_u64().unwrap() > 0);
    assert!(c["closed_at_ms"].is_null() && c["close_code"].is_null());

    close(ws).await;
    let s = stats_when(addr, "the close", |s| s["totals"]["closed"] == 1).await;
    let c = &s["connections"][0];
    assert_eq!(c["open"], false);
    assert_eq!(c["close_code"], 1000);
    assert!(c["closed_at_ms"].as_u64() >= c["opened_at_ms"].as_u64());
    server.shutdown().await;
}
