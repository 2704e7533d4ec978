//! P5 memory: the console with 15 sessions at 1 msg/s (heartbeat and logging as by default)
//! for 30 minutes (`--short`: 2), JS heap and wasm linear memory read every 5 s.
//!
//! Growth is measured after a warm-up (the first 20 % of the run). `usedJSHeapSize` moves with
//! uncollected garbage, so each end takes the smallest reading of a window around it (the
//! level after the latest collection); wasm memory never shrinks, so it is read as it is.
//! `totals.heap.wasm_bytes` may be absent from the report: then it is "n/a".

use crate::site::{REPORT_FN, Res, Site, num};
use crate::table::{Row, int};
use serde_json::json;
use std::time::Duration;
use tokio::time::{Instant, sleep};

const MB: f64 = 1024.0 * 1024.0;
const EVERY: Duration = Duration::from_secs(5);

struct Sample {
    at: f64,
    js: Option<f64>,
    wasm: Option<f64>,
}

/// Smallest reading taken within [from, to] of the run (fractions).
fn min_in(
    samples: &[Sample],
    span: f64,
    from: f64,
    to: f64,
    f: fn(&Sample) -> Option<f64>,
) -> Option<f64> {
    samples
        .iter()
        .filter(|s| s.at >= from * span && s.at <= to * span)
        .filter_map(f)
        .reduce(f64::min)
}

fn growth_row(what: &str, label: &str, from: Option<f64>, to: Option<f64>) -> Row {
    let mut row = Row::new(
        "P5",
        format!("{label} {what} growth"),
        "≤ 2 MB after warm-up",
    );
    match (from, to) {
        (Some(a), Some(b)) => {
            row.console = format!("{:+.2} MB ({:.1} → {:.1} MB)", (b - a) / MB, a / MB, b / MB);
            row.pass = Some(b - a <= 2.0 * MB);
        }
        _ => row.console = "n/a".into(),
    }
    row.data = json!({ "after_warmup_bytes": from, "end_bytes": to });
    row
}

pub async fn run(site: &Site, short: bool) -> Res<Vec<Row>> {
    let secs: u64 = if short { 120 } else { 1800 };
    let label = format!(
        "soak 15 × 1 s, {} min{}",
        secs / 60,
        if short { " (short)" } else { "" }
    );
    let config = json!({
        "endpoint": "/ws", "sessions": "15", "auto_send": true, "send_interval_ms": "1000",
    });
    site.console(&config).await?;
    site.js("window.wsConsole.start(); return null").await?;
    site.console_active(15).await?;
    let read = format!(
        "{REPORT_FN} const r = report(); return {{ js: performance.memory ? performance.memory.usedJSHeapSize : null, wasm: r.totals.heap ? r.totals.heap.wasm_bytes : null, counters: r.totals.counters, active: r.totals.active }}"
    );
    let started = Instant::now();
    let mut samples = Vec::new();
    while started.elapsed() < Duration::from_secs(secs) {
        let v = site.js(&read).await?;
        samples.push(Sample {
            at: started.elapsed().as_secs_f64(),
            js: num(&v, "/js"),
            wasm: num(&v, "/wasm"),
        });
        sleep(EVERY).await;
    }
    let v = site.js(&read).await?;
    let span = started.elapsed().as_secs_f64();
    samples.push(Sample {
        at: span,
        js: num(&v, "/js"),
        wasm: num(&v, "/wasm"),
    });
    site.js("window.wsConsole.stop(); return null").await?;
    let js_from = min_in(&samples, span, 0.15, 0.25, |s| s.js);
    let js_to = min_in(&samples, span, 0.90, 1.0, |s| s.js);
    let warm = samples
        .iter()
        .find(|s| s.at >= 0.2 * span)
        .and_then(|s| s.wasm);
    let wasm_to = samples.last().and_then(|s| s.wasm);
    let mut js = growth_row("JS heap", &label, js_from, js_to);
    let mut wasm = growth_row("wasm memory", &label, warm, wasm_to);
    let counters = &v["counters"];
    let note = format!(
        "{} samples; console sent {}, matched {}, lost {}, {} active at the end",
        samples.len(),
        int(num(counters, "/sent").unwrap_or(0.0)),
        int(num(counters, "/matched").unwrap_or(0.0)),
        int(num(counters, "/lost").unwrap_or(0.0)),
        int(num(&v, "/active").unwrap_or(0.0)),
    );
    js.note.clone_from(&note);
    let series: Vec<_> = samples
        .iter()
        .map(|s| json!([s.at, s.js, s.wasm]))
        .collect();
    for row in [&mut js, &mut wasm] {
        row.data["samples_s_js_wasm"] = json!(series);
    }
    if wasm.pass.is_none() {
        wasm.note = "the report has no totals.heap.wasm_bytes".into();
    }
    Ok(vec![js, wasm])
}
