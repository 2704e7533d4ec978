//! Every message of the default protocol, over a real socket.

use futures_util::SinkExt;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use crate::common::*;

#[tokio::test]
async fn welcome_names_the_user_and_capabilities() {
    let server = start(options()).await;
    let (ws, welcome) = connect_welcomed(server.local_addr(), "/ws").await;
    assert_eq!(welcome["authenticated"], false);
    assert_eq!(welcome["user"]["id"], "anonymous");
    assert_eq!(
        welcome["capabilities"],
        json!(["ping", "message", "broadcast", "auth", "binary"])
    );
    assert!(welcome["timestamp"].as_u64().unwrap() > 1_600_000_000_000);
    close_and_stop(ws, server).await;
}

#[tokio::test]
async fn ping_is_answered_with_pong_carrying_the_id() {
    let (server, mut ws) = serve_welcomed(options(), "/ws").await;
    let pong = request(&mut ws, &json!({"type":"ping","id":"p-1"})).await;
    assert_eq!(pong["type"], "pong");
    assert_eq!(pong["id"], "p-1");
    assert!(pong["timestamp"].is_u64());
    close_and_stop(ws, server).await;
}

#[tokio::test]
async fn message_is_echoed_in_a_chat_response_with_request_id() {
    let (server, mut ws) = serve_welcomed(options(), "/ws").await;
    let sent = json!({"type":"message","id":42,"text":"hello","nested":{"a":[1,2]}});
    let reply = request(&mut ws, &sent).await;
    assert_eq!(reply["type"], "chat_response");
    assert_eq!(reply["id"], 42);
    assert_eq!(reply["request_id"], 42);
    assert_eq!(reply["echo"], sent);

    let reply = request(&mut ws, &json!({"type":"message","text":"no id"})).await;
    assert!(
        reply["id"].is_null() && reply["request_id"].is_null(),
        "{reply}"
    );
    assert_eq!(reply["echo"]["text"], "no id");
    close_and_stop(ws, server).await;
}

#[tokio::test]
async fn broadcast_reaches_every_open_session_including_the_sender() {
    let server = start(options()).await;
    let addr = server.local_addr();
    let mut clients = Vec::new();
    for _ in 0..4 {
        clients.push(connect_welcomed(addr, "/ws").await.0);
    }
    let open = stats_when(addr, "4 open sessions", |s| s["totals"]["open"] == 4).await;
    let sender_id = open["connections"][0]["id"].clone();

    let sent = json!({"type":"broadcast","id":"b-1","text":"to all"});
    send_json(&mut clients[0], &sent).await;
    for ws in &mut clients {
        let got = next_json(ws).await;
        assert_eq!(got["type"], "broadcast");
        assert_eq!(got["id"], "b-1");
        assert_eq!(got["from"], sender_id);
        assert_eq!(got["payload"], sent);
    }
    let s = stats(addr).await;
    assert_eq!(s["totals"]["sent_by_type"]["broadcast"], 4);
    assert_eq!(s["totals"]["broadcast_dropped"], 0);
    for ws in clients {
        close(ws).await;
    }
    server.shutdown().await;
}

#[tokio::test]
async fn first_message_auth_succeeds_with_a_good_token_and_errs_with_a_bad_one() {
    let (server, mut ws) = serve_welcomed(options(), "/ws").await;
    let addr = server.local_addr();

    let err = request(&mut ws, &json!({"type":"auth","token":"wrong"})).await;
    assert_eq!(err, json!({"type":"auth_error","reason":"invalid token"}));
    let err = request(&mut ws, &json!({"type":"auth"})).await;
    assert_eq!(err["type"], "auth_error");
    // Still open after a failed attempt.
    assert_eq!(
        request(&mut ws, &json!({"type":"ping","id":1})).await["type"],
        "pong"
    );

    let ok = request(&mut ws, &json!({"type":"auth","token":"dev-token"})).await;
    assert_eq!(ok, json!({"type":"auth_success","user":{"id":"anonymous"}}));
    let s = stats(addr).await;
    assert_eq!(s["connections"][0]["authenticated"], true);
    close_and_stop(ws, server).await;
}

#[tokio::test]
async fn malformed_json_is_reported_and_the_connection_stays_open() {
    let (server, mut ws) = serve_welcomed(options(), "/ws").await;
    let addr = server.local_addr();
    for text in ["not json", "{\"type\":", "[1,2,3]", "17"] {
        ws.send(Message::text(text)).await.unwrap();
        let err = next_json(&mut ws).await;
        assert_eq!(err["type"], "error", "{text}");
        assert_eq!(err["code"], "malformed_json", "{text}");
        assert!(err["message"].is_string());
    }
    assert_eq!(
        request(&mut ws, &json!({"type":"ping","id":9})).await["id"],
        9
    );
    let s = stats(addr).await;
    assert_eq!(s["totals"]["malformed"], 4);
    assert_eq!(s["totals"]["received_by_type"]["(malformed)"], 4);
    close_and_stop(ws, server).await;
}

#[tokio::test]
async fn unknown_type_is_reported_and_the_connection_stays_open() {
    let (server, mut ws) = serve_welcomed(options(), "/ws").await;
    let err = request(&mut ws, &json!({"type":"teleport","id":1})).await;
    assert_eq!(err["type"], "error");
    assert_eq!(err["code"], "unknown_type");
    assert_eq!(err["received_type"], "teleport");
    let err = request(&mut ws, &json!({"id":2})).await;
    assert_eq!(err["code"], "unknown_type");
    assert!(err["received_type"].is_null());
    assert_eq!(
        request(&mut ws, &json!({"type":"ping","id":3})).await["type"],
        "pong"
    );
    close_and_stop(ws, server).await;
}

#[tokio::test]
async fn binary_frames_are_echoed_as_binary() {
    let (server, mut ws) = serve_welcomed(options(), "/ws").await;
    let addr = server.local_addr();
    let payload: Vec<u8> = (0..=255).collect();
    ws.send(Message::binary(payload.clone())).await.unwrap();
    match next_frame(&mut ws).await {
        Message::Binary(echo) => assert_eq!(echo.as_ref(), payload.as_slice()),
        other => panic!("expected binary, got {other:?}"),
    }
    let s = stats(addr).await;
    assert_eq!(s["totals"]["binary_received"], 1);
    assert_eq!(s["totals"]["sent_by_type"]["(binary)"], 1);
    close_and_stop(ws, server).await;
}

#[tokio::test]
async fn one_megabyte_messages_are_accepted_text_and_binary() {
    let (server, mut ws) = serve_welcomed(options(), "/ws").await;
    let big = "x".repeat(1 << 20);
    let reply = request(&mut ws, &json!({"type":"message","id":"big","data":big})).await;
    assert_eq!(reply["request_id"], "big");
    assert_eq!(reply["echo"]["data"].as_str().map(str::len), Some(1 << 20));

    let blob = vec![7u8; 3 << 20];
    ws.send(Message::binary(blob.clone())).await.unwrap();
    match next_frame(&mut ws).await {
        Message::Binary(echo) => assert_eq!(echo.len(), blob.len()),
        other => panic!("expected binary, got {other:?}"),
    }
    close_and_stop(ws, server).await;
}

#[tokio::test]
async fn control_ping_is_answered_with_pong_and_not_counted() {
    let (server, mut ws) = serve_welcomed(options(), "/ws").await;
    let addr = server.local_addr();
    ws.send(Message::Ping(b"are you there".to_vec().into()))
        .await
        .unwrap();
    let pong = within("a pong frame", async {
        loop {
            use futures_util::StreamExt;
            match ws.next().await {
                Some(Ok(Message::Pong(data))) => return data,
                Some(Ok(_)) => continue,
                other => panic!("connection ended: {other:?}"),
            }
        }
    })
    .await;
    assert_eq!(pong.as_ref(), b"are you there");
    assert_eq!(stats(addr).await["totals"]["received"], 0);
    close_and_stop(ws, server).await;
}
