//! No token leaves (R3), through the real page: a share link cannot quietly replace the saved
//! configuration or send the token elsewhere, Start (and the scenario button, and the JS
//! handle) asks before a token goes to another origin, a token pasted into the endpoint moves
//! to the Token field and is kept nowhere, and the log export is redacted with every token the
//! run has used.
//!
//! "Another origin" is `localhost`: the page is served from `127.0.0.1`, so `ws://localhost:…`
//! reaches the same test backend from a different origin, and the backend's own counters say
//! whether anything connected.

use std::time::Duration;
use ws_console_e2e::console::{accepting, assert_kept_out};
use ws_console_e2e::{Ctx, LONG, run, stat, wait_for};

/// A token distinctive enough that finding it anywhere is a leak.
const TOKEN: &str = "Tk-sec-5ecr3t-4b1d";
/// A JWT-shaped value, as people paste them into URLs.
const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJxYS03In0.c2VjcmV0LXNpZ25hdHVyZQ";

/// `host:port` of the backend under another name than the page's.
fn foreign_host(ctx: &Ctx) -> String {
    ctx.origin.replace("http://127.0.0.1", "localhost")
}

async fn storage(ctx: &Ctx) -> String {
    let v = ctx
        .page
        .eval("return localStorage.getItem('wsc-config-v1') || ''")
        .await;
    v.as_str().unwrap_or("").to_owned()
}

async fn accepted(ctx: &Ctx) -> u64 {
    stat(&ctx.stats().await, "/totals/accepted")
}

/// Fills the authenticated endpoint on the backend's other name, with the token.
async fn foreign_auth_endpoint(ctx: &Ctx) {
    let endpoint = format!(
        "ws://{}/api/v1/pam/ws/{{user_id}}?token={{token}}",
        foreign_host(ctx)
    );
    ctx.page.fill("endpoint-url", &endpoint).await;
    ctx.page.fill("user-id", "qa-7").await;
    ctx.page.fill("token", TOKEN).await;
    ctx.page.fill("session-count", "2").await;
    ctx.page.fill("send-interval", "60000").await;
}

async fn all_connected(ctx: &Ctx) {
    ctx.wait_all_active(2, "both sessions connected").await;
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn a_share_link_is_shown_as_such_and_saved_only_when_kept() {
    run(testbed::Options::default(), |ctx| async move {
        ctx.page.fill("session-count", "7").await;
        wait_for("the form to be saved", LONG, || async {
            storage(&ctx)
                .await
                .contains(r#""sessions":"7""#)
                .then_some(())
        })
        .await;
        let linked = format!("ws://{}/ws?from=link", foreign_host(&ctx));
        let json = serde_json::json!({ "endpoint": linked, "sessions": "3" }).to_string();
        let link = format!("{}/ws-testing?wsc={}", ctx.origin, encode(&json));

        ctx.page.client.goto(&link).await.expect("share link opens");
        ctx.page.wait_for_testid("shared-config", LONG).await;
        assert_eq!(ctx.page.value("endpoint-url").await, linked);
        assert_eq!(ctx.page.text("shared-endpoint").await, linked);
        let stored = storage(&ctx).await;
        assert!(!stored.contains("from=link"), "saved unasked: {stored}");
        ctx.page.click("shared-discard").await;
        ctx.page
            .wait_gone("shared-config", "the banner to go")
            .await;
        assert_eq!(ctx.page.value("endpoint-url").await, "/ws");
        assert_eq!(ctx.page.value("session-count").await, "7");
        assert!(!storage(&ctx).await.contains("from=link"));
        let search = ctx.page.eval("return location.search").await;
        assert_eq!(search, serde_json::json!(""), "the link is done with");

        ctx.page.client.goto(&link).await.expect("share link opens");
        ctx.page.wait_for_testid("shared-config", LONG).await;
        ctx.page.click("shared-keep").await;
        wait_for("the kept configuration to be saved", LONG, || async {
            storage(&ctx).await.contains("from=link").then_some(())
        })
        .await;
        assert!(ctx.page.texts("shared-config").await.is_empty());
        assert_eq!(accepted(&ctx).await, 0, "nothing connected meanwhile");
        ctx
    })
    .await;
}

#[tokio::test]
async fn start_and_the_scenario_button_ask_before_the_token_goes_to_another_origin() {
    run(accepting(TOKEN), |ctx| async move {
        foreign_auth_endpoint(&ctx).await;
        let host = foreign_host(&ctx);

        ctx.page.click("start").await;
        ctx.page
            .wait_for_testid("confirm-foreign-origin", LONG)
            .await;
        assert_eq!(ctx.page.text("confirm-host").await, host);
        ctx.page.click("confirm-cancel").await;
        ctx.page
            .wait_gone("confirm-foreign-origin", "the question to go")
            .await;
        assert_eq!(ctx.page.text("run-status").await, "idle");

        ctx.choose_scenario("load", &[]).await;
        ctx.page.click("scenario-run").await;
        ctx.page
            .wait_for_testid("confirm-foreign-origin", LONG)
            .await;
        assert_eq!(ctx.page.text("confirm-host").await, host);
        assert_ne!(ctx.scenario_status().await.as_deref(), Some("running"));
        ctx.page.click("confirm-cancel").await;
        assert_eq!(accepted(&ctx).await, 0, "no socket opened before an answer");

        ctx.page.click("start").await;
        ctx.page
            .wait_for_testid("confirm-foreign-origin", LONG)
            .await;
        ctx.page.click("confirm-start-anyway").await;
        all_connected(&ctx).await;
        assert!(ctx.page.texts("confirm-foreign-origin").await.is_empty());
        assert_eq!(accepted(&ctx).await, 2);
        ctx
    })
    .await;
}

#[tokio::test]
async fn the_js_handle_starts_on_another_origin_only_when_told_the_host() {
    run(accepting(TOKEN), |ctx| async move {
        foreign_auth_endpoint(&ctx).await;
        let host = foreign_host(&ctx);
        let refused = ctx
            .page
            .eval("try { window.wsConsole.start(); return 'started'; } catch (e) { return String(e.message); }")
            .await;
        let refused = refused.as_str().unwrap_or_default();
        assert!(
            refused.contains(&host) && refused.contains("allowHost"),
            "{refused}"
        );
        assert!(!refused.contains(TOKEN));
        let wrong = "try { window.wsConsole.start({ allowHost: 'elsewhere:1' }); return 'started'; } catch (e) { return 'refused'; }";
        assert_eq!(ctx.page.eval(wrong).await, serde_json::json!("refused"));
        assert_eq!(accepted(&ctx).await, 0);
        let allowed = format!("window.wsConsole.start({{ allowHost: '{host}' }}); return null");
        ctx.page.eval(&allowed).await;
        all_connected(&ctx).await;
        ctx
    })
    .await;
}

#[tokio::test]
async fn a_token_typed_into_the_endpoint_moves_to_the_token_field_and_is_kept_nowhere() {
    run(accepting(TOKEN), |ctx| async move {
        let typed = format!("/api/v1/pam/ws/{{user_id}}?token={TOKEN}");
        ctx.page.fill("endpoint-url", &typed).await;
        ctx.page.fill("user-id", "qa-7").await;
        ctx.page.fill("session-count", "2").await;
        ctx.page.fill("send-interval", "60000").await;
        wait_for("the form to be saved", LONG, || async {
            storage(&ctx).await.contains("qa-7").then_some(())
        })
        .await;
        let shown = ctx.page.text("display-url").await;
        assert!(!shown.contains(TOKEN), "{shown}");
        assert!(!storage(&ctx).await.contains(TOKEN), "stored before Start");

        ctx.page.click("start").await;
        all_connected(&ctx).await;
        assert_eq!(
            ctx.page.value("endpoint-url").await,
            "/api/v1/pam/ws/{user_id}?token={token}"
        );
        assert_eq!(ctx.page.value("token").await, TOKEN);
        assert!(ctx.page.text("token-notice").await.contains("moved"));
        // All of local storage, the saved configuration with it.
        let mut places = ctx.shown_and_stored().await;
        let log = ctx.download("export-log", "ws-console-log.txt").await;
        places.push(("log export", log));
        assert_kept_out(TOKEN, &places);
        ctx
    })
    .await;
}

#[tokio::test]
async fn a_share_link_never_carries_the_token() {
    run(testbed::Options::default(), |ctx| async move {
        ctx.page.fill("token", TOKEN).await;
        ctx.page
            .fill("endpoint-url", &format!("/ws?access_token={JWT}"))
            .await;
        ctx.page.click("share").await;
        let share = ctx.page.text("share-url").await;
        assert!(share.contains("wsc="), "{share}");
        for secret in [TOKEN, JWT, &encode(JWT)] {
            assert!(!share.contains(secret), "{secret} in {share}");
            assert!(!storage(&ctx).await.contains(secret));
        }
        ctx
    })
    .await;
}

#[tokio::test]
async fn the_log_export_redacts_a_token_applied_after_it_was_logged() {
    run(testbed::Options::default(), |ctx| async move {
        // A reply names the next token before anyone applies it (as a refresh reply would).
        let next = "Nx7-next-t0ken-c4fe";
        ctx.send_one_with("next", next, "chat_response").await;
        ctx.page.fill("token", next).await;
        ctx.page.click("apply-token").await;
        let applied = "the token to be applied";
        ctx.wait_logged("token updated", applied, Duration::from_secs(10))
            .await;
        let log = ctx.download("export-log", "ws-console-log.txt").await;
        assert!(log.contains("chat_response"), "{log}");
        assert!(!log.contains(next), "the export kept the token: {log}");
        wait_for("the log panel to redact it too", LONG, || async {
            let log = ctx.page.texts("log-entry").await;
            log.iter().all(|e| !e.contains(next)).then_some(())
        })
        .await;
        ctx
    })
    .await;
}
