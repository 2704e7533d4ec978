//! P4 on the wire: the console page loaded from a cold cache, beside the reference page.
//!
//! Each sample is a browser of its own (a fresh profile, so nothing is cached) opening the
//! page on loopback. The figures are read in the page from the Performance API, so no
//! WebDriver round trip is inside them: time to interactive is the console's
//! `wsc-interactive` mark (set once the console is mounted: the Start button is in the page
//! with its handlers; for the reference, its `load` event), from navigation start; bytes are
//! the navigation's and every resource's `transferSize` (headers included), and the wasm + JS
//! bodies as sent (`encodedBodySize`, gzip), the figure the SPEC's 150 KB is about.

use crate::site::{Res, Site, num};
use crate::table::{Row, int, ms};
use serde_json::{Value, json};
use std::time::Duration;
use tokio::time::{Instant, sleep};
use ws_console_e2e::Page;

const SAMPLES: usize = 3;

/// The SPEC's P4 budget: wasm + JS, gzip, in bytes.
const BUDGET: f64 = 150_000.0;

/// What one load measured, or `null` while the page is not ready yet.
const READ: &str = r#"
const nav = performance.getEntriesByType('navigation')[0];
const mark = performance.getEntriesByName('wsc-interactive')[0];
const ready = mark ? mark.startTime : (window.refLoop && nav && nav.loadEventEnd > 0 ? nav.loadEventEnd : null);
if (ready === null) return null;
const res = performance.getEntriesByType('resource');
const sum = (list, f) => list.reduce((s, r) => s + f(r), 0);
const code = res.filter(r => /\.(wasm|js)$/.test(new URL(r.name).pathname));
return {
  ready_ms: ready,
  transfer_bytes: nav.transferSize + sum(res, r => r.transferSize),
  code_bytes: sum(code, r => r.encodedBodySize),
  requests: res.length + 1,
};"#;

/// One cold load of `path`: a fresh browser, the page, its figures once it is ready.
async fn cold(site: &Site, path: &str) -> Res<Value> {
    let page = Page::launch(&format!("{}{path}", site.origin)).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let outcome = loop {
        match page.client.execute(READ, vec![]).await {
            Ok(v) if !v.is_null() => break Ok(v),
            Ok(_) if Instant::now() < deadline => sleep(Duration::from_millis(50)).await,
            Ok(_) => break Err(format!("{path} not ready after 30 s")),
            Err(e) => break Err(format!("{path}: {e}")),
        }
    };
    page.close().await;
    outcome
}

/// The median of each figure over [`SAMPLES`] cold loads.
async fn sampled(site: &Site, path: &str) -> Res<Value> {
    let mut runs = Vec::new();
    for _ in 0..SAMPLES {
        runs.push(cold(site, path).await?);
    }
    let median = |key: &str| {
        let mut v: Vec<f64> = runs.iter().filter_map(|r| num(r, key)).collect();
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied()
    };
    Ok(json!({
        "ready_ms": median("/ready_ms"), "transfer_bytes": median("/transfer_bytes"),
        "code_bytes": median("/code_bytes"), "requests": median("/requests"), "samples": runs,
    }))
}

fn kb(bytes: f64) -> String {
    format!("{} B", int(bytes))
}

pub async fn run(site: &Site) -> Vec<Row> {
    let r = sampled(site, "/reference.html").await;
    let c = sampled(site, "/ws-testing").await;
    let figure = |s: &Res<Value>, key: &str, show: fn(f64) -> String| match s {
        Ok(v) => num(v, key).map_or_else(|| "n/a".into(), show),
        Err(_) => "error".into(),
    };
    let errors = [("reference", &r), ("console", &c)]
        .iter()
        .filter_map(|(who, s)| s.as_ref().err().map(|e| format!("{who}: {e}")))
        .collect::<Vec<_>>()
        .join("; ");
    let data = json!({ "reference": r.as_ref().ok(), "console": c.as_ref().ok() });

    let mut tti = Row::informational("P4", "cold load to interactive Start");
    tti.reference = figure(&r, "/ready_ms", ms);
    tti.console = figure(&c, "/ready_ms", ms);
    tti.note.clone_from(&errors);
    tti.data = data.clone();

    let mut bytes = Row::new(
        "P4",
        "cold load, bytes on the wire",
        "wasm + JS ≤ 150,000 B gzip",
    );
    bytes.reference = figure(&r, "/transfer_bytes", kb);
    bytes.console = figure(&c, "/transfer_bytes", kb);
    if let Ok(Some(code)) = c.as_ref().map(|v| num(v, "/code_bytes")) {
        bytes.pass = Some(code <= BUDGET);
        bytes.note = format!("console wasm + JS bodies: {}", kb(code));
    }
    if !errors.is_empty() {
        bytes.note = errors;
    }
    bytes.data = data;
    vec![tti, bytes]
}
