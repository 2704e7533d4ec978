//! F14 embedding, end to end: the testbed's demo host app (`/demo/`, a login form, a session
//! cookie, a token endpoint, a plain HTML page under a strict CSP) mounts the console through
//! `mount()`, and a person logs in through the form before anything runs. Everything is real:
//! the browser's cookies, the JWTs the app signs, the authenticated WebSocket endpoint that
//! checks them. The Leptos example host (`/leptos-host/`) is tested the same way
//! (`leptos_host`).

mod assets;
mod host;
mod leptos_host;
mod teardown;

use host::{Demo, USER, handshakes};
use std::time::Duration;
use ws_console_e2e::{holds_for, stat, wait_for};

const SCENARIO: Duration = Duration::from_secs(60);

#[tokio::test]
async fn a_load_scenario_in_the_embedded_console_passes_and_the_token_shows_nowhere() {
    host::run(host::options(300, false), |demo: Demo| async move {
        demo.log_in().await;
        demo.open_app("").await;
        let report = demo
            .run_scenario(
                0,
                "load",
                r#"{"sessions":"3","interval_ms":"200","duration_s":"6"}"#,
            )
            .await;
        assert_eq!(report["verdict"], "PASS", "{report:#}");
        assert_eq!(report["scenario"]["kind"], "load");
        // onReport got the same report the promise did.
        let reported = demo.eval("return demoApp.reports[0]").await;
        assert_eq!(reported.as_array().map(Vec::len), Some(1), "{reported}");
        assert_eq!(reported[0]["verdict"], "PASS");
        assert_eq!(report["configuration"]["token"], "[redacted]");
        let tokens = demo.tokens().await;
        assert!(
            !tokens["seen"].as_array().unwrap().is_empty(),
            "the server saw a JWT"
        );
        assert!(demo.eval("return demoApp.tokenCalls").await.as_u64() >= Some(1));
        demo.assert_no_token_anywhere().await;
        demo
    })
    .await;
}

#[tokio::test]
async fn a_short_lived_jwt_is_refreshed_ahead_of_expiry_and_every_new_one_is_used() {
    // 6 s tokens, refreshed 2 s early; the server closes every socket after 2.5 s (code
    // 1001, retried at once), so reconnects present whatever token the console holds.
    host::run(host::options(6, true), |demo: Demo| async move {
        demo.log_in().await;
        let config = r#"{"endpoint":"/api/v1/pam/ws/{user_id}?token={token}&close_after_ms=2500&close_code=1001","token_refresh_before_s":"2","reconnect_schedule_s":"0.2","jitter":false}"#;
        demo.open_app(&format!("?config={}", ws_console_e2e::encode_component(config)))
            .await;
        let report = demo
            .run_scenario(0, "load", r#"{"sessions":"3","interval_ms":"500","duration_s":"24"}"#)
            .await;
        let calls = demo.eval("return demoApp.tokenCalls").await.as_u64().unwrap();
        assert!(calls >= 5, "24 s of 6 s tokens refreshed 2 s early: {calls} provider calls");
        assert_eq!(stat(&report, "/totals/needs_auth"), 0, "{report:#}");
        // The server's own forced closes can catch a message in flight (sent just before the
        // close, never answered): at most one per close at this cadence. A refresh never
        // costs a message: nothing was refused for its token.
        let (lost, drops) = (
            stat(&report, "/totals/counters/lost"),
            stat(&report, "/totals/counters/drops"),
        );
        assert!(lost <= drops, "{lost} lost over {drops} forced closes: {report:#}");
        assert_eq!(stat(&report, "/totals/counters/errors/auth"), 0, "{report:#}");
        let tokens = demo.tokens().await;
        let issued: Vec<&str> = tokens["issued"].as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
        let seen: Vec<&str> = tokens["seen"].as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
        assert_eq!(issued.len() as u64, calls, "one token per provider call");
        // Every token but the last (which may have come after the last reconnect) was used.
        for jti in &issued[..issued.len() - 1] {
            assert!(seen.contains(jti), "token {jti} never reached the server: {tokens}");
        }
        demo.assert_no_token_anywhere().await;
        demo
    })
    .await;
}

#[tokio::test]
async fn logging_out_mid_run_leaves_sessions_needing_auth_and_nothing_retries() {
    host::run(host::options(300, false), |demo: Demo| async move {
        demo.log_in().await;
        demo.open_app(
            r#"?config=%7B%22sessions%22%3A%223%22%2C%22send_interval_ms%22%3A%22300%22%7D"#,
        )
        .await;
        demo.eval("demoApp.consoles[0].start(); return null").await;
        demo.wait_open(3).await;
        let before = demo.tokens().await;
        // Logged out elsewhere (another tab): the same session cookie, ended.
        demo.eval("fetch('/demo/logout', {method: 'POST'}); return null")
            .await;
        demo.wait_text("token-error", "401").await;
        let report = demo.report(0).await;
        assert_eq!(stat(&report, "/totals/needs_auth"), 3, "{report:#}");
        assert_eq!(stat(&demo.stats().await, "/totals/open"), 0);
        // Past the whole backoff schedule's first steps: no session tries again.
        let after = demo.tokens().await;
        assert!(
            handshakes(&after) - handshakes(&before) <= 3,
            "{before} → {after}"
        );
        holds_for("no retry after logout", Duration::from_secs(4), || async {
            let now = demo.tokens().await;
            if handshakes(&now) == handshakes(&after) && now["refused"] == after["refused"] {
                Ok(())
            } else {
                Err(format!("{after} → {now}"))
            }
        })
        .await;
        let failures = demo.eval("return demoApp.tokenFailures.length").await;
        assert_eq!(failures.as_u64(), Some(1), "the provider was asked once");
        demo
    })
    .await;
}

#[tokio::test]
async fn cookie_mode_connects_without_a_token_and_a_logged_out_cookie_is_refused() {
    host::run(host::options(300, false), |demo: Demo| async move {
        demo.log_in().await;
        demo.open_app("?auth=cookie&config=%7B%22sessions%22%3A%223%22%7D").await;
        demo.eval("demoApp.consoles[0].start(); return null").await;
        demo.wait_open(3).await;
        let report = demo.report(0).await;
        let url = report["configuration"]["url"].as_str().unwrap().to_owned();
        assert!(!url.contains("token"), "{url}");
        assert_eq!(demo.eval("return demoApp.tokenCalls").await.as_u64(), Some(0));
        assert!(demo.tokens().await["seen"].as_array().unwrap().is_empty(), "no JWT used");
        demo.eval("fetch('/demo/logout', {method: 'POST'}); return null").await;
        wait_for("the sessions to need auth", Duration::from_secs(10), || async {
            let r = demo.report(0).await;
            (stat(&r, "/totals/needs_auth") == 3).then_some(())
        })
        .await;
        // A fresh cookie-mode socket with no session is refused, not served.
        let code = demo
            .eval_async(&format!(
                "const ws = new WebSocket(`ws://${{location.host}}/api/v1/pam/ws/{USER}`); ws.onclose = (e) => done(e.code);"
            ))
            .await;
        assert_eq!(code.as_u64(), Some(1008));
        demo
    })
    .await;
}

#[tokio::test]
async fn two_consoles_run_apart_and_unmounting_one_leaves_nothing_of_it() {
    host::run(host::options(300, false), |demo: Demo| async move {
        demo.log_in().await;
        demo.open_app("?consoles=2&config=%7B%22sessions%22%3A%222%22%2C%22send_interval_ms%22%3A%22200%22%7D")
            .await;
        // Before its first run a console has no report: the handle gives null.
        assert_eq!(demo.report(0).await, serde_json::Value::Null);
        demo.eval("demoApp.consoles[0].start(); demoApp.consoles[1].start(); return null").await;
        demo.wait_open(4).await;
        let ids = demo.eval("return [...document.querySelectorAll('[data-testid=start]')].length").await;
        assert_eq!(ids.as_u64(), Some(2));
        demo.eval("demoApp.consoles[0].unmount(); return null").await;
        demo.wait_open(2).await;
        let first = demo.eval("return document.getElementById('console').childElementCount").await;
        assert_eq!(first.as_u64(), Some(0), "the first console left its element");
        // Every call on the unmounted handle says so, and the page keeps working.
        demo.assert_unmounted("demoApp.consoles[0]").await;
        // The second console goes on: its replies keep coming.
        let received = |r: &serde_json::Value| stat(r, "/totals/counters/received");
        let r1 = received(&demo.report(1).await);
        wait_for("the second console to keep running", Duration::from_secs(10), || async {
            (received(&demo.report(1).await) > r1 + 10).then_some(())
        })
        .await;
        assert_eq!(stat(&demo.stats().await, "/totals/open"), 2, "only the second's sockets");
        demo.eval("demoApp.consoles[1].stop(); return null").await;
        demo.wait_open(0).await;
        demo
    })
    .await;
}

#[tokio::test]
async fn host_styles_do_not_reach_the_console_and_its_styles_do_not_reach_the_host() {
    host::run(host::options(300, false), |demo: Demo| async move {
        demo.log_in().await;
        demo.open_app("").await;
        let style = |selector: &str, prop: &str| {
            format!("getComputedStyle(document.querySelector('{selector}')).getPropertyValue('{prop}')")
        };
        let read = demo
            .eval(&format!(
                "return {{
                   consoleButton: {}, consoleButtonCase: {}, consoleInput: {}, consoleTable: {},
                   hostButton: {}, hostTable: {}, hostInput: {}, hostH2: {}
                 }}",
                style("[data-testid=start]", "background-color"),
                style("[data-testid=start]", "text-transform"),
                style("[data-testid=session-count]", "width"),
                style(".wsc-root table", "display"),
                style("#host-button", "background-color"),
                style("#host-table", "display"),
                style("#host-input", "width"),
                style(".host-panel h2", "color"),
            ))
            .await;
        assert_ne!(read["consoleButton"], "rgb(255, 105, 180)", "{read}");
        assert_eq!(read["consoleButtonCase"], "none", "{read}");
        assert_ne!(read["consoleInput"], "60px", "{read}");
        assert_eq!(read["consoleTable"], "table", "{read}");
        assert_eq!(read["hostButton"], "rgb(255, 105, 180)", "{read}");
        assert_eq!(read["hostTable"], "block", "{read}");
        assert_eq!(read["hostInput"], "60px", "{read}");
        assert_eq!(read["hostH2"], "rgb(0, 0, 255)", "{read}");
        // The console's stylesheet names nothing outside its own classes: every selector
        // (media rules opened, arguments of :where() set aside) sits under a wsc- class.
        let foreign = demo
            .eval(
                "const sheet = [...document.styleSheets].find((s) => s.ownerNode?.dataset?.wscStyles !== undefined);
                 const rules = [...sheet.cssRules].flatMap((r) => r.cssRules ? [...r.cssRules] : [r]);
                 return rules.map((r) => r.selectorText).filter((s) => s &&
                   !s.replace(/\\([^)]*\\)/g, '()').split(',').every((p) => p.includes('.wsc-')));",
            )
            .await;
        assert_eq!(foreign, serde_json::json!([]), "console rules reaching the host");
        demo
    })
    .await;
}
