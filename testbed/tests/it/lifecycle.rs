//! Starting and stopping: shutdown closes every client and frees the port.

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

use crate::common::*;

#[tokio::test]
async fn shutdown_closes_every_client_with_1001_and_frees_the_port() {
    let server = start(options()).await;
    let addr = server.local_addr();
    let mut clients = Vec::new();
    for _ in 0..3 {
        clients.push(connect_welcomed(addr, "/ws").await.0);
    }
    // Clients must keep reading to answer the close; run them while the server stops.
    let readers: Vec<_> = clients
        .into_iter()
        .map(|mut ws| {
            tokio::spawn(async move {
                let close = expect_close(&mut ws).await;
                while let Some(Ok(_)) = ws.next().await {}
                close
            })
        })
        .collect();
    within("shutdown", server.shutdown()).await;
    for reader in readers {
        let (code, reason) = within("a client's close", reader).await.unwrap();
        assert_eq!(code, 1001);
        assert_eq!(reason, "server shutting down");
    }
    let rebound = TcpListener::bind(addr).await;
    assert!(rebound.is_ok(), "port still taken: {rebound:?}");
}

#[tokio::test]
async fn shutdown_does_not_wait_for_a_client_that_never_answers_the_close() {
    let server = start(options()).await;
    let addr = server.local_addr();
    // Never read again, so the client never answers the server's close frame.
    let (_silent, _) = connect_welcomed(addr, "/ws").await;
    within("shutdown", server.shutdown()).await;
    assert!(TcpListener::bind(addr).await.is_ok());
}

#[tokio::test]
async fn two_servers_run_side_by_side_on_port_zero() {
    let a = start(options()).await;
    let b = start(options()).await;
    assert_ne!(a.local_addr(), b.local_addr());
    let (ws, _) = connect_welcomed(b.local_addr(), "/ws").await;
    assert_eq!(stats(a.local_addr()).await["totals"]["accepted"], 0);
    assert_eq!(stats(b.local_addr()).await["totals"]["accepted"], 1);
    close(ws).await;
    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test]
async fn shutdown_does_not_hang_on_a_client_that_floods_and_never_reads() {
    let (server, ws) = serve_welcomed(options(), "/ws").await;
    let addr = server.local_addr();
    // A megabyte echo per message soon fills the socket buffers (on Linux loopback the server
    // stalls after about five), leaving the session stuck in a send that no close can follow.
    let flood = tokio::spawn(async move {
        let mut ws = ws;
        let big = serde_json::json!({"type":"message","data":"x".repeat(1 << 20)}).to_string();
        for _ in 0..100 {
            if ws.send(Message::text(big.clone())).await.is_err() {
                break;
            }
        }
        ws
    });
    stats_when(addr, "the server to read 3 MB", |s| {
        s["totals"]["received"].as_u64() >= Some(3)
    })
    .await;
    within("shutdown", server.shutdown()).await;
    assert!(TcpListener::bind(addr).await.is_ok());
    flood.abort();
}
