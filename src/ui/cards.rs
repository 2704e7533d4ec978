//! The metric cards (F9): a value each, named by the automation interface's `data-testid`.

use super::ConsoleCtx;
use super::snapshot::Snapshot;
use leptos::prelude::*;

/// One card: label, live value, and the band it is judged against.
#[component]
fn Card(
    /// What the card measures.
    label: &'static str,
    /// The card's `data-testid`.
    testid: &'static str,
    /// Reads the value from the snapshot.
    value: fn(&Snapshot) -> String,
) -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    view! {
        <div class="wsc-card">
            <div class="wsc-card__label">{label}</div>
            <div class="wsc-card__value" data-testid=testid>
                {move || ctx.snapshot.with(value)}
            </div>
        </div>
    }
}

/// Milliseconds with one decimal, or an en dash when there is no sample yet.
pub fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_string(), |v| format!("{v:.1} ms"))
}

/// A percentage with one decimal, or an en dash.
pub fn percent(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_string(), |v| format!("{:.1} %", v * 100.0))
}

/// The card grid.
#[component]
pub fn Cards() -> impl IntoView {
    view! {
        <section class="wsc-cards" aria-label="Metrics">
            <Card label="Active / total" testid="metric-active" value=|s| format!("{} / {}", s.active, s.total) />
            <Card label="Sent" testid="metric-sent" value=|s| s.sent.to_string() />
            <Card label="Received" testid="metric-received" value=|s| s.received.to_string() />
            <Card label="Success rate" testid="metric-success-rate" value=|s| percent(s.success_rate) />
            <Card label="RTT average" testid="metric-rtt-avg" value=|s| ms(s.rtt_avg) />
            <Card label="RTT p95" testid="metric-rtt-p95" value=|s| ms(s.rtt_p95) />
            <Card label="Reconnections" testid="metric-reconnects" value=|s| s.reconnects.to_string() />
            <Card label="Errors" testid="metric-errors" value=|s| s.errors.to_string() />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_missing_values_as_a_dash() {
        assert_eq!(ms(None), "–");
        assert_eq!(ms(Some(1.25)), "1.2 ms");
        assert_eq!(percent(Some(0.9876)), "98.8 %");
    }
}
