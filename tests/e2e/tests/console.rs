//! The console against the real test backend: bad input, auth, security, persistence and
//! recovery from a backend that goes away.

use std::time::Duration;
use ws_console_e2e::console::{accepting, assert_kept_out, count};
use ws_console_e2e::{Ctx, LONG, run, stat, stat_by_type, wait_for};

/// A token distinctive enough that finding it anywhere is a leak.
const TOKEN: &str = "Tk-e2e-5ecr3t-91f0";

async fn auth_endpoint(ctx: &Ctx, token: &str) {
    ctx.page
        .fill("endpoint-url", "/api/v1/pam/ws/{user_id}?token={token}")
        .await;
    ctx.page.fill("user-id", "qa-7").await;
    ctx.page.fill("token", token).await;
}

#[tokio::test]
async fn one_in_flight_sends_each_next_message_as_its_reply_comes_in() {
    run(testbed::Options::default(), |ctx| async move {
        // Every reply waits 50 ms: a timer would pile messages up, one in flight never does.
        ctx.page.fill("endpoint-url", "/ws?delay_ms=50").await;
        ctx.start_sessions(2, 0).await;
        let most_pending = std::cell::Cell::new(0);
        let report = wait_for("60 replies matched", LONG, || async {
            let r = ctx.report().await;
            most_pending.set(
                most_pending
                    .get()
                    .max(count(&r, "/totals/counters/pending")),
            );
            (count(&r, "/totals/counters/matched") >= 60).then_some(r)
        })
        .await;
        let most = most_pending.get();
        assert!(most <= 2, "at most one per session: {most}");
        let c = &report["totals"]["counters"];
        assert_eq!(count(c, "/lost"), 0);
        assert!(count(c, "/sent") <= count(c, "/matched") + 2, "{c}");
        assert_eq!(report["configuration"]["send_interval_ms"], 0.0);
        ctx
    })
    .await;
}

#[tokio::test]
async fn every_bad_input_gets_its_message_and_nothing_starts() {
    run(testbed::Options::default(), |ctx| async move {
        let cases: [(&str, &str); 12] = [
            ("endpoint-url", ""),
            ("endpoint-url", "ftp://127.0.0.1/ws"),
            ("endpoint-url", "ws://"),
            ("endpoint-url", "/api/v1/pam/ws/{user_id}"),
            ("session-count", "0"),
            ("session-count", "201"),
            ("session-count", "-1"),
            ("session-count", "abc"),
            ("send-interval", "5"),
            ("send-interval", "-5"),
            ("send-interval", "abc"),
            ("correlation-pointer", "id"),
        ];
        for (field, value) in cases {
            ctx.page.fill("user-id", "").await;
            ctx.page.fill(field, value).await;
            ctx.page.click("start").await;
            let error_id = format!("{field}-error");
            let message = if field == "endpoint-url" && value.contains("{user_id}") {
                ctx.page.text("user-id-error").await
            } else {
                ctx.page.text(&error_id).await
            };
            assert!(
                !message.trim().is_empty(),
                "{field} = {value:?} got no message"
            );
            assert_eq!(
                ctx.page.text("run-status").await,
                "idle",
                "{field} = {value:?} started a run"
            );
            if field == "session-count" && value == "201" {
                assert!(
                    message.contains("255"),
                    "the socket cap is explained: {message}"
                );
            }
            // Put the default back for the next case.
            let default = match field {
                "endpoint-url" => "/ws",
                "session-count" => "5",
                "send-interval" => "8000",
                _ => "/id",
            };
            ctx.page.fill(field, default).await;
        }
        assert_eq!(
            stat(&ctx.stats().await, "/totals/accepted"),
            0,
            "no socket was opened"
        );
        // A template that is not JSON is allowed as raw text, with a notice.
        ctx.page.fill("message-template", "plain text {{id}}").await;
        ctx.page.fill("session-count", "1").await;
        ctx.page.click("start").await;
        ctx.page
            .wait_text("run-status", "running", "the run to start")
            .await;
        assert!(
            !ctx.page
                .text("message-template-notice")
                .await
                .trim()
                .is_empty()
        );
        ctx
    })
    .await;
}

#[tokio::test]
async fn an_invalid_token_needs_auth_and_is_not_retried() {
    run(accepting(TOKEN), |ctx| async move {
        auth_endpoint(&ctx, "wrong-token").await;
        ctx.page.fill("session-count", "3").await;
        ctx.page.click("start").await;
        wait_for("every session to need auth", LONG, || async {
            let states = ctx.page.texts("session-state").await;
            (states.len() == 3 && states.iter().all(|s| s == "needs auth")).then_some(())
        })
        .await;
        // Observe a window longer than the first backoff step (1 s): no retry reaches the server.
        tokio::time::sleep(Duration::from_millis(2500)).await;
        let stats = ctx.stats().await;
        assert_eq!(
            stat(&stats, "/totals/rejected_auth"),
            3,
            "one attempt per session: {stats}"
        );
        let closes = ctx.page.texts("session-close").await;
        assert!(closes.iter().all(|c| c.starts_with("1008")), "{closes:?}");
        // A fresh token brings them back (what a host's token provider would do).
        ctx.page.fill("token", TOKEN).await;
        ctx.page.click("apply-token").await;
        ctx.wait_all_active(3, "every session connected with the fresh token")
            .await;
        assert_eq!(stat(&ctx.stats().await, "/totals/rejected_auth"), 3);
        ctx
    })
    .await;
}

#[tokio::test]
async fn the_token_never_shows_in_the_page_the_log_storage_or_the_share_url() {
    run(accepting(TOKEN), |ctx| async move {
        auth_endpoint(&ctx, TOKEN).await;
        ctx.page.click("log-sent").await;
        ctx.start_sessions(2, 200).await;
        wait_for("some traffic", LONG, || async {
            (ctx.metric("metric-received").await >= 6).then_some(())
        })
        .await;
        let mut places = ctx.shown_and_stored().await;
        places.push(("log", ctx.page.texts("log-entry").await.join("\n")));
        assert_kept_out(TOKEN, &places);
        let display = ctx.page.text("display-url").await;
        assert!(display.contains("[redacted]"), "{display}");
        let share = ctx.page.text("share-url").await;
        assert!(share.contains("wsc="), "{share}");
        ctx
    })
    .await;
}

#[tokio::test]
async fn server_text_is_rendered_as_text() {
    run(testbed::Options::default(), |ctx| async move {
        let payload = r#"<img src=x onerror=\"window.__wscXss=1\">"#;
        // Sent and echoed back: wait for the payload in the log.
        ctx.send_one_with("text", payload, "<img src=x").await;
        let images = ctx
            .page
            .eval("return document.querySelectorAll('.wsc-root img').length")
            .await;
        assert_eq!(
            images,
            serde_json::json!(0),
            "no element was made from server text"
        );
        let fired = ctx.page.eval("return window.__wscXss === undefined").await;
        assert_eq!(
            fired,
            serde_json::json!(true),
            "the onerror handler never ran"
        );
        ctx
    })
    .await;
}

#[tokio::test]
async fn a_reload_keeps_the_configuration_but_not_the_token() {
    run(testbed::Options::default(), |ctx| async move {
        ctx.page.fill("session-count", "7").await;
        ctx.page.fill("endpoint-url", "/ws?suite=reload").await;
        ctx.page.fill("token", TOKEN).await;
        ctx.page.client.refresh().await.expect("reload");
        ctx.page.wait_for_testid("start", LONG).await;
        assert_eq!(ctx.page.value("session-count").await, "7");
        assert_eq!(ctx.page.value("endpoint-url").await, "/ws?suite=reload");
        assert_eq!(ctx.page.value("token").await, "");
        // A share URL opens the same configuration in a browser that has none stored.
        ctx.page.fill("session-count", "9").await;
        ctx.page.click("share").await;
        let share = ctx.page.text("share-url").await;
        ctx.page.eval("localStorage.clear(); return true").await;
        ctx.page.client.goto(&share).await.expect("share URL opens");
        ctx.page.wait_for_testid("start", LONG).await;
        assert_eq!(ctx.page.value("session-count").await, "9");
        assert_eq!(ctx.page.value("endpoint-url").await, "/ws?suite=reload");
        ctx
    })
    .await;
}

#[tokio::test]
async fn a_hidden_tab_is_warned_about_and_marked_in_the_report() {
    run(testbed::Options::default(), |ctx| async move {
        ctx.start_sessions(2, 200).await;
        assert!(ctx.page.texts("hidden-warning").await.is_empty());
        // Headless Chromium never hides its tab; the page sees exactly what a real hide shows it.
        ctx.page
            .eval(
                "Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
                 document.dispatchEvent(new Event('visibilitychange')); return true",
            )
            .await;
        ctx.page.wait_for_testid("hidden-warning", LONG).await;
        let report = ctx.page.eval("return window.wsConsole.report()").await;
        assert_eq!(report["run"]["tab_hidden"], serde_json::json!(true), "{}", report["run"]);
        ctx.page
            .eval(
                "Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
                 document.dispatchEvent(new Event('visibilitychange')); return true",
            )
            .await;
        ctx.page
            .wait_gone("hidden-warning", "the warning to go")
            .await;
        ctx
    })
    .await;
}

/// Automatic sending is off, so after the restart nothing but the offline queues can send:
/// the new backend must receive exactly the messages queued while the old one was down, and
/// each must come back matched. (With automatic sending on, fresh messages would pass for
/// queued ones, and the test would pass even if every queued message were lost.)
#[tokio::test]
async fn sessions_recover_when_the_backend_restarts_and_queued_messages_arrive() {
    run(testbed::Options::default(), |ctx| async move {
        ctx.set_checked("auto-send", false).await;
        ctx.start_sessions(5, 200).await;
        for _ in 0..3 {
            ctx.page.click("broadcast").await;
        }
        wait_for("the first 15 messages answered", LONG, || async {
            (count(&ctx.report().await, "/totals/counters/matched") == 15).then_some(())
        })
        .await;
        let (page, origin) = ctx.stop_server().await;
        // Backoff 1, 2, 4 s: a second attempt shows the schedule advancing while refused.
        wait_for(
            "a session on its second reconnect attempt",
            LONG,
            || async {
                let states = page.texts("session-state").await;
                states
                    .iter()
                    .any(|s| s.starts_with("reconnecting (attempt 2"))
                    .then_some(())
            },
        )
        .await;
        for _ in 0..4 {
            page.click("broadcast").await;
        }
        wait_for(
            "20 messages queued while the backend is down",
            LONG,
            || async {
                let mut total = 0;
                for t in page.texts("session-queued").await {
                    total += ws_console_e2e::number(&t);
                }
                (total == 20).then_some(())
            },
        )
        .await;
        let ctx = Ctx::restart_server(page, origin, testbed::Options::default()).await;
        ctx.wait_all_active(5, "every session back").await;
        let report = wait_for("the queued messages answered", LONG, || async {
            let r = ctx.report().await;
            (count(&r, "/totals/counters/matched") == 35).then_some(r)
        })
        .await;
        // The rows move on once a second while a run goes.
        wait_for("the rows to show the queues flushed", LONG, || async {
            (ctx.numbers("session-queued").await == vec![0; 5]).then_some(())
        })
        .await;
        let stats = ctx.stats().await;
        assert_eq!(
            stat_by_type(&stats, "/totals/received_by_type", "message"),
            20,
            "the new backend got exactly the queued messages: {stats}"
        );
        let c = &report["totals"]["counters"];
        for (field, want) in [
            ("queued", 20),
            ("queue_flushed", 20),
            ("queue_delivered", 20),
            ("queue_lost", 0),
            ("lost", 0),
        ] {
            assert_eq!(count(c, &format!("/{field}")), want, "{field}: {c}");
        }
        wait_for(
            "the rows to show each session reconnected once",
            LONG,
            || async { (ctx.numbers("session-reconnects").await == vec![1; 5]).then_some(()) },
        )
        .await;
        assert_eq!(ctx.metric("metric-reconnects").await, 5);
        ctx
    })
    .await;
}
