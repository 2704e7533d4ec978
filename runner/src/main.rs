//! `cargo run -p runner -- --scenario load --endpoint … --json r.json --junit r.xml`: one
//! scenario of the real console, headless, for CI.
//!
//! A pipeline wants the browser's view of its WebSocket backend — the real network stack,
//! the real console's verdicts — without a person clicking. So this starts the console on a
//! test backend of its own, drives it in headless Chromium with the end-to-end tests'
//! harness, and hands back the console's own report JSON and JUnit export, a k6-style
//! summary, and an exit code: 0 when the verdict is PASS or WARN, 1 on FAIL, 2 when the
//! scenario could not run; a pipeline that takes a warning for a failure says so with
//! `--fail-on warn`, and a WARN then exits 1 (the summary says why, either way). The token
//! comes from `WSC_TOKEN`, never from the command line (which other users of the machine can
//! read), and so does the session cookie of a console behind a host app's login
//! (`WSC_COOKIE`, with `--console-url`). While it runs, a progress line goes to stderr every
//! few seconds; stdout holds only the summary.

mod args;
mod drive;
mod progress;
mod summary;

use std::process::ExitCode;

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let args = match args::parse(&argv) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("runner: {e}\n\n{}", args::USAGE);
            return ExitCode::from(2);
        }
    };
    let cookies = match args::cookies(&std::env::var("WSC_COOKIE").unwrap_or_default()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("runner: {e}");
            return ExitCode::from(2);
        }
    };
    let secrets = drive::Secrets {
        token: std::env::var("WSC_TOKEN").unwrap_or_default(),
        cookies,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let local = tokio::task::LocalSet::new();
    // A panic in the harness (a page that never answers) is caught here: the browser and the
    // backend were dropped while unwinding, so nothing is left running.
    let outcome = local.block_on(&rt, async {
        tokio::task::spawn_local(
            async move { drive::drive(&args, &secrets).await.map(|o| (o, args)) },
        )
        .await
    });
    let (outcome, args) = match outcome {
        Ok(Ok(pair)) => pair,
        Ok(Err(e)) => {
            eprintln!("runner: {e}");
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("runner: the console run failed: {e}");
            return ExitCode::from(2);
        }
    };
    let write = |path: &std::path::Path, text: &str| {
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    let json = serde_json::to_string_pretty(&outcome.report).expect("JSON serialises");
    let written = args
        .json
        .as_deref()
        .map_or(Ok(()), |p| write(p, &json))
        .and_then(|()| match (&args.junit, &outcome.junit) {
            (Some(p), Some(xml)) => write(p, xml),
            _ => Ok(()),
        });
    // A report that could not be written is a setup error, whatever the verdict.
    let exit = match written {
        Ok(()) => summary::exit(&outcome.report, args.fail_on),
        Err(e) => {
            eprintln!("runner: {e}");
            summary::Exit { code: 2, why: None }
        }
    };
    println!("{}", summary::render(&outcome.report, &exit));
    ExitCode::from(exit.code)
}
