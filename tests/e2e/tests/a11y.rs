//! Accessibility (issue 13, part 7): axe-core's WCAG 2 A and AA rules find nothing on the
//! console idle, running (with the RTT-by-field and endpoints tables), after a scenario, and
//! with the capacity finder's steps and curve, and the readiness checklist's table, in the real
//! page.
//!
//! axe-core 4.14.1 comes from npm into the tool cache (`cargo xtask setup`), passed as
//! `WSC_AXE`; it is put into the page through WebDriver (which the page's policy does not
//! govern), and its result read once its promise has settled.

use std::path::PathBuf;
use ws_console_e2e::{LONG, Page, run, wait_for};

fn axe_source() -> String {
    let path = std::env::var_os("WSC_AXE").map_or_else(
        || {
            let home = std::env::var_os("HOME").expect("HOME is set");
            PathBuf::from(home)
                .join(".cache/ws-console/axe-core-4.14.1/node_modules/axe-core/axe.min.js")
        },
        PathBuf::from,
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "no axe-core at {} ({e}) — run `cargo xtask setup`",
            path.display()
        )
    })
}

/// The WCAG 2 A and AA violations axe-core finds in the page now, one line each.
async fn violations(page: &Page, axe: &str) -> Vec<String> {
    page.eval(&format!(
        "{axe}\n;window.__axe = null; \
         axe.run(document, {{ runOnly: {{ type: 'tag', values: ['wcag2a', 'wcag2aa'] }} }})\
           .then(r => window.__axe = r.violations.map(v => v.id + ' (' + v.impact + '): ' + \
             v.nodes.map(n => n.target.join(' ')).join(', ')))\
           .catch(e => window.__axe = ['axe failed: ' + e]);\
         return null"
    ))
    .await;
    let found = wait_for("axe-core to finish", LONG, || async {
        let v = page.eval("return window.__axe").await;
        v.as_array().cloned()
    })
    .await;
    found
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn axe_finds_no_violation_idle_running_or_after_a_scenario_or_a_suite() {
    let axe = axe_source();
    run(testbed::Options::default(), |ctx| async move {
        let idle = violations(&ctx.page, &axe).await;
        // With the breakdown by a field on, and two endpoints, so their tables are judged too.
        ctx.page.fill("group-pointer", "/type").await;
        ctx.page.fill("endpoint-url", "/ws\n/ws?second").await;
        ctx.start_sessions(3, 200).await;
        wait_for("a breakdown row", LONG, || async {
            (!ctx.page.texts("field-row").await.is_empty()
                && ctx.page.texts("endpoint-row").await.len() == 2)
                .then_some(())
        })
        .await;
        let running = violations(&ctx.page, &axe).await;
        ctx.page.click("stop").await;
        ctx.short_load().await;
        let finished = violations(&ctx.page, &axe).await;
        // The capacity finder adds its steps table and its curve.
        ctx.choose_scenario(
            "capacity",
            &[
                ("scenario-sessions", "2"),
                ("scenario-step", "1"),
                ("scenario-max-rate", "20"),
            ],
        )
        .await;
        ctx.run_scenario(LONG).await;
        ctx.page.wait_for_testid("chart-capacity", LONG).await;
        let capacity = violations(&ctx.page, &axe).await;
        // The readiness checklist's grouped table and its form (the open /ws endpoint
        // accepts the invalid token, so FAIL rows are judged too).
        ctx.page.fill("token", "dev-token").await;
        ctx.choose_scenario("readiness", &[]).await;
        let report = ctx.run_scenario(LONG).await;
        assert_eq!(report["scenario"]["kind"], "readiness");
        let readiness = violations(&ctx.page, &axe).await;
        // A suite adds its steps, its progress bar and its table.
        ctx.page
            .eval(
                "window.wsConsole.runSuite([{kind: 'load', sessions: '2', interval_ms: '100', duration_s: '1'}]); return null",
            )
            .await;
        wait_for("the suite to finish", LONG, || async {
            let status = ctx
                .page
                .eval("const p = document.querySelector('[data-testid=\"suite-progress\"]'); return p && p.dataset.status")
                .await;
            (status == "finished" && !ctx.page.texts("suite-step").await.is_empty()).then_some(())
        })
        .await;
        let suite = violations(&ctx.page, &axe).await;
        assert!(
            idle.is_empty()
                && running.is_empty()
                && finished.is_empty()
                && capacity.is_empty()
                && readiness.is_empty()
                && suite.is_empty(),
            "axe-core (WCAG 2 A, AA) found:\nidle: {idle:#?}\nrunning: {running:#?}\nafter a scenario: {finished:#?}\nafter the capacity finder: {capacity:#?}\nreadiness: {readiness:#?}\nafter a suite: {suite:#?}"
        );
        ctx
    })
    .await;
}
