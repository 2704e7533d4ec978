//! The guidelines panel: the good / warning / critical bands in force, editable (F10), and
//! the rule for "fair". The bands are part of the configuration: kept with it, shared with
//! it, and carried into every report; an invalid set says why here and Start refuses it.

use super::ConsoleCtx;
use super::fields::message_for;
use leptos::prelude::*;
use ws_console_engine::{Field, Thresholds, fixed};

/// One editable band: which threshold, how it reads.
struct Spec {
    /// What it is, for assistive technology.
    label: &'static str,
    /// Its `data-testid`, `threshold-…`.
    testid: &'static str,
    /// Shown after it.
    unit: &'static str,
    get: fn(&Thresholds) -> f64,
    set: fn(&mut Thresholds, f64),
}

/// A threshold as typed: up to three decimals, no trailing zeros.
fn show(v: f64) -> String {
    let s = fixed(v, 3).to_string();
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A count typed as a number: whole, not negative.
fn whole(v: f64) -> u64 {
    v.max(0.0).round() as u64
}

const BANDS: [Spec; 16] = [
    Spec {
        label: "Success rate, good above",
        testid: "threshold-success-good",
        unit: " %",
        get: |t| t.success_good_pct,
        set: |t, v| t.success_good_pct = v,
    },
    Spec {
        label: "Success rate, warning below",
        testid: "threshold-success-warning",
        unit: " %",
        get: |t| t.success_warning_pct,
        set: |t, v| t.success_warning_pct = v,
    },
    Spec {
        label: "Success rate, critical below",
        testid: "threshold-success-critical",
        unit: " %",
        get: |t| t.success_critical_pct,
        set: |t, v| t.success_critical_pct = v,
    },
    Spec {
        label: "Average RTT, good below",
        testid: "threshold-rtt-good",
        unit: " ms",
        get: |t| t.rtt_good_ms,
        set: |t, v| t.rtt_good_ms = v,
    },
    Spec {
        label: "Average RTT, warning above",
        testid: "threshold-rtt-warning",
        unit: " ms",
        get: |t| t.rtt_warning_ms,
        set: |t, v| t.rtt_warning_ms = v,
    },
    Spec {
        label: "Average RTT, critical above",
        testid: "threshold-rtt-critical",
        unit: " ms",
        get: |t| t.rtt_critical_ms,
        set: |t, v| t.rtt_critical_ms = v,
    },
    Spec {
        label: "Heap, increasing above",
        testid: "threshold-heap-increasing",
        unit: " MB/min)",
        get: |t| t.heap_increasing_mb_per_min,
        set: |t, v| t.heap_increasing_mb_per_min = v,
    },
    Spec {
        label: "Reconnection, warning at attempts in a row",
        testid: "threshold-reconnect-warning",
        unit: "+ attempts in a row",
        get: |t| f64::from(t.reconnect_warning_attempts),
        set: |t, v| t.reconnect_warning_attempts = whole(v).min(u64::from(u32::MAX)) as u32,
    },
    Spec {
        label: "Replies a success rate or mean RTT needs",
        testid: "threshold-min-replies",
        unit: " replies",
        get: |t| t.min_replies as f64,
        set: |t, v| t.min_replies = whole(v),
    },
    Spec {
        label: "Attempts the connection rate needs (connections the connect time and first message need)",
        testid: "threshold-min-connects",
        unit: " attempts",
        get: |t| t.min_connects as f64,
        set: |t, v| t.min_connects = whole(v),
    },
    Spec {
        label: "Connect time, good below",
        testid: "threshold-connect-good",
        unit: " ms",
        get: |t| t.connect_good_ms,
        set: |t, v| t.connect_good_ms = v,
    },
    Spec {
        label: "Connect time, warning above",
        testid: "threshold-connect-warning",
        unit: " ms",
        get: |t| t.connect_warning_ms,
        set: |t, v| t.connect_warning_ms = v,
    },
    Spec {
        label: "Connect time, critical above",
        testid: "threshold-connect-critical",
        unit: " ms",
        get: |t| t.connect_critical_ms,
        set: |t, v| t.connect_critical_ms = v,
    },
    Spec {
        label: "Time to first message, good below",
        testid: "threshold-first-message-good",
        unit: " ms",
        get: |t| t.first_message_good_ms,
        set: |t, v| t.first_message_good_ms = v,
    },
    Spec {
        label: "Time to first message, warning above",
        testid: "threshold-first-message-warning",
        unit: " ms",
        get: |t| t.first_message_warning_ms,
        set: |t, v| t.first_message_warning_ms = v,
    },
    Spec {
        label: "Time to first message, critical above",
        testid: "threshold-first-message-critical",
        unit: " ms",
        get: |t| t.first_message_critical_ms,
        set: |t, v| t.first_message_critical_ms = v,
    },
];

/// Pings a heartbeat needs: the last band, in the minimum-sample row.
const MIN_PINGS: Spec = Spec {
    label: "Pings a heartbeat needs",
    testid: "threshold-min-pings",
    unit: " pings",
    get: |t| t.min_pings as f64,
    set: |t, v| t.min_pings = whole(v),
};

/// Receive-only runs: the push spread an endpoint's sessions may show.
const CONSISTENCY: Spec = Spec {
    label: "Push consistency, most pushes minus fewest at most",
    testid: "threshold-consistency-tolerance",
    unit: " messages",
    get: |t| t.consistency_tolerance as f64,
    set: |t, v| t.consistency_tolerance = whole(v),
};

/// The input for `spec`, bound to the configuration. A number that does not parse leaves the
/// threshold as it was and says so in `bad`.
fn band(spec: &'static Spec, bad: RwSignal<Option<String>>) -> impl IntoView + use<> {
    let ctx = ConsoleCtx::expect();
    let on_change = move |ev: leptos::ev::Event| match event_target_value(&ev).trim().parse::<f64>()
    {
        Ok(v) if v.is_finite() => {
            bad.set(None);
            ctx.form.edit_thresholds(|t| (spec.set)(t, v));
        }
        _ => bad.set(Some(format!("{}: not a number", spec.label))),
    };
    view! {
        <input
            type="number"
            step="any"
            class="wsc-band"
            aria-label=spec.label
            data-testid=spec.testid
            prop:value=move || ctx.config.with(|c| show((spec.get)(&c.thresholds)))
            on:change=on_change
        />
        {spec.unit}
    }
}

/// The thresholds table (F10), read from and written to the configuration being edited.
#[component]
pub fn Guidelines() -> impl IntoView {
    let ctx = ConsoleCtx::expect();
    let t = move || ctx.config.with(|c| c.thresholds.clone());
    let bad = RwSignal::new(None::<String>);
    // What is wrong with the bands as they stand, or what Start said of them.
    let problem = move || {
        bad.get()
            .or_else(|| ctx.config.with(|c| c.thresholds.validate().err()))
            .or_else(|| ctx.messages.with(|m| message_for(m, Field::Thresholds)))
    };
    // Opens by itself when the bands are wrong, so Start's refusal is seen (and never closes
    // by itself).
    let details = NodeRef::<leptos::html::Details>::new();
    super::effect::effect(move |_| {
        if problem().is_some()
            && let Some(d) = details.get()
        {
            let _ = d.set_attribute("open", "");
        }
    });
    view! {
        <details class="wsc-panel" data-testid="guidelines" node_ref=details>
            <summary><h2 class="wsc-inline-h2">"Guidelines"</h2></summary>
            <table class="wsc-table">
                <thead>
                    <tr><th>"Measure"</th><th>"Good"</th><th>"Warning"</th><th>"Critical"</th></tr>
                </thead>
                <tbody>
                    <tr>
                        <td>"Connection / message success rate"</td>
                        <td>"> "{band(&BANDS[0], bad)}
                        </td>
                        <td>"< "{band(&BANDS[1], bad)}
                        </td>
                        <td>"< "{band(&BANDS[2], bad)}
                        </td>
                    </tr>
                    <tr>
                        <td>"Average RTT"</td>
                        <td>"< "{band(&BANDS[3], bad)}
                        </td>
                        <td>"> "{band(&BANDS[4], bad)}
                        </td>
                        <td>"> "{band(&BANDS[5], bad)}
                        </td>
                    </tr>
                    <tr>
                        <td>"Connect time (mean)"</td>
                        <td>"< "{band(&BANDS[10], bad)}
                        </td>
                        <td>"> "{band(&BANDS[11], bad)}
                        </td>
                        <td>"> "{band(&BANDS[12], bad)}
                        </td>
                    </tr>
                    <tr>
                        <td>"Time to first message (mean, open → the server's first frame)"</td>
                        <td>"< "{band(&BANDS[13], bad)}
                        </td>
                        <td>"> "{band(&BANDS[14], bad)}
                        </td>
                        <td>"> "{band(&BANDS[15], bad)}
                        </td>
                    </tr>
                    <tr>
                        <td>"Heap"</td>
                        <td>"stable over time"</td>
                        <td>"increasing (> "{band(&BANDS[6], bad)}
                        </td>
                        <td>{move || format!("leak: steady growth (R² ≥ {}) over ≥ {} min", show(t().heap_leak_r2), show(t().heap_leak_min_span_min))}</td>
                    </tr>
                    <tr>
                        <td>"Reconnection"</td>
                        <td>"reconnects work"</td>
                        <td>{band(&BANDS[7], bad)}
                        </td>
                        <td>"fails to reconnect"</td>
                    </tr>
                    <tr>
                        <td>"Push consistency (receive-only, per endpoint)"</td>
                        <td colspan="3">"most − fewest pushes per session ≤ "{band(&CONSISTENCY, bad)}</td>
                    </tr>
                    <tr>
                        <td>"Minimum sample before a verdict"</td>
                        <td>{band(&BANDS[8], bad)}
                        </td>
                        <td>{band(&BANDS[9], bad)}
                        </td>
                        <td>{band(&MIN_PINGS, bad)}
                        </td>
                    </tr>
                </tbody>
            </table>
            <p class="wsc-error" role="alert" data-testid="thresholds-error">{move || problem()}</p>
            <button
                type="button"
                data-testid="thresholds-reset"
                on:click=move |_| {
                    bad.set(None);
                    ctx.form.edit_thresholds(|t| *t = Thresholds::default());
                }
            >
                "Reset the bands to the defaults"
            </button>
            <p class="wsc-note">
                "A value between the good and the warning band reads as fair (for example a success rate of 92 %). "
                "With no sample yet a card reads no data. Cards take the colour of their verdict."
            </p>
            <p class="wsc-note" data-testid="min-samples">
                {move || {
                    let t = t();
                    format!(
                        "No verdict without evidence: a success rate or a mean RTT needs {} replies, the connection rate {} attempts (the connect time and the time to first message as many connections), a heartbeat {} pings, a heap trend a minute of samples. Until then a card reads collecting… and a report grades the criterion WARN (insufficient data), never PASS.",
                        t.min_replies, t.min_connects, t.min_pings,
                    )
                }}
            </p>
        </details>
    }
}
