//! Where the token may go (R3): a share link's configuration shown as such, and a Start that
//! would send the token to another origin held until the user agrees.
//!
//! A share link can point the endpoint anywhere, and Start appends the user's token to it. So
//! a linked configuration is marked, is not saved until kept, and can be discarded back to the
//! saved one; and whatever set the endpoint, a token bound for a host that is not the page's
//! own is sent only after an in-page question that names that host (not `window.confirm`,
//! which a page can suppress and tests cannot read). Every text here is rendered as text.

use super::ConsoleCtx;
use leptos::prelude::*;

/// The banner over a configuration that came from a share link, with Keep and Discard.
#[component]
pub fn SharedConfig() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let keep = move |_| ctx.form.keep_shared();
    let discard = move |_| ctx.form.discard_shared();
    let body = move || {
        view! {
            <div class="wsc-banner wsc-banner--trust" role="status" data-testid="shared-config">
                <p>
                    "This configuration came from a share link. Its endpoint is "
                    <code data-testid="shared-endpoint">{move || ctx.config.with(|c| c.endpoint.clone())}</code>
                    ". It is not saved until you keep it; check where it connects before you start."
                </p>
                <div class="wsc-actions">
                    <button class="wsc-button wsc-button--primary" data-testid="shared-keep" on:click=keep>
                        "Keep"
                    </button>
                    <button class="wsc-button" data-testid="shared-discard" on:click=discard>
                        "Discard"
                    </button>
                </div>
            </div>
        }
        .into_any()
    };
    super::once::show(move || ctx.shared.get(), body)
}

/// The question before the token goes to another origin: Start anyway or Cancel.
#[component]
pub fn ConfirmForeignOrigin() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let host = move || ctx.confirm.with(|p| p.as_ref().map(|p| p.host.clone()));
    let body = move || {
        view! {
            <div
                class="wsc-banner wsc-banner--trust wsc-confirm"
                role="alertdialog"
                aria-labelledby="wsc-confirm-title"
                data-testid="confirm-foreign-origin"
            >
                <p id="wsc-confirm-title">
                    "Send the token to "
                    <strong data-testid="confirm-host">{move || host()}</strong>
                    "? That host is not this page's origin; whoever runs it receives your token."
                </p>
                <div class="wsc-actions">
                    <button
                        class="wsc-button wsc-button--danger"
                        data-testid="confirm-start-anyway"
                        on:click=move |_| ctx.confirm_foreign()
                    >
                        "Start anyway"
                    </button>
                    <button class="wsc-button" data-testid="confirm-cancel" on:click=move |_| ctx.confirm.set(None)>
                        "Cancel"
                    </button>
                </div>
            </div>
        }
        .into_any()
    };
    super::once::show(move || host().is_some(), body)
}
