//! P3 sessions: 200 sockets opened at once; the time until all are open.
//!
//! The reference times itself (`new WebSocket` × 200, to the 200th `onopen`). The console is
//! timed in the page by the probe, from just before `wsConsole.start()` to the 200th open
//! event, confirmed by the console's own report saying 200 active (checked right after that
//! event, then every 5 ms) — no WebDriver round trip inside the measured span.

use crate::site::{REPORT_FN, Res, Site, num};
use crate::table::{Row, ms};
use serde_json::json;
use std::time::Duration;

const SOCKETS: u32 = 200;

async fn reference(site: &Site) -> Res<f64> {
    site.reference().await?;
    let mark = format!("window.__probe.mark('open', {SOCKETS})");
    let call = format!("'open', '/ws', {SOCKETS}");
    let r = site
        .reference_run(&mark, &call, Duration::from_secs(120))
        .await?;
    site.js("refLoop.closeAll(); return null").await?;
    num(&r, "/elapsed_ms").ok_or_else(|| format!("not every socket opened: {r}"))
}

async fn console(site: &Site) -> Res<f64> {
    let config = json!({
        "endpoint": "/ws", "sessions": SOCKETS.to_string(), "auto_send": false,
        "heartbeat_enabled": false,
    });
    site.console(&config).await?;
    let start = format!(
        "{REPORT_FN} window.__probe.mark('open', {SOCKETS}, () => report().totals.active >= {SOCKETS}); window.wsConsole.start(); return null"
    );
    site.js(&start).await?;
    let probe = site.probe_done(Duration::from_secs(120)).await;
    site.js("window.wsConsole.stop(); return null").await?;
    let probe = probe?;
    match (num(&probe, "/doneAt"), num(&probe, "/t0")) {
        (Some(done), Some(t0)) => Ok(done - t0),
        _ => Err(format!("probe without times: {probe}")),
    }
}

pub async fn run(site: &Site) -> Row {
    let r = reference(site).await;
    let c = console(site).await;
    let mut row = Row::new("P3", "open 200 sockets at once", "≤ 1.2 × reference");
    row.reference = r.as_ref().map_or_else(|_| "error".into(), |v| ms(*v));
    row.console = c.as_ref().map_or_else(|_| "error".into(), |v| ms(*v));
    if let (Ok(r), Ok(c)) = (&r, &c) {
        row.ratio = Some(c / r);
        row.pass = Some(*c <= 1.2 * r);
    }
    row.note = [("reference", &r), ("console", &c)]
        .iter()
        .filter_map(|(who, s)| s.as_ref().err().map(|e| format!("{who}: {e}")))
        .collect::<Vec<_>>()
        .join("; ");
    row.data = json!({
        "reference_ms": r.as_ref().ok(), "console_ms": c.as_ref().ok(),
    });
    row
}
