//! The per-session table: state, counts, RTT, errors, reconnects and the last close.

use super::ConsoleCtx;
use super::cards::ms;
use leptos::prelude::*;

/// One row per session; cells read the snapshot fine-grained, so a repaint touches only what
/// changed.
#[component]
pub fn Sessions() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let count = move || ctx.snapshot.with(|s| s.sessions.len());
    let cell = move |i: usize, f: fn(&super::snapshot::Row) -> String| {
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
                            <th>"Errors"</th>
                            <th>"Reconnects"</th>
                            <th>"Last close"</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=move || 0..count() key=|i| *i let:i>
                            <tr data-testid="session-row" data-session=i>
                                <td>{i}</td>
                                <td>
                                    <span
                                        class=move || {
                                            ctx.snapshot.with(|s| {
                                                format!("wsc-state wsc-state--{}", s.sessions.get(i).map_or("disconnected", |r| r.state_class))
                                            })
                                        }
                                        data-testid="session-state"
                                    >
                                        {cell(i, |r| r.state.clone())}
                                    </span>
                                </td>
                                <td data-testid="session-sent">{cell(i, |r| r.sent.to_string())}</td>
                                <td data-testid="session-received">{cell(i, |r| r.received.to_string())}</td>
                                <td>{cell(i, |r| ms(r.rtt_avg))}</td>
                                <td>{cell(i, |r| r.errors.to_string())}</td>
                                <td>{cell(i, |r| r.reconnects.to_string())}</td>
                                <td>{cell(i, |r| r.last_close.clone())}</td>
                            </tr>
                        </For>
                    </tbody>
                </table>
            </div>
        </section>
    }
}
