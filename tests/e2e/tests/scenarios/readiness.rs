//! The readiness checklist against the test backend: it passes, header auth is listed as not
//! possible from a browser (never graded), each group shows its pass rate, the welcome's
//! shape is in the environment panel, and the JSON export carries the groups.

use super::common::*;
use serde_json::Value;
use ws_console_e2e::{LONG, run};

#[tokio::test]
async fn readiness_checklist_passes_against_the_testbed() {
    run(checks_tokens(), |ctx| async move {
        use_authenticated_endpoint(&ctx, "qa-r").await;
        let form = format!("invalid-token={BAD_TOKEN}");
        let report = finished(&ctx, "readiness", &form, 7).await;
        assert_eq!(report["verdict"], "PASS", "{:#}", report["readiness"]);
        for (id, want) in [
            ("health", "PASS"),
            ("stats", "PASS"),
            ("plain", "PASS"),
            ("authenticated", "PASS"),
            ("welcome", "PASS"),
            ("auth-query", "PASS"),
            ("auth-first-message", "PASS"),
            ("auth-subprotocol", "PASS"),
            // No demo login on this backend: no session cookie, so not graded.
            ("auth-cookie", "SKIP"),
            ("auth-header", "SKIP"),
            ("invalid-refused", "PASS"),
            ("invalid-not-retried", "PASS"),
            ("ping", "PASS"),
            ("message", "PASS"),
            ("unknown", "PASS"),
            ("tls", "SKIP"),
            ("rate-limit", "SKIP"),
        ] {
            assert_eq!(grade(&report, id), want, "{id}: {}", criterion(&report, id));
        }
        let list = &report["readiness"];
        let names: Vec<&str> = list["groups"]
            .as_array()
            .expect("readiness.groups[]")
            .iter()
            .map(|g| g["name"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(
            names,
            ["Endpoints", "Connections", "Auth", "Messages", "Production"]
        );
        let auth = &list["groups"][2];
        assert_eq!((auth["passed"].as_u64(), auth["graded"].as_u64()), (Some(5), Some(5)));
        let header = auth["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "auth-header")
            .expect("the header check is listed");
        assert_eq!(header["status"], "not-possible", "{header}");
        assert_eq!(list["rate_pct"].as_f64(), Some(100.0), "{list:#}");
        let welcome = criterion(&report, "welcome")["measured"].as_str().unwrap().to_owned();
        assert!(welcome.contains("type connected") && welcome.contains("qa-r"), "{welcome}");

        // The page: header auth listed as not possible, a pass rate per group.
        let rows = ctx
            .page
            .map_all("readiness-check", "[e.dataset.check, e.dataset.status]")
            .await;
        let header_row = rows
            .as_array()
            .expect("readiness rows")
            .iter()
            .find(|r| r[0] == "auth-header")
            .cloned();
        assert_eq!(
            header_row,
            Some(serde_json::json!(["auth-header", "not possible from a browser"]))
        );
        let groups = ctx
            .page
            .map_all(
                "readiness-group",
                "[e.dataset.group, e.querySelector('[data-testid=\"readiness-group-rate\"]').textContent]",
            )
            .await;
        assert_eq!(
            groups,
            serde_json::json!([
                ["Endpoints", "100.0 %"],
                ["Connections", "100.0 %"],
                ["Auth", "100.0 %"],
                ["Messages", "100.0 %"],
                ["Production", "–"]
            ])
        );
        assert_eq!(ctx.page.text("readiness-rate").await, "100.0 %");
        let shape = ctx.page.text("welcome-shape").await;
        assert!(shape.contains("type connected"), "{shape}");

        // The export carries the groups, without either token.
        let file = ctx.download("export-json", "ws-console-report.json").await;
        for token in [GOOD_TOKEN, BAD_TOKEN] {
            assert!(!file.contains(token), "a token leaked into the JSON export");
        }
        let exported: Value = serde_json::from_str(&file).expect("the JSON export parses");
        assert_eq!(exported["readiness"]["groups"][2]["name"], "Auth");
        assert_eq!(exported["readiness"]["groups"].as_array().map(Vec::len), Some(5));
        ctx
    })
    .await;
}

/// The rate-limit probe: off by default, its box asks first (a refusal leaves it off), and
/// against a backend limiting at 30 frames a second it reports the rate where the server
/// closed it with 4029, within its bound.
#[tokio::test]
async fn readiness_rate_limit_probe_asks_first_and_finds_the_limit() {
    let options = testbed::Options {
        faults: true,
        ..checks_tokens()
    };
    run(options, |ctx| async move {
        use_authenticated_endpoint(&ctx, "qa-rl").await;
        choose(&ctx, "readiness", &format!("invalid-token={BAD_TOKEN}")).await;
        let checked =
            "return document.querySelector('[data-testid=\"scenario-rate-limit\"]').checked";
        assert_eq!(ctx.page.eval(checked).await, false, "off by default");
        ctx.page
            .eval("window.confirm = () => false; return null")
            .await;
        ctx.page.click("scenario-rate-limit").await;
        assert_eq!(ctx.page.eval(checked).await, false, "refused: still off");
        ctx.page
            .eval("window.confirm = () => true; return null")
            .await;
        ctx.set_checked("scenario-rate-limit", true).await;
        ctx.fault("rate-limit?per_second=30").await;
        let report = ctx.run_scenario(LONG).await;
        assert_eq!(report["scenario"]["params"]["rate_limit"], true);
        let limit = criterion(&report, "rate-limit");
        assert_eq!(limit["grade"], "PASS", "{limit}");
        let measured = limit["measured"].as_str().unwrap_or_default();
        assert!(
            measured.starts_with("limited at 40 messages/s") && measured.contains("4029"),
            "{measured}"
        );
        let stats = ctx.stats().await;
        let limited = ws_console_e2e::stat(&stats, "/totals/faults/rate_limited");
        assert!(limited >= 1, "the backend closed the probe: {stats}");
        // Bounded: the probe's socket sent at most every rate for a second.
        let sent = report["sessions"][6]["bytes_out"]
            .as_u64()
            .unwrap_or(u64::MAX);
        assert!(sent < 635 * 64, "{sent} bytes");
        ctx
    })
    .await;
}
