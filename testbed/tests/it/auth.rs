//! Token auth on `/api/v1/pam/ws/{user_id}`: query token, subprotocol token, JWT, and both
//! ways of refusing (close 1008 after the upgrade, or HTTP 401 before it).

use serde_json::json;
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::Error;

use crate::common::*;

fn now_s() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn query_token_is_accepted_and_the_user_comes_from_the_path() {
    let server = start(options()).await;
    let addr = server.local_addr();
    let (ws, welcome) = connect_welcomed(addr, "/api/v1/pam/ws/alice?token=dev-token").await;
    assert_eq!(welcome["authenticated"], true);
    assert_eq!(welcome["user"]["id"], "alice");
    let s = stats(addr).await;
    let conn = &s["connections"][0];
    assert_eq!(conn["path"], "/api/v1/pam/ws/alice");
    assert_eq!(conn["user_id"], "alice");
    assert_eq!(conn["authenticated"], true);
    assert_eq!(s["totals"]["rejected_auth"], 0);
    close_and_stop(ws, server).await;
}

#[tokio::test]
async fn configured_tokens_replace_the_default() {
    let server = start(testbed::Options {
        tokens: vec!["one".into(), "two".into()],
        ..options()
    })
    .await;
    let addr = server.local_addr();
    let (ws, welcome) = connect_welcomed(addr, "/api/v1/pam/ws/u?token=two").await;
    assert_eq!(welcome["authenticated"], true);
    close(ws).await;
    let mut ws = connect(addr, "/api/v1/pam/ws/u?token=dev-token").await;
    assert_eq!(expect_close(&mut ws).await.0, 1008);
    server.shutdown().await;
}

#[tokio::test]
async fn bad_or_missing_token_is_closed_with_1008_invalid_token() {
    let server = start(options()).await;
    let addr = server.local_addr();
    for path in ["/api/v1/pam/ws/bob?token=nope", "/api/v1/pam/ws/bob"] {
        let mut ws = connect(addr, path).await;
        // The close comes first: no welcome for a refused client.
        assert_eq!(
            expect_close(&mut ws).await,
            (1008, "invalid token".to_owned()),
            "{path}"
        );
    }
    let s = stats(addr).await;
    assert_eq!(s["totals"]["rejected_auth"], 2);
    assert_eq!(s["totals"]["accepted"], 0);
    server.shutdown().await;
}

#[tokio::test]
async fn reject_with_401_refuses_before_the_upgrade() {
    let server = start(testbed::Options {
        reject_with_401: true,
        ..options()
    })
    .await;
    let addr = server.local_addr();
    let url = format!("ws://{addr}/api/v1/pam/ws/bob?token=nope");
    match within("the refusal", connect_async(url.as_str())).await {
        Err(Error::Http(response)) => assert_eq!(response.status().as_u16(), 401),
        other => panic!("expected HTTP 401, got {other:?}"),
    }
    // A good token still gets in.
    let (ws, _) = connect_welcomed(addr, "/api/v1/pam/ws/bob?token=dev-token").await;
    let s = stats(addr).await;
    assert_eq!(s["totals"]["rejected_auth"], 1);
    assert_eq!(s["totals"]["accepted"], 1);
    close_and_stop(ws, server).await;
}

#[tokio::test]
async fn subprotocol_token_is_accepted_and_echoed() {
    let server = start(options()).await;
    let addr = server.local_addr();
    let (mut ws, chosen) =
        connect_with_protocols(addr, "/api/v1/pam/ws/carol", "json, dev-token").await;
    assert_eq!(chosen.as_deref(), Some("dev-token"));
    let welcome = next_json(&mut ws).await;
    assert_eq!(welcome["authenticated"], true);
    assert_eq!(welcome["user"]["id"], "carol");
    close_and_stop(ws, server).await;
}

#[tokio::test]
async fn bad_subprotocol_token_still_completes_the_handshake_then_closes_1008() {
    let server = start(options()).await;
    let (mut ws, chosen) =
        connect_with_protocols(server.local_addr(), "/api/v1/pam/ws/carol", "bogus").await;
    assert_eq!(chosen.as_deref(), Some("bogus"));
    assert_eq!(expect_close(&mut ws).await.0, 1008);
    server.shutdown().await;
}

#[tokio::test]
async fn jwt_signed_with_the_secret_is_accepted_and_an_expired_one_refused() {
    let server = start(testbed::Options {
        jwt_secret: Some("shh".into()),
        ..options()
    })
    .await;
    let addr = server.local_addr();
    let good = testbed::sign_jwt("shh", &json!({"sub":"dave","exp": now_s() + 600}));
    let (ws, welcome) = connect_welcomed(addr, &format!("/api/v1/pam/ws/dave?token={good}")).await;
    assert_eq!(welcome["authenticated"], true);
    close(ws).await;

    let expired = testbed::sign_jwt("shh", &json!({"sub":"dave","exp": now_s() - 1}));
    let mut ws = connect(addr, &format!("/api/v1/pam/ws/dave?token={expired}")).await;
    assert_eq!(expect_close(&mut ws).await.0, 1008);

    let (mut ws, _) = connect_welcomed(addr, "/ws").await;
    let ok = request(&mut ws, &json!({"type":"auth","token": good})).await;
    assert_eq!(ok, json!({"type":"auth_success","user":{"id":"dave"}}));
    close_and_stop(ws, server).await;
}

#[tokio::test]
async fn open_endpoint_marks_a_valid_query_token_as_authenticated() {
    let server = start(options()).await;
    let addr = server.local_addr();
    let (a, welcome) = connect_welcomed(addr, "/ws?token=dev-token").await;
    assert_eq!(welcome["authenticated"], true);
    let (b, welcome) = connect_welcomed(addr, "/ws?token=wrong").await;
    assert_eq!(welcome["authenticated"], false);
    assert_eq!(stats(addr).await["totals"]["rejected_auth"], 0);
    close(a).await;
    close(b).await;
    server.shutdown().await;
}
