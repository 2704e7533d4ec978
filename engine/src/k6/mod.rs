//! The scenario as a k6 script (F16): the same test, at a scale no browser tab reaches.
//!
//! A tab tops out near 255 sockets; k6 is an existing distributed engine (k6-operator, k6
//! cloud). So a traffic scenario exports as a k6 ≥ 1.1 script that does what the console does
//! with `k6/experimental/websockets`: one VU per session, the same endpoint templates (spread over the VUs as over
//! the sessions: VU session `i` uses line `i mod n`), auth
//! mode, message template, interval, duration, correlation pointer, reply timeout and
//! duplicate window, and the F10 bands' critical limits as k6 `thresholds`, so a run the
//! console would grade FAIL exits with k6's threshold code, 99.
//!
//! The script is data plus one fixed program: a `CONFIG` object and k6 `options` written
//! here as JSON (so every value is escaped by serde, never pasted into code), followed by
//! `runtime.js`, which holds the logic. The token is never written: the script reads it from
//! `__ENV.TOKEN`, a token found in a template becomes `{{token}}` filled from there, and
//! the finished text is redacted once more as a last guard.
//!
//! k6 cannot grade WARN (a threshold passes or fails), so only the critical limits become
//! thresholds; the warning bands are listed in the script's header. Recovery and memory-leak
//! detection measure the client itself — its reconnect policy and offline queue, its heap —
//! and have no k6 counterpart; the capacity finder decides its next step from what it
//! measured, which a fixed k6 plan cannot: [`unsupported`] says why.

mod json;

use crate::ids::Millis;
use crate::scenario::{Scenario, ScenarioKind, ScenarioParams};
use crate::{AuthMode, RunConfig, Thresholds, redact};
use json::{Obj, quote};

#[cfg(test)]
mod tests;

/// The fixed part of every exported script.
const RUNTIME: &str = include_str!("runtime.js");

/// The k6 version the scripts are written for (`k6/experimental/websockets` as in 1.1).
pub const K6_VERSION: &str = "1.1";

/// The most sessions (VUs) an exported script may open. Far above a tab's ~255 sockets —
/// that is the point of exporting — yet bounded: each VU is a socket and a JS runtime on the
/// k6 side, and 10,000 is what one large k6 machine holds; beyond that, split the run.
pub const K6_MAX_SESSIONS: u32 = 10_000;

/// Why `kind` cannot run on k6, or `None` when it can.
pub fn unsupported(kind: ScenarioKind) -> Option<&'static str> {
    match kind {
        ScenarioKind::Recovery => Some(
            "Network recovery judges the client's own reconnect policy and offline queue; a k6 script would measure its own hand-written reconnect loop instead, so run it in the console",
        ),
        ScenarioKind::MemoryLeak => Some(
            "Memory-leak detection samples the browser's JS heap; k6 runs no browser and has no heap to sample, so run it in the console",
        ),
        ScenarioKind::Capacity => Some(
            "The capacity finder decides step by step, from what it measured, whether to go on; a k6 script runs a fixed plan, so run it in the console (or export a load scenario at the rate it found)",
        ),
        ScenarioKind::Readiness => Some(
            "The readiness checklist judges what a browser can do (its auth modes, mixed content, fetch under CORS) and grades each check; k6 is no browser, so run it in the console",
        ),
        _ => None,
    }
}

/// The k6 script for `scenario`, or why there is none.
pub fn script(scenario: &Scenario) -> Result<String, &'static str> {
    script_for(scenario.params(), scenario.config())
}

/// The k6 script for validated `params` on `config` (the scenario's run configuration,
/// [`Scenario::config`]).
pub fn script_for(params: &ScenarioParams, config: &RunConfig) -> Result<String, &'static str> {
    if let Some(why) = unsupported(params.kind()) {
        return Err(why);
    }
    if params.sessions() > K6_MAX_SESSIONS {
        return Err("A k6 script opens at most 10,000 sessions (K6_MAX_SESSIONS); split the run");
    }
    let text = format!(
        "{header}\nimport {{ WebSocket }} from 'k6/experimental/websockets';\n\
         import {{ setTimeout, clearTimeout, setInterval, clearInterval }} from 'k6/timers';\n\
         import exec from 'k6/execution';\n\
         import {{ Counter, Rate, Trend }} from 'k6/metrics';\n\n\
         const CONFIG = {cfg};\n\nexport const options = {options};\n\n{RUNTIME}",
        header = header(params, config),
        cfg = config_json(params, config),
        options = options_json(params, config),
    );
    Ok(redact(&text, &config.token))
}

fn header(params: &ScenarioParams, config: &RunConfig) -> String {
    let th = &config.thresholds;
    let mut h = format!(
        "// ws-console scenario \"{}\" exported for k6 >= {K6_VERSION}.\n\
         // Run: TOKEN=<token> k6 run script.js   (the token is never written here)\n\
         // Scale out: k6-operator or k6 cloud run the same file.\n\
         // Thresholds are the F10 critical limits (exit code 99 = FAIL). Warning bands,\n\
         // not expressible in k6: success < {}%, average RTT > {} ms.\n",
        params.kind().label(),
        th.success_warning_pct,
        th.rtt_warning_ms,
    );
    if config.binary {
        h.push_str("// The console sends binary frames here; this script sends the same text as text frames.\n");
    }
    if let ScenarioParams::Auth(p) = params
        && p.invalid_token != "invalid-token"
    {
        h.push_str("// Set INVALID_TOKEN to the token the server must refuse.\n");
    }
    if config.auth_mode == AuthMode::Cookie {
        h.push_str("// Cookie auth: k6 sends no browser cookies; add them with params.headers if needed.\n");
    }
    h
}

/// A template's text with the literal token replaced by `{{token}}` (filled from
/// `__ENV.TOKEN` by the script).
fn without_token(text: &str, token: &str) -> String {
    if token.is_empty() {
        text.to_owned()
    } else {
        text.replace(token, "{{token}}")
    }
}

fn config_json(params: &ScenarioParams, c: &RunConfig) -> String {
    let heartbeat = c.heartbeat.as_ref().map_or_else(
        || "null".to_owned(),
        |h| {
            Obj::new(1)
                .num("interval_ms", h.interval_ms)
                .num("timeout_ms", h.timeout_ms)
                .str("ping", &without_token(&h.ping.source(), &c.token))
                .end()
        },
    );
    let (mut messages, mut interval) = ("null".to_owned(), json::opt_num(c.send_interval_ms));
    let mut duration = "null".to_owned();
    let mut extra = None;
    match params {
        ScenarioParams::Load(p) => duration = json::num(p.duration_ms),
        ScenarioParams::Soak(p) => duration = json::num(p.duration_ms),
        ScenarioParams::Reliability(p) => {
            messages = p.messages.to_string();
            interval = json::num(p.interval_ms);
        }
        ScenarioParams::RampUp(p) => {
            let o = Obj::new(1)
                .num("batch_every_ms", p.batch_every_ms)
                .num(
                    "last_batch_at_ms",
                    last_batch_at(p.sessions, p.batch_size, p.batch_every_ms),
                )
                .num("hold_ms", p.hold_ms);
            extra = Some(("ramp", o.end()));
        }
        ScenarioParams::Broadcast(p) => {
            let o = Obj::new(1)
                .num("rate_per_s", p.rate_per_s)
                .num("duration_ms", p.duration_ms)
                .num("settle_ms", settle_ms(c));
            extra = Some(("broadcast", o.end()));
        }
        ScenarioParams::Auth(p) => {
            let o = Obj::new(1)
                .num("hold_ms", p.hold_ms)
                .num("observe_ms", p.observe_ms);
            extra = Some(("auth", o.end()));
        }
        ScenarioParams::Recovery(_)
        | ScenarioParams::MemoryLeak(_)
        | ScenarioParams::Capacity(_)
        | ScenarioParams::Readiness(_) => {}
    }
    let mut o = Obj::new(0)
        .str("kind", params.kind().as_str())
        .str("endpoint", &c.endpoint.template())
        .str("user_id", &c.user_id)
        .str("auth_mode", c.auth_mode.as_str())
        .raw("sessions", params.sessions())
        .str("template", &without_token(&c.template.source(), &c.token))
        .str("correlation_pointer", &c.correlation_pointer)
        .num("reply_timeout_ms", c.reply_timeout_ms)
        .num("duplicate_window_ms", c.duplicate_window_ms)
        .num("connect_timeout_ms", c.reconnect.connect_timeout_ms)
        .raw("heartbeat", heartbeat)
        .str(
            "heartbeat_pong_type",
            c.heartbeat
                .as_ref()
                .map_or("pong", |h| h.pong_type.as_str()),
        )
        .raw("interval_ms", interval)
        .raw("messages", messages)
        .raw("duration_ms", duration);
    if let Some((k, v)) = extra {
        o = o.raw(k, v);
    }
    o.end()
}

/// Time for every session to connect before broadcasts start.
fn settle_ms(c: &RunConfig) -> Millis {
    c.reconnect.connect_timeout_ms.min(1000.0)
}

fn last_batch_at(sessions: u32, batch: u32, every: Millis) -> Millis {
    f64::from(sessions.div_ceil(batch.max(1)).saturating_sub(1)) * every
}

/// k6 duration text, whole seconds rounded up.
fn secs(ms: Millis) -> String {
    format!("{}s", (ms / 1000.0).ceil().max(1.0) as u64)
}

/// One k6 scenario: `vus` sessions, one iteration each (a session's whole life), started
/// at `start_ms`.
fn once(vus: u32, planned: Millis, c: &RunConfig, start_ms: Option<Millis>) -> Obj {
    let slack = c.reply_timeout_ms + c.reconnect.connect_timeout_ms + 30_000.0;
    let o = Obj::new(2)
        .str("executor", "per-vu-iterations")
        .raw("vus", vus)
        .raw("iterations", 1)
        .str("maxDuration", &secs(planned + slack));
    match start_ms {
        Some(at) => o.str("startTime", &format!("{}ms", at.round() as u64)),
        None => o,
    }
}

fn options_json(params: &ScenarioParams, c: &RunConfig) -> String {
    let n = params.sessions();
    let one = |planned| Obj::new(1).raw("sessions", once(n, planned, c, None).end());
    let scenarios = match params {
        ScenarioParams::Load(p) => one(p.duration_ms),
        ScenarioParams::Soak(p) => one(p.duration_ms),
        ScenarioParams::Reliability(p) => one(f64::from(p.messages) * p.interval_ms),
        ScenarioParams::Broadcast(p) => one(settle_ms(c) + p.duration_ms),
        ScenarioParams::Auth(p) => one(p.hold_ms).raw(
            "invalid_token",
            once(1, p.observe_ms, c, Some(p.hold_ms)).end(),
        ),
        ScenarioParams::RampUp(p) => {
            let size = p.batch_size.max(1);
            let last = last_batch_at(p.sessions, size, p.batch_every_ms);
            let mut o = Obj::new(1);
            for b in 0..p.sessions.div_ceil(size) {
                let at = f64::from(b) * p.batch_every_ms;
                let vus = size.min(p.sessions - b * size);
                let env = Obj::new(3).str("WSC_BATCH", &b.to_string()).end();
                let s = once(vus, last - at + p.hold_ms, c, Some(at)).raw("env", env);
                o = o.raw(&format!("batch_{b}"), s.end());
            }
            o
        }
        ScenarioParams::Recovery(_)
        | ScenarioParams::MemoryLeak(_)
        | ScenarioParams::Capacity(_)
        | ScenarioParams::Readiness(_) => Obj::new(1),
    };
    Obj::new(0)
        .raw("scenarios", scenarios.end())
        .raw("thresholds", thresholds(params.kind(), &c.thresholds))
        .raw(
            "summaryTrendStats",
            r#"["avg", "min", "med", "p(95)", "p(99)", "max", "count"]"#,
        )
        .end()
}

/// The F10 critical limits of the criteria each scenario judges, as k6 thresholds (a JSON
/// object: metric → expressions).
fn thresholds(kind: ScenarioKind, th: &Thresholds) -> String {
    let rate = format!("rate>={}", th.success_critical_pct / 100.0);
    let avg = format!("avg<={}", th.rtt_critical_ms);
    let list: &[(&str, &str)] = match kind {
        ScenarioKind::Load | ScenarioKind::Soak => &[
            ("ws_connect_success", &rate),
            ("ws_msg_success", &rate),
            ("ws_rtt", &avg),
        ],
        ScenarioKind::Reliability => &[
            ("ws_msg_success", &rate),
            ("ws_msgs_dup", "count<1"),
            ("ws_rtt", &avg),
        ],
        ScenarioKind::RampUp => &[("ws_connect_success", &rate)],
        ScenarioKind::Broadcast => &[
            ("ws_connect_success", &rate),
            ("ws_broadcast_delivery", &rate),
            ("ws_delivery_latency", &avg),
        ],
        ScenarioKind::Auth => &[
            ("ws_auth_valid_connects", "rate>=1"),
            ("ws_auth_invalid_refused", "rate>=1"),
        ],
        ScenarioKind::Recovery
        | ScenarioKind::MemoryLeak
        | ScenarioKind::Capacity
        | ScenarioKind::Readiness => &[],
    };
    list.iter()
        .fold(Obj::new(1), |o, (metric, expr)| {
            o.raw(metric, format!("[{}]", quote(expr)))
        })
        .end()
}
