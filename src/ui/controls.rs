//! The controls: the run's configuration as the user types it, and the actions.
//!
//! Fields edit a [`RawConfig`] of plain strings; nothing is interpreted here. On Start the
//! engine validates it, and each [`FieldError`] is shown beside its own field.

use super::ConsoleCtx;
use leptos::prelude::*;
use ws_console_engine::{Field, FieldError, RawConfig};

/// One text input bound to a field of the configuration, with its message underneath.
#[component]
fn TextField(
    /// Label shown above the input.
    label: &'static str,
    /// The engine's field; its `as_str()` is the `data-testid`.
    field: Field,
    /// Reads the field from the configuration.
    get: fn(&RawConfig) -> &String,
    /// Writes the field.
    set: fn(&mut RawConfig, String),
    /// `text`, `password`, `number`.
    #[prop(default = "text")]
    kind: &'static str,
    /// Spans the whole row.
    #[prop(default = false)]
    wide: bool,
    /// A hint under the field.
    #[prop(optional)]
    note: Option<&'static str>,
) -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let message = move || ctx.messages.with(|m| message_for(m, field));
    let class = move || {
        let mut c = String::from("wsc-field");
        if wide {
            c.push_str(" wsc-field--wide");
        }
        if message().is_some() {
            c.push_str(" wsc-field--invalid");
        }
        c
    };
    let id = format!("wsc-{}", field.as_str());
    view! {
        <div class=class>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                type=kind
                autocomplete="off"
                data-testid=field.as_str()
                prop:value=move || ctx.config.with(|c| get(c).clone())
                on:input=move |ev| ctx.config.update(|c| set(c, event_target_value(&ev)))
            />
            {note.map(|n| view! { <span class="wsc-note">{n}</span> })}
            <span class="wsc-error" data-testid=format!("{}-error", field.as_str())>
                {message}
            </span>
        </div>
    }
}

fn message_for(messages: &[FieldError], field: Field) -> Option<String> {
    messages
        .iter()
        .find(|m| m.field == field)
        .map(|m| m.message.clone())
}

/// The configuration form and the Start / Stop / Broadcast actions.
#[component]
pub fn Controls() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    view! {
        <section class="wsc-panel" aria-label="Controls">
            <h2>"Connection"</h2>
            <div class="wsc-form">
                <TextField
                    label="Endpoint (URL template)"
                    field=Field::Endpoint
                    wide=true
                    get=|c| &c.endpoint
                    set=|c, v| c.endpoint = v
                    note="ws://, wss://, http(s):// or a path like /ws; placeholders {user_id}, {token}, {session}"
                />
                <TextField label="User id" field=Field::UserId get=|c| &c.user_id set=|c, v| c.user_id = v />
                <TextField
                    label="Token"
                    field=Field::Token
                    kind="password"
                    get=|c| &c.token
                    set=|c, v| c.token = v
                    note="Never stored; redacted everywhere"
                />
                <TextField
                    label="Sessions (1–200)"
                    field=Field::Sessions
                    kind="number"
                    get=|c| &c.sessions
                    set=|c, v| c.sessions = v
                    note="3–15 is the standard preset; Chromium allows about 255 sockets per profile"
                />
                <TextField
                    label="Send interval (ms)"
                    field=Field::SendInterval
                    kind="number"
                    get=|c| &c.send_interval_ms
                    set=|c, v| c.send_interval_ms = v
                />
            </div>
            <div class="wsc-actions">
                <button class="wsc-button wsc-button--primary" data-testid="start" on:click=move |_| ctx.start()>
                    "Start"
                </button>
                <button class="wsc-button" data-testid="stop" on:click=move |_| ctx.stop()>
                    "Stop"
                </button>
                <button
                    class="wsc-button"
                    data-testid="broadcast"
                    disabled=move || !ctx.snapshot.with(|s| s.running)
                    on:click=move |_| ctx.driver.with_value(|d| d.broadcast())
                >
                    "Broadcast"
                </button>
            </div>
        </section>
    }
}
