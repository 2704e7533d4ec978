//! Form fields bound to one field of the configuration, each with its message underneath.
//!
//! Nothing is interpreted here: fields edit the [`ws_console_engine::RawConfig`]'s strings and
//! switches by the engine's [`Field`], and the engine's validation
//! ([`ws_console_engine::RunConfig::from_raw`]) says what is wrong, field by field.

use super::ConsoleCtx;
use leptos::prelude::*;
use ws_console_engine::{Field, FormError};

/// The message about `field` among `messages`, if any.
pub(super) fn message_for<F: PartialEq>(messages: &[FormError<F>], field: F) -> Option<String> {
    messages
        .iter()
        .find(|m| m.field == field)
        .map(|m| m.message.clone())
}

/// The wrapper: label, control, hint, and the field's message.
#[component]
fn Wrap(
    field: Field,
    label: &'static str,
    wide: bool,
    note: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let error = move || ctx.messages.with(|m| message_for(m, field));
    let notice = move || ctx.notices.with(|m| message_for(m, field));
    let class = move || {
        let mut c = String::from("wsc-field");
        if wide {
            c.push_str(" wsc-field--wide");
        }
        if error().is_some() {
            c.push_str(" wsc-field--invalid");
        }
        c
    };
    view! {
        <div class=class>
            <label for=format!("wsc-{}", field.as_str())>{label}</label>
            {children()}
            {note.map(|n| view! { <span class="wsc-note">{n}</span> })}
            <span class="wsc-error" role="alert" data-testid=format!("{}-error", field.as_str())>
                {move || error()}
            </span>
            <span class="wsc-note" data-testid=format!("{}-notice", field.as_str())>
                {move || notice()}
            </span>
        </div>
    }
}

/// A text input (`kind`: text, password, number).
#[component]
pub fn TextField(
    /// Label shown above the input.
    label: &'static str,
    /// The engine's field; its `as_str()` is the `data-testid`.
    field: Field,
    /// `text`, `password`, or `number` (a text input with a numeric keyboard).
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
    view! {
        <Wrap field label wide note>
            <input
                id=format!("wsc-{}", field.as_str())
                // Numbers are typed as text so that whatever the user types ("-1", "abc") reaches
                // validation and gets its message, instead of being silently dropped by the browser.
                type=if kind == "number" { "text" } else { kind }
                inputmode=if kind == "number" { "numeric" } else { "text" }
                autocomplete="off"
                spellcheck="false"
                data-testid=field.as_str()
                prop:value=move || ctx.config.with(|c| c.text(field).to_string())
                on:input=move |ev| ctx.form.edit_config(field, event_target_value(&ev))
            />
        </Wrap>
    }
}

/// A multi-line input (templates).
#[component]
pub fn TextArea(
    /// Label shown above the input.
    label: &'static str,
    /// The engine's field: its text in the configuration
    /// ([`ws_console_engine::RawConfig::text_mut`]).
    field: Field,
    /// A hint under the field.
    #[prop(optional)]
    note: Option<&'static str>,
) -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    view! {
        <Wrap field label wide=true note>
            <textarea
                id=format!("wsc-{}", field.as_str())
                spellcheck="false"
                data-testid=field.as_str()
                prop:value=move || ctx.config.with(|c| c.text(field).to_string())
                on:input=move |ev| ctx.form.edit_config(field, event_target_value(&ev))
            ></textarea>
        </Wrap>
    }
}

/// A checkbox for a boolean setting.
#[component]
pub fn Check(
    /// Label beside the box.
    label: &'static str,
    /// The engine's switch ([`ws_console_engine::RawConfig::flag_mut`]); its name is the
    /// `data-testid`.
    field: Field,
) -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    view! {
        <label class="wsc-check">
            <input
                type="checkbox"
                data-testid=field.as_str()
                prop:checked=move || ctx.config.with(|c| c.flag(field))
                on:change=move |ev| ctx.form.set_config_flag(field, event_target_checked(&ev))
            />
            {label}
        </label>
    }
}
