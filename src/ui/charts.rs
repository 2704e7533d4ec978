//! Charts (F11) as plain SVG: RTT p50/p95, throughput and heap over time, and a timeline lane
//! per session. They draw from the engine's bounded series (which downsample rather than grow),
//! copied at most once a second.

use super::ConsoleCtx;
use leptos::prelude::*;
use std::sync::Arc;
use ws_console_engine::{Run, SeriesPoint, TimelineEvent, TimelineKind, fixed};

/// One line of a chart: its CSS class and its `(time, value)` samples.
pub type Line = (&'static str, Vec<(f64, f64)>);

/// How many sessions get a timeline lane (the table covers the rest).
pub const MAX_LANES: usize = 50;
const W: f64 = 600.0;
const H: f64 = 120.0;

/// What the charts draw, shared cheaply between snapshots.
#[derive(Clone, Debug, Default)]
pub struct ChartData {
    pub history: Vec<SeriesPoint>,
    /// (time, MB used), from the bounded heap samples.
    pub heap: Vec<(f64, f64)>,
    pub lanes: Vec<Vec<TimelineEvent>>,
    pub span: (f64, f64),
}

impl ChartData {
    /// Copies the series out of `run` at `now`.
    pub fn from_run(run: &Run, now: f64) -> Arc<ChartData> {
        let history = run.history().to_vec();
        let heap: Vec<(f64, f64)> = run
            .heap_samples()
            .iter()
            .map(|h| (h.t, h.used as f64 / 1_048_576.0))
            .collect();
        let lanes: Vec<Vec<TimelineEvent>> = (0..run.session_count().min(MAX_LANES))
            .map(|i| {
                run.timeline(ws_console_engine::SessionId(i as u32))
                    .copied()
                    .collect()
            })
            .collect();
        let start = run.started_at().unwrap_or(now);
        Arc::new(ChartData {
            history,
            heap,
            lanes,
            span: (start, now.max(start + 1.0)),
        })
    }
}

/// An SVG polyline's points for `(t, v)` samples scaled into the chart.
pub fn points(samples: &[(f64, f64)], span: (f64, f64), max: f64) -> String {
    let (t0, t1) = span;
    let max = if max > 0.0 { max } else { 1.0 };
    samples
        .iter()
        .map(|(t, v)| {
            format!(
                "{},{}",
                fixed((t - t0) / (t1 - t0) * W, 1),
                fixed(H - (v / max).clamp(0.0, 1.0) * H, 1)
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn series(history: &[SeriesPoint], f: fn(&SeriesPoint) -> Option<f64>) -> Vec<(f64, f64)> {
    history
        .iter()
        .filter_map(|p| f(p).map(|v| (p.t, v)))
        .collect()
}

fn peak(lines: &[&[(f64, f64)]]) -> f64 {
    lines
        .iter()
        .flat_map(|l| l.iter().map(|p| p.1))
        .fold(0.0, f64::max)
        * 1.1
}

/// The caption's note for `lines`: their peak, in `unit`; and the peak itself (with headroom),
/// which scales the y axis.
pub fn peak_note(lines: &[Line], unit: &str) -> (String, f64) {
    let max = peak(&lines.iter().map(|(_, l)| l.as_slice()).collect::<Vec<_>>());
    (format!(" · peak {} {unit}", fixed(max / 1.1, 1)), max)
}

/// `lines` as SVG polylines, x over `span`, y up to `max`.
pub fn polylines(lines: Vec<Line>, span: (f64, f64), max: f64) -> impl IntoView {
    lines
        .into_iter()
        .map(|(class, l)| {
            view! { <polyline class=class points=points(&l, span, max) /> }.into_any()
        })
        .collect_view()
}

/// The chart's `viewBox`.
pub const VIEW_BOX: &str = "0 0 600 120";

#[component]
fn Chart(
    /// Title above the chart.
    title: &'static str,
    /// `data-testid`.
    testid: &'static str,
    /// The unit of the y axis.
    unit: &'static str,
    /// Lines: (css class, samples), read from the chart data.
    lines: fn(&ChartData) -> Vec<Line>,
) -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let data = move || ctx.snapshot.with(|s| s.charts.clone());
    view! {
        <figure class="wsc-chart" data-testid=testid>
            <figcaption>
                {title}
                <span class="wsc-note">{move || peak_note(&lines(&data()), unit).0}</span>
            </figcaption>
            <svg viewBox=VIEW_BOX preserveAspectRatio="none" role="img" aria-label=title>
                {move || {
                    let d = data();
                    let ls = lines(&d);
                    let max = peak_note(&ls, unit).1;
                    polylines(ls, d.span, max)
                }}
            </svg>
        </figure>
    }
}

fn lane_class(kind: &TimelineKind) -> &'static str {
    match kind {
        TimelineKind::Connecting { .. } => "connecting",
        TimelineKind::Open => "open",
        TimelineKind::Closed { .. } | TimelineKind::TimedOut => "closed",
        TimelineKind::Backoff { .. } => "backoff",
        _ => "idle",
    }
}

fn lane_label(kind: &TimelineKind) -> String {
    match kind {
        TimelineKind::Closed { code } => format!("closed {code}"),
        TimelineKind::Backoff { attempt, delay } => {
            format!("backoff #{attempt} {} s", fixed(delay / 1000.0, 1))
        }
        other => lane_class(other).to_string(),
    }
}

/// A lane per session: each event colours the stretch until the next one.
#[component]
fn Timeline() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    view! {
        <figure class="wsc-chart" data-testid="timeline">
            <figcaption>"Timeline (connecting, open, closed with code, backoff)"</figcaption>
            {move || ctx.snapshot.with(|s| {
                let d = s.charts.clone();
                let (t0, t1) = d.span;
                let x = move |t: f64| (t - t0) / (t1 - t0) * W;
                d.lanes.iter().enumerate().map(|(i, lane)| {
                    let segments = lane.iter().enumerate().map(|(j, e)| {
                        let end = lane.get(j + 1).map_or(t1, |n| n.t);
                        view! {
                            <rect class=format!("wsc-lane--{}", lane_class(&e.kind)) x=fixed(x(e.t), 1).to_string() y="0"
                                width=fixed((x(end) - x(e.t)).max(1.0), 1).to_string() height="10">
                                <title>{lane_label(&e.kind)}</title>
                            </rect>
                        }.into_any()
                    }).collect_view();
                    view! {
                        <div class="wsc-lane" data-testid="timeline-lane">
                            <span class="wsc-lane__name">{format!("#{i}")}</span>
                            <svg viewBox=format!("0 0 {W} 10") preserveAspectRatio="none">{segments}</svg>
                        </div>
                    }.into_any()
                }).collect_view()
            })}
        </figure>
    }
}

/// RTT, throughput and heap charts, and the timeline.
#[component]
pub fn Charts() -> impl IntoView {
    view! {
        <section class="wsc-panel wsc-charts" aria-label="Charts">
            <h2>"Over time"</h2>
            <div class="wsc-chart-grid">
                <Chart title="RTT p50 / p95" testid="chart-rtt" unit="ms"
                    lines=|d| vec![("wsc-line--p50", series(&d.history, |p| p.rtt_p50_ms)), ("wsc-line--p95", series(&d.history, |p| p.rtt_p95_ms))] />
                <Chart title="Throughput sent / received" testid="chart-throughput" unit="msg/s"
                    lines=|d| vec![("wsc-line--sent", series(&d.history, |p| Some(p.sent_per_s))), ("wsc-line--received", series(&d.history, |p| Some(p.received_per_s)))] />
                <Chart title="JS heap used" testid="chart-heap" unit="MB" lines=|d| vec![("wsc-line--heap", d.heap.clone())] />
            </div>
            <Timeline />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn scales_samples_into_the_chart() {
        assert_eq!(VIEW_BOX, format!("0 0 {W} {H}"));
        assert_eq!(
            points(&[(0.0, 0.0), (10.0, 5.0)], (0.0, 10.0), 5.0),
            "0.0,120.0 600.0,0.0"
        );
        assert_eq!(points(&[], (0.0, 1.0), 0.0), "");
    }
}
