//! Several endpoints in one receive-only run, end to end (issue 13): three endpoint lines,
//! six sessions spread two per endpoint, automatic sending off, and the backend pushing a
//! known number of notifications on each connection (`push_every_ms`, `push_count`). The
//! console must show — and report — a row per endpoint with its sessions, connected count
//! and pushes, and judge every endpoint's pushes consistent. With one endpoint's sessions
//! pushed unequal numbers (`push_count={session}`), the criterion fails and states the
//! spread. A line that is not a URL is named, and nothing starts.

use serde_json::Value;
use ws_console_e2e::console::count;
use ws_console_e2e::{Ctx, LONG, run, wait_for};

/// Five pushes per connection on each endpoint, at three rates, the third behind a token.
const THREE: &str = "/ws?push_every_ms=100&push_count=5\n\
                     /ws?push_every_ms=150&push_count=5\n\
                     /api/v1/pam/ws/{user_id}?token={token}&push_every_ms=120&push_count=5";

/// Every criterion of `report` with id `id`.
fn criterion<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["criteria"]
        .as_array()
        .expect("criteria[]")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no {id} criterion: {report:#}"))
}

/// Types the endpoint lines and starts `sessions` receive-only sessions.
async fn start_receive_only(ctx: &Ctx, endpoints: &str, sessions: u32) {
    ctx.page.fill("endpoint-url", endpoints).await;
    ctx.set_checked("auto-send", false).await;
    ctx.start_sessions(sessions, 1000).await;
}

/// Waits until the report counts `pushes` in all and the table shows as many.
async fn pushes_in(ctx: &Ctx, pushes: u64) -> Value {
    wait_for(
        "every push in, shown in the endpoint rows",
        LONG,
        || async {
            let report = ctx.report().await;
            if count(&report, "/totals/counters/pushes") != pushes {
                return None;
            }
            let shown: u64 = ctx.numbers("endpoint-pushes").await.iter().sum();
            (shown == pushes).then_some(report)
        },
    )
    .await
}

#[tokio::test]
async fn a_three_endpoint_receive_only_run_reports_per_endpoint() {
    run(testbed::Options::default(), |ctx| async move {
        let hidden = "return document.querySelector('[data-testid=endpoint-table]').hidden";
        assert_eq!(ctx.page.eval(hidden).await, Value::Bool(true));

        // A bad line is named, and nothing starts.
        ctx.page.fill("endpoint-url", "/ws\n\nnot a url").await;
        ctx.page.click("start").await;
        let error = ctx.page.text("endpoint-url-error").await;
        assert!(error.starts_with("Line 3: "), "{error:?}");
        assert_eq!(ctx.page.text("run-status").await, "idle");

        ctx.page.fill("user-id", "qa-7").await;
        ctx.page.fill("token", testbed::DEFAULT_TOKEN).await;
        start_receive_only(&ctx, THREE, 6).await;
        assert_eq!(ctx.page.eval(hidden).await, Value::Bool(false));
        let report = pushes_in(&ctx, 30).await;

        // The page: three rows, two sessions each, both connected, ten pushes, 5–5, PASS.
        assert_eq!(ctx.page.texts("endpoint-row").await.len(), 3);
        assert_eq!(ctx.numbers("endpoint-sessions").await, [2, 2, 2]);
        assert_eq!(ctx.numbers("endpoint-connected").await, [2, 2, 2]);
        assert_eq!(ctx.page.texts("endpoint-status").await, ["all"; 3]);
        assert_eq!(ctx.numbers("endpoint-pushes").await, [10, 10, 10]);
        assert_eq!(ctx.page.texts("endpoint-spread").await, ["5–5"; 3]);
        assert_eq!(ctx.numbers("endpoint-sent").await, [0, 0, 0]);
        assert_eq!(ctx.page.texts("endpoint-consistency").await, ["PASS"; 3]);
        assert_eq!(
            ctx.page.texts("session-endpoint").await,
            ["#1", "#2", "#3", "#1", "#2", "#3"]
        );
        let urls = ctx.page.texts("endpoint-shown-url").await;
        assert!(
            urls[2].contains("/api/v1/pam/ws/qa-7?token=[redacted]"),
            "{urls:?}"
        );

        // The report: the same figures, per endpoint.
        let rows = report["endpoints"].as_array().expect("endpoints[]");
        assert_eq!(rows.len(), 3, "{report:#}");
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(count(row, "/endpoint"), i as u64 + 1);
            assert_eq!(count(row, "/sessions"), 2);
            assert_eq!(count(row, "/connected"), 2);
            assert_eq!(count(row, "/connects"), 2);
            assert_eq!(count(row, "/errors"), 0);
            assert_eq!(count(row, "/sent"), 0);
            assert_eq!(count(row, "/pushes"), 10);
            assert_eq!(
                (count(row, "/pushes_min"), count(row, "/pushes_max")),
                (5, 5)
            );
            assert_eq!(count(row, "/connect_time_ms/count"), 2);
            assert_eq!(count(row, "/first_message_ms/count"), 2);
            assert_eq!(row["status"], "all");
            assert_eq!(row["consistency"], "PASS");
        }
        let text = report.to_string();
        assert!(!text.contains(testbed::DEFAULT_TOKEN), "the token leaked");
        let c = criterion(&report, "push-consistency");
        assert_eq!(c["grade"], "PASS", "{c}");
        assert_eq!(c["measured"], "largest: endpoint #3, spread 0 (5–5 pushes)");
        // Nothing sent is no message-success failure; the first message is judged.
        assert_eq!(criterion(&report, "message-success")["grade"], "SKIP");
        assert_eq!(criterion(&report, "first-message")["grade"], "PASS");
        assert_eq!(report["verdict"], "PASS", "{:#}", report["criteria"]);
        ctx
    })
    .await;
}

#[tokio::test]
async fn unequal_pushes_on_one_endpoint_fail_consistency_with_the_spread() {
    run(testbed::Options::default(), |ctx| async move {
        // Sessions 0 and 2 on #1 get 3 pushes each; sessions 1 and 3 on #2 get 1 and 3.
        let endpoints =
            "/ws?push_every_ms=50&push_count=3\n/ws?push_every_ms=50&push_count={session}";
        start_receive_only(&ctx, endpoints, 4).await;
        let report = pushes_in(&ctx, 10).await;
        assert_eq!(
            ctx.page.texts("endpoint-consistency").await,
            ["PASS", "FAIL"]
        );
        assert_eq!(ctx.page.texts("endpoint-spread").await, ["3–3", "1–3"]);
        let c = criterion(&report, "push-consistency");
        assert_eq!(c["grade"], "FAIL", "{c}");
        assert_eq!(c["measured"], "endpoint #2: spread 2 (1–3 pushes)");
        assert_eq!(report["verdict"], "FAIL");
        ctx
    })
    .await;
}
