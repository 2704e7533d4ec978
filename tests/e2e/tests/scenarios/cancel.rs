//! Cancelling a scenario.

use super::common::*;
use ws_console_e2e::{LONG, per_connection, run, stat, wait_for};

#[tokio::test]
async fn a_cancelled_load_scenario_closes_every_socket() {
    run(testbed::Options::default(), |ctx| async move {
        choose(&ctx, "load", "sessions=5 interval=100 duration=60").await;
        ctx.start_scenario().await;
        wait_for(
            "the load phase with traffic on every session",
            LONG,
            || async {
                let sent = ctx.numbers("session-sent").await;
                (ctx.page.text("scenario-phase").await == "load"
                    && sent.len() == 5
                    && sent.iter().all(|n| *n >= 3))
                .then_some(())
            },
        )
        .await;
        assert_eq!(stat(&ctx.stats().await, "/totals/open"), 5);
        ctx.page.click("scenario-cancel").await;
        assert_eq!(ctx.scenario_end(LONG).await, "cancelled");
        let stats = all_closed_server_side(&ctx).await;
        assert_eq!(stat(&stats, "/totals/closed"), 5, "{stats}");
        let closes: Vec<u64> = per_connection(&stats, "/close_code");
        assert_eq!(closes, vec![1000; 5], "closed normally by the console");
        let report = ctx.report().await;
        check_report(&report, "load", "cancelled", 5);
        let completion = criterion(&report, "completion");
        assert_eq!(completion["grade"], "WARN", "{completion}");
        let done = completion["value"].as_f64().unwrap();
        assert!(done < 50.0, "cancelled early in a 60 s run: {completion}");
        assert_eq!(report["verdict"], "WARN");
        assert_eq!(ctx.page.text("scenario-status").await, "cancelled");
        assert_eq!(ctx.page.text("run-status").await, "idle");
        let disabled = ctx
            .page
            .eval("return document.querySelector('[data-testid=\"scenario-cancel\"]').disabled")
            .await;
        assert_eq!(disabled, serde_json::json!(true), "nothing left to cancel");
        check_verdict_panel(&ctx, &report).await;
        ctx
    })
    .await;
}
