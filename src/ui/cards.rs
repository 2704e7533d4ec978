//! The metric cards (F9), each coloured by its F10 verdict and showing the band it is judged
//! against. Values carry the automation interface's `data-testid`s.

use super::ConsoleCtx;
use super::snapshot::Snapshot;
use leptos::prelude::*;
use ws_console_engine::{Level, Measure, fixed};

/// One card: label, live value, verdict colour and band.
#[component]
fn Card(
    /// What the card measures.
    label: &'static str,
    /// The value's `data-testid`.
    testid: &'static str,
    /// Reads the value from the snapshot.
    value: fn(&Snapshot) -> String,
    /// The verdict that colours the card, if any.
    #[prop(optional)]
    measure: Option<Measure>,
    /// A second line under the value.
    #[prop(optional)]
    detail: Option<fn(&Snapshot) -> String>,
) -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let verdict = move || {
        measure.and_then(|m| {
            ctx.snapshot
                .with(|s| s.verdicts.iter().find(|v| v.measure == m).cloned())
        })
    };
    let class = move || {
        let level = verdict().map_or(Level::NoData, |v| v.level);
        format!("wsc-card wsc-card--{}", level.as_str())
    };
    view! {
        <div class=class data-testid=format!("{testid}-card")>
            <div class="wsc-card__label">{label}</div>
            <div class="wsc-card__value" data-testid=testid>
                {move || ctx.snapshot.with(value)}
            </div>
            {detail.map(|d| view! { <div class="wsc-card__detail">{move || ctx.snapshot.with(d)}</div> })}
            <div class="wsc-card__band">
                {move || verdict().map(|v| format!("{} · target {}", band_word(v.level), v.target))}
            </div>
        </div>
    }
}

/// What the band line says about a level: below its minimum sample a measure is still
/// "collecting…", never good.
fn band_word(level: Level) -> &'static str {
    match level {
        Level::Collecting => "collecting…",
        Level::NoData => "no data",
        other => other.as_str(),
    }
}

/// Milliseconds with one decimal, or an en dash when there is no sample yet.
pub fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_string(), |v| format!("{} ms", fixed(v, 1)))
}

/// A percentage (given in %) with one decimal, or an en dash.
pub fn percent(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_string(), |v| format!("{} %", fixed(v, 1)))
}

/// Bytes as MB with one decimal.
pub fn mb(bytes: u64) -> String {
    format!("{} MB", fixed(bytes as f64 / 1_048_576.0, 1))
}

fn errors_detail(s: &Snapshot) -> String {
    let e = &s.totals.counters.errors;
    let mut parts: Vec<String> = e
        .close_codes
        .iter()
        .map(|(code, n)| format!("close {code}: {n}"))
        .collect();
    for (name, n) in [
        ("parse", e.parse),
        ("timeout", e.timeout),
        ("socket", e.socket),
        ("server", e.server),
        ("auth", e.auth),
    ] {
        if n > 0 {
            parts.push(format!("{name}: {n}"));
        }
    }
    let client = s.totals.counters.client_errors;
    if client > 0 {
        parts.push(format!(
            "+ {client} refused by the browser (not the server's)"
        ));
    }
    parts.join(" · ")
}

fn memory(s: &Snapshot) -> String {
    match (&s.totals.heap, s.heap_available) {
        (Some(h), true) => mb(h.used),
        _ => "not available".to_string(),
    }
}

fn memory_detail(s: &Snapshot) -> String {
    // wasm memory as the last heap sample read it (the view reads no browser state itself).
    let wasm = s
        .totals
        .heap
        .as_ref()
        .map_or_else(|| "–".to_string(), |h| mb(h.wasm));
    // The engine says when a trend is long enough to judge; until then it is noise.
    let judged = s
        .verdicts
        .iter()
        .any(|v| v.measure == Measure::Heap && v.level != Level::NoData);
    match &s.totals.heap_trend {
        Some(t) if judged => format!("trend {:+.2} MB/min · wasm {wasm}", t.mb_per_min),
        Some(t) => format!(
            "trend after {} s: too early to judge · wasm {wasm}",
            fixed(t.span_min * 60.0, 0)
        ),
        None => format!("wasm {wasm}"),
    }
}

/// The card grid.
#[component]
pub fn Cards() -> impl IntoView {
    view! {
        <section class="wsc-cards" aria-label="Metrics">
            <Card label="Active / total" testid="metric-active" measure=Measure::ConnectionSuccess
                value=|s| format!("{} / {}", s.totals.sessions.active, s.totals.sessions.configured)
                detail=|s| format!("{} connecting · {} reconnecting · {} need auth", s.totals.sessions.connecting, s.totals.sessions.reconnecting, s.totals.sessions.needs_auth) />
            <Card label="Sent" testid="metric-sent" value=|s| s.totals.counters.sent.to_string()
                detail=|s| format!("{} msg/s · {} pending · {} queued", fixed(s.totals.sent_per_s, 1), s.totals.counters.pending, s.totals.queued_now) />
            <Card label="Received" testid="metric-received" value=|s| s.totals.counters.received.to_string()
                detail=|s| format!("{} msg/s · {} matched", fixed(s.totals.received_per_s, 1), s.totals.counters.matched) />
            <Card label="Success rate" testid="metric-success-rate" measure=Measure::MessageSuccess
                value=|s| percent(s.totals.success_rate)
                detail=|s| { let c = &s.totals.counters; format!("{} lost · {} dup · {} out of order", c.lost, c.duplicate, c.out_of_order) } />
            <Card label="RTT average" testid="metric-rtt-avg" measure=Measure::AvgRtt value=|s| ms(s.totals.rtt.mean)
                detail=|s| format!("p50 {} · max {}", ms(s.totals.rtt.p50), ms(s.totals.rtt.max)) />
            <Card label="RTT p95 / p99" testid="metric-rtt-p95" value=|s| ms(s.totals.rtt.p95)
                detail=|s| format!("p99 {}", ms(s.totals.rtt.p99)) />
            <Card label="Connect time" testid="metric-connect-time" measure=Measure::ConnectTime
                value=|s| ms(s.totals.connect_time.mean)
                detail=|s| format!("p95 {} · max {}", ms(s.totals.connect_time.p95), ms(s.totals.connect_time.max)) />
            <Card label="First message" testid="metric-first-message" measure=Measure::FirstMessage
                value=|s| ms(s.totals.first_message.mean)
                detail=|s| format!("after open · p95 {}", ms(s.totals.first_message.p95)) />
            <Card label="Reconnections" testid="metric-reconnects" measure=Measure::Reconnection
                value=|s| s.totals.counters.reconnects.to_string()
                detail=|s| format!("recovery avg {}", ms(s.totals.recovery.mean)) />
            <Card label="Errors" testid="metric-errors" value=|s| s.totals.counters.errors.total().to_string() detail=errors_detail />
            <Card label="JS heap used" testid="metric-memory" measure=Measure::Heap value=memory detail=memory_detail />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn formats_missing_values_as_a_dash() {
        assert_eq!(ms(None), "–");
        assert_eq!(ms(Some(1.25)), "1.2 ms");
        assert_eq!(percent(Some(98.76)), "98.8 %");
        assert_eq!(mb(3 * 1_048_576), "3.0 MB");
    }
}
