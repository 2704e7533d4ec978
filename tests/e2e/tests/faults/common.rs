//! What the fault cases share: the backend, a configuration that makes runs short, and the
//! small steps every case takes.

use serde_json::Value;
use ws_console_e2e::case::counter;
use ws_console_e2e::console::{accepting, count};
use ws_console_e2e::health::Health;
use ws_console_e2e::{Ctx, LONG};
use ws_console_engine::RawConfig;

/// Sessions in every case: enough to see per-session bookkeeping, few enough to stay fast.
pub const SESSIONS: u64 = 3;
/// The token the authenticated endpoint accepts (the open `/ws` takes anything).
pub const GOOD_TOKEN: &str = "Tk-r1-g00d-3a9f";
/// Reply timeout in every case: replies later than this are lost, then late.
pub const REPLY_TIMEOUT_MS: u64 = 1000;

/// The backend of every case: fault injection on, one valid token.
pub fn backend() -> testbed::Options {
    testbed::Options {
        faults: true,
        ..accepting(GOOD_TOKEN)
    }
}

/// A configuration for `endpoint` that keeps a case short and its bounds tested: sends
/// every 100 ms, a 1 s reply timeout, a 0.3 s first reconnect step (1 s the longest), no
/// heartbeat unless a case wants one (its pongs would blur the counts), and the smallest log
/// with every sent message logged, so a busy case runs the log into its bound.
pub fn config(endpoint: &str) -> RawConfig {
    RawConfig {
        endpoint: endpoint.to_owned(),
        sessions: SESSIONS.to_string(),
        auto_send: true,
        send_interval_ms: "100".into(),
        reply_timeout_ms: REPLY_TIMEOUT_MS.to_string(),
        heartbeat_enabled: false,
        reconnect_schedule_s: "0.3,0.6,1".into(),
        log_capacity: "100".into(),
        log_sent: true,
        ..RawConfig::default()
    }
}

/// [`config`] without automatic sending: the case sends, so it knows exactly how much.
pub fn manual(endpoint: &str) -> RawConfig {
    RawConfig {
        auto_send: false,
        ..config(endpoint)
    }
}

/// Presses Start and waits until every session is connected.
pub async fn start_all(ctx: &Ctx) -> Value {
    ctx.press_start().await;
    ctx.report_until("every session connected", LONG, |r| {
        count(r, "/totals/active") == SESSIONS
    })
    .await
}

/// Bursts `k` messages to every session (the Burst button) and waits until all are sent.
pub async fn burst(ctx: &Ctx, k: u64) {
    let before = counter(&ctx.report().await, "sent");
    ctx.page.fill("burst-count", &k.to_string()).await;
    ctx.page.click("burst").await;
    let want = before + k * SESSIONS;
    ctx.report_until(&format!("{want} messages sent"), LONG, |r| {
        counter(r, "sent") == want
    })
    .await;
}

/// Opens the console with `cfg`, starts every session, bursts `k` messages to each, and
/// waits until `done(report, n)` holds (`what`, for the timeout's message), `n` being the
/// messages sent in all; returns `n`.
pub async fn burst_until(
    ctx: &Ctx,
    cfg: &RawConfig,
    k: u64,
    what: &str,
    done: impl Fn(&Value, u64) -> bool,
) -> u64 {
    ctx.open_console(cfg).await;
    start_all(ctx).await;
    burst(ctx, k).await;
    let n = k * SESSIONS;
    ctx.report_until(what, LONG, |r| done(r, n)).await;
    n
}

/// Ends a case with [`Ctx::stop_healthy`], then asserts each `(counter, value)` of the
/// report's totals. Returns the report and the health.
pub async fn end_with_counters(ctx: &Ctx, expected: &[(&str, u64)]) -> (Value, Health) {
    let (report, health) = ctx.stop_healthy().await;
    let c = &report["totals"]["counters"];
    for (name, want) in expected {
        assert_eq!(count(c, &format!("/{name}")), *want, "{name}: {c}");
    }
    (report, health)
}

/// A whole number from the backend's `totals.faults`.
pub fn faults(stats: &Value, name: &str) -> u64 {
    ws_console_e2e::stat(stats, &format!("/totals/faults/{name}"))
}
