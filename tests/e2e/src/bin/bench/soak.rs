//! P5 memory and R4 soak: the console with 15 sessions at 1 msg/s (heartbeat and logging as
//! by default) for as long as `--soak` says (default 2 minutes; the SPEC's P5 figure is a
//! 30-minute run, `--soak 30m`), JS heap and wasm linear memory read every 5 s.
//!
//! Growth is measured after a warm-up (the first 20 % of the run). `usedJSHeapSize` moves with
//! uncollected garbage, so each end takes the smallest reading of a window around it (the
//! level after the latest collection); wasm memory never shrinks, so it is read as it is.
//! `totals.heap.wasm_bytes` may be absent from the report: then it is "n/a".
//!
//! R4 asks more of a long run than flat memory: at every sample the counters must add up and
//! every bound hold (`sent = matched + lost + pending`, queues accounted for, the log and the
//! frame capture at or under their caps — the end-to-end tests' own judgement,
//! [`ws_console_e2e::health`]). Any sample that breaks one fails the R4 row, which says when
//! and what.

use crate::site::{Res, Site, num};
use crate::table::{Row, int};
use serde_json::json;
use std::time::Duration;
use tokio::time::{Instant, sleep};
use ws_console_e2e::health::{HEALTH_JS, Health, WASM_CEILING_BYTES};

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

/// "30 min", "90 s": the run's length for its label.
fn span_label(span: Duration) -> String {
    let secs = span.as_secs();
    if secs >= 60 && secs.is_multiple_of(60) {
        format!("{} min", secs / 60)
    } else {
        format!("{secs} s")
    }
}

/// The first sample whose health had problems: (seconds into the run, the problems), and how
/// many samples had any.
#[derive(Default)]
struct Breaches {
    first: Option<(f64, Vec<String>)>,
    samples: usize,
}

impl Breaches {
    fn judge(&mut self, at: f64, health: &Health) {
        let problems = health.problems(WASM_CEILING_BYTES);
        if !problems.is_empty() {
            self.samples += 1;
            self.first.get_or_insert((at, problems));
        }
    }

    fn row(self, label: &str, samples: usize) -> Row {
        let mut row = Row::new(
            "R4",
            format!("{label} counters and bounds"),
            "every sample: invariant, queues, log, frames, wasm in bounds",
        );
        match &self.first {
            None => {
                row.console = format!("held at all {samples} samples");
                row.pass = Some(true);
            }
            Some((at, problems)) => {
                row.console = format!("broken at {} of {samples} samples", self.samples);
                row.note = format!("first at {at:.0} s: {}", problems.join("; "));
                row.pass = Some(false);
            }
        }
        row.data = json!({
            "samples": samples, "samples_with_problems": self.samples,
            "first_problem": self.first.map(|(at, p)| json!({ "at_s": at, "problems": p })),
        });
        row
    }
}

pub async fn run(site: &Site, span: Duration) -> Res<Vec<Row>> {
    let label = format!("soak 15 × 1 s, {}", span_label(span));
    let config = json!({
        "endpoint": "/ws", "sessions": "15", "auto_send": true, "send_interval_ms": "1000",
    });
    site.console(&config).await?;
    site.js("window.wsConsole.start(); return null").await?;
    site.console_active(15).await?;
    let read = format!(
        "const h = (() => {{ {HEALTH_JS} }})(); h.js = performance.memory ? performance.memory.usedJSHeapSize : null; return h;"
    );
    let started = Instant::now();
    let mut samples = Vec::new();
    let mut breaches = Breaches::default();
    let last = loop {
        let v = site.js(&read).await?;
        let health = Health::from_page(&v);
        let at = started.elapsed().as_secs_f64();
        breaches.judge(at, &health);
        samples.push(Sample {
            at,
            js: num(&v, "/js"),
            wasm: num(&health.report, "/totals/heap/wasm_bytes"),
        });
        if started.elapsed() >= span {
            break health;
        }
        sleep(EVERY.min(span.saturating_sub(started.elapsed()))).await;
    };
    site.js("window.wsConsole.stop(); return null").await?;
    let span = samples.last().map_or(0.0, |s| s.at);
    let js_from = min_in(&samples, span, 0.15, 0.25, |s| s.js);
    let js_to = min_in(&samples, span, 0.90, 1.0, |s| s.js);
    let warm = samples
        .iter()
        .find(|s| s.at >= 0.2 * span)
        .and_then(|s| s.wasm);
    let wasm_to = samples.last().and_then(|s| s.wasm);
    let mut js = growth_row("JS heap", &label, js_from, js_to);
    let mut wasm = growth_row("wasm memory", &label, warm, wasm_to);
    let counters = &last.report["totals"]["counters"];
    let note = format!(
        "{} samples; console sent {}, matched {}, lost {}, {} active at the end",
        samples.len(),
        int(num(counters, "/sent").unwrap_or(0.0)),
        int(num(counters, "/matched").unwrap_or(0.0)),
        int(num(counters, "/lost").unwrap_or(0.0)),
        int(num(&last.report, "/totals/active").unwrap_or(0.0)),
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
    let bounds = breaches.row(&label, samples.len());
    Ok(vec![js, wasm, bounds])
}
