//! Presets and suites (issue 13) end to end: a suite of three short scenarios built in the
//! suite panel runs by itself to one combined report, which the page's table, the JSON and
//! JUnit downloads and `wsConsole.runSuite()` agree on; a cancelled suite skips the rest; the
//! light preset fills the form, and the heavy one disables Run and exports a k6 script with
//! its 1,000 sessions.

use super::common::*;
use serde_json::Value;
use ws_console_e2e::{Ctx, LONG, run, wait_for};
use ws_console_engine::suite::{SUITE_SCHEMA, SUITE_VERSION};

/// The steps as typed into the scenario form: load 2 s, reliability 3 × 10 messages, a
/// ramp-up of 4 sessions in batches of 2.
const STEPS: [(&str, &str); 3] = [
    ("load", "sessions=3 interval=100 duration=2"),
    ("reliability", "sessions=3 messages=10 interval=50"),
    (
        "ramp-up",
        "sessions=4 batch-size=2 batch-every=1 hold=1 interval=100",
    ),
];
const SESSIONS: [usize; 3] = [3, 3, 4];

async fn attr_of_all(ctx: &Ctx, id: &str, attr: &str) -> Vec<String> {
    let v = ctx.page.map_all(id, &format!("e.dataset.{attr}")).await;
    serde_json::from_value(v).expect("a list of attributes")
}

async fn suite_progress(ctx: &Ctx) -> Option<(String, f64)> {
    let v = ctx
        .page
        .eval("const p = document.querySelector('[data-testid=\"suite-progress\"]'); return p ? [p.dataset.status, Number(p.dataset.fraction)] : null")
        .await;
    Some((v[0].as_str()?.to_owned(), v[1].as_f64()?))
}

#[tokio::test]
async fn a_suite_of_three_scenarios_gives_one_combined_report() {
    run(testbed::Options::default(), |ctx| async move {
        for (kind, form) in STEPS {
            choose(&ctx, kind, form).await;
            ctx.page.click("suite-add").await;
        }
        let kinds = ["load", "reliability", "ramp-up"];
        assert_eq!(attr_of_all(&ctx, "suite-plan-step", "kind").await, kinds);
        ctx.page.click("suite-run").await;
        // Nobody presses anything: the suite goes from step to step and ends by itself. The
        // bar only moves forward.
        let seen = std::cell::RefCell::new(Vec::<f64>::new());
        wait_for("the suite to finish", LONG * 2, || async {
            let (status, fraction) = suite_progress(&ctx).await?;
            {
                let mut seen = seen.borrow_mut();
                if let Some(last) = seen.last() {
                    assert!(
                        fraction >= *last,
                        "the bar went back: {seen:?} then {fraction}"
                    );
                }
                seen.push(fraction);
            }
            let errors = ctx.page.text("suite-error").await;
            assert!(errors.trim().is_empty(), "the suite did not run: {errors}");
            (status != "running").then_some(status)
        })
        .await;
        let seen = seen.into_inner();
        assert_eq!(seen.last(), Some(&1.0), "the bar reached 100 %");
        assert!(
            seen.iter().any(|f| *f > 0.0 && *f < 1.0),
            "the bar moved through the suite: {seen:?}"
        );
        assert_eq!(
            suite_progress(&ctx).await.unwrap().0,
            "finished",
            "ran to the end"
        );
        let json = ctx
            .download("suite-export-json", "ws-console-suite.json")
            .await;
        let report: Value = serde_json::from_str(&json).expect("the suite report is JSON");
        assert_eq!(report["schema"], SUITE_SCHEMA);
        assert_eq!(report["version"], SUITE_VERSION);
        assert_eq!(report["status"], "finished");
        assert_eq!(report["progress"], 1.0);
        let steps = report["steps"].as_array().expect("steps[]");
        assert_eq!(steps.len(), 3, "{report:#}");
        for (i, s) in steps.iter().enumerate() {
            assert_eq!(s["step"], i + 1);
            assert_eq!(s["kind"], kinds[i]);
            assert_eq!(s["status"], "finished");
            // Each step's own report, held to what every scenario report must satisfy.
            check_report(&s["report"], kinds[i], "finished", SESSIONS[i]);
            assert_eq!(s["verdict"], s["report"]["verdict"]);
            // A healthy backend on loopback: every step passes.
            assert_eq!(s["verdict"], "PASS", "{:#}", s["report"]["criteria"]);
            assert!(s["duration_ms"].as_f64().unwrap() > 0.0);
        }
        assert_eq!(report["verdict"], "PASS");
        // The steps ran one after the other.
        let span = |s: &Value| {
            let r = &s["report"]["run"];
            let start = r["started_at"].as_f64().unwrap();
            (start, start + r["duration_ms"].as_f64().unwrap())
        };
        for w in steps.windows(2) {
            assert!(span(&w[0]).1 <= span(&w[1]).0 + 1.0, "in order");
        }
        // The page agrees with the report.
        assert_eq!(attr_of_all(&ctx, "suite-step", "kind").await, kinds);
        let verdicts: Vec<String> = steps
            .iter()
            .map(|s| s["verdict"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(attr_of_all(&ctx, "suite-step", "verdict").await, verdicts);
        assert_eq!(
            attr_of_all(&ctx, "suite-step", "status").await,
            ["finished"; 3]
        );
        assert_eq!(ctx.page.text("suite-verdict").await, "PASS");
        // JUnit: one testsuite per scenario.
        let xml = ctx
            .download("suite-export-junit", "ws-console-suite-junit.xml")
            .await;
        assert_eq!(xml.matches("<testsuite ").count(), 3, "{xml}");
        assert!(!xml.contains("<failure"), "{xml}");
        // The handle: the same suite, and a bad step refused by name before anything runs.
        let outcome = run_suite(
            &ctx,
            "[{kind: 'load', sessions: '2', interval_ms: '100', duration_s: '1'}, \
             {kind: 'ramp-up', sessions: 'abc'}]",
        )
        .await;
        let error = outcome["error"].as_str().expect("refused");
        assert!(error.contains("Step 2 (Ramp-up)"), "{error}");
        let outcome = run_suite(
            &ctx,
            "[{kind: 'load', sessions: '2', interval_ms: '100', duration_s: '1'}]",
        )
        .await;
        let r = &outcome["report"];
        assert_eq!(r["schema"], SUITE_SCHEMA, "{outcome}");
        assert_eq!(r["steps"].as_array().unwrap().len(), 1);
        assert_eq!(r["steps"][0]["kind"], "load");
        assert_eq!(r["verdict"], r["steps"][0]["verdict"]);
        ctx
    })
    .await;
}

/// Calls `wsConsole.runSuite(steps)` and leaves it running.
async fn start_suite(ctx: &Ctx, steps: &str) {
    ctx.page
        .eval(&format!(
            "window.outcome = null; window.wsConsole.runSuite({steps}).then((r) => outcome = {{report: r}}, (e) => outcome = {{error: String(e.message)}}); return null"
        ))
        .await;
}

/// Waits until the suite [`start_suite`] started settles: `{report}` or `{error}`.
async fn suite_outcome(ctx: &Ctx) -> Value {
    wait_for("runSuite to settle", LONG, || async {
        let o = ctx.page.eval("return window.outcome").await;
        (!o.is_null()).then_some(o)
    })
    .await
}

/// Calls `wsConsole.runSuite(steps)`; `{report}` or `{error}` once it settles.
async fn run_suite(ctx: &Ctx, steps: &str) -> Value {
    start_suite(ctx, steps).await;
    suite_outcome(ctx).await
}

#[tokio::test]
async fn light_fills_the_form_and_heavy_exports_k6_with_its_1000_sessions() {
    run(testbed::Options::default(), |ctx| async move {
        let select = |p: &'static str| {
            let ctx = &ctx;
            async move {
                ctx.page
                    .eval(&format!(
                        "const s = document.querySelector('[data-testid=\"scenario-preset\"]'); \
                         s.value = '{p}'; s.dispatchEvent(new Event('change')); return null"
                    ))
                    .await;
            }
        };
        let run_disabled = || async {
            ctx.page
                .eval("return document.querySelector('[data-testid=\"scenario-run\"]').disabled")
                .await
        };
        select("light").await;
        assert_eq!(ctx.page.value("scenario-select").await, "broadcast");
        assert_eq!(ctx.page.value("scenario-sessions").await, "100");
        assert_eq!(ctx.page.value("scenario-rate").await, "50");
        assert_eq!(ctx.page.value("scenario-duration").await, "60");
        assert_eq!(run_disabled().await, Value::Bool(false), "light runs here");
        assert_eq!(ctx.page.text("scenario-preset-reason").await, "");
        select("heavy").await;
        assert_eq!(ctx.page.value("scenario-sessions").await, "1000");
        assert_eq!(run_disabled().await, Value::Bool(true), "heavy does not");
        let why = ctx.page.text("scenario-preset-reason").await;
        assert!(
            why.contains("1,000 connections") && why.contains("255 sockets"),
            "{why}"
        );
        let script = ctx.download("export-k6", "ws-console-heavy.k6.js").await;
        assert!(script.contains("\"sessions\": 1000"), "the script's CONFIG");
        assert!(script.contains("\"vus\": 1000"), "the script's options");
        assert!(script.contains("\"rate_per_s\": 500"), "the preset's rate");
        // Editing the form leaves the preset: Run is back, bound by the form's own rules.
        ctx.page.fill("scenario-sessions", "100").await;
        assert_eq!(run_disabled().await, Value::Bool(false));
        assert_eq!(ctx.page.text("scenario-preset-reason").await, "");
        ctx
    })
    .await;
}

#[tokio::test]
async fn cancelling_a_suite_cancels_its_step_and_skips_the_rest() {
    run(testbed::Options::default(), |ctx| async move {
        start_suite(
            &ctx,
            "[{kind: 'load', sessions: '2', interval_ms: '100', duration_s: '60'}, \
             {kind: 'reliability', sessions: '2'}]",
        )
        .await;
        wait_for("the first step to run", LONG, || async {
            let statuses = attr_of_all(&ctx, "suite-step", "status").await;
            (statuses == ["running", "pending"]).then_some(())
        })
        .await;
        ctx.page.click("suite-cancel").await;
        let outcome = suite_outcome(&ctx).await;
        let r = &outcome["report"];
        assert_eq!(r["status"], "cancelled", "{outcome}");
        assert_eq!(r["steps"][0]["status"], "cancelled");
        assert_eq!(r["steps"][0]["report"]["status"], "cancelled");
        assert_eq!(r["steps"][1]["status"], "skipped");
        assert_eq!(r["steps"][1]["report"], Value::Null);
        assert_eq!(r["verdict"], r["steps"][0]["verdict"]);
        assert_ne!(r["verdict"], "PASS", "a cancelled step is at least a WARN");
        // The page follows at its next repaint.
        wait_for("the page to show the cancelled suite", LONG, || async {
            let rows = attr_of_all(&ctx, "suite-step", "status").await;
            let bar = suite_progress(&ctx).await.map(|p| p.0);
            (rows == ["cancelled", "skipped"] && bar.as_deref() == Some("cancelled")).then_some(())
        })
        .await;
        assert_eq!(ctx.page.text("run-status").await, "idle");
        ctx
    })
    .await;
}
