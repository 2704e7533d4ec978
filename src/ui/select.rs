//! One `<select>` over an enum's values, with its label: the auth mode, the scenario and the
//! load preset are each a list of an enum's `as_str()` values shown by their labels.
//!
//! Not generic over the enum: the caller passes the values as strings and reads and writes
//! the choice through plain functions of the context (as the form's checkboxes do), so the
//! three lists share one copy of the code where a generic component would be compiled once
//! per enum.

use super::ConsoleCtx;
use leptos::prelude::*;

/// The label and the list; the caller wraps them in its field, with its note.
#[component]
pub fn EnumSelect(
    /// The label's text.
    label: &'static str,
    /// The list's id, which the label points at.
    id: &'static str,
    /// The list's `data-testid`.
    testid: &'static str,
    /// A first option, with the empty value, for "none of them".
    #[prop(optional)]
    none: Option<&'static str>,
    /// Each value with its label, in order.
    options: Vec<(&'static str, &'static str)>,
    /// The value chosen now (`""`: none).
    chosen: fn(&ConsoleCtx) -> &'static str,
    /// Takes the value the user picked.
    pick: fn(&ConsoleCtx, &str),
) -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    // Boxed, so the view holds a pointer rather than the whole context (see `RunActions`).
    let on_change: Box<dyn Fn(web_sys::Event)> =
        Box::new(move |ev| pick(&ctx, &event_target_value(&ev)));
    let options = none
        .map(|text| ("", text))
        .into_iter()
        .chain(options)
        .map(|(value, text)| {
            view! { <option value=value selected=move || chosen(&ctx) == value>{text}</option> }
                .into_any()
        })
        .collect_view();
    view! {
        <label for=id>{label}</label>
        <select id=id data-testid=testid on:change=on_change>
            {options}
        </select>
    }
}
