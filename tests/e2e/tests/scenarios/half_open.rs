//! The half-open server: the heartbeat finds it within interval + timeout.

use super::common::*;
use std::time::{Duration, Instant};
use ws_console_e2e::console::count;
use ws_console_e2e::{LONG, post_json, run, stat, wait_for};

#[tokio::test]
async fn a_half_open_server_is_detected_within_interval_plus_timeout() {
    run(faulty(), |ctx| async move {
        const INTERVAL_MS: u64 = 1000;
        const TIMEOUT_MS: u64 = 1000;
        ctx.open_more().await;
        ctx.set_checked("heartbeat-enabled", true).await;
        ctx.page
            .fill("heartbeat-interval", &INTERVAL_MS.to_string())
            .await;
        ctx.page
            .fill("heartbeat-timeout", &TIMEOUT_MS.to_string())
            .await;
        ctx.page.fill("reconnect-schedule", "0.2").await;
        ctx.page.fill("log-filter-text", "no pong").await;
        // Traffic is heartbeats only.
        ctx.start_sessions(5, 60_000).await;
        wait_for("a pong on every session", LONG, || async {
            let r = ctx.report().await;
            (count(&r, "/totals/counters/pongs") >= 5).then_some(())
        })
        .await;
        let posted = Instant::now();
        post_json(&format!("{}/api/faults/silent?seconds=10", ctx.origin)).await;
        let budget = Duration::from_millis(INTERVAL_MS + TIMEOUT_MS);
        // Slack: the 0.2 s backoff, the reconnect itself, and this test's polling.
        let slack = Duration::from_millis(1000);
        let took = wait_for(
            "every session detected dead and reconnected",
            budget + slack + LONG,
            || async {
                let reconnects = ctx.numbers("session-reconnects").await;
                (reconnects.len() == 5 && reconnects.iter().all(|n| *n >= 1))
                    .then(|| posted.elapsed())
            },
        )
        .await;
        assert!(
            took <= budget + slack,
            "every session reconnected {took:?} after the server went silent; allowed \
             {budget:?} (interval + timeout) + {slack:?}"
        );
        let report = ctx.report().await;
        let c = &report["totals"]["counters"];
        assert!(count(c, "/ping_timeouts") >= 5, "{c}");
        for (i, row) in report["sessions"].as_array().unwrap().iter().enumerate() {
            assert!(count(row, "/reconnects") >= 1, "session {i}: {row}");
            // Detected dead, not closed by the server: the server said nothing.
            assert!(count(row, "/drops") >= 1, "session {i}: {row}");
        }
        // The log (filtered to "no pong" above) names every session as dead; the log panel
        // moves on once a second while the run goes, so wait for it.
        let dead = format!("no pong within {TIMEOUT_MS} ms: socket treated as dead");
        wait_for("every session logged as dead", LONG, || async {
            let log = ctx.page.texts("log-entry").await;
            (0..5)
                .all(|i| {
                    let tag = format!("#{i}");
                    log.iter()
                        .any(|e| e.lines().any(|l| l.trim() == tag) && e.contains(&dead))
                })
                .then_some(())
        })
        .await;
        let stats = ctx.stats().await;
        assert!(stat(&stats, "/totals/faults/silenced") >= 5, "{stats}");
        // Once the server answers again, every session stays up.
        post_json(&format!("{}/api/faults/silent?seconds=0", ctx.origin)).await;
        ctx.wait_all_active(5, "every session connected again")
            .await;
        ctx
    })
    .await;
}
