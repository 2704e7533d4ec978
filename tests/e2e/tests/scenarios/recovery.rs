//! Recovery under random drops (R1: 5 / 15 / 30 %), and through the backend's fault
//! control.

use super::common::*;
use std::time::Duration;
use ws_console_e2e::console::count;
use ws_console_e2e::{LONG, run, stat};

/// Runs the recovery scenario against `/ws?drop_rate=P`. Each connection's draws are seeded
/// by the backend with its connection id (the default), so the run is reproducible given the
/// same connection order; an explicit `seed=S` would give every connection — each reconnect
/// included — the very same sequence, so a session whose first draw drops would die on its
/// first frame on every reconnect, which is not a random drop rate.
async fn recovery_under_drop_rate(drop_rate: &str) {
    run(faulty(), |ctx| async move {
        ctx.page
            .fill("endpoint-url", &format!("/ws?drop_rate={drop_rate}"))
            .await;
        // Replies of a dropped socket never come: count them lost after 2 s, not 10.
        ctx.page.fill("reply-timeout", "2000").await;
        // With drops this frequent, a socket is often dropped again within a second (a queue
        // flush is several frames at once), and with a stable period the backoff climbs to
        // 16 s, as it should against a flapping server (engine tests hold that). This run
        // measures coming back from each drop, so every open counts as stable here.
        ctx.open_more().await;
        ctx.page.fill("stable-after", "0").await;
        let form = "sessions=5 interval=1000 warmup=2 duration=6 drop-every=0 \
                    recovery-target=5 recovery-timeout=15";
        choose(&ctx, "recovery", form).await;
        let report = run_finished(&ctx, "recovery", 5, Duration::from_secs(60)).await;
        let c = &report["totals"]["counters"];
        let stats = all_closed_server_side(&ctx).await;
        eprintln!(
            "drop_rate {drop_rate}: criteria {:#}\ncounters {c:#}\nserver faults {}",
            report["criteria"], stats["totals"]["faults"]
        );
        // Sessions came back from the backend's drop (and from every random one).
        assert_eq!(
            grade(&report, "recovery-time"),
            "PASS",
            "{:#}",
            report["criteria"]
        );
        assert_eq!(
            grade(&report, "reconnection"),
            "PASS",
            "{:#}",
            report["criteria"]
        );
        assert!(
            count(c, "/drops") >= 5,
            "drop-all reached every session: {c}"
        );
        assert!(count(c, "/reconnects") >= 5, "{c}");
        // Every drop the backend made, the console saw (and nothing else dropped them).
        assert_eq!(
            count(c, "/drops"),
            stat(&stats, "/totals/faults/dropped"),
            "console drops vs backend drops: {c}"
        );
        // Nothing queued went missing: every queued message was flushed after a reconnect
        // and then answered, or reported lost; none is still waiting in a queue, and no queue
        // overflowed.
        assert!(
            count(c, "/queued") >= 5,
            "one probe per dropped session: {c}"
        );
        assert_eq!(count(&report, "/totals/queued_now"), 0, "{c}");
        assert_eq!(count(c, "/queue_overflow"), 0, "{c}");
        assert_eq!(count(c, "/queue_flushed"), count(c, "/queued"), "{c}");
        assert_eq!(
            count(c, "/queue_flushed"),
            count(c, "/queue_delivered") + count(c, "/queue_lost"),
            "every flushed message answered or reported lost: {c}"
        );
        // A flushed queued message goes unanswered only when the backend dropped the new socket
        // on it: the console kept and sent it, so the criterion warns (and says how many)
        // rather than fails. Either way nothing in the recovery criteria may fail.
        if count(c, "/queue_lost") == 0 {
            assert_eq!(grade(&report, "queued-delivered"), "PASS");
        } else {
            // Queued messages are flushed only after the backend's drop-all, so an unanswered
            // one takes a random drop on top of the 5 sockets drop-all cut.
            assert!(
                stat(&stats, "/totals/faults/dropped") > 5,
                "queued messages unanswered without a random drop: {c}"
            );
            assert_eq!(grade(&report, "queued-delivered"), "WARN");
        }
        assert_ne!(report["verdict"], "FAIL", "{:#}", report["criteria"]);
        // The page stayed interactive: the verdict table is up to date.
        check_verdict_panel(&ctx, &report).await;
        ctx
    })
    .await;
}

#[tokio::test]
async fn recovery_under_5_percent_random_drops() {
    recovery_under_drop_rate("0.05").await;
}

#[tokio::test]
async fn recovery_under_15_percent_random_drops() {
    recovery_under_drop_rate("0.15").await;
}

#[tokio::test]
async fn recovery_under_30_percent_random_drops() {
    recovery_under_drop_rate("0.3").await;
}

#[tokio::test]
async fn recovery_through_the_backends_fault_control_passes() {
    run(faulty(), |ctx| async move {
        // New connections are refused for 2 s after the drop (`outage`): the first reconnect
        // (after 1 s) gets a 503, the second (2 s later) gets in.
        let form = "sessions=4 interval=200 warmup=1 duration=5 drop-every=0 outage=2 \
                    recovery-target=5 recovery-timeout=15";
        choose(&ctx, "recovery", form).await;
        ctx.set_checked("scenario-backend-faults", true).await;
        ctx.page.fill("reply-timeout", "2000").await;
        // The schedule's exact steps, as the comment above counts them (jitter, on by
        // default, would draw each from half to all of its step).
        ctx.open_more().await;
        ctx.set_checked("jitter", false).await;
        let report = run_finished(&ctx, "recovery", 4, LONG).await;
        assert_verdict(&report, RECOVERED, "PASS");
        assert_answered_but_in_flight(&report, 4);
        let stats = all_closed_server_side(&ctx).await;
        let faults = &stats["totals"]["faults"];
        assert_eq!(
            stat(faults, "/dropped"),
            4,
            "drop-all dropped every session: {faults}"
        );
        assert!(
            stat(faults, "/refused") >= 4,
            "the outage refused the first reconnects: {faults}"
        );
        let c = &report["totals"]["counters"];
        assert_eq!(count(c, "/drops"), 4, "{c}");
        assert_eq!(count(c, "/reconnects"), 4, "{c}");
        assert_eq!(
            count(c, "/connect_failures"),
            stat(faults, "/refused"),
            "{c}"
        );
        // Recovery took the 1 s + 2 s backoff: between 2.5 s and the 5 s target.
        let slowest = criterion(&report, "recovery-time")["value"]
            .as_f64()
            .unwrap();
        assert!(
            (2500.0..5000.0).contains(&slowest),
            "slowest recovery {slowest} ms"
        );
        assert_eq!(count(c, "/queue_delivered"), count(c, "/queued"), "{c}");
        // The scenario reset the backend's faults at its end.
        let state = ws_console_e2e::get_json(&format!("{}/api/faults", ctx.origin)).await;
        assert_eq!(state["refusing"], false, "{state}");
        // The log panel holds only the rows in view: filter to what is looked for.
        ctx.page.fill("log-filter-text", "backend fault").await;
        let fault = "backend fault drop-all injected";
        ctx.wait_logged(fault, "the fault in the filtered log", LONG)
            .await;
        check_verdict_panel(&ctx, &report).await;
        ctx
    })
    .await;
}
