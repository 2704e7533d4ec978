//! The run per endpoint (issue 13): a row per line of the endpoint field — sessions,
//! connected now and status, connects and failures, errors, sent, received, server pushes
//! (fewest–most per session), mean connect time and time to first message, and the push
//! consistency of a receive-only run. Hidden while the field holds a single endpoint: the
//! cards already say all of it then.
//!
//! One closure for the whole body, as in the field breakdown: at most 16 rows, repainted
//! with the snapshot; a memo per cell would cost wasm for nothing a person could see. The
//! URL is the endpoint's first session's, token redacted, rendered as text.

use super::ConsoleCtx;
use super::cards::ms;
use super::table::scroll_table;
use leptos::prelude::*;
use ws_console_engine::Grade;

/// The CSS class of a consistency grade.
fn grade_class(g: Grade) -> &'static str {
    match g {
        Grade::Pass => "wsc-grade wsc-grade--pass",
        Grade::Warn => "wsc-grade wsc-grade--warn",
        Grade::Fail => "wsc-grade wsc-grade--fail",
        Grade::Skip => "wsc-grade wsc-grade--skip",
    }
}

/// The per-endpoint table, refreshed with the snapshot.
#[component]
pub fn Endpoints() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let rows = move || {
        ctx.snapshot.with(|s| {
            s.endpoints
                .iter()
                .map(|r| {
                    let grade = r.consistency;
                    view! {
                        <tr data-testid="endpoint-row" data-endpoint=r.endpoint>
                            <td title=r.url.clone()>"#"{r.endpoint}</td>
                            <td><code data-testid="endpoint-shown-url">{r.url.clone()}</code></td>
                            <td data-testid="endpoint-sessions">{r.sessions}</td>
                            <td data-testid="endpoint-connected">{r.connected}</td>
                            <td data-testid="endpoint-status">{r.status}</td>
                            <td data-testid="endpoint-connects">{r.connects}" / "{r.connect_failures}</td>
                            <td data-testid="endpoint-errors">{r.errors}</td>
                            <td data-testid="endpoint-sent">{r.sent}</td>
                            <td data-testid="endpoint-received">{r.received}</td>
                            <td data-testid="endpoint-pushes">{r.pushes}</td>
                            <td data-testid="endpoint-spread">{r.pushes_min}"–"{r.pushes_max}</td>
                            <td>{ms(r.connect_time_ms.mean)}</td>
                            <td>{ms(r.first_message_ms.mean)}</td>
                            <td data-testid="endpoint-consistency" class=grade_class(grade)>
                                {grade.label()}
                            </td>
                        </tr>
                    }
                    .into_any()
                })
                .collect_view()
        })
    };
    let single = move || ctx.snapshot.with(|s| s.endpoints.len() < 2);
    view! {
        <section class="wsc-panel" aria-label="Endpoints" data-testid="endpoint-table" hidden=single>
            <h2>"Endpoints"</h2>
            {scroll_table(
                "Endpoints table",
                view! {
                    <thead>
                        <tr>
                            <th>"#"</th>
                            <th>"URL"</th>
                            <th>"Sessions"</th>
                            <th>"Connected"</th>
                            <th>"Status"</th>
                            <th title="Sockets opened / failed before opening">"Connects"</th>
                            <th>"Errors"</th>
                            <th>"Sent"</th>
                            <th>"Received"</th>
                            <th title="Frames the server sent on its own: not pongs, chatter, auth replies or replies to the session's own messages">"Pushes"</th>
                            <th title="Fewest–most pushes among its sessions">"Per session"</th>
                            <th>"Connect avg"</th>
                            <th>"First msg avg"</th>
                            <th title="Receive-only runs: every session of the endpoint got the same number of pushes, within the tolerance">"Consistency"</th>
                        </tr>
                    </thead>
                },
                view! { <tbody>{move || rows()}</tbody> },
            )}
        </section>
    }
}
