//! `cargo xtask bench`'s browser half (SPEC "Performance targets" P1, P2, P3, P5, plus P6 read
//! from criterion): the console against a hand-written reference page (`bench/reference.html`),
//! in one headless Chromium, against the release test backend on loopback, in one run.
//!
//! A measurement, not a test: it prints one row per target (and writes `target/bench/bench.json`
//! and `bench.md`) and exits 0 whatever the verdicts. A workload that fails becomes a FAIL row
//! with its reason; the others still run.
//!
//! `bench [--soak 30m] [--only burst,rtt1,…]`; workloads: burst-400, burst-10k, rtt1,
//! native (the network floor: a native client's rtt1, shown, not judged), rtt15-100 (median of
//! three windows per page), rtt15-1000, schedule, open, load (P4: cold load, time to
//! interactive and bytes on the wire), soak, engine; `burst` and `rtt15` name both of theirs. `--soak` sets the soak's length (`90s`, `30m`, `1h`, `1h30m`; default 2 minutes, so
//! a full bench stays short; the P5 figure is a 30-minute run); `--short` is the default
//! length, kept for older command lines.
//! Environment: `WSC_DIST` (the built console), `WSC_CHROMIUM`, `WSC_CHROMEDRIVER`,
//! `WSC_CRITERION` (criterion's output folder, default `target/criterion`), `WSC_BENCH_OUT`
//! (default `target/bench`).

mod burst;
mod cdp;
mod load;
mod native;
mod open;
mod site;
mod soak;
mod table;
mod timing;

use futures::FutureExt;
use serde_json::json;
use site::Site;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::time::Duration;
use table::Row;
use ws_console_e2e::panic_text;

const WORKLOADS: [&str; 11] = [
    "burst-400",
    "burst-10k",
    "rtt1",
    "native",
    "rtt15-100",
    "rtt15-1000",
    "schedule",
    "open",
    "load",
    "soak",
    "engine",
];

/// The soak's length unless `--soak` says otherwise.
const SOAK_DEFAULT: Duration = Duration::from_secs(120);

struct Args {
    soak: Duration,
    only: Option<Vec<String>>,
}

/// `90s`, `30m`, `1h`, `1h30m`: whole numbers, each with its unit.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("--soak {text:?}: a length such as 90s, 30m, 1h or 1h30m");
    let mut secs = 0u64;
    let mut digits = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return Err(bad()),
        };
        let n: u64 = digits.parse().map_err(|_| bad())?;
        secs += n * unit;
        digits.clear();
    }
    if !digits.is_empty() || secs == 0 {
        return Err(bad());
    }
    Ok(Duration::from_secs(secs))
}

impl Args {
    fn parse() -> Result<Args, String> {
        let mut args = Args {
            soak: SOAK_DEFAULT,
            only: None,
        };
        let mut it = std::env::args().skip(1);
        while let Some(a) = it.next() {
            match a.as_str() {
                "--short" => args.soak = SOAK_DEFAULT,
                "--soak" => {
                    args.soak = parse_duration(&it.next().ok_or("--soak needs a length")?)?;
                }
                "--only" => {
                    let list = it.next().ok_or("--only needs a comma list")?;
                    let names: Vec<String> =
                        list.split(',').map(|s| s.trim().to_string()).collect();
                    if let Some(bad) = names
                        .iter()
                        .find(|n| !WORKLOADS.iter().any(|w| names_it(n, w)))
                    {
                        return Err(format!(
                            "unknown workload {bad:?}; known: {}",
                            WORKLOADS.join(", ")
                        ));
                    }
                    args.only = Some(names);
                }
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        Ok(args)
    }

    fn selected(&self, workload: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|names| names.iter().any(|n| names_it(n, workload)))
    }
}

/// `name` is the workload, or its group (`burst` for `burst-400`).
fn names_it(name: &str, workload: &str) -> bool {
    workload
        .strip_prefix(name)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('-'))
}

fn from_env(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var).map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../..")
                .join(default)
        },
        PathBuf::from,
    )
}

/// An RTT workload: sessions, send interval (ms), window length (s), windows per page.
fn shape(sessions: u32, interval_ms: u32, secs: u64, windows: usize) -> timing::Workload {
    timing::Workload {
        sessions,
        interval_ms,
        secs,
        windows,
    }
}

async fn workload(site: &Site, name: &str, soak: Duration) -> Vec<Row> {
    let one = |r: Result<Row, String>, id, target: &str| {
        vec![r.unwrap_or_else(|e| Row::failed(id, name, target, &e))]
    };
    match name {
        "burst-400" => burst::run(site, 400).await,
        "burst-10k" => burst::run(site, 10_000).await,
        "rtt1" => timing::rtt(site, "rtt1", shape(1, 10, 10, 1)).await,
        "native" => native::run(site).await,
        "rtt15-100" => timing::rtt(site, "rtt15 × 100 ms", shape(15, 100, 10, 3)).await,
        "rtt15-1000" => timing::rtt(site, "rtt15 × 1,000 ms", shape(15, 1000, 30, 1)).await,
        "schedule" => one(timing::schedule(site).await, "P1", "≥ 98 % made"),
        "open" => vec![open::run(site).await],
        "load" => load::run(site).await,
        "soak" => soak::run(site, soak)
            .await
            .unwrap_or_else(|e| vec![Row::failed("P5", name, "≤ 2 MB after warm-up", &e)]),
        _ => Vec::new(),
    }
}

/// What the run was measured with, for the JSON's context.
const ABOUT: &str = "return { user_agent: navigator.userAgent, cross_origin_isolated: self.crossOriginIsolated, performance_memory: !!performance.memory, hardware_concurrency: navigator.hardwareConcurrency }";

/// One workload, its panics turned into a FAIL row, its rows echoed as they come.
async fn measure(site: &Site, name: &str, soak: Duration) -> Vec<Row> {
    println!("bench: {name} …");
    let started = std::time::Instant::now();
    let outcome = AssertUnwindSafe(workload(site, name, soak))
        .catch_unwind()
        .await;
    let id = match name {
        "burst-400" | "burst-10k" | "schedule" => "P1",
        "open" => "P3",
        "load" => "P4",
        "soak" => "P5",
        _ => "P2",
    };
    let rows = outcome.unwrap_or_else(|p| vec![Row::failed(id, name, "—", &panic_text(&*p))]);
    for r in &rows {
        let (id, w, v) = (r.id, &r.workload, r.verdict());
        println!(
            "bench:   {id} {w}: reference {}, console {} → {v}",
            r.reference, r.console
        );
    }
    println!(
        "bench: {name} took {:.0} s",
        started.elapsed().as_secs_f64()
    );
    rows
}

#[tokio::main]
async fn main() {
    let args = Args::parse().unwrap_or_else(|e| {
        eprintln!("bench: {e}");
        std::process::exit(2);
    });
    let names: Vec<&str> = WORKLOADS
        .into_iter()
        .filter(|w| *w != "engine" && args.selected(w))
        .collect();
    let mut rows = Vec::new();
    let mut about = serde_json::Value::Null;
    if !names.is_empty() {
        let site = Site::start().await;
        about = site.js(ABOUT).await.unwrap_or_default();
        for name in names {
            rows.extend(measure(&site, name, args.soak).await);
        }
        site.stop().await;
    }
    if args.selected("engine") {
        rows.push(table::engine_row(&from_env(
            "WSC_CRITERION",
            "target/criterion",
        )));
    }
    table::print(&rows);
    let context = json!({
        "soak_s": args.soak.as_secs(), "only": args.only, "browser": about,
        "generated_at_unix_s": std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()),
    });
    match table::write(&rows, &from_env("WSC_BENCH_OUT", "target/bench"), context) {
        Ok(path) => println!("bench: wrote {} and bench.md beside it", path.display()),
        Err(e) => eprintln!("bench: could not write the results: {e}"),
    }
}
