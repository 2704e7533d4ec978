//! The whole chain: Rust → wasm → page in Chromium → real WebSockets → the real test backend.

use ws_console_e2e::console::count;
use ws_console_e2e::{Ctx, LONG, per_connection, run, stat, stat_by_type, wait_for};

/// Waits until the page has sent at least `sent` messages and both sides' counts agree
/// exactly (what the page sent, the server received, and the other way round); returns the
/// server's stats.
async fn counts_agree(ctx: &Ctx, sent: u64) -> serde_json::Value {
    wait_for("page and server counts to agree", LONG, || async {
        let made = ctx.metric("metric-sent").await;
        let received = ctx.metric("metric-received").await;
        let stats = ctx.stats().await;
        let agree = made >= sent
            && made == stat_by_type(&stats, "/totals/received_by_type", "message")
            && received == stat(&stats, "/totals/sent");
        agree.then_some(stats)
    })
    .await
}

#[tokio::test]
async fn fifteen_sessions_count_exactly_what_the_server_counts() {
    run(testbed::Options::default(), |ctx| async move {
        // A long interval: traffic comes only from the Send-to-all button, so counts settle.
        ctx.start_sessions(15, 60_000).await;
        assert_eq!(ctx.page.texts("session-row").await.len(), 15);
        for _ in 0..3 {
            ctx.page.click("broadcast").await;
        }
        // Quiescent now: both sides' counts converge and must then agree exactly.
        let stats = counts_agree(&ctx, 45).await;
        assert_eq!(stat(&stats, "/totals/open"), 15, "{stats}");
        assert_eq!(ctx.page.text("metric-active").await, "15 / 15");
        assert_eq!(ctx.page.text("metric-success-rate").await, "100.0 %");
        assert_eq!(ctx.metric("metric-errors").await, 0);
        assert_eq!(ctx.metric("metric-reconnects").await, 0);
        assert!(ctx.page.text("metric-rtt-avg").await.ends_with(" ms"));
        assert!(ctx.page.text("metric-rtt-p95").await.ends_with(" ms"));
        assert!(
            ctx.page.text("metric-memory").await.ends_with(" MB"),
            "Chromium reports heap figures"
        );
        // Served cross-origin isolated, so RTTs are stamped with the 5 µs clock.
        assert_eq!(
            ctx.page.eval("return window.crossOriginIsolated").await,
            serde_json::json!(true)
        );
        assert!(
            ctx.page.text("clock-precision").await.starts_with("5 µs"),
            "the environment panel says which clock measures"
        );
        assert!(
            ctx.page
                .text("stamped-in")
                .await
                .starts_with("a socket worker"),
            "under the backend's policy, the sockets are stamped off the page's thread"
        );
        // Per session: the rows' counts are the server's per-connection counts (the rows move
        // on once a second while a run goes, so they may lag the cards by that much).
        let mut server_rows: Vec<u64> = per_connection(&stats, "/received_by_type/message");
        server_rows.sort_unstable();
        let page_rows = wait_for(
            "the session rows to show the server's counts",
            LONG,
            || async {
                let mut rows = ctx.numbers("session-sent").await;
                rows.sort_unstable();
                (rows == server_rows).then_some(rows)
            },
        )
        .await;
        assert!(
            page_rows.iter().all(|n| *n >= 3),
            "Send to all reached every session: {page_rows:?}"
        );
        ctx
    })
    .await;
}

#[tokio::test]
async fn a_page_that_allows_no_worker_keeps_its_sockets_and_counts_the_same() {
    run(testbed::Options::default(), |ctx| async move {
        // As a browser without workers, or a host whose policy refuses blob: workers, would.
        ctx.page
            .eval("window.Worker = undefined; return null")
            .await;
        ctx.start_sessions(3, 60_000).await;
        ctx.page.click("broadcast").await;
        counts_agree(&ctx, 3).await;
        assert!(
            ctx.page
                .text("stamped-in")
                .await
                .starts_with("the page's thread"),
            "the environment panel says where the stamps are taken"
        );
        assert_eq!(ctx.page.text("metric-success-rate").await, "100.0 %");
        ctx
    })
    .await;
}

#[tokio::test]
async fn a_socket_worker_that_fails_mid_run_hands_its_sessions_to_the_page() {
    run(testbed::Options::default(), |ctx| async move {
        // Keep a handle on the worker the console starts, to fail it as a crash would.
        ctx.page
            .eval(
                "const W = window.Worker; window.Worker = function (u, o) { \
                 const w = new W(u, o); window.__socketWorker = w; return w; }; return null",
            )
            .await;
        ctx.start_sessions(3, 100).await;
        wait_for("replies through the worker", LONG, || async {
            (ctx.metric("metric-sent").await >= 9).then_some(())
        })
        .await;
        ctx.page
            .eval("window.__socketWorker.dispatchEvent(new Event('error')); return null")
            .await;
        wait_for("the environment panel to say so", LONG, || async {
            let text = ctx.page.text("stamped-in").await;
            text.starts_with("a socket worker until it failed")
                .then_some(())
        })
        .await;
        ctx.wait_all_active(3, "every session back").await;
        let before = count(&ctx.report().await, "/totals/counters/matched");
        let report = wait_for("replies on the page's sockets", LONG, || async {
            let r = ctx.report().await;
            (count(&r, "/totals/counters/matched") >= before + 9).then_some(r)
        })
        .await;
        assert_eq!(report["run"]["stamped_in"], "worker-then-page");
        // The worker's sockets closed under their messages: those count as lost, nothing else.
        let c = &report["totals"]["counters"];
        assert_eq!(
            count(c, "/sent"),
            count(c, "/matched") + count(c, "/lost") + count(c, "/pending"),
            "{c}"
        );
        ctx
    })
    .await;
}

#[tokio::test]
async fn sessions_send_every_interval_and_stop_closes_every_socket() {
    run(testbed::Options::default(), |ctx| async move {
        ctx.start_sessions(5, 100).await;
        wait_for("each of 5 sessions sent 3 messages", LONG, || async {
            let rows = ctx.numbers("session-sent").await;
            (rows.len() == 5 && rows.iter().all(|n| *n >= 3)).then_some(())
        })
        .await;
        ctx.page.screenshot("console-mid-run").await;
        ctx.page.click("stop").await;
        let stats = wait_for("the server to see every socket closed", LONG, || async {
            let s = ctx.stats().await;
            (stat(&s, "/totals/open") == 0 && stat(&s, "/totals/closed") == 5).then_some(s)
        })
        .await;
        ctx.page
            .wait_text(
                "metric-active",
                "0 / 5",
                "the page to show no active session",
            )
            .await;
        let sent = ctx.metric("metric-sent").await;
        assert_eq!(
            sent,
            stat_by_type(&stats, "/totals/received_by_type", "message"),
            "{stats}"
        );
        let closes: Vec<u64> = per_connection(&stats, "/close_code");
        assert_eq!(
            closes,
            vec![1000; 5],
            "every socket closed normally by the console"
        );
        ctx
    })
    .await;
}

/// Every test ends by requiring that the console reported no CSP violation. That is worth
/// something only if a violation does reach the backend: a page whose inline script is allowed
/// by its hash, but whose `style` attribute is not, must run that script and be reported.
#[tokio::test]
async fn a_page_that_breaks_its_csp_is_reported_to_the_backend() {
    let dir = std::env::temp_dir().join(format!("wsc-csp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    let page = "<!doctype html><title>before</title><p style=\"color: red\">styled inline</p>\
                <script>document.title = 'ran'</script>";
    std::fs::write(dir.join("violation.html"), page).expect("page written");
    let server = testbed::start(testbed::Options {
        addr: "127.0.0.1:0".parse().expect("loopback address"),
        static_dir: Some(dir.clone()),
        ..testbed::Options::default()
    })
    .await
    .expect("test backend starts");
    let origin = format!("http://{}", server.local_addr());
    let browser = ws_console_e2e::Page::launch(&format!("{origin}/violation.html")).await;
    let title = browser.eval("return document.title").await;
    wait_for("the style attribute's violation report", LONG, || async {
        let stats = ws_console_e2e::get_json(&format!("{origin}/api/ws/stats")).await;
        (stat(&stats, "/totals/csp_violations") > 0).then_some(())
    })
    .await;
    browser.close().await;
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        title,
        serde_json::json!("ran"),
        "the hashed inline script ran"
    );
}
