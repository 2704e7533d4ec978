//! The k6 export (F16) run by the real k6 against the real test backend.
//!
//! The script is made by the engine exactly as the console's button makes it, then run by
//! k6 1.1 (installed by `cargo xtask setup`, passed as `WSC_K6`). What k6 counted must be
//! what the server counted, a clean backend must pass (exit 0), and a backend that loses
//! or duplicates replies must fail the script's thresholds with k6's own code, 99. The runs
//! are a few seconds each; k6 ends them itself, so nothing here waits on a timer.

use serde_json::Value;
use std::path::PathBuf;
use std::process::Stdio;
use ws_console_e2e::{LONG, get_json, run, stat, stat_by_type};
use ws_console_engine::scenario::{RawScenarioParams, Scenario, ScenarioKind};
use ws_console_engine::{AuthMode, RawConfig, RunConfig, k6};

const TOKEN: &str = "k6-test-token-5521";

fn k6_bin() -> PathBuf {
    let bin = std::env::var_os("WSC_K6").map_or_else(
        || {
            let home = std::env::var_os("HOME").expect("HOME is set");
            PathBuf::from(home).join(".cache/ws-console/k6-1.1.0/k6")
        },
        PathBuf::from,
    );
    assert!(
        bin.exists(),
        "no k6 at {} — run `cargo xtask setup`",
        bin.display()
    );
    bin
}

struct Backend {
    server: testbed::Server,
    origin: String,
}

impl Backend {
    async fn start() -> Backend {
        let server = testbed::start(testbed::Options {
            addr: "127.0.0.1:0".parse().unwrap(),
            tokens: vec![TOKEN.into()],
            faults: true,
            ..testbed::Options::default()
        })
        .await
        .expect("the test backend starts");
        let origin = format!("http://{}", server.local_addr());
        Backend { server, origin }
    }

    async fn stats(&self) -> Value {
        get_json(&format!("{}/api/ws/stats", self.origin)).await
    }
}

/// What one k6 run left: its exit code and its end-of-test summary.
struct K6Run {
    code: i32,
    summary: Value,
    output: String,
}

impl K6Run {
    fn count(&self, metric: &str) -> u64 {
        self.summary["metrics"][metric]["count"]
            .as_f64()
            .unwrap_or_else(|| panic!("no count for {metric}: {}", self.output)) as u64
    }

    fn rate(&self, metric: &str) -> f64 {
        self.summary["metrics"][metric]["value"]
            .as_f64()
            .unwrap_or_else(|| panic!("no rate for {metric}: {}", self.output))
    }
}

fn scenario(raw: RawConfig, params: RawScenarioParams) -> Scenario {
    let cfg = RunConfig::from_raw(&raw, "http://127.0.0.1").expect("a valid configuration");
    Scenario::from_raw(&params, &cfg).expect("a valid scenario")
}

fn config(endpoint: String) -> RawConfig {
    RawConfig {
        endpoint,
        user_id: "k6-user".into(),
        token: TOKEN.into(),
        heartbeat_enabled: false,
        reply_timeout_ms: "1000".into(),
        ..RawConfig::default()
    }
}

/// Exports `sc` and runs it with `token` in the environment.
async fn run_k6(name: &str, sc: &Scenario, token: &str) -> K6Run {
    run_script(name, &k6::script(sc).expect("exportable"), token).await
}

/// Runs `script` with `token` in the environment.
async fn run_script(name: &str, script: &str, token: &str) -> K6Run {
    assert!(!script.contains(token), "the token is never in the script");
    let dir = std::env::temp_dir().join(format!("wsc-k6-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.js"));
    let summary = dir.join(format!("{name}.summary.json"));
    std::fs::write(&file, script).unwrap();
    let out = tokio::process::Command::new(k6_bin())
        // No REST API server (`--address ""`): parallel runs would fight over its port.
        .args([
            "run",
            "--quiet",
            "--no-color",
            "--no-usage-report",
            "--address",
            "",
        ])
        .arg("--summary-export")
        .arg(&summary)
        .arg(&file)
        .env("TOKEN", token)
        .env("K6_NO_USAGE_REPORT", "true")
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output()
        .await
        .expect("k6 runs");
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = std::fs::read_to_string(&summary)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_else(|| panic!("k6 wrote no summary ({name}):\n{output}"));
    let _ = std::fs::remove_dir_all(&dir);
    K6Run {
        code: out.status.code().unwrap_or(-1),
        summary,
        output,
    }
}

fn load(sessions: &str, interval_ms: &str, duration_s: &str) -> RawScenarioParams {
    RawScenarioParams {
        kind: ScenarioKind::Load,
        sessions: sessions.into(),
        interval_ms: interval_ms.into(),
        duration_s: duration_s.into(),
        ..RawScenarioParams::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_passes_and_k6_counts_what_the_server_counts() {
    let b = Backend::start().await;
    let raw = RawConfig {
        auth_mode: AuthMode::Subprotocol,
        ..config(format!("{}/api/v1/pam/ws/{{user_id}}", b.origin))
    };
    let run = run_k6("load", &scenario(raw, load("4", "100", "3")), TOKEN).await;
    assert_eq!(run.code, 0, "{}", run.output);
    let stats = b.stats().await;
    let sent = run.count("ws_msgs_test");
    assert!(sent >= 4 * 25, "4 sessions × 3 s at 100 ms: {sent}");
    assert_eq!(
        sent,
        stat_by_type(&stats, "/totals/received_by_type", "message")
    );
    assert_eq!(run.count("ws_msgs_matched"), sent, "every reply matched");
    assert_eq!(run.count("ws_msgs_lost"), 0);
    // k6 counts each socket's close frame in ws_msgs_sent; the server counts data frames.
    assert_eq!(
        run.count("ws_msgs_sent"),
        stat(&stats, "/totals/received") + 4
    );
    assert_eq!(run.count("ws_msgs_received"), stat(&stats, "/totals/sent"));
    assert_eq!(stat(&stats, "/totals/accepted"), 4);
    assert_eq!(stat(&stats, "/totals/rejected_auth"), 0, "subprotocol auth");
    assert_eq!(run.rate("ws_connect_success"), 1.0);
    b.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_in_flight_sends_each_next_message_on_its_reply() {
    let b = Backend::start().await;
    // Every reply waits 50 ms: one in flight, each session makes about 2 s / 50 ms sends.
    let sc = scenario(
        config(format!("{}/ws?delay_ms=50", b.origin)),
        load("2", "0", "2"),
    );
    let run = run_k6("in-flight", &sc, TOKEN).await;
    assert_eq!(run.code, 0, "{}", run.output);
    let sent = run.count("ws_msgs_test");
    assert!(
        (40..=82).contains(&sent),
        "2 sessions × 2 s / 50 ms: {sent}"
    );
    assert_eq!(run.count("ws_msgs_matched"), sent);
    assert_eq!(run.count("ws_msgs_lost"), 0);
    assert_eq!(
        sent,
        stat_by_type(&b.stats().await, "/totals/received_by_type", "message")
    );
    b.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_keeps_its_heartbeat_and_counts_each_ping() {
    let b = Backend::start().await;
    let raw = RawConfig {
        heartbeat_enabled: true,
        heartbeat_interval_ms: "300".into(),
        heartbeat_timeout_ms: "1000".into(),
        ..config(format!("{}/ws", b.origin))
    };
    let params = RawScenarioParams {
        kind: ScenarioKind::Soak,
        ..load("2", "200", "2")
    };
    let run = run_k6("soak", &scenario(raw, params), TOKEN).await;
    assert_eq!(run.code, 0, "{}", run.output);
    let stats = b.stats().await;
    let pings = run.count("ws_pings_sent");
    assert!(
        pings >= 2 * 5,
        "2 sessions, a ping every 300 ms for 2 s: {pings}"
    );
    assert_eq!(
        pings,
        stat_by_type(&stats, "/totals/received_by_type", "ping")
    );
    assert_eq!(run.count("ws_ping_rtt"), pings, "every ping answered");
    assert_eq!(run.count("ws_ping_timeouts"), 0);
    assert_eq!(run.count("ws_drops"), 0);
    b.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backend_losing_replies_fails_the_threshold_with_99() {
    let b = Backend::start().await;
    let raw = config(format!("{}/ws?loss_rate=0.5&seed=7", b.origin));
    let run = run_k6("loss", &scenario(raw, load("3", "50", "2")), TOKEN).await;
    assert_eq!(run.code, 99, "a failed threshold: {}", run.output);
    let stats = b.stats().await;
    let sent = run.count("ws_msgs_test");
    let lost = run.count("ws_msgs_lost");
    assert_eq!(
        sent,
        stat_by_type(&stats, "/totals/received_by_type", "message")
    );
    assert_eq!(
        run.count("ws_msgs_matched") + lost,
        sent,
        "sent = matched + lost"
    );
    assert!(lost * 4 > sent, "about half lost: {lost} of {sent}");
    assert!(run.rate("ws_msg_success") < 0.8);
    b.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reliability_fails_on_duplicates_and_passes_without() {
    let b = Backend::start().await;
    let params = || RawScenarioParams {
        kind: ScenarioKind::Reliability,
        sessions: "2".into(),
        messages: "30".into(),
        interval_ms: "20".into(),
        ..RawScenarioParams::default()
    };
    let clean = config(format!("{}/ws", b.origin));
    let run = run_k6("reliability", &scenario(clean, params()), TOKEN).await;
    assert_eq!(run.code, 0, "{}", run.output);
    assert_eq!(run.count("ws_msgs_matched"), 60);
    assert_eq!(run.count("ws_msgs_dup"), 0);
    let dup = config(format!("{}/ws?dup_rate=1", b.origin));
    let run = run_k6("duplicates", &scenario(dup, params()), TOKEN).await;
    assert_eq!(run.code, 99, "{}", run.output);
    assert_eq!(run.count("ws_msgs_dup"), 60, "every reply twice");
    assert_eq!(run.count("ws_msgs_matched"), 60);
    b.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ramp_up_and_broadcast_pass_against_the_backend() {
    let b = Backend::start().await;
    let ramp = RawScenarioParams {
        kind: ScenarioKind::RampUp,
        sessions: "5".into(),
        batch_size: "2".into(),
        batch_every_s: "1".into(),
        hold_s: "1".into(),
        interval_ms: "200".into(),
        ..RawScenarioParams::default()
    };
    let raw = config(format!(
        "{}/api/v1/pam/ws/{{user_id}}?token={{token}}",
        b.origin
    ));
    let run = run_k6("ramp", &scenario(raw, ramp), TOKEN).await;
    assert_eq!(run.code, 0, "{}", run.output);
    let stats = b.stats().await;
    assert_eq!(stat(&stats, "/totals/accepted"), 5);
    assert_eq!(
        run.count("ws_msgs_test"),
        stat_by_type(&stats, "/totals/received_by_type", "message")
    );

    let bcast = RawScenarioParams {
        kind: ScenarioKind::Broadcast,
        sessions: "3".into(),
        rate_per_s: "6".into(),
        duration_s: "2".into(),
        ..RawScenarioParams::default()
    };
    let before = stat_by_type(&b.stats().await, "/totals/received_by_type", "broadcast");
    let run = run_k6(
        "broadcast",
        &scenario(config(format!("{}/ws", b.origin)), bcast),
        TOKEN,
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.output);
    let sent = stat_by_type(&b.stats().await, "/totals/received_by_type", "broadcast") - before;
    assert_eq!(sent, 12, "6 per second for 2 s");
    // Each broadcast reaches the two other sessions.
    assert_eq!(run.rate("ws_broadcast_delivery"), 1.0);
    assert_eq!(run.count("ws_delivery_latency"), 2 * sent);
    b.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_passes_with_the_right_token_and_fails_with_a_wrong_one() {
    let b = Backend::start().await;
    let params = || RawScenarioParams {
        kind: ScenarioKind::Auth,
        sessions: "2".into(),
        hold_s: "1".into(),
        observe_s: "1".into(),
        ..RawScenarioParams::default()
    };
    let raw = || RawConfig {
        auth_mode: AuthMode::FirstMessage,
        ..config(format!("{}/ws", b.origin))
    };
    let run = run_k6("auth", &scenario(raw(), params()), TOKEN).await;
    assert_eq!(run.code, 0, "{}", run.output);
    assert_eq!(run.rate("ws_auth_valid_connects"), 1.0);
    assert_eq!(run.rate("ws_auth_invalid_refused"), 1.0);
    let run = run_k6("auth-wrong", &scenario(raw(), params()), "not-the-token").await;
    assert_eq!(run.code, 99, "{}", run.output);
    assert_eq!(run.rate("ws_auth_valid_connects"), 0.0);
    b.server.shutdown().await;
}

/// The buttons: **Export k6 script** saves exactly the script the engine makes for the form
/// (and it runs), is disabled with the reason for recovery; **JUnit XML** saves a suite with
/// a case per criterion of the report.
#[tokio::test]
async fn the_console_buttons_export_the_same_script_and_a_junit_report() {
    run(testbed::Options::default(), |ctx| async move {
        let raw = RawConfig {
            endpoint: "/ws".into(),
            heartbeat_enabled: false,
            ..RawConfig::default()
        };
        ctx.open_console(&raw).await;
        ctx.page.fill("token", "dev-token").await;
        ctx.choose_scenario(
            "load",
            &[
                ("scenario-sessions", "2"),
                ("scenario-interval", "100"),
                ("scenario-duration", "2"),
            ],
        )
        .await;
        let saved = ctx.download("export-k6", "ws-console-load.k6.js").await;
        let expected = {
            let with_token = RawConfig {
                token: "dev-token".into(),
                ..raw.clone()
            };
            let cfg = RunConfig::from_raw(&with_token, &ctx.origin).unwrap();
            let params = load("2", "100", "2");
            k6::script(&Scenario::from_raw(&params, &cfg).unwrap()).unwrap()
        };
        assert_eq!(saved, expected, "the button saves the engine's script");
        let run = run_script("from-button", &saved, "dev-token").await;
        assert_eq!(run.code, 0, "{}", run.output);
        assert_eq!(run.count("ws_msgs_lost"), 0);

        ctx.choose_scenario("recovery", &[]).await;
        assert_eq!(
            ctx.page
                .eval("return document.querySelector('[data-testid=\"export-k6\"]').disabled")
                .await,
            serde_json::json!(true)
        );
        let why = ctx.page.text("export-k6-reason").await;
        assert!(why.contains("reconnect policy"), "{why}");

        // A short run of the load scenario in the console, then its JUnit export.
        ctx.choose_scenario(
            "load",
            &[
                ("scenario-sessions", "2"),
                ("scenario-interval", "100"),
                ("scenario-duration", "1"),
            ],
        )
        .await;
        let report = ctx.run_scenario(LONG).await;
        let xml = ctx.download("export-junit", "ws-console-junit.xml").await;
        let criteria = report["criteria"].as_array().unwrap();
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        assert_eq!(xml.matches("<testsuite ").count(), 1);
        assert!(xml.contains("<testsuite name=\"Load\""), "{xml}");
        assert_eq!(xml.matches("<testcase ").count(), criteria.len());
        let fails = criteria.iter().filter(|c| c["grade"] == "FAIL").count();
        assert_eq!(xml.matches("<failure ").count(), fails);
        assert!(!xml.contains("dev-token"));
        ctx
    })
    .await;
}
