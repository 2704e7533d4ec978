//! The capacity finder's result (issue 13): the rate it found, why it stopped, a row per step,
//! and the curve of RTT against rate — where the server starts to queue shows as the bend.
//! The curve reuses the charts' polylines, with the step's target rate as the x axis.

use super::ConsoleCtx;
use super::charts::{Line, VIEW_BOX, peak_note, polylines};
use leptos::prelude::*;
use ws_console_engine::{CapacityResult, CapacityStep, fixed};

fn ms(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| fixed(v, 1).to_string())
}

fn row(s: &CapacityStep) -> impl IntoView + use<> {
    let why = if s.why.is_empty() {
        s.outcome.as_str().to_owned()
    } else {
        format!("{}: {}", s.outcome.as_str(), s.why)
    };
    view! {
        <tr data-testid="capacity-step" data-outcome=s.outcome.as_str()>
            <td>{s.step}</td>
            <td>{fixed(s.target_per_s, 1).to_string()}</td>
            <td>{fixed(s.sent_per_s, 1).to_string()}</td>
            <td>{fixed(s.matched_per_s, 1).to_string()}</td>
            <td>{ms(s.rtt_ms.p50)}</td>
            <td>{ms(s.rtt_ms.p95)}</td>
            <td>{ms(s.rtt_ms.p99)}</td>
            <td>{s.lost + s.errors + s.drops}</td>
            <td>{why}</td>
        </tr>
    }
    .into_any()
}

/// RTT p50 and p95 of each step against its target rate.
fn curve(r: &CapacityResult) -> impl IntoView + use<> {
    let at = |f: fn(&CapacityStep) -> Option<f64>| -> Vec<(f64, f64)> {
        r.steps
            .iter()
            .filter_map(|s| f(s).map(|v| (s.target_per_s, v)))
            .collect()
    };
    let lines: Vec<Line> = vec![
        ("wsc-line--p50", at(|s| s.rtt_ms.p50)),
        ("wsc-line--p95", at(|s| s.rtt_ms.p95)),
    ];
    let top = r.steps.iter().map(|s| s.target_per_s).fold(1.0, f64::max);
    let (note, max) = peak_note(&lines, "ms");
    let title = "RTT p50 / p95 against rate";
    view! {
        <figure class="wsc-chart" data-testid="chart-capacity">
            <figcaption>
                {title}
                <span class="wsc-note">{format!(" · 0 – {} msgs/s{note}", fixed(top, 1))}</span>
            </figcaption>
            <svg viewBox=VIEW_BOX preserveAspectRatio="none" role="img" aria-label=title>
                {polylines(lines, (0.0, top), max)}
            </svg>
        </figure>
    }
}

/// The rate found, the steps and the curve; nothing for other scenarios.
#[component]
pub fn CapacitySteps() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    // Rebuilt when a step ends, not at every repaint.
    let result = Memo::new(move |_| {
        ctx.snapshot
            .with(|s| s.scenario.as_ref().and_then(|v| v.capacity.clone()))
    });
    view! {
        {move || {
            let r = result.get()?;
            let rate = r
                .rate_per_s
                .map_or("none".into(), |v| format!("{} msgs/s", fixed(v, 1)));
            let stop = r.stopped.map_or("running", |s| s.as_str());
            Some(view! {
                <div data-testid="capacity">
                    <p>
                        "Highest rate held: "<strong data-testid="capacity-rate">{rate}</strong>
                        " · stopped: "<span data-testid="capacity-stop">{stop}</span>
                    </p>
                    <div class="wsc-table-wrap" tabindex="0" role="region" aria-label="Capacity steps">
                        <table class="wsc-table" data-testid="capacity-steps">
                            <thead><tr>
                                <th>"Step"</th><th>"Target msgs/s"</th><th>"Sent/s"</th><th>"Answered/s"</th>
                                <th>"RTT p50 ms"</th><th>"p95 ms"</th><th>"p99 ms"</th><th>"Lost, errors, drops"</th><th>"Result"</th>
                            </tr></thead>
                            <tbody>{r.steps.iter().map(row).collect_view()}</tbody>
                        </table>
                    </div>
                    {(!r.steps.is_empty()).then(|| curve(&r))}
                </div>
            })
        }}
    }
}
