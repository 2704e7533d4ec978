//! The Leptos example host (`examples/leptos-host`) as a page: Trunk's release build, served
//! by the testbed at `/leptos-host/` under its per-page CSP, next to the demo host. A person
//! logs in at `/demo/`, opens the Leptos page, and runs a load scenario through the console's
//! own form; the host's token provider asks the demo's `/demo/api/token` with the session
//! cookie, and the host lists the report `on_report` handed it.

use crate::host::{self, Demo, USER};
use ws_console_e2e::{LONG, leptos_host_dist_dir, wait_for};

/// The reports the host page lists: `(verdict, text)` per line.
async fn host_reports(demo: &Demo) -> Vec<(String, String)> {
    let lines = demo
        .eval(
            "return [...document.querySelectorAll('[data-testid=host-reports] li')]
               .map((li) => [li.dataset.verdict, li.textContent])",
        )
        .await;
    serde_json::from_value(lines).expect("a list of lines")
}

#[tokio::test]
async fn the_leptos_host_page_runs_a_load_scenario_on_the_demos_jwts_and_lists_its_report() {
    let mut options = host::options(300, false);
    options.leptos_host_dir = Some(leptos_host_dist_dir());
    host::run(options, |demo: Demo| async move {
        demo.log_in().await;
        let page = &demo.page;
        page.client
            .goto(&format!("{}/leptos-host/?user={USER}", demo.origin))
            .await
            .expect("the Leptos host page loads");
        page.wait_for_testid("start", LONG).await;
        assert_eq!(page.text("host-reports").await, "", "no report yet");
        page.choose_scenario(
            "load",
            &[
                ("scenario-sessions", "3"),
                ("scenario-interval", "200"),
                ("scenario-duration", "6"),
            ],
        )
        .await;
        page.click("scenario-run").await;
        assert_eq!(page.scenario_end(super::SCENARIO).await, "finished");
        let reports = wait_for("the host to list the report", LONG, || async {
            let lines = host_reports(&demo).await;
            (!lines.is_empty()).then_some(lines)
        })
        .await;
        assert_eq!(reports.len(), 1, "one report for one scenario: {reports:?}");
        let (verdict, text) = &reports[0];
        assert_eq!(verdict, "PASS", "{text}");
        assert!(text.contains("load"), "{text}");
        // The sessions used the demo's JWTs, on the endpoint with the host's user id.
        let tokens = demo.tokens().await;
        let count = |key: &str| tokens[key].as_array().map_or(0, Vec::len);
        assert!(count("issued") >= 1 && count("seen") >= 1, "{tokens}");
        assert!(host::handshakes(&tokens) >= 3, "{tokens}");
        let stats = demo.stats().await;
        let connections = stats["connections"].as_array().expect("connections");
        assert!(connections.len() >= 3, "{stats}");
        let path = format!("/api/v1/pam/ws/{USER}");
        for c in connections {
            assert_eq!(c["path"], path.as_str(), "{c}");
            assert_eq!(c["authenticated"], true, "{c}");
        }
        demo.assert_no_token_anywhere().await;
        demo
    })
    .await;
}
