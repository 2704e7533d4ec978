//! RTT by a field of the messages ("Group RTT by"): a row per value — sent, matched, lost,
//! p50, p95, p99, mean — so a backend that routes by agent or by type shows which route is
//! slow. The panel exists only while the run groups by a field; the values come from the
//! messages (the user's template), and are rendered as text like everything else.

use super::ConsoleCtx;
use super::cards::ms;
use leptos::prelude::*;
use ws_console_engine::GroupRow;

/// The breakdown table, refreshed with the snapshot (a bounded number of rows).
#[component]
pub fn Breakdown() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let pointer = move || {
        ctx.snapshot
            .with(|s| s.breakdown.as_ref().map(|b| b.pointer.clone()))
    };
    let count = move || {
        ctx.snapshot
            .with(|s| s.breakdown.as_ref().map_or(0, |b| b.groups.len()))
    };
    view! {
        <Show when=move || pointer().is_some()>
            <section class="wsc-panel" aria-label="RTT by field" data-testid="field-breakdown">
                <h2>"RTT by " <code data-testid="field-pointer">{pointer}</code></h2>
                <div class="wsc-table-wrap" tabindex="0" role="region" aria-label="RTT by field table">
                    <table class="wsc-table">
                        <thead>
                            <tr>
                                <th>"Value"</th>
                                <th>"Sent"</th>
                                <th>"Matched"</th>
                                <th>"Lost"</th>
                                <th>"p50"</th>
                                <th>"p95"</th>
                                <th>"p99"</th>
                                <th>"Avg"</th>
                            </tr>
                        </thead>
                        <tbody>
                            <For each=move || 0..count() key=|i| *i let:i>
                                <Row i />
                            </For>
                        </tbody>
                    </table>
                </div>
            </section>
        </Show>
    }
}

/// Row `i` of the breakdown.
#[component]
fn Row(
    /// The row's index (order of first appearance; `(other)` last).
    i: usize,
) -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let row = Memo::new(move |_| {
        ctx.snapshot
            .with(|s| s.breakdown.as_ref().and_then(|b| b.groups.get(i).cloned()))
    });
    let cell = move |f: fn(&GroupRow) -> String| {
        move || row.with(|r| r.as_ref().map(f).unwrap_or_default())
    };
    view! {
        <tr data-testid="field-row" data-group=i>
            <td data-testid="field-value">{cell(|r| r.value.clone())}</td>
            <td data-testid="field-sent">{cell(|r| r.sent.to_string())}</td>
            <td data-testid="field-matched">{cell(|r| r.matched.to_string())}</td>
            <td data-testid="field-lost">{cell(|r| r.lost.to_string())}</td>
            <td data-testid="field-p50">{cell(|r| ms(r.rtt_ms.p50))}</td>
            <td data-testid="field-p95">{cell(|r| ms(r.rtt_ms.p95))}</td>
            <td data-testid="field-p99">{cell(|r| ms(r.rtt_ms.p99))}</td>
            <td data-testid="field-avg">{cell(|r| ms(r.rtt_ms.mean))}</td>
        </tr>
    }
}
