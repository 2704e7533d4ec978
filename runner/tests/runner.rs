//! The runner end to end: the real binary, the real console in headless Chromium, the real
//! test backend. A clean backend exits 0 with the console's report and JUnit; a backend that
//! loses replies exits 1 with the failure in both; bad arguments exit 2 before any browser.

use std::process::{Command, Output};
use ws_console_e2e::{get_json, stat_by_type};

const TOKEN: &str = "Tk-runner-9931-distinct";

fn runner(args: &[&str], dir: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_runner"))
        .args(args)
        .arg("--json")
        .arg(dir.join("report.json"))
        .arg("--junit")
        .arg(dir.join("junit.xml"))
        .env("WSC_TOKEN", TOKEN)
        .output()
        .expect("the runner starts")
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
    let out = runner(
        &[
            "--scenario",
            "load",
            "--param",
            "sessions=2",
            "--param",
            "interval=100",
            "--param",
            "duration=2",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
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

#[test]
fn bad_arguments_exit_2_with_the_reason() {
    let out = Command::new(env!("CARGO_BIN_EXE_runner"))
        .args(["--scenario", "load", "--param", "messages=3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("load has no parameter \"messages\""), "{err}");
    assert!(err.contains("usage: runner"));
}
