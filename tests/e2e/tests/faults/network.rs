//! Faults of the connection itself: random drops, a backend restart, refused handshakes.
//! Each must end with the sessions reconnected (where the fault allows) and every message
//! queued meanwhile flushed and answered, or still queued, or reported lost.

use crate::common::{SESSIONS, config, faults, start_all};
use ws_console_e2e::case::{closes_with, counter};
use ws_console_e2e::console::count;
use ws_console_e2e::{Ctx, LONG, stat, stat_by_type, wait_for};

/// Random drops (`drop_rate`): the backend cuts the TCP connection on a frame with
/// probability `rate`. Every cut the console saw is a 1006 close the backend made, the
/// sessions keep reconnecting, and messages keep being answered in between.
pub async fn drops(ctx: Ctx, rate: &'static str) -> Ctx {
    ctx.open_console(&config(&format!("/ws?drop_rate={rate}")))
        .await;
    ctx.press_start().await;
    ctx.report_until(&format!("drops and reconnects at {rate}"), LONG, |r| {
        counter(r, "drops") >= 2 && counter(r, "reconnects") >= 2 && counter(r, "matched") >= 20
    })
    .await;
    let (report, _) = ctx.stop_healthy().await;
    let stats = ctx.stats().await;
    let drops = counter(&report, "drops");
    let cut = faults(&stats, "dropped");
    // A frame sent just before Stop may be cut after the console has let its socket go; at
    // most one per session.
    assert!(
        drops <= cut && cut <= drops + SESSIONS,
        "the console saw {drops} drops, the backend made {cut}"
    );
    assert_eq!(
        closes_with(&report, 1006),
        drops,
        "every drop is an abnormal close"
    );
    assert!(
        counter(&report, "queued") > 0,
        "messages due while a session was down were queued"
    );
    ctx
}

/// The backend stops (closing every socket with 1001) and starts again on its port. Every
/// session comes back once; what was queued meanwhile reaches the new backend and is
/// answered — none of it lost, none left in a queue.
pub async fn restart(ctx: Ctx) -> Ctx {
    ctx.open_console(&config("/ws")).await;
    start_all(&ctx).await;
    ctx.report_until("traffic before the restart", LONG, |r| {
        counter(r, "matched") >= 10
    })
    .await;
    let (page, origin) = ctx.stop_server().await;
    wait_for(
        "messages queued while the backend is down",
        LONG,
        || async {
            let r = page.eval("return window.wsConsole.report()").await;
            (count(&r, "/totals/queued_now") >= 2 * SESSIONS).then_some(())
        },
    )
    .await;
    let ctx = Ctx::restart_server(page, origin, crate::common::backend()).await;
    let back = ctx
        .report_until("every session back, its queue flushed", LONG, |r| {
            count(r, "/totals/active") == SESSIONS && count(r, "/totals/queued_now") == 0
        })
        .await;
    let flushed = counter(&back, "queue_flushed");
    ctx.report_until("the flushed messages answered", LONG, |r| {
        counter(r, "queue_delivered") >= flushed
    })
    .await;
    let (report, _) = ctx.stop_healthy().await;
    let c = &report["totals"]["counters"];
    assert!(counter(&report, "queued") >= 2 * SESSIONS, "{c}");
    assert_eq!(
        counter(&report, "queue_delivered"),
        counter(&report, "queued"),
        "every queued message answered by the new backend: {c}"
    );
    assert_eq!(counter(&report, "queue_lost"), 0, "{c}");
    assert_eq!(counter(&report, "reconnects"), SESSIONS, "{c}");
    assert_eq!(closes_with(&report, 1001), SESSIONS, "going away: {c}");
    let stats = ctx.stats().await;
    assert!(
        stat_by_type(&stats, "/totals/received_by_type", "message") >= counter(&report, "queued"),
        "the new backend received the queued messages: {stats}"
    );
    ctx
}

/// The backend refuses handshakes (HTTP 503) for 2 s when the run starts. Every refusal is a
/// failed connect the console counts, and once the refusal ends every session connects and
/// the messages queued meanwhile are answered.
pub async fn refused(ctx: Ctx) -> Ctx {
    ctx.open_console(&config("/ws")).await;
    ctx.fault("refuse?seconds=2").await;
    ctx.press_start().await;
    ctx.report_until("a refused connect on every session", LONG, |r| {
        counter(r, "connect_failures") >= SESSIONS
    })
    .await;
    ctx.report_until(
        "every session in once the refusal ends, its queue answered",
        LONG,
        |r| {
            count(r, "/totals/active") == SESSIONS
                && count(r, "/totals/queued_now") == 0
                && counter(r, "queue_delivered") == counter(r, "queued")
        },
    )
    .await;
    let (report, _) = ctx.stop_healthy().await;
    let stats = ctx.stats().await;
    let c = &report["totals"]["counters"];
    assert_eq!(
        counter(&report, "connect_failures"),
        faults(&stats, "refused"),
        "one failed connect per refused handshake: {c}"
    );
    assert_eq!(
        closes_with(&report, 1006),
        counter(&report, "connect_failures")
    );
    assert_eq!(counter(&report, "connects"), SESSIONS, "{c}");
    assert_eq!(stat(&stats, "/totals/accepted"), SESSIONS);
    assert!(
        counter(&report, "queued") > 0,
        "sends due before the first connect were queued: {c}"
    );
    assert_eq!(counter(&report, "queue_lost"), 0, "{c}");
    ctx
}
