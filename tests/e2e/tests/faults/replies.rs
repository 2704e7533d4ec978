//! Faults in what comes back: duplicate replies, replies after the timeout, malformed JSON,
//! frames over 1 MB, binary frames and unknown message types. Each case sends a known number
//! of messages (automatic sending off), so each count can be held to an exact figure.
//!
//! The backend never sends a client a frame of its own choosing, so "received" variants go
//! through its binary echo: in binary mode the console sends the rendered template as bytes,
//! the backend echoes them, and the console reads an echo that is UTF-8 like text.

use crate::common::{
    REPLY_TIMEOUT_MS, SESSIONS, burst_until, end_with_counters, faults, manual, start_all,
};
use ws_console_e2e::case::counter;
use ws_console_e2e::console::count;
use ws_console_e2e::{Ctx, LONG, stat, stat_by_type};

/// A message of a type the backend does not know.
const MYSTERY: &str = r#"{"type":"mystery","id":"{{id}}"}"#;

/// What [`errored_and_lost`] waits for.
const ERRORED_AND_LOST: &str = "every message answered with an error and lost";

/// Each of the `n` messages answered with a server error (no id), and so lost.
fn errored_and_lost(r: &serde_json::Value, n: u64) -> bool {
    count(r, "/totals/counters/errors/server") == n && counter(r, "lost") == n
}

/// Every reply sent twice (`dup_rate=1`): each message is matched once and its second reply
/// counted as a duplicate. 900 messages make 2,700 frames and over 1,800 log entries, so the
/// frame capture and the log must each stop at their bound.
pub async fn duplicates(ctx: Ctx) -> Ctx {
    let cfg = manual("/ws?dup_rate=1");
    let n = burst_until(
        &ctx,
        &cfg,
        300,
        "every reply and its duplicate in",
        |r, n| counter(r, "matched") == n && counter(r, "duplicate") == n,
    )
    .await;
    let (report, health) = end_with_counters(
        &ctx,
        &[
            ("sent", n),
            ("matched", n),
            ("duplicate", n),
            ("lost", 0),
            ("late", 0),
            ("unsolicited", 0),
        ],
    )
    .await;
    assert_eq!(faults(&ctx.stats().await, "duplicated"), n);
    let cap = ws_console_engine::Limits::default().frames as u64;
    assert_eq!(
        count(&report, "/run/frames_captured"),
        cap,
        "the capture reached its cap and held it"
    );
    assert_eq!(
        health.log_kept().expect("log count"),
        count(&report, "/configuration/log_capacity"),
        "the log reached its capacity and held it"
    );
    ctx
}

/// Every reply 1.5 s late against a 1 s timeout, and sent twice: each message is lost at its
/// timeout, then counted late exactly once — never matched, and its second copy a duplicate.
pub async fn late(ctx: Ctx) -> Ctx {
    let delay = REPLY_TIMEOUT_MS + 500;
    let cfg = manual(&format!("/ws?delay_ms={delay}&dup_rate=1"));
    let n = burst_until(
        &ctx,
        &cfg,
        10,
        "every late reply and its copy in",
        |r, n| counter(r, "late") == n && counter(r, "duplicate") == n,
    )
    .await;
    end_with_counters(
        &ctx,
        &[
            ("sent", n),
            ("matched", 0),
            ("lost", n),
            ("late", n),
            ("duplicate", n),
            ("unsolicited", 0),
        ],
    )
    .await;
    let stats = ctx.stats().await;
    assert_eq!(faults(&stats, "delayed"), n);
    assert_eq!(faults(&stats, "duplicated"), n);
    ctx
}

/// Replies spread from 0.7 to 1.3 s against a 1 s timeout: each is either matched in time or
/// lost and then late — never both, never neither.
pub async fn late_or_on_time(ctx: Ctx) -> Ctx {
    let cfg = manual("/ws?delay_ms=700&jitter_ms=600");
    let n = burst_until(&ctx, &cfg, 20, "every reply in, in time or late", |r, n| {
        counter(r, "matched") + counter(r, "late") == n
    })
    .await;
    let expected = [("sent", n), ("duplicate", 0), ("unsolicited", 0)];
    let (report, _) = end_with_counters(&ctx, &expected).await;
    let (matched, late) = (counter(&report, "matched"), counter(&report, "late"));
    assert_eq!(
        counter(&report, "lost"),
        late,
        "every lost one came back late"
    );
    assert!(
        matched > 0 && late > 0,
        "both kinds: {matched} in time, {late} late"
    );
    ctx
}

/// Text that is not JSON: the backend answers each with an `error` (no id), keeps the
/// connection open, and the console counts a server error per message and the message lost.
pub async fn malformed_sent(ctx: Ctx) -> Ctx {
    let mut cfg = manual("/ws");
    cfg.message_template = "not json {{id}}".into();
    let n = burst_until(&ctx, &cfg, 5, ERRORED_AND_LOST, errored_and_lost).await;
    let open = stat(&ctx.stats().await, "/totals/open");
    assert_eq!(
        open, SESSIONS,
        "malformed JSON does not cost the connection"
    );
    end_with_counters(&ctx, &[("sent", n), ("matched", 0), ("drops", 0)]).await;
    assert_eq!(stat(&ctx.stats().await, "/totals/malformed"), n);
    ctx
}

/// Frames that are not JSON coming back: the backend echoes a truncated JSON template sent as
/// binary. Every echo arrives and is counted; none can be matched, so each message is lost,
/// and the connection stays up.
pub async fn malformed_received(ctx: Ctx) -> Ctx {
    let mut cfg = manual("/ws");
    cfg.binary = true;
    cfg.message_template = r#"{"type":"message","id":"{{id}}""#.into();
    let n = burst_until(
        &ctx,
        &cfg,
        5,
        "every echo in and every message lost",
        |r, n| counter(r, "binary_in") == n && counter(r, "lost") == n,
    )
    .await;
    end_with_counters(
        &ctx,
        &[
            ("sent", n),
            ("matched", 0),
            ("drops", 0),
            ("unsolicited", 0),
        ],
    )
    .await;
    ctx
}

/// Messages of 1.1 MB each way, `rounds` Send-to-all presses in a row: every one is
/// answered, the page keeps working, and wasm memory stays under its ceiling (the capture
/// keeps 64 KB of a frame, the log 1,000 characters). A second press comes while the first
/// message may still fill the socket's buffer, so it is held back by backpressure and must
/// be released once the buffer drains.
pub async fn large(ctx: Ctx, rounds: u64) -> Ctx {
    const PAD: usize = 1_100_000;
    ctx.open_console(&manual("/ws")).await;
    // Typed through the page, as a paste would: a URL or WebDriver keystrokes of 1 MB are not.
    let script = format!(
        "const el = document.querySelector('[data-testid=\"message-template\"]');\
         el.value = '{{\"type\":\"message\",\"id\":\"{{{{id}}}}\",\"pad\":\"' + 'x'.repeat({PAD}) + '\"}}';\
         el.dispatchEvent(new Event('input', {{ bubbles: true }}));\
         return el.value.length"
    );
    let len = ctx.page.eval(&script).await;
    assert!(len.as_u64().is_some_and(|l| l as usize > PAD), "{len}");
    start_all(&ctx).await;
    for _ in 0..rounds {
        ctx.page.click("broadcast").await;
    }
    let n = rounds * SESSIONS;
    ctx.report_until("every 1 MB message answered", LONG, |r| {
        counter(r, "matched") == n
    })
    .await;
    let (report, _) = end_with_counters(&ctx, &[("sent", n), ("lost", 0), ("drops", 0)]).await;
    let least = n * PAD as u64;
    assert!(
        counter(&report, "bytes_out") >= least,
        "{}",
        report["totals"]
    );
    assert!(
        counter(&report, "bytes_in") >= least,
        "{}",
        report["totals"]
    );
    ctx
}

/// Messages as binary frames: echoed as binary, each read back, matched and counted as
/// binary.
pub async fn binary(ctx: Ctx) -> Ctx {
    let mut cfg = manual("/ws");
    cfg.binary = true;
    let n = burst_until(&ctx, &cfg, 20, "every binary message answered", |r, n| {
        counter(r, "matched") == n
    })
    .await;
    end_with_counters(&ctx, &[("sent", n), ("binary_in", n), ("lost", 0)]).await;
    assert_eq!(stat(&ctx.stats().await, "/totals/binary_received"), n);
    ctx
}

/// A message type the backend does not know: it answers each with an `unknown_type` error
/// (no id), so the console counts a server error per message, and the message lost.
pub async fn unknown_sent(ctx: Ctx) -> Ctx {
    let mut cfg = manual("/ws");
    cfg.message_template = MYSTERY.into();
    let n = burst_until(&ctx, &cfg, 5, ERRORED_AND_LOST, errored_and_lost).await;
    end_with_counters(&ctx, &[("sent", n), ("matched", 0), ("drops", 0)]).await;
    let stats = ctx.stats().await;
    assert_eq!(
        stat_by_type(&stats, "/totals/received_by_type", "mystery"),
        n
    );
    ctx
}

/// A message type the console does not know coming back (the binary echo of
/// `{"type":"mystery",…}`): still matched by its id, and no error.
pub async fn unknown_received(ctx: Ctx) -> Ctx {
    let mut cfg = manual("/ws");
    cfg.binary = true;
    cfg.message_template = MYSTERY.into();
    let n = burst_until(&ctx, &cfg, 5, "every unknown-typed echo matched", |r, n| {
        counter(r, "matched") == n
    })
    .await;
    let (report, _) =
        end_with_counters(&ctx, &[("sent", n), ("lost", 0), ("unsolicited", 0)]).await;
    assert_eq!(count(&report, "/totals/counters/errors/server"), 0);
    assert_eq!(count(&report, "/totals/counters/errors/parse"), 0);
    ctx
}
