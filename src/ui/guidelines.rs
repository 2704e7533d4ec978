//! The guidelines panel: the good / warning / critical bands in force, and the rule for "fair".

use super::ConsoleCtx;
use leptos::prelude::*;

/// The thresholds table (F10), read from the configuration being edited.
#[component]
pub fn Guidelines() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let t = move || ctx.config.with(|c| c.thresholds.clone());
    view! {
        <details class="wsc-panel" data-testid="guidelines">
            <summary><h2 class="wsc-inline-h2">"Guidelines"</h2></summary>
            <table class="wsc-table">
                <thead>
                    <tr><th>"Measure"</th><th>"Good"</th><th>"Warning"</th><th>"Critical"</th></tr>
                </thead>
                <tbody>
                    <tr>
                        <td>"Connection / message success rate"</td>
                        <td>{move || format!("> {} %", t().success_good_pct)}</td>
                        <td>{move || format!("< {} %", t().success_warning_pct)}</td>
                        <td>{move || format!("< {} %", t().success_critical_pct)}</td>
                    </tr>
                    <tr>
                        <td>"Average RTT"</td>
                        <td>{move || format!("< {} ms", t().rtt_good_ms)}</td>
                        <td>{move || format!("> {} ms", t().rtt_warning_ms)}</td>
                        <td>{move || format!("> {} ms", t().rtt_critical_ms)}</td>
                    </tr>
                    <tr>
                        <td>"Heap"</td>
                        <td>"stable over time"</td>
                        <td>{move || format!("increasing (> {} MB/min)", t().heap_increasing_mb_per_min)}</td>
                        <td>{move || format!("leak: steady growth (R² ≥ {}) over ≥ {} min", t().heap_leak_r2, t().heap_leak_min_span_min)}</td>
                    </tr>
                    <tr>
                        <td>"Reconnection"</td>
                        <td>"reconnects work"</td>
                        <td>{move || format!("{}+ attempts in a row", t().reconnect_warning_attempts)}</td>
                        <td>"fails to reconnect"</td>
                    </tr>
                </tbody>
            </table>
            <p class="wsc-note">
                "A value between the good and the warning band reads as fair (for example a success rate of 92 %). "
                "With no sample yet a card reads no data. Cards take the colour of their verdict."
            </p>
            <p class="wsc-note" data-testid="min-samples">
                {move || {
                    let t = t();
                    format!(
                        "No verdict without evidence: a success rate or a mean RTT needs {} replies, the connection rate {} attempts, a heartbeat {} pings, a heap trend a minute of samples. Until then a card reads collecting… and a report grades the criterion WARN (insufficient data), never PASS.",
                        t.min_replies, t.min_connects, t.min_pings,
                    )
                }}
            </p>
        </details>
    }
}
