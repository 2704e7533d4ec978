//! The per-session table: state, counts, RTT, errors, reconnects and the last close.

use super::ConsoleCtx;
use super::cards::ms;
use super::snapshot::state_label;
use leptos::prelude::*;
use ws_console_engine::SessionView;

/// One row per session; cells read the snapshot fine-grained, so a repaint touches only what
/// changed.
#[component]
pub fn Sessions() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let count = move || ctx.snapshot.with(|s| s.sessions.len());
    let cell = move |i: usize, f: fn(&SessionView) -> String| {
        move || {
            ctx.snapshot
                .with(|s| s.sessions.get(i).map(f).unwrap_or_default())
        }
    };
    view! {
        <section class="wsc-panel" aria-label="Sessions">
            <h2>"Sessions"</h2>
            <div class="wsc-table-wrap">
                <table class="wsc-table">
                    <thead>
                        <tr>
                            <th>"#"</th>
                            <th>"State"</th>
                            <th>"Sent"</th>
                            <th>"Received"</th>
                            <th>"RTT avg"</th>
                            <th>"Lost"</th>
                            <th>"Errors"</th>
                            <th>"Reconnects"</th>
                            <th>"Queued"</th>
                            <th title="bufferedAmount: bytes the browser had not yet sent">"Buffered"</th>
                            <th>"Last close"</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=move || 0..count() key=|i| *i let:i>
                            <tr data-testid="session-row" data-session=i>
                                <td>{i}</td>
                                <td>
                                    <span
                                        class=move || ctx.snapshot.with(|s| {
                                            format!("wsc-state wsc-state--{}", s.sessions.get(i).map_or("disconnected", |r| r.state.as_str()))
                                        })
                                        data-testid="session-state"
                                    >
                                        {cell(i, |r| state_label(&r.state))}
                                    </span>
                                </td>
                                <td data-testid="session-sent">{cell(i, |r| r.counters.sent.to_string())}</td>
                                <td data-testid="session-received">{cell(i, |r| r.counters.received.to_string())}</td>
                                <td>{cell(i, |r| ms(r.rtt.mean))}</td>
                                <td>{cell(i, |r| r.counters.lost.to_string())}</td>
                                <td>{cell(i, |r| r.counters.errors.total().to_string())}</td>
                                <td data-testid="session-reconnects">{cell(i, |r| r.counters.reconnects.to_string())}</td>
                                <td data-testid="session-queued">{cell(i, |r| r.queue_len.to_string())}</td>
                                <td data-testid="session-buffered">
                                    {move || ctx.snapshot.with(|s| s.buffered.get(i).copied().unwrap_or(0).to_string())}
                                </td>
                                <td data-testid="session-close">
                                    {cell(i, |r| r.last_close.as_ref().map(|c| format!("{} {}", c.code, c.reason)).unwrap_or_default())}
                                </td>
                            </tr>
                        </For>
                    </tbody>
                </table>
            </div>
        </section>
    }
}
