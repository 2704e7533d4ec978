//! Many clients at once: counts stay exact and history stays bounded.

use serde_json::json;
use testbed::CLOSED_HISTORY;

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_clients_ten_messages_each_are_counted_exactly() {
    const CLIENTS: u64 = 200;
    const MESSAGES: u64 = 10;
    let server = start(options()).await;
    let addr = server.local_addr();

    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        clients.push(tokio::spawn(async move {
            let (mut ws, _) = connect_welcomed(addr, "/ws").await;
            for m in 0..MESSAGES {
                let id = format!("{c}-{m}");
                let reply = request(&mut ws, &json!({"type":"message","id":id})).await;
                assert_eq!(reply["request_id"], id.as_str());
            }
            ws
        }));
    }
    let mut sockets = Vec::new();
    for client in clients {
        sockets.push(within("a client", client).await.expect("client task"));
    }

    let s = stats(addr).await;
    let t = &s["totals"];
    assert_eq!(t["accepted"], CLIENTS);
    assert_eq!(t["open"], CLIENTS);
    assert_eq!(t["received"], CLIENTS * MESSAGES);
    assert_eq!(t["received_by_type"]["message"], CLIENTS * MESSAGES);
    assert_eq!(t["sent"], CLIENTS * (MESSAGES + 1));
    assert_eq!(t["sent_by_type"]["chat_response"], CLIENTS * MESSAGES);
    assert_eq!(t["sent_by_type"]["connected"], CLIENTS);
    let conns = s["connections"].as_array().unwrap();
    assert_eq!(conns.len() as u64, CLIENTS);
    for c in conns {
        assert_eq!(
            (c["received"].as_u64(), c["sent"].as_u64()),
            (Some(MESSAGES), Some(MESSAGES + 1))
        );
    }
    assert_eq!(get(addr, "/health").await.json()["connections"], CLIENTS);

    for ws in sockets {
        close(ws).await;
    }
    let s = stats_when(addr, "every close", |s| s["totals"]["closed"] == CLIENTS).await;
    assert_eq!(s["totals"]["open"], 0);
    assert!(
        s["connections"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["close_code"] == 1000)
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_connection_history_is_bounded_to_the_most_recent() {
    const EXTRA: usize = 5;
    let server = start(options()).await;
    let addr = server.local_addr();

    // The first few, closed one by one, are the oldest and must be forgotten.
    for _ in 0..EXTRA {
        close(connect_welcomed(addr, "/ws").await.0).await;
    }
    let first = stats_when(addr, "the first closes", |s| s["totals"]["closed"] == EXTRA).await;
    let oldest: Vec<_> = first["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].clone())
        .collect();
    assert_eq!(oldest.len(), EXTRA);

    for _ in 0..CLOSED_HISTORY / 50 {
        let batch: Vec<_> = (0..50)
            .map(|_| {
                tokio::spawn(async move { close(connect_welcomed(addr, "/ws").await.0).await })
            })
            .collect();
        for task in batch {
            within("a batch", task).await.expect("client task");
        }
    }
    let total = CLOSED_HISTORY + EXTRA;
    let s = stats_when(addr, "all closes", |s| s["totals"]["closed"] == total).await;
    let kept = s["connections"].as_array().unwrap();
    assert_eq!(kept.len(), CLOSED_HISTORY);
    assert!(kept.iter().all(|c| !oldest.contains(&c["id"])));
    assert_eq!(s["totals"]["accepted"], total);
    server.shutdown().await;
}
