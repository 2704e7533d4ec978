//! The whole chain: Rust → wasm → page in Chromium → real WebSockets → the real test backend.

use std::time::Duration;
use ws_console_e2e::{Ctx, run, wait_for};

const LONG: Duration = Duration::from_secs(30);

fn number(text: &str) -> u64 {
    text.trim()
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {text:?}"))
}

fn total(stats: &serde_json::Value, path: &str) -> u64 {
    stats
        .pointer(path)
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0)
}

async fn start_sessions(ctx: &Ctx, sessions: u32, interval_ms: u32) {
    ctx.page.fill("session-count", &sessions.to_string()).await;
    ctx.page
        .fill("send-interval", &interval_ms.to_string())
        .await;
    ctx.page.click("start").await;
    let want = format!("{sessions} / {sessions}");
    wait_for("every session connected", LONG, || async {
        (ctx.page.text("metric-active").await == want).then_some(())
    })
    .await;
}

#[tokio::test]
async fn fifteen_sessions_count_exactly_what_the_server_counts() {
    run(testbed::Options::default(), |ctx| async move {
        // A long interval: traffic comes only from the Broadcast button, so counts settle.
        start_sessions(&ctx, 15, 60_000).await;
        assert_eq!(ctx.page.texts("session-row").await.len(), 15);
        for _ in 0..3 {
            ctx.page.click("broadcast").await;
        }
        // Quiescent now: both sides' counts converge and must then agree exactly.
        let stats = wait_for("page and server counts to agree", LONG, || async {
            let sent = number(&ctx.page.text("metric-sent").await);
            let received = number(&ctx.page.text("metric-received").await);
            let stats = ctx.stats().await;
            let agree = sent >= 45
                && sent == total(&stats, "/totals/received_by_type/message")
                && received == total(&stats, "/totals/sent");
            agree.then_some(stats)
        })
        .await;
        assert_eq!(total(&stats, "/totals/open"), 15, "{stats}");
        assert_eq!(ctx.page.text("metric-success-rate").await, "100.0 %");
        // Per session: every row's sent equals its connection's count on the server.
        let mut page_rows: Vec<u64> = Vec::new();
        for t in ctx.page.texts("session-sent").await {
            page_rows.push(number(&t));
        }
        let mut server_rows: Vec<u64> = stats["connections"]
            .as_array()
            .expect("connections")
            .iter()
            .map(|c| total(c, "/received_by_type/message"))
            .collect();
        page_rows.sort_unstable();
        server_rows.sort_unstable();
        assert_eq!(page_rows, server_rows);
        ctx
    })
    .await;
}

#[tokio::test]
async fn sessions_send_every_interval_and_stop_closes_every_socket() {
    run(testbed::Options::default(), |ctx| async move {
        start_sessions(&ctx, 5, 100).await;
        wait_for("each of 5 sessions sent 3 messages", LONG, || async {
            let rows = ctx.page.texts("session-sent").await;
            (rows.len() == 5 && rows.iter().all(|t| number(t) >= 3)).then_some(())
        })
        .await;
        ctx.page.click("stop").await;
        let stats = wait_for("the server to see every socket closed", LONG, || async {
            let s = ctx.stats().await;
            (total(&s, "/totals/open") == 0 && total(&s, "/totals/closed") == 5).then_some(s)
        })
        .await;
        wait_for("the page to show no active session", LONG, || async {
            (ctx.page.text("metric-active").await == "0 / 5").then_some(())
        })
        .await;
        let sent = number(&ctx.page.text("metric-sent").await);
        assert_eq!(
            sent,
            total(&stats, "/totals/received_by_type/message"),
            "{stats}"
        );
        let shot = ctx.page.screenshot("walking-skeleton").await;
        assert!(std::fs::metadata(shot).expect("screenshot saved").len() > 1000);
        ctx
    })
    .await;
}
