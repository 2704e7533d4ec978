//! The R1 fault matrix (SPEC "Reliability and security matrix"): every fault the test backend
//! can inject, one short case each, through headless Chromium.
//!
//! Why a table: R1 asks the same things after every fault — no panic, the page still answers,
//! `sent = matched + lost + pending`, queued messages delivered or reported, memory bounded —
//! so those are checked once, by [`Ctx::assert_healthy`], at the end of every case; each case
//! adds only what its fault must produce (duplicates counted as duplicates, late replies
//! counted once as late, a half-open server found within interval + timeout, 1008 leading to
//! "needs auth" and no retry…), held against the backend's own fault counts where it has them.
//!
//! Why one browser: launching Chromium costs more than most cases take, so the cases share one
//! ([`run_each`]); each gets a fresh backend, so the backend's counts are the case's own, and
//! opens the console afresh with its configuration through a share URL. Runs are a few seconds
//! long: short send intervals, a 1 s reply timeout, a 0.3 s first reconnect step.

mod common;
mod network;
mod replies;
mod server;

use futures::FutureExt;
use ws_console_e2e::{Body, run_each};

/// Every case, by name.
const CASES: [(&str, Body); 18] = [
    ("drops-5pct", |c| network::drops(c, "0.05").boxed_local()),
    ("drops-15pct", |c| network::drops(c, "0.15").boxed_local()),
    ("drops-30pct", |c| network::drops(c, "0.3").boxed_local()),
    ("server-restart", |c| network::restart(c).boxed_local()),
    ("refused-connections", |c| network::refused(c).boxed_local()),
    ("auth-rejected-1008", |c| {
        server::auth_rejected(c).boxed_local()
    }),
    ("rate-limit-4029", |c| server::rate_limited(c).boxed_local()),
    ("half-open-server", |c| server::half_open(c).boxed_local()),
    ("duplicate-replies", |c| {
        replies::duplicates(c).boxed_local()
    }),
    ("late-replies", |c| replies::late(c).boxed_local()),
    ("late-and-on-time", |c| {
        replies::late_or_on_time(c).boxed_local()
    }),
    ("malformed-json-sent", |c| {
        replies::malformed_sent(c).boxed_local()
    }),
    ("malformed-json-received", |c| {
        replies::malformed_received(c).boxed_local()
    }),
    ("frames-over-1mb", |c| replies::large(c, 1).boxed_local()),
    ("frames-over-1mb-back-to-back", |c| {
        replies::large(c, 2).boxed_local()
    }),
    ("binary-frames", |c| replies::binary(c).boxed_local()),
    ("unknown-type-sent", |c| {
        replies::unknown_sent(c).boxed_local()
    }),
    ("unknown-type-received", |c| {
        replies::unknown_received(c).boxed_local()
    }),
];

/// Runs every case — or, when `WSC_CASES` names some (comma-separated, for working on them),
/// just those — and fails with every failure.
async fn matrix() {
    let picked = std::env::var("WSC_CASES").ok();
    let picked: Option<Vec<&str>> = picked
        .as_deref()
        .map(|l| l.split(',').map(str::trim).collect());
    let cases: Vec<(&str, Body)> = CASES
        .into_iter()
        .filter(|(name, _)| picked.as_ref().is_none_or(|names| names.contains(name)))
        .collect();
    assert!(!cases.is_empty(), "no case named in WSC_CASES={picked:?}");
    let started = std::time::Instant::now();
    let failures = run_each(&common::backend(), &cases).await;
    eprintln!(
        "{} fault cases in {:.0} s",
        cases.len(),
        started.elapsed().as_secs_f64()
    );
    let report: Vec<String> = failures
        .iter()
        .map(|(name, why)| format!("── {name}:\n{why}"))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} fault cases failed:\n{}",
        failures.len(),
        cases.len(),
        report.join("\n")
    );
}

#[tokio::test]
async fn r1_fault_matrix() {
    matrix().await;
}
