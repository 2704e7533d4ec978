//! The scenario panel (F12): pick a scenario, set its parameters, Run, watch the progress and
//! the remaining time, cancel; at the end, a verdict per criterion.

use super::ConsoleCtx;
use super::fields::message_for;
use super::select::EnumSelect;
use leptos::prelude::*;
use ws_console_engine::{ParamField, Preset, ScenarioKind, ScenarioStatus, fixed};

#[component]
fn Param(field: ParamField) -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let error = move || ctx.scenario_errors.with(|e| message_for(e, field));
    if matches!(field, ParamField::UseBackendFaults | ParamField::RateLimit) {
        // The rate-limit probe is off by default, and asked for: it sends at rising rates
        // until the server limits it, which a production backend may hold against the user.
        let ask = (field == ParamField::RateLimit).then_some(
            "The rate-limit probe sends messages at rising rates (up to 320 a second, for at most 7 s) until the server limits or closes the connection. Run it against this backend?",
        );
        return view! {
            <label class="wsc-check">
                <input
                    type="checkbox"
                    data-testid=field.as_str()
                    prop:checked=move || ctx.scenario.with(|r| r.flag(field))
                    on:change=move |ev| {
                        let mut on = event_target_checked(&ev);
                        if let (true, Some(q)) = (on, ask) {
                            on = crate::browser::page::confirm(q);
                            if !on {
                                event_target::<web_sys::HtmlInputElement>(&ev).set_checked(false);
                            }
                        }
                        ctx.form.set_param_flag(field, on);
                    }
                />
                {field.label()}
            </label>
        }
        .into_any();
    }
    let kind = if field == ParamField::InvalidToken {
        "password"
    } else {
        "text"
    };
    view! {
        <div class="wsc-field">
            <label>{field.label()}</label>
            <input
                type=kind
                autocomplete="off"
                aria-label=field.label()
                data-testid=field.as_str()
                prop:value=move || ctx.scenario.with(|r| r.text(field))
                on:input=move |ev| ctx.form.edit_param(field, event_target_value(&ev))
            />
            <span class="wsc-error" data-testid=format!("{}-error", field.as_str())>{move || error()}</span>
        </div>
    }
    .into_any()
}

/// The load presets: light fills the Broadcast form; medium and heavy say why they do not
/// fit in a tab and leave the k6 export to them.
#[component]
fn PresetPicker() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let chosen = move || ctx.preset.get();
    view! {
        <div class="wsc-field">
            <EnumSelect
                label="Load preset"
                id="wsc-preset"
                testid="scenario-preset"
                none="None (the form as set)"
                options=Preset::ALL.map(|p| (p.as_str(), p.label())).to_vec()
                chosen=|ctx| ctx.preset.with(|p| p.map_or("", Preset::as_str))
                pick=|ctx, v| ctx.pick_preset(Preset::from_name(v))
            />
            <span class="wsc-note" data-testid="scenario-preset-reason">{move || chosen().and_then(Preset::why_not_here).map(String::from)}</span>
        </div>
    }
    .into_any()
}

fn clock_s(ms: f64) -> String {
    let s = (ms.max(0.0) / 1000.0).ceil() as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

/// The scenario picker, its parameters, the Run / Cancel actions and the progress bar.
#[component]
pub fn Scenarios() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let kind = move || ctx.scenario.with(|r| r.kind);
    let progress = move || {
        ctx.snapshot
            .with(|s| s.scenario.as_ref().map(|v| v.progress.clone()))
    };
    let running = move || progress().is_some_and(|p| p.status == ScenarioStatus::Running);
    let too_big = move || {
        ctx.preset
            .with(|p| p.is_some_and(|p| p.why_not_here().is_some()))
    };
    view! {
        <section class="wsc-panel" aria-label="Scenarios">
            <h2>"Scenario"</h2>
            <div class="wsc-form">
                <PresetPicker />
                <div class="wsc-field">
                    <EnumSelect
                        label="Scenario"
                        id="wsc-scenario"
                        testid="scenario-select"
                        options=ScenarioKind::ALL.map(|k| (k.as_str(), k.label())).to_vec()
                        chosen=|ctx| ctx.scenario.with(|r| r.kind.as_str())
                        pick=|ctx, v| if let Some(k) = ScenarioKind::from_name(v) { ctx.pick_scenario(k) }
                    />
                    <span class="wsc-note" data-testid="scenario-description">{move || kind().description().to_string()}</span>
                </div>
                {move || kind().fields().iter().map(|f| view! { <Param field=*f /> }).collect_view()}
            </div>
            <div class="wsc-error" data-testid="scenario-error">
                {move || ctx.scenario_errors.with(|e| {
                    e.iter().filter(|x| matches!(x.field, ParamField::Config(_))).map(|x| x.message.clone()).collect::<Vec<_>>().join(" ")
                })}
            </div>
            <div class="wsc-actions">
                <button class="wsc-button wsc-button--primary" data-testid="scenario-run" disabled=move || running() || too_big() on:click=move |_| ctx.run_scenario()>
                    "Run scenario"
                </button>
                <button class="wsc-button" data-testid="scenario-cancel" disabled=move || !running() on:click=move |_| ctx.stop()>
                    "Cancel"
                </button>
                <super::pipeline::ExportK6 />
            </div>
            {move || progress().map(|p| view! {
                <div class="wsc-progress" data-testid="scenario-progress" data-status=p.status.as_str() data-fraction=fixed(p.fraction, 3).to_string()>
                    <div class="wsc-progress__bar" style:width=format!("{}%", fixed(p.fraction * 100.0, 1))></div>
                </div>
                <div class="wsc-note">
                    <span data-testid="scenario-status">{p.status.as_str()}</span>
                    " · phase "<span data-testid="scenario-phase">{p.phase.clone()}</span>
                    " · elapsed "{clock_s(p.elapsed_ms)}
                    " · remaining "<span data-testid="scenario-remaining">{clock_s(p.remaining_ms)}</span>
                </div>
            })}
        </section>
    }
}
