//! The F10 bands edited in the guidelines panel change the verdicts, travel in the report,
//! refuse a set out of order with the reason, and reset to the defaults.

use super::common::*;
use ws_console_e2e::console::count;
use ws_console_e2e::{Ctx, LONG, run, wait_for};

/// Types `value` into the band `id` and leaves the field, as a person would (the band takes
/// it on change).
async fn set_band(ctx: &Ctx, id: &str, value: &str) {
    ctx.page.fill(id, value).await;
    ctx.page
        .eval("document.activeElement.blur(); return null")
        .await;
}

/// Opens the guidelines panel and sets the good, warning and critical bands of `measure`
/// (`threshold-{measure}-{band}`) to `values`, then checks no error is shown.
async fn set_bands(ctx: &Ctx, measure: &str, values: [&str; 3]) {
    ctx.page
        .eval("document.querySelector('[data-testid=\"guidelines\"]').open = true; return null")
        .await;
    for (band, v) in ["good", "warning", "critical"].into_iter().zip(values) {
        set_band(ctx, &format!("threshold-{measure}-{band}"), v).await;
    }
    assert_eq!(ctx.page.text("thresholds-error").await, "");
}

#[tokio::test]
async fn an_edited_band_changes_the_verdict_and_travels_in_the_report() {
    run(testbed::Options::default(), |ctx| async move {
        let before = ctx.short_load().await;
        assert_eq!(criterion(&before, "avg-rtt")["grade"], "PASS");
        // A loopback round trip takes well under a millisecond: bands far below it.
        set_bands(&ctx, "rtt", ["0.001", "0.002", "0.003"]).await;
        let after = ctx.short_load().await;
        assert_eq!(criterion(&after, "avg-rtt")["grade"], "FAIL");
        assert_eq!(after["verdict"], "FAIL");
        let t = &after["configuration"]["thresholds"];
        assert_eq!(
            (t["rtt_good_ms"].as_f64(), t["rtt_critical_ms"].as_f64()),
            (Some(0.001), Some(0.003))
        );
        // Out of order: said at once, and Start refuses it.
        set_band(&ctx, "threshold-rtt-good", "5").await;
        assert!(
            ctx.page
                .text("thresholds-error")
                .await
                .contains("0 < good ≤ warning ≤ critical")
        );
        // Back to the defaults: the error goes, the bands read as before.
        ctx.page.click("thresholds-reset").await;
        assert_eq!(ctx.page.text("thresholds-error").await, "");
        assert_eq!(ctx.page.value("threshold-rtt-good").await, "200");
        ctx
    })
    .await;
}

/// The manual run's report, once every session's socket has had its first frame (the
/// backend's welcome).
async fn judged(ctx: &Ctx, sessions: u64) -> serde_json::Value {
    wait_for("every session's first frame", LONG, || async {
        let r = ctx.report().await;
        (count(&r, "/totals/first_message_ms/count") >= sessions).then_some(r)
    })
    .await
}

#[tokio::test]
async fn connect_time_and_first_message_bands_judge_a_manual_run() {
    run(testbed::Options::default(), |ctx| async move {
        ctx.start_sessions(3, 60_000).await;
        let before = judged(&ctx, 3).await;
        assert_eq!(criterion(&before, "connect-time")["grade"], "PASS");
        assert_eq!(criterion(&before, "first-message")["grade"], "PASS");
        assert_eq!(
            criterion(&before, "connect-time")["target"],
            "< 500 ms (≥ 3 connections)"
        );
        ctx.page.click("stop").await;
        // A loopback handshake takes far more than a microsecond.
        set_bands(&ctx, "connect", ["0.001", "0.002", "0.003"]).await;
        ctx.start_sessions(3, 60_000).await;
        let after = judged(&ctx, 3).await;
        assert_eq!(criterion(&after, "connect-time")["grade"], "FAIL");
        assert_eq!(criterion(&after, "first-message")["grade"], "PASS");
        assert_eq!(after["verdict"], "FAIL");
        let card = ctx
            .page
            .eval("return document.querySelector('[data-testid=\"metric-connect-time-card\"]').className")
            .await;
        assert!(card.as_str().unwrap_or("").contains("critical"), "{card}");
        ctx
    })
    .await;
}
