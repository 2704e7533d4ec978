//! The runner end to end: the real binary, the real console in headless Chromium, the real
//! test backend. A clean backend exits 0 with the console's report and JUnit, and progress
//! lines on stderr while it runs; a run the console grades WARN exits 0, or 1 with
//! `--fail-on warn`; a backend that loses replies exits 1 with the failure in both; the
//! console embedded in the testbed's demo host, behind its login, runs at its URL with the
//! session cookie a CI job would get from the login form; the capacity finder runs to its max
//! rate and lists its steps; the readiness checklist passes with its groups in the report and
//! header auth skipped in the JUnit; bad arguments exit 2 before any browser.

use std::process::{Command, Output};
use ws_console_e2e::{dist_dir, get_json, post_form, stat_by_type};

const TOKEN: &str = "Tk-runner-9931-distinct";

/// Three sessions sending every 100 ms for 3 s, with a progress line a second: enough for
/// every criterion's minimum (3 connects, 20 replies), short enough for every run.
const SHORT_LOAD: [&str; 10] = [
    "--scenario",
    "load",
    "--param",
    "sessions=3",
    "--param",
    "interval=100",
    "--param",
    "duration=3",
    "--progress",
    "1",
];

/// Two sessions for a second: a clean run, but two connection attempts are fewer than the
/// three the connection criterion needs to judge, so the console grades it WARN
/// ("insufficient data") however healthy the backend.
const WARN_LOAD: [&str; 10] = [
    "--scenario",
    "load",
    "--param",
    "sessions=2",
    "--param",
    "interval=100",
    "--param",
    "duration=1",
    "--progress",
    "0",
];

fn runner(args: &[&str], dir: &std::path::Path) -> Output {
    runner_with(args, dir, &[("WSC_TOKEN", TOKEN)])
}

/// The runner with exactly `env` of the runner's own variables (`WSC_TOKEN`, `WSC_COOKIE`).
fn runner_with(args: &[&str], dir: &std::path::Path, env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_runner"))
        .args(args)
        .arg("--json")
        .arg(dir.join("report.json"))
        .arg("--junit")
        .arg(dir.join("junit.xml"))
        .env_remove("WSC_TOKEN")
        .env_remove("WSC_COOKIE")
        .envs(env.iter().copied())
        .output()
        .expect("the runner starts")
}

/// The progress lines on stderr: at least `min`, their percentages never going back, the
/// last at 100 %; none on stdout, which is the summary's.
fn progress_lines(out: &Output, min: usize) -> Vec<String> {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<String> = stderr
        .lines()
        .filter(|l| l.starts_with("running ("))
        .map(str::to_owned)
        .collect();
    assert!(
        lines.len() >= min,
        "{min}+ progress lines wanted:\n{stderr}"
    );
    let percent = |l: &str| -> u32 {
        let at = l
            .find("% ]")
            .unwrap_or_else(|| panic!("no percentage in {l:?}"));
        let open = l[..at].rfind('[').expect("a [ before the percentage");
        l[open + 1..at].trim().parse().expect("a whole percentage")
    };
    let p: Vec<u32> = lines.iter().map(|l| percent(l)).collect();
    assert!(p.windows(2).all(|w| w[0] <= w[1]), "{lines:#?}");
    assert_eq!(p.last(), Some(&100), "{lines:#?}");
    for l in &lines {
        assert!(
            l.contains(" sessions open, ") && l.contains(" sent="),
            "{l}"
        );
    }
    assert!(!String::from_utf8_lossy(&out.stdout).contains("running ("));
    lines
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("wsc-runner-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn read(dir: &std::path::Path) -> (serde_json::Value, String) {
    let json = std::fs::read_to_string(dir.join("report.json")).expect("report written");
    let xml = std::fs::read_to_string(dir.join("junit.xml")).expect("JUnit written");
    assert!(
        !json.contains(TOKEN) && !xml.contains(TOKEN),
        "the token never leaves"
    );
    (serde_json::from_str(&json).unwrap(), xml)
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn a_clean_run_exits_0_with_the_consoles_report_and_junit() {
    let dir = scratch("clean");
    let out = runner(&SHORT_LOAD, &dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // A line a second while it runs (the first after 1 s), and one at the end.
    let lines = progress_lines(&out, 3);
    assert!(lines[0].starts_with("running (0m01."), "{lines:#?}");
    assert!(
        lines.last().unwrap().contains("load [100% ] finished,"),
        "{lines:#?}"
    );
    let (report, xml) = read(&dir);
    assert_eq!(report["status"], "finished");
    assert_ne!(report["verdict"], "FAIL");
    let c = &report["totals"]["counters"];
    assert!(c["sent"].as_u64().unwrap() >= 30);
    assert_eq!(c["sent"], c["matched"]);
    assert!(xml.contains("<testsuite name=\"Load\""));
    assert!(!xml.contains("<failure"));
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("█ ws-console · Load"), "{summary}");
    assert!(summary.contains("✓ Message success rate"), "{summary}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_capacity_finder_runs_to_its_max_rate_and_lists_its_steps() {
    let dir = scratch("capacity");
    let out = runner(
        &[
            "--scenario",
            "capacity",
            "--param",
            "sessions=2",
            "--param",
            "start-rate=10",
            "--param",
            "rate-factor=2",
            "--param",
            "max-rate=20",
            "--param",
            "step=2",
            "--progress",
            "0",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let (report, xml) = read(&dir);
    let cap = &report["capacity"];
    assert_eq!(cap["stopped"], "max-rate", "{cap:#}");
    assert_eq!(cap["rate_per_s"].as_f64(), Some(20.0), "{cap:#}");
    assert!(xml.contains("<testsuite name=\"Capacity finder\""), "{xml}");
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("✓ Highest rate held"), "{summary}");
    assert!(summary.contains("step   1 ...: 10.0 msgs/s"), "{summary}");
    assert!(summary.contains("step   2 ...: 20.0 msgs/s"), "{summary}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_warn_exits_0_unless_fail_on_warn_makes_it_1() {
    // The run's summary, once its exit code and its WARN are checked.
    let ran = |name: &str, fail_on: &[&str], code: i32| {
        let dir = scratch(name);
        let args: Vec<&str> = WARN_LOAD.iter().chain(fail_on).copied().collect();
        let out = runner(&args, &dir);
        assert_eq!(out.status.code(), Some(code), "{}", text(&out));
        let (report, xml) = read(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(report["verdict"], "WARN", "{report:#}");
        assert!(
            report["criteria"].as_array().unwrap().iter().any(|c| {
                c["id"] == "connection-success"
                    && c["grade"] == "WARN"
                    && c["measured"]
                        .as_str()
                        .unwrap()
                        .starts_with("insufficient data: 2 of 3")
            }),
            "{report:#}"
        );
        // The console's JUnit export passes a WARN either way; the exit code is the runner's.
        assert!(!xml.contains("<failure") && xml.contains("WARN:"), "{xml}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let summary = ran("warn", &[], 0);
    assert!(
        summary.contains("█ ws-console · Load · WARN (finished"),
        "{summary}"
    );
    assert!(
        summary.contains("exit 0: a WARN verdict passes (--fail-on warn would fail the run on it)"),
        "{summary}"
    );
    let summary = ran("fail-on-warn", &["--fail-on", "warn"], 1);
    assert!(
        summary.contains("exit 1: the verdict is WARN and --fail-on warn fails the run on it"),
        "{summary}"
    );
}

#[test]
fn the_readiness_checklist_runs_headless_with_its_groups_in_the_report_and_junit() {
    // The runner's own backend takes the test backend's default token.
    let token = "dev-token";
    let dir = scratch("readiness");
    let args = [
        "--scenario",
        "readiness",
        "--endpoint",
        "/api/v1/pam/ws/{user_id}?token={token}",
        "--user-id",
        "qa-run",
        "--progress",
        "0",
    ];
    let out = runner_with(&args, &dir, &[("WSC_TOKEN", token)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let json = std::fs::read_to_string(dir.join("report.json")).expect("report written");
    let xml = std::fs::read_to_string(dir.join("junit.xml")).expect("JUnit written");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        !json.contains(token) && !xml.contains(token),
        "the token never leaves"
    );
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["verdict"], "PASS", "{:#}", report["readiness"]);
    assert_eq!(
        report["readiness"]["groups"].as_array().map(Vec::len),
        Some(5)
    );
    assert_eq!(report["readiness"]["rate_pct"].as_f64(), Some(100.0));
    assert!(xml.contains("<testsuite name=\"Readiness\""), "{xml}");
    assert!(
        xml.contains("<skipped message=\"not possible from a browser: "),
        "header auth is listed, never graded: {xml}"
    );
    assert!(!xml.contains("<failure"), "{xml}");
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("✓ Invalid token refused"), "{summary}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backend_losing_replies_exits_1_and_reports_the_failure() {
    // The console is served on a port chosen here, so the target backend can allow its origin.
    let console = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let target = testbed::start(testbed::Options {
        addr: "127.0.0.1:0".parse().unwrap(),
        faults: true,
        allow_origins: vec![format!("http://{console}")],
        ..testbed::Options::default()
    })
    .await
    .unwrap();
    let origin = format!("http://{}", target.local_addr());
    let endpoint = format!("ws://{}/ws?loss_rate=0.6&seed=5", target.local_addr());
    let dir = scratch("lossy");
    let console_addr = console.to_string();
    let args = [
        "--scenario",
        "load",
        "--endpoint",
        &endpoint,
        "--config",
        r#"{"reply_timeout_ms":"1000","heartbeat_enabled":false}"#,
        "--console-addr",
        &console_addr,
        "--param",
        "sessions=2",
        "--param",
        "interval=50",
        "--param",
        "duration=2",
    ];
    let out = tokio::task::spawn_blocking({
        let dir = dir.clone();
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        move || {
            let a: Vec<&str> = args.iter().map(String::as_str).collect();
            runner(&a, &dir)
        }
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let (report, xml) = read(&dir);
    assert_eq!(report["verdict"], "FAIL");
    let stats = get_json(&format!("{origin}/api/ws/stats")).await;
    assert_eq!(
        report["totals"]["counters"]["sent"].as_u64().unwrap(),
        stat_by_type(&stats, "/totals/received_by_type", "message"),
        "the console's count is the server's"
    );
    assert!(xml.contains("<failure type=\"FAIL\""), "{xml}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("✗ Message success rate"));
    target.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_embedded_behind_a_login_runs_at_its_url_and_exits_0() {
    let (user, password) = ("qa-ci", "pipeline pass");
    let server = testbed::start(testbed::Options {
        addr: "127.0.0.1:0".parse().unwrap(),
        static_dir: Some(dist_dir()),
        demo: Some(testbed::DemoOptions {
            user: user.into(),
            password: password.into(),
            token_ttl_s: 300,
        }),
        ..testbed::Options::default()
    })
    .await
    .unwrap();
    let origin = format!("http://{}", server.local_addr());
    // What a CI job does before the runner: sign in through the app's login form and keep
    // the session cookie the answer sets.
    let (status, head) = post_form(
        &format!("{origin}/demo/login"),
        "username=qa-ci&password=pipeline+pass",
    )
    .await;
    assert_eq!(status, 303, "{head}");
    let cookie = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or(l.strip_prefix("Set-Cookie: "))
        })
        .and_then(|c| c.split(';').next())
        .unwrap_or_else(|| panic!("no session cookie: {head}"))
        .to_owned();
    let dir = scratch("embedded");
    let url = format!("{origin}/demo/app");
    let out = tokio::task::spawn_blocking({
        let (dir, url, cookie) = (dir.clone(), url.clone(), cookie.clone());
        move || {
            let mut args = vec!["--console-url", &url, "--handle", "demoApp.consoles[0]"];
            args.extend(SHORT_LOAD);
            runner_with(&args, &dir, &[("WSC_COOKIE", &cookie)])
        }
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    progress_lines(&out, 2);
    let (report, xml) = read(&dir);
    assert_eq!(report["status"], "finished", "{report:#}");
    assert_eq!(report["verdict"], "PASS", "{report:#}");
    // The host's console ran, with the host's configuration: its authenticated endpoint,
    // the tokens its provider fetched with the session.
    let endpoint = report["configuration"]["endpoint"]
        .as_str()
        .unwrap_or_default();
    assert!(
        endpoint.ends_with("/api/v1/pam/ws/{user_id}?token={token}"),
        "{report:#}"
    );
    let tokens = get_json(&format!("{origin}/demo/api/tokens")).await;
    assert!(
        !tokens["seen"].as_array().unwrap().is_empty(),
        "the server saw the host's JWTs: {tokens}"
    );
    let c = &report["totals"]["counters"];
    assert!(c["sent"].as_u64().unwrap() >= 30, "{report:#}");
    assert_eq!(c["sent"], c["matched"]);
    let stats = get_json(&format!("{origin}/api/ws/stats")).await;
    assert_eq!(
        c["sent"].as_u64().unwrap(),
        stat_by_type(&stats, "/totals/received_by_type", "message"),
        "the console's count is the server's"
    );
    assert!(xml.contains("<testsuite name=\"Load\""), "{xml}");
    assert!(!xml.contains("<failure"), "{xml}");
    let sid = cookie.split_once('=').unwrap().1;
    assert!(
        !text(&out).contains(sid),
        "the session cookie is never printed"
    );
    assert!(
        !std::fs::read_to_string(dir.join("report.json"))
            .unwrap()
            .contains(sid)
    );
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_arguments_exit_2_with_the_reason() {
    let refused = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_runner"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let err = refused(&["--scenario", "load", "--param", "messages=3"]);
    assert!(err.contains("load has no parameter \"messages\""), "{err}");
    assert!(err.contains("usage: runner"));
    let err = refused(&["--scenario", "load", "--fail-on", "error"]);
    assert!(
        err.contains("--fail-on wants fail or warn, got \"error\""),
        "{err}"
    );
}
