//! The controls: the run's configuration as typed, and the actions.

use super::ConsoleCtx;
use super::fields::{Check, TextArea, TextField};
use super::select::EnumSelect;
use leptos::prelude::*;
use ws_console_engine::{AuthMode, Field, SessionId};

/// Why there is no header auth mode: said where the user chooses.
pub const NO_HEADERS: &str = "Browsers cannot set headers (such as Authorization) on a WebSocket, so the token travels in the URL, a subprotocol, a first message or a cookie.";

#[component]
fn AuthSelect() -> impl IntoView {
    view! {
        <div class="wsc-field">
            <EnumSelect
                label="Auth mode"
                id="wsc-auth-mode"
                testid="auth-mode"
                options=AuthMode::ALL.map(|m| (m.as_str(), m.label())).to_vec()
                chosen=|ctx| ctx.config.with(|c| c.auth_mode.as_str())
                pick=|ctx, v| if let Some(m) = AuthMode::parse(v) { ctx.set_auth_mode(m) }
            />
            <span class="wsc-note" data-testid="auth-note">{NO_HEADERS}</span>
        </div>
    }
}

/// The configuration form and the actions.
#[component]
pub fn Controls() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let running = move || ctx.snapshot.with(|s| s.running);
    let target = RwSignal::new(String::from("0"));
    let burst = RwSignal::new(String::from("100"));
    let chosen_session = move || target.with(|t| t.trim().parse::<u32>().ok()).map(SessionId);
    let burst_k = move || {
        let sessions = ctx.snapshot.with(|s| s.total_sessions());
        burst.with(|b| ws_console_engine::burst_size(b, sessions))
    };
    view! {
        <section class="wsc-panel" aria-label="Controls">
            <h2>"Connection"</h2>
            <div class="wsc-form">
                <TextArea
                    label="Endpoints (URL templates, one per line)"
                    field=Field::Endpoint
                    note="ws://, wss://, http(s):// or a path like /ws; placeholders {user_id}, {token}, {session}; up to 16 lines, session i uses line i mod n"
                />
                <TextField label="User id" field=Field::UserId />
                <TextField
                    label="Token"
                    field=Field::Token
                    kind="password"
                    note="Never stored; redacted everywhere"
                />
                <AuthSelect />
                <TextField
                    label="Sessions (1–200)"
                    field=Field::Sessions
                    kind="number"
                    note="3–15 is the standard preset; Chromium allows about 255 sockets per profile, shared by every tab"
                />
            </div>
            <h2>"Traffic"</h2>
            <div class="wsc-form">
                <TextField
                    label="Send interval (ms, 10–60000)"
                    field=Field::SendInterval
                    kind="number"
                    note="0: one message in flight per session, the next sent as its reply comes in"
                />
                <TextField
                    label="Correlation pointer"
                    field=Field::CorrelationPointer
                    note="JSON pointer to the reply's id, e.g. /id or /request_id"
                />
                <TextField
                    label="Group RTT by"
                    field=Field::GroupPointer
                    note="JSON pointer to a field of the sent message, e.g. /type or /agent: RTT and counts per value (16 rows, then (other)); empty for none"
                />
                <TextField
                    label="Reply timeout (ms)"
                    field=Field::ReplyTimeout
                    kind="number"
                />
                <div class="wsc-field wsc-checks">
                    <Check label="Send automatically" field=Field::AutoSend />
                    <Check label="Binary frames" field=Field::Binary />
                    <Check label="Log ping/pong/connected" field=Field::LogNoise />
                    <Check label="Log sent messages" field=Field::LogSent />
                </div>
                <TextArea
                    label="Message template"
                    field=Field::MessageTemplate
                    note="JSON or raw text; {{id}} unique per message, {{seq}} per session, {{session}}, {{ts}} (ms), {{cycle:a|b|c}} one value per message in turn (by seq)"
                />
            </div>
            <details class="wsc-more">
                <summary>"Heartbeat and reconnect"</summary>
                <div class="wsc-form">
                    <div class="wsc-field wsc-checks">
                        <Check label="Heartbeat" field=Field::HeartbeatEnabled />
                        <Check label="Reconnect" field=Field::ReconnectEnabled />
                        <Check label="Jitter" field=Field::Jitter />
                    </div>
                    <TextField label="Ping every (ms)" field=Field::HeartbeatInterval kind="number" />
                    <TextField label="Pong timeout (ms)" field=Field::HeartbeatTimeout kind="number" />
                    <TextField label="Pong type" field=Field::PongType />
                    <TextField label="Connect timeout (ms)" field=Field::ConnectTimeout kind="number" />
                    <TextField label="Stable after (ms)" field=Field::StableAfter kind="number" />
                    <TextField
                        label="Backoff schedule (s)"
                        field=Field::ReconnectSchedule
                        note="Comma-separated; the last step repeats"
                    />
                    <TextField label="Max attempts (empty: no limit)" field=Field::MaxAttempts kind="number" />
                    <TextField label="Close codes not retried" field=Field::NoRetryCodes />
                    <TextField label="Try-later close codes" field=Field::TryLaterCodes />
                    <TextField label="Offline queue per session" field=Field::QueueCapacity kind="number" />
                    <TextField label="Log capacity" field=Field::LogCapacity kind="number" />
                    <TextArea label="Ping template" field=Field::PingTemplate />
                </div>
            </details>
            <div class="wsc-actions">
                <button class="wsc-button wsc-button--primary" data-testid="start" on:click=move |_| ctx.start()>
                    "Start"
                </button>
                <button class="wsc-button" data-testid="stop" on:click=move |_| ctx.stop()>
                    "Stop"
                </button>
                <button class="wsc-button" data-testid="broadcast" disabled=move || !running() on:click=move |_| ctx.run.broadcast()>
                    "Send to all"
                </button>
                <span class="wsc-inline">
                    <label for="wsc-target">"Session"</label>
                    <input id="wsc-target" class="wsc-small" type="number" min="0" data-testid="send-target" prop:value=target on:input=move |ev| target.set(event_target_value(&ev)) />
                    <button
                        class="wsc-button"
                        data-testid="send-one"
                        disabled=move || !running() || chosen_session().is_none()
                        on:click=move |_| {
                            if let Some(s) = chosen_session() {
                                ctx.run.send_one(s);
                            }
                        }
                    >
                        "Send to one"
                    </button>
                </span>
                <span class="wsc-inline">
                    <label for="wsc-burst">"Burst"</label>
                    <input id="wsc-burst" class="wsc-small" type="number" min="1" data-testid="burst-count" prop:value=burst on:input=move |ev| burst.set(event_target_value(&ev)) />
                    <button
                        class="wsc-button"
                        data-testid="burst"
                        disabled=move || !running() || burst_k().is_err()
                        on:click=move |_| {
                            if let Ok(k) = untrack(burst_k) {
                                ctx.run.burst(k);
                            }
                        }
                    >
                        "Burst to all"
                    </button>
                    <span class="wsc-error" role="alert" data-testid="burst-error">
                        {move || burst_k().err().unwrap_or_default()}
                    </span>
                </span>
                <button
                    class="wsc-button"
                    data-testid="apply-token"
                    title="Sessions waiting for auth reconnect with the token now in the Token field"
                    disabled=move || !running()
                    on:click=move |_| {
                        ctx.run.set_token(ctx.config.with_untracked(|c| c.token.clone()));
                    }
                >
                    "Apply token"
                </button>
                <button class="wsc-button" data-testid="share" on:click=move |_| ctx.share()>
                    "Copy share URL"
                </button>
            </div>
            <div class="wsc-note" data-testid="share-url">{move || ctx.share_url.get()}</div>
        </section>
    }
}
