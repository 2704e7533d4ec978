//! Server pushes on a timer (`?push_every_ms=N&push_count=K`): exactly K notifications,
//! in order, on either WebSocket route, and a bad value refused before the upgrade.

use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn each_connection_gets_exactly_its_pushes_in_order() {
    let server = start(options()).await;
    let addr = server.local_addr();
    let (mut a, _) = connect_welcomed(addr, "/ws?push_every_ms=20&push_count=3").await;
    let (mut b, _) = connect_welcomed(addr, "/ws?push_every_ms=10&push_count=5").await;
    for k in 1..=3 {
        let push = next_json(&mut a).await;
        assert_eq!(push["type"], "notification");
        assert_eq!(
            (push["seq"].as_u64(), push["of"].as_u64()),
            (Some(k), Some(3))
        );
    }
    for k in 1..=5 {
        assert_eq!(next_json(&mut b).await["seq"], k);
    }
    // After the last push only replies come: a ping's pong is the next frame.
    let pong = request(&mut a, &json!({"type":"ping","id":"after"})).await;
    assert_eq!(pong["type"], "pong");
    close(a).await;
    close(b).await;
    server.shutdown().await;
}

#[tokio::test]
async fn the_authenticated_route_pushes_too_and_zero_pushes_none() {
    let server = start(options()).await;
    let addr = server.local_addr();
    let token = testbed::DEFAULT_TOKEN;
    let path = format!("/api/v1/pam/ws/u1?token={token}&push_every_ms=10&push_count=2");
    let (mut ws, welcome) = connect_welcomed(addr, &path).await;
    assert_eq!(welcome["authenticated"], true);
    assert_eq!(next_json(&mut ws).await["seq"], 1);
    assert_eq!(next_json(&mut ws).await["seq"], 2);
    close(ws).await;
    let (mut none, _) = connect_welcomed(addr, "/ws?push_every_ms=10&push_count=0").await;
    let pong = request(&mut none, &json!({"type":"ping","id":"p"})).await;
    assert_eq!(pong["type"], "pong");
    close(none).await;
    server.shutdown().await;
}

#[tokio::test]
async fn bad_push_parameters_are_refused_with_the_name() {
    let server = start(options()).await;
    let addr = server.local_addr();
    for (query, name) in [
        ("push_every_ms=1", "push_every_ms"),
        ("push_every_ms=100&push_count=10001", "push_count"),
        ("push_count=3", "push_count"),
    ] {
        let body = refused_with_400(addr, &format!("/ws?{query}")).await;
        assert!(body.contains(name), "{query}: {body}");
    }
    server.shutdown().await;
}
