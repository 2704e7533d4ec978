//! RTT by a field of the messages ("Group RTT by"): a row per value — sent, matched, lost,
//! p50, p95, p99, mean — so a backend that routes by agent or by type shows which route is
//! slow. The panel is hidden while the run groups by no field. The values come from the
//! messages (the user's template) and are rendered as text, like everything else.
//!
//! Why one closure for the whole body rather than a memo per row, as the sessions table has:
//! there are at most 17 rows, and a keyed list with a reactive node per cell cost about 5 KB
//! of wasm (gzip) for nothing a person could see at the snapshot's 5 repaints a second.

use super::ConsoleCtx;
use super::cards::ms;
use super::table::scroll_table;
use leptos::prelude::*;

/// The breakdown table, refreshed with the snapshot.
#[component]
pub fn Breakdown() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let pointer = move || {
        ctx.snapshot
            .with(|s| s.breakdown.as_ref().map(|b| b.pointer.clone()))
    };
    let rows = move || {
        ctx.snapshot.with(|s| {
            let groups = s.breakdown.as_ref().map_or(&[][..], |b| &b.groups[..]);
            groups
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    view! {
                        <tr data-testid="field-row" data-group=i>
                            <td data-testid="field-value">{r.value.clone()}</td>
                            <td data-testid="field-sent">{r.sent}</td>
                            <td data-testid="field-matched">{r.matched}</td>
                            <td data-testid="field-lost">{r.lost}</td>
                            <td data-testid="field-p50">{ms(r.rtt_ms.p50)}</td>
                            <td data-testid="field-p95">{ms(r.rtt_ms.p95)}</td>
                            <td data-testid="field-p99">{ms(r.rtt_ms.p99)}</td>
                            <td data-testid="field-avg">{ms(r.rtt_ms.mean)}</td>
                        </tr>
                    }
                    .into_any()
                })
                .collect_view()
        })
    };
    view! {
        <section class="wsc-panel" aria-label="RTT by field" data-testid="field-breakdown" hidden=move || pointer().is_none()>
            <h2>"RTT by " <code data-testid="field-pointer">{move || pointer()}</code></h2>
            {scroll_table(
                "RTT by field table",
                view! {
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
                },
                view! { <tbody>{move || rows()}</tbody> },
            )}
        </section>
    }
}
