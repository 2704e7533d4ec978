//! `cargo xtask test`: every test layer, a line each, failing on a failure or on a layer that
//! ran no test.
//!
//! Layers: formatting, clippy (host and wasm32), the engine's purity, host tests (engine,
//! testbed, xtask), wasm-bindgen-tests in headless Chromium against a live test backend, and
//! the size gate on the release build (SPEC P4, see [`crate::size`]), the Leptos example host
//! built as a page, and end-to-end tests driving Chromium through WebDriver against the test
//! backend serving both builds.

use crate::proc::{
    Guard, Result, TestCount, cmd, free_port, root, run, run_counting, target_dir, wait_for_port,
};
use crate::serve::{build_console, build_leptos_host, build_testbed};
use crate::tools::{Browser, ensure_all};

/// Crates the engine must never depend on: it is pure, the browser is the adapter's business.
const FORBIDDEN_IN_ENGINE: [&str; 6] = [
    "web-sys",
    "js-sys",
    "wasm-bindgen",
    "gloo",
    "leptos",
    "getrandom",
];

struct Report {
    lines: Vec<String>,
    total: TestCount,
}

impl Report {
    fn layer(&mut self, name: &str, outcome: Result<Option<TestCount>>) -> Result<()> {
        let line = match &outcome {
            Ok(None) => format!("layer {name}: ok"),
            Ok(Some(c)) if c.passed == 0 => format!("layer {name}: FAILED (ran no test)"),
            Ok(Some(c)) => {
                self.total.passed += c.passed;
                format!("layer {name}: ok, {} passed", c.passed)
            }
            Err(e) => format!("layer {name}: FAILED: {e}"),
        };
        println!("\n== {line}\n");
        self.lines.push(line.clone());
        match outcome {
            Ok(Some(c)) if c.passed == 0 => Err(line),
            Ok(_) => Ok(()),
            Err(e) => {
                self.total.failed += 1;
                Err(e)
            }
        }
    }
}

pub fn run_all() -> Result<()> {
    let browser = ensure_all()?;
    let mut report = Report {
        lines: Vec::new(),
        total: TestCount::default(),
    };
    let result = layers(&mut report, &browser);
    println!("\n== cargo xtask test summary");
    for l in &report.lines {
        println!("{l}");
    }
    println!(
        "{} passed, {} failed",
        report.total.passed, report.total.failed
    );
    result
}

fn layers(r: &mut Report, browser: &Browser) -> Result<()> {
    r.layer(
        "fmt",
        run(cmd("cargo").args(["fmt", "--all", "--", "--check"])).map(|()| None),
    )?;
    r.layer("clippy (host)", clippy_host().map(|()| None))?;
    r.layer("clippy (wasm32)", clippy_wasm().map(|()| None))?;
    r.layer("engine purity", engine_is_pure().map(|()| None))?;
    r.layer("host tests", host_tests().map(Some))?;
    r.layer("wasm tests (Chromium)", wasm_tests(browser).map(Some))?;
    let dist = build_console();
    r.layer(
        "size (P4)",
        dist.clone()
            .and_then(|d| crate::size::gate(&d))
            .map(|()| None),
    )?;
    // The example host as a page, for its end-to-end test; its time is printed, as it adds
    // to every run.
    let started = std::time::Instant::now();
    let host = build_leptos_host();
    r.layer(
        &format!(
            "Leptos host page (Trunk release, {:.0} s)",
            started.elapsed().as_secs_f64()
        ),
        host.clone().map(|_| None),
    )?;
    r.layer(
        "end-to-end (WebDriver, Chromium)",
        dist.and_then(|d| e2e_tests(browser, &d, &host?)).map(Some),
    )?;
    Ok(())
}

fn clippy_host() -> Result<()> {
    run(cmd("cargo").args([
        "clippy",
        "--workspace",
        "--exclude",
        "ws-console",
        "--exclude",
        EXAMPLE_HOST,
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))
}

/// The Leptos host that embeds the console as a component (`examples/leptos-host`): a wasm
/// crate, linted and tested with the console.
const EXAMPLE_HOST: &str = "ws-console-leptos-host";

/// The console, the example host and their wasm tests; the engine comes along as a
/// dependency (its own tests use host-only dev-dependencies and are linted by the host pass).
fn clippy_wasm() -> Result<()> {
    let args = format!(
        "clippy -p ws-console -p {EXAMPLE_HOST} --target {} --all-targets -- -D warnings",
        crate::paths::WASM_TARGET
    );
    run(cmd("cargo").args(args.split(' ')))
}

fn engine_is_pure() -> Result<()> {
    let out = cmd("cargo")
        .args([
            "tree",
            "-p",
            "ws-console-engine",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .output()
        .map_err(|e| e.to_string())?;
    let tree = String::from_utf8_lossy(&out.stdout);
    if let Some(bad) = forbidden_dependency(&tree) {
        return Err(format!(
            "the engine depends on {bad}; it must stay free of the browser"
        ));
    }
    for file in walk(&root().join("engine/src"))? {
        let text = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
        for clock in ["Instant::now", "SystemTime"] {
            if text.contains(clock) {
                return Err(format!(
                    "{} reads the clock ({clock}); time is passed in",
                    file.display()
                ));
            }
        }
    }
    Ok(())
}

fn forbidden_dependency(tree: &str) -> Option<&'static str> {
    tree.lines()
        .filter_map(|l| l.split_whitespace().next())
        .find_map(|name| {
            FORBIDDEN_IN_ENGINE
                .into_iter()
                .find(|f| name == *f || name.starts_with(&format!("{f}-")))
        })
}

fn walk(dir: &std::path::Path) -> Result<Vec<std::path::PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            files.extend(walk(&path)?);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    Ok(files)
}

fn host_tests() -> Result<TestCount> {
    run_counting(cmd("cargo").args([
        "test",
        "--workspace",
        "--exclude",
        "ws-console",
        "--exclude",
        "ws-console-e2e",
        // The runner drives the built console in Chromium: it runs with the end-to-end layer.
        "--exclude",
        "runner",
        "--exclude",
        EXAMPLE_HOST,
    ]))
}

/// Starts the test backend on a free port with `args`, for the layers that talk to it from the
/// browser.
fn start_testbed(args: &[String]) -> Result<(Guard, u16)> {
    let bin = build_testbed()?;
    let port = free_port()?;
    let mut c = cmd(bin.to_str().unwrap_or("testbed"));
    c.args(["--addr", &format!("127.0.0.1:{port}")]).args(args);
    let mut guard = Guard::spawn("testbed", &mut c)?;
    wait_for_port(port, &mut guard)?;
    Ok((guard, port))
}

/// The wasm-bindgen-tests run in a page that wasm-bindgen-test-runner serves from a port of its
/// own: another origin than the test backend's, which refuses WebSockets from origins it was not
/// told about. So the runner is pinned to a free port (`WASM_BINDGEN_TEST_ADDRESS`) and the
/// backend allows that page's origin.
fn wasm_tests(browser: &Browser) -> Result<TestCount> {
    // Held while the backend picks its port, so the two cannot draw the same one.
    let held = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let runner = held.local_addr().map_err(|e| e.to_string())?;
    // Fault injection on request (a socket whose URL asks for slow replies, say).
    let mut args = allow_runner(runner);
    args.push("--faults".into());
    let (_server, port) = start_testbed(&args)?;
    drop(held);
    // The test runner's browser is killed, not asked to quit, so its own temporary
    // directories (about 140 MB each) would stay behind in /tmp: they go here, removed after.
    let scratch = target_dir().join("wasm-test-tmp");
    std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let counted = run_counting(
        cmd("cargo")
            .args([
                "test",
                "-p",
                "ws-console",
                "-p",
                EXAMPLE_HOST,
                "--target",
                crate::paths::WASM_TARGET,
            ])
            .env("WASM_BINDGEN_TEST_ADDRESS", runner.to_string())
            .env("WSC_TESTBED", format!("127.0.0.1:{port}"))
            .env("CHROMEDRIVER", &browser.chromedriver)
            .env("WASM_BINDGEN_TEST_TIMEOUT", "60")
            .env("TMPDIR", &scratch),
    );
    let _ = std::fs::remove_dir_all(&scratch);
    counted
}

/// The backend's flag that lets the test runner's page at `runner` connect.
fn allow_runner(runner: std::net::SocketAddr) -> Vec<String> {
    vec!["--allow-origin".into(), format!("http://{runner}")]
}

fn e2e_tests(
    browser: &Browser,
    dist: &std::path::Path,
    leptos_host: &std::path::Path,
) -> Result<TestCount> {
    run_counting(
        cmd("cargo")
            .args([
                "test",
                "-p",
                "ws-console-e2e",
                "-p",
                "runner",
                "--",
                "--test-threads=1",
            ])
            .env("WSC_DIST", dist)
            .env("WSC_LEPTOS_HOST_DIST", leptos_host)
            .env("WSC_CHROMIUM", &browser.chromium)
            .env("WSC_CHROMEDRIVER", &browser.chromedriver)
            .env("WSC_K6", crate::tools::k6_bin())
            .env("WSC_AXE", crate::tools::axe_script())
            .env("WSC_ARTIFACTS", root().join("artifacts")),
    )
}

/// `cargo xtask bench [--short] [--only a,b]`: the SPEC's performance targets, measured.
///
/// First the engine's criterion benchmarks (P6), then the browser bench (P1–P3, P5: the console
/// against `bench/reference.html` in headless Chromium, built in release so the test backend is
/// too), which also reads criterion's estimate and prints the one merged table
/// (`target/bench/bench.{json,md}`). A measurement: missed targets do not fail the command.
/// `WSC_DIST` set in the environment benchmarks that build of the console instead of building.
pub fn bench(args: &[String]) -> Result<()> {
    let browser = ensure_all()?;
    let only: Option<Vec<&str>> = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .map(|list| list.split(',').map(str::trim).collect());
    let engine = only.as_ref().is_none_or(|o| o.contains(&"engine"));
    let in_browser = only
        .as_ref()
        .is_none_or(|o| o.iter().any(|n| *n != "engine"));
    let criterion = if engine {
        run(cmd("cargo").args(["bench", "-p", "ws-console-engine"]))
    } else {
        Ok(())
    };
    let dist = match std::env::var_os("WSC_DIST") {
        Some(dist) => std::path::PathBuf::from(dist),
        None if in_browser => build_console()?,
        None => root().join("dist"),
    };
    let target = target_dir();
    let bin = "run --release -p ws-console-e2e --bin bench --";
    run(cmd("cargo")
        .args(bin.split(' '))
        .args(args)
        .env("WSC_DIST", dist)
        .env("WSC_CHROMIUM", &browser.chromium)
        .env("WSC_CHROMEDRIVER", &browser.chromedriver)
        .env("WSC_CRITERION", target.join("criterion"))
        .env("WSC_BENCH_OUT", target.join("bench")))?;
    criterion.map_err(|e| format!("the engine's criterion bench failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backend_allows_the_runner_page_by_its_origin() {
        let runner = "127.0.0.1:4711".parse().unwrap();
        assert_eq!(
            allow_runner(runner),
            ["--allow-origin", "http://127.0.0.1:4711"]
        );
    }

    #[test]
    fn spots_a_browser_crate_in_the_engine_tree() {
        assert_eq!(
            forbidden_dependency("ws-console-engine v0.1.0\nserde v1.0.0\n"),
            None
        );
        assert_eq!(
            forbidden_dependency("ws-console-engine v0.1.0\nweb-sys v0.3.0\n"),
            Some("web-sys")
        );
        assert_eq!(forbidden_dependency("gloo-net v0.6.0\n"), Some("gloo"));
        assert_eq!(
            forbidden_dependency("wasm-bindgen-shared v0.2\n"),
            Some("wasm-bindgen")
        );
    }
}
