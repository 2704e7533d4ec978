//! Server-wide faults, set through the control endpoint.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio::time::Instant;

use super::*;
use crate::common::*;

#[tokio::test]
async fn control_endpoint_answers_the_cors_preflight_and_reports_its_state() {
    let server = start(testbed::Options {
        allow_origins: vec!["http://console.example".into()],
        ..fault_options()
    })
    .await;
    let addr = server.local_addr();
    let preflight = [
        ("Origin", "http://console.example"),
        ("Access-Control-Request-Method", "POST"),
        ("Access-Control-Request-Headers", "content-type"),
    ];
    let response = http(addr, "OPTIONS", "/api/faults/drop-all", &preflight).await;
    assert!((200..300).contains(&response.status), "{}", response.status);
    assert_eq!(
        response.header("access-control-allow-origin"),
        Some("http://console.example")
    );
    assert_eq!(response.header("vary"), Some("origin"));
    assert_eq!(
        response.header("access-control-allow-methods"),
        Some("GET, POST")
    );
    assert_eq!(
        response.header("access-control-allow-headers"),
        Some("content-type")
    );

    let response = get(addr, "/api/faults").await;
    assert_eq!(response.status, 200);
    // Not a browser (no Origin): no CORS header to give.
    assert_eq!(response.header("access-control-allow-origin"), None);
    assert_eq!(
        response.json(),
        json!({"faults_enabled":true,"refusing":false,"refusing_until":null,
               "silent":false,"silent_until":null,"rate_limit":null})
    );
    let s = stats(addr).await;
    for key in [
        "dropped",
        "lost",
        "delayed",
        "duplicated",
        "stopped",
        "silenced",
        "refused",
        "rate_limited",
        "closed_by_fault",
    ] {
        assert_eq!(faults(&s)[key], 0, "totals.faults.{key}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn bad_control_parameters_are_refused_with_400() {
    let server = start(fault_options()).await;
    let addr = server.local_addr();
    for (path, parameter) in [
        ("/api/faults/refuse", "seconds"),
        ("/api/faults/refuse?seconds=-1", "seconds"),
        ("/api/faults/silent?seconds=abc", "seconds"),
        ("/api/faults/silent?seconds=86401", "seconds"),
        ("/api/faults/rate-limit", "per_second"),
        ("/api/faults/rate-limit?per_second=10001", "per_second"),
    ] {
        let response = post(addr, path).await;
        assert_eq!(response.status, 400, "{path}");
        assert_eq!(response.json()["parameter"], parameter, "{path}");
    }
    assert_eq!(get(addr, "/api/faults/drop-all").await.status, 405);
    assert_eq!(
        get(addr, "/api/faults").await.json()["rate_limit"],
        Value::Null
    );
    server.shutdown().await;
}

#[tokio::test]
async fn drop_all_drops_every_client_abruptly() {
    let server = start(fault_options()).await;
    let addr = server.local_addr();
    let mut clients = Vec::new();
    for path in ["/ws", "/ws", "/api/v1/pam/ws/u1?token=dev-token"] {
        clients.push(connect_welcomed(addr, path).await.0);
    }
    assert_eq!(
        control(addr, "/api/faults/drop-all").await,
        json!({"dropped":3})
    );
    for ws in &mut clients {
        expect_dropped(ws).await;
    }
    let s = stats_when(addr, "three drops", |s| s["totals"]["closed"] == 3).await;
    assert_eq!(faults(&s)["dropped"], 3);
    // Only the connections open at the time are dropped.
    let (mut ws, _) = connect_welcomed(addr, "/ws").await;
    assert_eq!(request(&mut ws, &ping(1)).await["type"], "pong");
    close_and_stop(ws, server).await;
}

#[tokio::test]
async fn refuse_answers_503_for_the_period_then_accepts_again() {
    let server = start(fault_options()).await;
    let addr = server.local_addr();
    let (mut open, _) = connect_welcomed(addr, "/ws").await;
    let asked = Instant::now();
    let state = control(addr, "/api/faults/refuse?seconds=1").await;
    assert_eq!(state["refusing"], true);
    assert!(state["refusing_until"].as_u64().unwrap() > 1_600_000_000_000);
    let (status, _) = try_connect(addr, "/ws").await.map(|_| ()).unwrap_err();
    assert_eq!(status, 503);
    // A connection that was already open is not affected.
    assert_eq!(request(&mut open, &ping(1)).await["type"], "pong");

    let mut refused = 1;
    let mut ws = within("the refusal to end", async {
        loop {
            match try_connect(addr, "/ws").await {
                Ok(ws) => return ws,
                Err((503, _)) => refused += 1,
                Err(other) => panic!("expected 503, got {other:?}"),
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(asked.elapsed() >= Duration::from_secs(1));
    assert_eq!(next_json(&mut ws).await["type"], "connected");
    assert_eq!(faults(&stats(addr).await)["refused"], refused);
    close(ws).await;
    close(open).await;
    server.shutdown().await;
}

#[tokio::test]
async fn silent_answers_nothing_for_the_period_then_pongs_again() {
    let (server, mut ws) = serve_welcomed(fault_options(), "/ws").await;
    let addr = server.local_addr();
    let asked = Instant::now();
    let state = control(addr, "/api/faults/silent?seconds=1").await;
    assert_eq!(state["silent"], true);
    send_json(&mut ws, &ping("during")).await;
    stats_when(addr, "the ping to be read and discarded", |s| {
        faults(s)["silenced"] == 1
    })
    .await;
    within("the silence to end", async {
        while get(addr, "/api/faults").await.json()["silent"] == true {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(asked.elapsed() >= Duration::from_secs(1));
    // The first thing heard since is the answer to a ping sent after: the one sent during the
    // silence was never answered, and the connection was never closed.
    let pong = request(&mut ws, &ping("after")).await;
    assert_eq!(pong["id"], "after");
    close_and_stop(ws, server).await;
}

#[tokio::test]
async fn rate_limit_closes_with_4029_and_zero_turns_it_off() {
    let server = start(fault_options()).await;
    let addr = server.local_addr();
    assert_eq!(
        control(addr, "/api/faults/rate-limit?per_second=5").await["rate_limit"],
        5
    );
    let (mut ws, _) = connect_welcomed(addr, "/ws").await;
    for id in 0..10 {
        send_json(&mut ws, &ping(id)).await;
    }
    for id in 0..5 {
        assert_eq!(next_json(&mut ws).await["id"], id);
    }
    assert_eq!(
        expect_close(&mut ws).await,
        (4029, "rate limited".to_owned())
    );
    while let Some(Ok(_)) = ws.next().await {}
    let s = stats_when(addr, "the close", |s| s["totals"]["closed"] == 1).await;
    assert_eq!(faults(&s)["rate_limited"], 1);
    assert_eq!(s["connections"][0]["close_code"], 4029);

    assert!(control(addr, "/api/faults/rate-limit?per_second=0").await["rate_limit"].is_null());
    let (mut ws, _) = connect_welcomed(addr, "/ws").await;
    for id in 0..10 {
        send_json(&mut ws, &ping(id)).await;
    }
    for id in 0..10 {
        assert_eq!(next_json(&mut ws).await["id"], id);
    }
    close_and_stop(ws, server).await;
}

#[tokio::test]
async fn reset_clears_every_global_fault() {
    let server = start(fault_options()).await;
    let addr = server.local_addr();
    control(addr, "/api/faults/refuse?seconds=60").await;
    control(addr, "/api/faults/silent?seconds=60").await;
    let state = control(addr, "/api/faults/rate-limit?per_second=1").await;
    assert_eq!(
        (&state["refusing"], &state["silent"], &state["rate_limit"]),
        (&json!(true), &json!(true), &json!(1))
    );
    let cleared = control(addr, "/api/faults/reset").await;
    assert_eq!(cleared, get(addr, "/api/faults").await.json());
    assert_eq!(
        cleared,
        json!({"faults_enabled":true,"refusing":false,"refusing_until":null,
               "silent":false,"silent_until":null,"rate_limit":null})
    );
    let (mut ws, _) = connect_welcomed(addr, "/ws").await;
    for id in 0..3 {
        assert_eq!(request(&mut ws, &ping(id)).await["id"], id);
    }
    close_and_stop(ws, server).await;
}
