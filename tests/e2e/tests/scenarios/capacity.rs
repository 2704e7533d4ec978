//! The capacity finder against a backend whose fault control closes any connection that
//! sends more than 15 frames in a second (4029): the finder must find a rate below that
//! limit and stop by itself, with its steps in the page and in the report.

use super::common::*;
use serde_json::Value;
use ws_console_e2e::case::closes_with;
use ws_console_e2e::console::count;
use ws_console_e2e::run;
use ws_console_e2e::schema::{assert_has_fields, engine_report, scenario_form};
use ws_console_engine::RawConfig;

/// The form of the run below.
const FORM: &str = "sessions=2 start-rate=10 rate-factor=2 step=3 max-rate=400";

/// The engine's own report of the same capacity finder, run on the host long enough for
/// two steps: the fields the browser's must have.
fn reference() -> Value {
    let mut form = scenario_form("capacity");
    form.sessions = "2".into();
    form.start_rate_per_s = "10".into();
    form.rate_factor = "2".into();
    form.step_s = "3".into();
    form.max_rate_per_s = "400".into();
    let report = engine_report(&RawConfig::default(), &form, 7000.0);
    assert!(
        report["capacity"]["steps"]
            .as_array()
            .is_some_and(|s| !s.is_empty()),
        "the reference has steps: {:#}",
        report["capacity"]
    );
    report
}

#[tokio::test]
async fn the_capacity_finder_stops_by_itself_below_the_backends_rate_limit() {
    run(faulty(), |ctx| async move {
        ctx.fault("rate-limit?per_second=15").await;
        // Two sessions at 10, 20, 40 … msgs/s: 5, 10, then 20 frames a second each, and 20
        // is over the limit. 3 s steps give the first step 30 messages, over the minimum.
        // Nobody presses Stop or Cancel: the scenario ends by itself.
        let report = finished(&ctx, "capacity", FORM, 2).await;
        let cap = &report["capacity"];
        assert_has_fields(&reference()["capacity"], cap, "capacity");
        let steps = cap["steps"].as_array().expect("capacity.steps[]");
        assert_eq!(cap["stopped"], "server-limit", "{cap:#}");
        // The limit is 15 a second on each of 2 connections: what held is at most 30.
        let rate = cap["rate_per_s"].as_f64().expect("a rate held");
        assert!((10.0..=30.0).contains(&rate), "{cap:#}");
        let last = steps.last().expect("steps");
        assert_eq!(last["outcome"], "not-held", "{cap:#}");
        assert!(
            last["target_per_s"].as_f64().unwrap() > rate,
            "the step that failed is above the rate found: {cap:#}"
        );
        assert!(
            last["why"].as_str().unwrap().contains("dropped"),
            "{cap:#}"
        );
        assert!(closes_with(&report, 4029) >= 1, "the backend's rate limit closed");
        for s in &steps[..steps.len() - 1] {
            assert!(
                ["held", "insufficient-data"].contains(&s["outcome"].as_str().unwrap()),
                "{s}"
            );
            assert_eq!(count(s, "/schedule_skipped"), 0, "{s}");
        }
        assert_grades(&report, &[("capacity", "PASS")]);
        assert_eq!(report["scenario"]["params"]["rate_factor"], 2.0);
        // The page: the rate, the reason, a row per step and the curve.
        check_verdict_panel(&ctx, &report).await;
        assert_eq!(ctx.page.text("scenario-status").await, "finished");
        assert_eq!(
            ctx.page.text("capacity-rate").await,
            format!("{rate:.1} msgs/s")
        );
        assert_eq!(ctx.page.text("capacity-stop").await, "server-limit");
        let outcomes: Value = ctx
            .page
            .map_all("capacity-step", "e.dataset.outcome")
            .await;
        let want: Vec<&Value> = steps.iter().map(|s| &s["outcome"]).collect();
        assert_eq!(
            outcomes.as_array().unwrap().iter().collect::<Vec<_>>(),
            want
        );
        let lines = ctx
            .page
            .eval(
                "return document.querySelectorAll('[data-testid=\"chart-capacity\"] polyline').length",
            )
            .await;
        assert_eq!(lines.as_u64(), Some(2), "p50 and p95 against rate");
        screenshot_whole_page(&ctx, "capacity-finder").await;
        ctx
    })
    .await;
}
