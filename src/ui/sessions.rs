//! The per-session table: endpoint, state, counts, RTT, errors, reconnects and the last
//! close. The endpoint is a short label (`#2`: line 2 of the endpoint field, session `i`
//! on line `i mod n`); the Endpoints panel shows its URL.

use super::ConsoleCtx;
use super::cards::ms;
use super::snapshot::state_label;
use super::table::scroll_table;
use leptos::prelude::*;
use ws_console_engine::SessionView;

/// One row per session. Each row reads a memo of its own session, so a repaint touches only
/// the rows (and cells) whose figures changed — with 200 sessions most rows stay still.
#[component]
pub fn Sessions() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let count = move || ctx.snapshot.with(|s| s.sessions.len());
    let body = NodeRef::<leptos::html::Tbody>::new();
    super::once::rows(
        move || body.get().map(Into::into),
        count,
        |i| view! { <Row i /> }.into_any(),
    );
    view! {
        <section class="wsc-panel" aria-label="Sessions" data-testid="session-table">
            <h2>"Sessions"</h2>
            {scroll_table(
                "Sessions table",
                view! {
                    <thead>
                        <tr>
                            <th>"#"</th>
                            <th>"Endpoint"</th>
                            <th>"State"</th>
                            <th>"Sent"</th>
                            <th>"Received"</th>
                            <th>"RTT avg"</th>
                            <th>"Lost"</th>
                            <th>"Errors"</th>
                            <th title="The browser's own refusals (a frame or a socket it would not take): never the server's">"Console errors"</th>
                            <th>"Reconnects"</th>
                            <th>"Queued"</th>
                            <th title="bufferedAmount: bytes the browser had not yet sent">"Buffered"</th>
                            <th>"Last close"</th>
                        </tr>
                    </thead>
                },
                view! { <tbody node_ref=body></tbody> },
            )}
        </section>
    }
}

/// The row of session `i`.
#[component]
fn Row(
    /// The session's index.
    i: usize,
) -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let row = Memo::new(move |_| {
        ctx.snapshot.with(|s| {
            s.sessions
                .get(i)
                .cloned()
                .map(|r| (r, s.buffered.get(i).copied().unwrap_or(0)))
        })
    });
    let cell = move |f: fn(&SessionView) -> String| {
        move || row.with(|r| r.as_ref().map(|(r, _)| f(r)).unwrap_or_default())
    };
    view! {
        <tr data-testid="session-row" data-session=i>
            <td>{i}</td>
            <td data-testid="session-endpoint">{cell(|r| format!("#{}", r.endpoint + 1))}</td>
            <td>
                <span
                    class=move || row.with(|r| {
                        format!("wsc-state wsc-state--{}", r.as_ref().map_or("disconnected", |(r, _)| r.state.as_str()))
                    })
                    data-testid="session-state"
                >
                    {cell(|r| state_label(&r.state))}
                </span>
            </td>
            <td data-testid="session-sent">{cell(|r| r.counters.sent.to_string())}</td>
            <td data-testid="session-received">{cell(|r| r.counters.received.to_string())}</td>
            <td>{cell(|r| ms(r.rtt.mean))}</td>
            <td>{cell(|r| r.counters.lost.to_string())}</td>
            <td>{cell(|r| r.counters.errors.total().to_string())}</td>
            <td data-testid="session-client-errors">{cell(|r| r.counters.client_errors.to_string())}</td>
            <td data-testid="session-reconnects">{cell(|r| r.counters.reconnects.to_string())}</td>
            <td data-testid="session-queued">{cell(|r| r.queue_len.to_string())}</td>
            <td data-testid="session-buffered">
                {move || row.with(|r| r.as_ref().map_or(0, |(_, b)| *b).to_string())}
            </td>
            <td data-testid="session-close">
                {cell(|r| r.last_close.as_ref().map(|c| format!("{} {}", c.code, c.reason)).unwrap_or_default())}
            </td>
        </tr>
    }
}
