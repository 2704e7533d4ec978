//! RTT by a field of the messages, end to end: the template cycles `/agent` through three
//! values, "Group RTT by" is `/agent`, and the console shows — and reports — a row per agent
//! with its own counts and RTT figures, matching what the backend answered. The template
//! cycles the backend's per-message `delay_ms` in lockstep (0, 40, 80 ms), so each agent
//! really has its own latency and a reply counted under the wrong agent would show.

use serde_json::Value;
use ws_console_e2e::console::count;
use ws_console_e2e::{Ctx, LONG, run, stat_by_type, wait_for};

const AGENTS: [&str; 3] = ["Financial Advisor", "Error Handler", "Router"];
/// What the backend holds each agent's replies back by, in ms.
const DELAYS: [f64; 3] = [0.0, 40.0, 80.0];
const TEMPLATE: &str = r#"{"type":"message","id":"{{id}}","seq":{{seq}},"agent":"{{cycle:Financial Advisor|Error Handler|Router}}","delay_ms":{{cycle:0|40|80}}}"#;

/// The breakdown rows as the page shows them: (value, sent, matched, lost, [p50, p95, p99, avg]).
async fn rows(ctx: &Ctx) -> Vec<(String, u64, u64, u64, [String; 4])> {
    let values = ctx.page.texts("field-value").await;
    let sent = ctx.numbers("field-sent").await;
    let matched = ctx.numbers("field-matched").await;
    let lost = ctx.numbers("field-lost").await;
    let p50 = ctx.page.texts("field-p50").await;
    let p95 = ctx.page.texts("field-p95").await;
    let p99 = ctx.page.texts("field-p99").await;
    let avg = ctx.page.texts("field-avg").await;
    if [
        sent.len(),
        matched.len(),
        lost.len(),
        p50.len(),
        p95.len(),
        p99.len(),
        avg.len(),
    ]
    .iter()
    .any(|n| *n != values.len())
    {
        return Vec::new(); // caught mid-repaint
    }
    (0..values.len())
        .map(|i| {
            (
                values[i].clone(),
                sent[i],
                matched[i],
                lost[i],
                [
                    p50[i].clone(),
                    p95[i].clone(),
                    p99[i].clone(),
                    avg[i].clone(),
                ],
            )
        })
        .collect()
}

/// A figure the page shows in ms ("0.6 ms"), as a number.
fn ms(text: &str) -> f64 {
    text.strip_suffix(" ms")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not a figure in ms: {text:?}"))
}

#[tokio::test]
async fn a_template_cycling_agent_gets_a_row_per_agent_with_its_own_rtt() {
    let options = testbed::Options {
        faults: true,
        ..testbed::Options::default()
    };
    run(options, |ctx| async move {
        // No breakdown until a field is named; a pointer that is not one is refused.
        let hidden = "return document.querySelector('[data-testid=field-breakdown]').hidden";
        assert_eq!(ctx.page.eval(hidden).await, Value::Bool(true));
        ctx.page.fill("group-pointer", "agent").await;
        ctx.page.click("start").await;
        let error = ctx.page.text("group-pointer-error").await;
        assert!(
            error.starts_with("Group RTT by must be a JSON pointer"),
            "{error:?}"
        );
        assert_eq!(ctx.page.text("run-status").await, "idle");

        ctx.page.fill("group-pointer", "/agent").await;
        ctx.page.fill("message-template", TEMPLATE).await;
        // No automatic sending: a burst of nine per session, three per agent, exactly.
        ctx.set_checked("auto-send", false).await;
        ctx.start_sessions(2, 1000).await;
        assert_eq!(ctx.page.eval(hidden).await, Value::Bool(false));
        assert_eq!(ctx.page.text("field-pointer").await, "/agent");
        ctx.page.fill("burst-count", "9").await;
        ctx.page.click("burst").await;
        // Once every reply is in, the page's rows are the report's.
        let report: Value = wait_for("every reply in, shown in the rows", LONG, || async {
            let report = ctx.report().await;
            if count(&report, "/totals/counters/matched") != 18 {
                return None;
            }
            let matched: u64 = rows(&ctx).await.iter().map(|r| r.2).sum();
            (matched == 18).then_some(report)
        })
        .await;
        let shown = rows(&ctx).await;
        let values: Vec<&str> = shown.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(
            values, AGENTS,
            "a row per agent, in order of first appearance"
        );

        assert_eq!(report["configuration"]["group_pointer"], "/agent");
        let breakdown = &report["breakdown"];
        assert_eq!(breakdown["pointer"], "/agent");
        let groups = breakdown["groups"].as_array().expect("breakdown.groups[]");
        assert_eq!(groups.len(), 3, "{breakdown:#}");
        let mut total_sent = 0;
        for (i, (g, row)) in groups.iter().zip(&shown).enumerate() {
            assert_eq!(g["value"], AGENTS[i]);
            assert_eq!(g["bucket"], "value");
            let (sent, matched) = (count(g, "/sent"), count(g, "/matched"));
            assert_eq!(
                (row.1, row.2, row.3),
                (sent, matched, count(g, "/lost")),
                "row {i}"
            );
            assert_eq!(
                (sent, matched, count(g, "/lost"), count(g, "/pending")),
                (6, 6, 0, 0),
                "row {i}: three per session, every one answered"
            );
            // Its own RTT: a sample per matched reply, and the page shows its figures.
            assert_eq!(count(g, "/rtt_ms/count"), matched, "row {i}");
            let rtt = &g["rtt_ms"];
            let (p50, p99) = (rtt["p50"].as_f64().unwrap(), rtt["p99"].as_f64().unwrap());
            assert!(p50 > 0.0 && p50 <= p99, "row {i}: {rtt}");
            // Its own latency: at least its delay (percentiles within 1 %), and under the
            // next agent's.
            let min = rtt["min"].as_f64().unwrap();
            assert!(
                min >= DELAYS[i] * 0.99,
                "row {i} has a reply faster than its delay: {rtt}"
            );
            if let Some(next) = DELAYS.get(i + 1) {
                assert!(p50 < *next, "row {i}'s median is another agent's: {rtt}");
            }
            let [s50, s95, s99, savg] = &row.4;
            assert!((ms(s50) - p50).abs() <= 0.051, "row {i}: {s50} vs {p50}");
            assert!(ms(s95) <= ms(s99), "row {i}");
            assert!(
                (ms(savg) - rtt["mean"].as_f64().unwrap()).abs() <= 0.051,
                "row {i}"
            );
            total_sent += sent;
        }
        // The rows add up to the run, and to what the backend received.
        assert_eq!(total_sent, count(&report, "/totals/counters/sent"));
        let stats = ctx.stats().await;
        assert_eq!(
            total_sent,
            stat_by_type(&stats, "/totals/received_by_type", "message")
        );
        // The JSON export carries the same breakdown (every reply is in: nothing moves).
        let file = ctx.download("export-json", "ws-console-report.json").await;
        let exported: Value = serde_json::from_str(&file).expect("the JSON export parses");
        assert_eq!(exported["configuration"]["group_pointer"], "/agent");
        assert_eq!(exported["breakdown"]["pointer"], "/agent");
        let saved = exported["breakdown"]["groups"]
            .as_array()
            .expect("groups[]");
        assert_eq!(saved.len(), 3);
        for (a, b) in saved.iter().zip(groups) {
            assert_eq!(a["value"], b["value"]);
            for k in ["/sent", "/matched", "/lost", "/pending", "/rtt_ms/count"] {
                assert_eq!(count(a, k), count(b, k), "{k} of {}", b["value"]);
            }
        }
        // Two sessions, each cycling from its own first message: no agent is short by more
        // than one message per session.
        let sent: Vec<u64> = groups.iter().map(|g| count(g, "/sent")).collect();
        assert!(
            sent.iter().max().unwrap() - sent.iter().min().unwrap() <= 2,
            "{sent:?}"
        );
        ctx
    })
    .await;
}
