//! Faults of a backend that answers but refuses or stops: a bad token (1008), a rate limit
//! (4029), a half-open server that keeps the socket but says nothing.

use crate::common::{GOOD_TOKEN, SESSIONS, config, faults, start_all};
use serde_json::Value;
use std::time::{Duration, Instant};
use ws_console_e2e::case::{closes_with, counter, per_session};
use ws_console_e2e::console::count;
use ws_console_e2e::{Ctx, LONG, holds_for, stat, wait_for};

/// A bad token: the backend closes each socket with 1008. Every session must end in
/// "needs auth" and never retry by itself — not one more handshake reaches the backend
/// over five steps of the reconnect schedule.
pub async fn auth_rejected(ctx: Ctx) -> Ctx {
    let mut cfg = config("/api/v1/pam/ws/{user_id}?token={token}");
    cfg.user_id = "qa-7".into();
    ctx.open_console(&cfg).await;
    ctx.page.fill("token", &format!("not-{GOOD_TOKEN}")).await;
    ctx.press_start().await;
    let report = ctx
        .report_until("every session to need auth", LONG, |r| {
            count(r, "/totals/needs_auth") == SESSIONS
        })
        .await;
    let states: Vec<&str> = report["sessions"]
        .as_array()
        .expect("sessions[]")
        .iter()
        .map(|row| row["state"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(states, vec!["needs-auth"; SESSIONS as usize]);
    // 1.5 s is five steps of the 0.3 s first backoff: a retry would show.
    holds_for(
        "no retry after 1008",
        Duration::from_millis(1500),
        || async {
            let rejected = stat(&ctx.stats().await, "/totals/rejected_auth");
            let attempts = counter(&ctx.report().await, "connect_attempts");
            if rejected == SESSIONS && attempts == SESSIONS {
                Ok(())
            } else {
                Err(format!(
                    "{attempts} connect attempts, {rejected} rejected by the backend"
                ))
            }
        },
    )
    .await;
    let (report, _) = ctx.stop_healthy().await;
    assert_eq!(closes_with(&report, 1008), SESSIONS, "{}", report["totals"]);
    ctx
}

/// A rate limit of 5 frames a second against sessions sending 10: each socket is closed with
/// 4029, a "try again later" close, which the console backs off from for the longest step of
/// its schedule (1 s) rather than the first (0.3 s). With the limit lifted, every session
/// comes back.
pub async fn rate_limited(ctx: Ctx) -> Ctx {
    ctx.open_console(&config("/ws")).await;
    ctx.fault("rate-limit?per_second=5").await;
    ctx.press_start().await;
    ctx.report_until("every session closed with 4029", LONG, |r| {
        per_session(r, "drops").iter().all(|d| *d >= 1) && closes_with(r, 4029) >= SESSIONS
    })
    .await;
    ctx.fault("rate-limit?per_second=0").await;
    let back = ctx
        .report_until("every session back after the limit", LONG, |r| {
            count(r, "/totals/active") == SESSIONS && counter(r, "matched") > 0
        })
        .await;
    let recoveries: Vec<f64> = back["sessions"]
        .as_array()
        .expect("sessions[]")
        .iter()
        .map(|row| row["last_recovery_ms"].as_f64().unwrap_or(0.0))
        .collect();
    assert!(
        recoveries.iter().all(|ms| *ms >= 1000.0),
        "after 4029 the console waits the longest step, 1 s: recovered after {recoveries:?} ms"
    );
    let (report, _) = ctx.stop_healthy().await;
    assert_eq!(
        closes_with(&report, 4029),
        faults(&ctx.stats().await, "rate_limited"),
        "every 4029 the backend sent, the console saw"
    );
    ctx
}

/// The backend goes silent: sockets stay open, frames are read and never answered. The
/// heartbeat (every 1 s, 1 s to answer) must declare every session dead and reconnect it
/// within interval + timeout; once the backend answers again, every session stays up.
pub async fn half_open(ctx: Ctx) -> Ctx {
    const INTERVAL_MS: u64 = 1000;
    const TIMEOUT_MS: u64 = 1000;
    let mut cfg = config("/ws");
    cfg.heartbeat_enabled = true;
    cfg.heartbeat_interval_ms = INTERVAL_MS.to_string();
    cfg.heartbeat_timeout_ms = TIMEOUT_MS.to_string();
    ctx.open_console(&cfg).await;
    start_all(&ctx).await;
    ctx.report_until("a pong on every session", LONG, |r| {
        counter(r, "pongs") >= SESSIONS
    })
    .await;
    let silenced = Instant::now();
    ctx.fault("silent?seconds=30").await;
    let budget = Duration::from_millis(INTERVAL_MS + TIMEOUT_MS);
    // Slack: the 0.3 s backoff is not part of detection, but polling the report is.
    let slack = Duration::from_millis(1000);
    let found = wait_for("every session declared dead", budget + LONG, || async {
        let r = ctx.report().await;
        per_session(&r, "drops")
            .iter()
            .all(|d| *d >= 1)
            .then(|| silenced.elapsed())
    })
    .await;
    assert!(
        found <= budget + slack,
        "the half-open server was found after {found:?}; allowed {budget:?} + {slack:?}"
    );
    ctx.fault("silent?seconds=0").await;
    let pongs = counter(&ctx.report().await, "pongs");
    ctx.report_until("every session up and answered again", LONG, |r: &Value| {
        count(r, "/totals/active") == SESSIONS && counter(r, "pongs") >= pongs + SESSIONS
    })
    .await;
    let (report, _) = ctx.stop_healthy().await;
    let c = &report["totals"]["counters"];
    assert!(counter(&report, "ping_timeouts") >= SESSIONS, "{c}");
    assert_eq!(
        closes_with(&report, 1006),
        0,
        "the backend closed nothing: the console found them dead: {c}"
    );
    assert!(faults(&ctx.stats().await, "silenced") >= SESSIONS);
    ctx
}
