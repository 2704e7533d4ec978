//! The plain HTTP endpoints: health, stats, and the static console.

use std::path::PathBuf;

use crate::common::*;

#[tokio::test]
async fn health_reports_status_uptime_connections_and_version() {
    let server = start(options()).await;
    let addr = server.local_addr();
    let (ws, _) = connect_welcomed(addr, "/ws").await;
    let response = get(addr, "/health").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    let health = response.json();
    assert_eq!(health["status"], "ok");
    assert!(health["uptime_s"].as_f64().unwrap() >= 0.0);
    assert_eq!(health["connections"], 1);
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
    close(ws).await;
    server.shutdown().await;
}

#[tokio::test]
async fn stats_have_totals_and_per_connection_records() {
    let server = start(options()).await;
    let addr = server.local_addr();
    let (mut ws, _) = connect_welcomed(addr, "/ws").await;
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

/// A throwaway "Trunk dist" with an index page and a wasm file.
fn dist() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("testbed-dist-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<html>console</html>").unwrap();
    std::fs::write(dir.join("app_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    dir
}

#[tokio::test]
async fn static_dir_serves_the_console_and_wasm_with_its_content_type() {
    let dir = dist();
    let server = start(testbed::Options {
        static_dir: Some(dir.clone()),
        ..options()
    })
    .await;
    let addr = server.local_addr();
    for path in ["/", "/ws-testing", "/ws-testing/", "/index.html"] {
        let response = get(addr, path).await;
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.body, b"<html>console</html>", "{path}");
        assert!(
            response
                .header("content-type")
                .unwrap()
                .starts_with("text/html")
        );
    }
    for path in ["/app_bg.wasm", "/ws-testing/app_bg.wasm"] {
        let response = get(addr, path).await;
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(
            response.header("content-type"),
            Some("application/wasm"),
            "{path}"
        );
        assert_eq!(response.body, b"\0asm\x01\0\0\0");
    }
    // Cross-origin isolated, so the page's clock is precise to 5 µs (SPEC: browser facts).
    for path in ["/ws-testing", "/app_bg.wasm"] {
        let response = get(addr, path).await;
        assert_eq!(
            response.header("cross-origin-opener-policy"),
            Some("same-origin"),
            "{path}"
        );
        assert_eq!(
            response.header("cross-origin-embedder-policy"),
            Some("require-corp"),
            "{path}"
        );
        assert_eq!(response.header("x-content-type-options"), Some("nosniff"));
    }
    assert_eq!(get(addr, "/missing.js").await.status, 404);
    assert_eq!(get(addr, "/../Cargo.toml").await.status, 404);
    // API routes win over the static fallback.
    assert_eq!(get(addr, "/health").await.json()["status"], "ok");
    server.shutdown().await;
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn without_static_dir_pages_are_404() {
    let server = start(options()).await;
    assert_eq!(get(server.local_addr(), "/ws-testing").await.status, 404);
    server.shutdown().await;
}

#[tokio::test]
async fn a_missing_static_dir_is_an_error_at_start() {
    let result = testbed::start(testbed::Options {
        static_dir: Some(PathBuf::from("/definitely/not/here")),
        ..options()
    })
    .await;
    assert_eq!(result.unwrap_err().kind(), std::io::ErrorKind::NotFound);
}
