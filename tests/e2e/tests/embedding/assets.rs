//! `assetBase`: the host says where the console's wasm and CSS are served, apart from
//! `embed.js`. The app page imports `embed.js` from `/ws-console/` (by default the files come
//! from beside it); the testbed serves the same build under `/ws-testing/` too, so a page
//! that names that base, and gets its files from there, shows the option at work.

use crate::host::{self, Demo};
use ws_console_e2e::{LONG, stat, wait_for};

/// The paths of everything the page fetched, in order.
async fn fetched(demo: &Demo) -> Vec<String> {
    let paths = demo
        .eval(
            "return performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname)",
        )
        .await;
    serde_json::from_value(paths).expect("a list of paths")
}

/// Asserts that the page fetched the console's wasm and its stylesheet, once each, both from
/// under `base`.
fn assert_assets_from(paths: &[String], base: &str) {
    let assets: Vec<&String> = paths
        .iter()
        .filter(|p| p.ends_with("_bg.wasm") || (p.contains("/console-") && p.ends_with(".css")))
        .collect();
    assert_eq!(assets.len(), 2, "one wasm, one stylesheet: {paths:?}");
    assert!(
        assets.iter().all(|p| p.starts_with(base)),
        "not from {base}: {paths:?}"
    );
}

#[tokio::test]
async fn the_wasm_and_css_come_from_the_asset_base_the_host_names_and_the_console_works() {
    host::run(host::options(300, false), |demo: Demo| async move {
        demo.log_in().await;
        // No trailing slash: the loader reads it as a folder.
        demo.open_app("?assetBase=/ws-testing&config=%7B%22sessions%22%3A%222%22%7D")
            .await;
        let paths = fetched(&demo).await;
        assert!(
            paths.iter().any(|p| p == "/ws-console/embed.js"),
            "embed.js from its own place: {paths:?}"
        );
        assert_assets_from(&paths, "/ws-testing/");
        let sheet = demo
            .eval("return new URL(document.querySelector('link[data-wsc-styles]').href).pathname")
            .await;
        assert!(
            sheet
                .as_str()
                .is_some_and(|s| s.starts_with("/ws-testing/")),
            "{sheet}"
        );
        // The stylesheet applies: the host makes every table a block, the console's own
        // tables stay tables.
        let display = demo
            .eval("return getComputedStyle(document.querySelector('.wsc-root table')).display")
            .await;
        assert_eq!(display, "table");
        // And the console runs: its sessions open and their replies come back.
        demo.eval("demoApp.consoles[0].start(); return null").await;
        demo.wait_open(2).await;
        wait_for("replies", LONG, || async {
            let r = demo.report(0).await;
            (stat(&r, "/totals/counters/received") > 0).then_some(())
        })
        .await;
        demo.eval("demoApp.consoles[0].stop(); return null").await;
        demo.wait_open(0).await;

        // A base with nothing there: the mount fails and says so; the console does not fall
        // back to the files beside embed.js.
        let state = demo.open_app_outcome("?assetBase=/nowhere/").await;
        let error = state["error"].as_str().unwrap_or_default();
        assert!(error.contains("404"), "mounted without its wasm: {state}");
        assert_assets_from(&fetched(&demo).await, "/nowhere/");
        let slot = demo
            .eval("return document.getElementById('console').childElementCount")
            .await;
        assert_eq!(slot, 0, "no console in the host's element");
        demo
    })
    .await;
}
