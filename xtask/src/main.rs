//! `cargo xtask serve | test | bench | setup`.
//!
//! One entry point so that a newcomer and CI need no other instructions: every command first
//! installs whatever is missing (see [`tools`]), then does its job. Plain `std` only, so that the
//! task runner itself compiles in seconds on a bare machine.

mod layers;
mod paths;
mod proc;
mod release;
mod serve;
mod size;
mod tools;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => tools::ensure_all().map(|_| ()),
        Some("serve") => serve::serve(&args[1..]),
        Some("test") => layers::run_all(),
        Some("bench") => layers::bench(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n  serve   set up, build the console (release) and start the test backend at http://127.0.0.1:8080/ws-testing; [--leptos-host] also builds and serves the Leptos example host at /leptos-host/\n  test    set up, then run every test layer (fmt, clippy, host, wasm in Chromium, size, end-to-end)\n  bench   set up, build the console (release) and measure the performance targets: the console against a reference page in Chromium, and the engine (criterion); [--short] [--only burst-400,burst-10k,rtt1,native,rtt15-100,rtt15-1000,schedule,open,load,soak,engine]\n  setup   only install what is missing"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
