//! The end-to-end harness: the real test backend serving the release build of the console, and
//! headless Chromium driven through chromedriver (WebDriver, via fantoccini).
//!
//! Every test runs inside [`run`], which starts a fresh backend, chromedriver and browser, and
//! tears all three down on every path — pass, fail or panic — so no Chromium is orphaned and no
//! port stays bound. A table of short cases runs inside [`run_each`]: one browser for all of
//! them (launching one costs more than most cases take), a fresh backend for each, so the
//! backend's counts are the case's own. Waiting is always for a condition with a deadline
//! ([`wait_for`]), never a sleep standing in for synchronisation. Every test and every case
//! also holds the console to its CSP: the backend counts the violation reports the page
//! sends, and [`run`] and [`run_each`] fail on any.

mod browser;
pub mod case;
pub mod console;
pub mod health;
mod http;
pub mod schema;

pub use browser::Page;
pub use console::{LONG, encode_component, number, per_connection, stat, stat_by_type};
pub use http::{get_json, post_form, post_json};

use futures::FutureExt;
use futures::future::LocalBoxFuture;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::time::Duration;

/// The built console (`dist/`), as `cargo xtask test` passes it.
pub fn dist_dir() -> PathBuf {
    let dir = std::env::var_os("WSC_DIST").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../dist"),
        PathBuf::from,
    );
    assert!(
        dir.join("index.html").exists(),
        "no built console at {} — run `cargo xtask test`, which builds it first",
        dir.display()
    );
    dir
}

/// The built Leptos example host (`examples/leptos-host`, Trunk release with the public URL
/// `/leptos-host/`), as `cargo xtask test` passes it in `WSC_LEPTOS_HOST_DIST`.
pub fn leptos_host_dist_dir() -> PathBuf {
    let dir = std::env::var_os("WSC_LEPTOS_HOST_DIST").map(PathBuf::from);
    match dir {
        Some(dir) if dir.join("index.html").exists() => dir,
        Some(dir) => panic!(
            "WSC_LEPTOS_HOST_DIST={} holds no built example host (no index.html) — build it \
             with `trunk build --release` in examples/leptos-host, or run `cargo xtask test`",
            dir.display()
        ),
        None => panic!(
            "WSC_LEPTOS_HOST_DIST is not set: it names the Leptos example host's build \
             (examples/leptos-host, `trunk build --release` writes target/leptos-host-dist); \
             `cargo xtask test` builds it and sets it"
        ),
    }
}

/// Where screenshots and other artifacts go.
pub fn artifacts_dir() -> PathBuf {
    let dir = std::env::var_os("WSC_ARTIFACTS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../artifacts"),
        PathBuf::from,
    );
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// What a test body gets: the browser page and the backend it talks to.
pub struct Ctx {
    pub page: Page,
    /// `http://127.0.0.1:PORT`, the backend's origin (which also serves the console).
    pub origin: String,
    pub server: testbed::Server,
}

impl Ctx {
    /// The backend's `/api/ws/stats`.
    pub async fn stats(&self) -> serde_json::Value {
        get_json(&format!("{}/api/ws/stats", self.origin)).await
    }

    /// Stops the backend (every socket closed, the port freed).
    pub async fn stop_server(self) -> (Page, String) {
        self.server.shutdown().await;
        (self.page, self.origin)
    }

    /// Starts a fresh backend with `options` on the address the page already uses.
    pub async fn restart_server(page: Page, origin: String, mut options: testbed::Options) -> Ctx {
        options.addr = origin
            .trim_start_matches("http://")
            .parse()
            .expect("origin is an address");
        options.static_dir = Some(dist_dir());
        let server = testbed::start(options)
            .await
            .expect("test backend restarts on its port");
        Ctx {
            page,
            origin,
            server,
        }
    }
}

/// Starts a backend with `options` (address and static folder filled in), opens the console at
/// `/ws-testing` in a fresh headless Chromium, runs `body`, and always cleans up.
pub async fn run<F, Fut>(mut options: testbed::Options, body: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = Ctx>,
{
    options.addr = "127.0.0.1:0".parse().expect("loopback address");
    options.static_dir = Some(dist_dir());
    let server = testbed::start(options).await.expect("test backend starts");
    let origin = format!("http://{}", server.local_addr());
    let page = Page::launch(&format!("{origin}/ws-testing")).await;
    let outcome = AssertUnwindSafe(async {
        page.wait_for_testid("start", Duration::from_secs(30)).await;
        body(Ctx {
            page,
            origin,
            server,
        })
        .await
    })
    .catch_unwind()
    .await;
    match outcome {
        Ok(ctx) => {
            // The page runs under the backend's CSP; any violation it reported fails the test.
            let violations = stat(&ctx.stats().await, "/totals/csp_violations");
            ctx.page.close().await;
            ctx.server.shutdown().await;
            assert_eq!(
                violations, 0,
                "the console broke its CSP (see the backend's stderr)"
            );
        }
        Err(panic) => {
            // The page and server moved into the body and were dropped during unwinding; their
            // Drop impls kill the browser and stop the server.
            std::panic::resume_unwind(panic);
        }
    }
}

/// One case of [`run_each`]: it gets the context and hands it back.
pub type Body = fn(Ctx) -> LocalBoxFuture<'static, Ctx>;

/// Runs every `(name, body)` in turn in one browser, each against a fresh backend started
/// with `options` (address and static folder filled in; the page is left where the previous
/// case left it, so a body opens the console itself). A failing case does not stop the
/// others: its panic is caught, the browser it took down is relaunched for the next case,
/// and `(name, message)` is returned for each failure. Every case's time goes to stderr.
pub async fn run_each(options: &testbed::Options, cases: &[(&str, Body)]) -> Vec<(String, String)> {
    let mut page = None;
    let mut failures = Vec::new();
    for (name, body) in cases {
        let started = std::time::Instant::now();
        let page_now = match page.take() {
            Some(p) => p,
            None => Page::launch("about:blank").await,
        };
        let mut options = options.clone();
        options.addr = "127.0.0.1:0".parse().expect("loopback address");
        options.static_dir = Some(dist_dir());
        let server = testbed::start(options).await.expect("test backend starts");
        let origin = format!("http://{}", server.local_addr());
        let ctx = Ctx {
            page: page_now,
            origin,
            server,
        };
        match AssertUnwindSafe(body(ctx)).catch_unwind().await {
            Ok(ctx) => {
                let violations = stat(&ctx.stats().await, "/totals/csp_violations");
                ctx.server.shutdown().await;
                page = Some(ctx.page);
                if violations > 0 {
                    failures.push((
                        (*name).to_owned(),
                        format!("the console broke its CSP {violations} time(s)"),
                    ));
                }
            }
            // The page and server were dropped while unwinding: browser killed, server stopped.
            Err(panic) => failures.push(((*name).to_owned(), panic_text(&*panic))),
        }
        let outcome = if failures.last().is_some_and(|(n, _)| n == name) {
            "FAILED"
        } else {
            "ok"
        };
        eprintln!(
            "case {name}: {outcome} in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    if let Some(page) = page {
        page.close().await;
    }
    failures
}

/// The message of a caught panic.
pub fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "panicked".into())
}

/// Polls `check` every 50 ms until it returns `Some`, or panics with `what` after `timeout`.
pub async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Checks `check` every 50 ms for all of `period` and panics with `what` and its reason the
/// first time it fails. For what must *not* happen (a retry, a reconnect): an observation
/// window of a stated length, never a wait standing in for an event.
pub async fn holds_for<F, Fut>(what: &str, period: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(), String>>,
{
    let end = tokio::time::Instant::now() + period;
    loop {
        if let Err(why) = check().await {
            panic!("{what} stopped holding: {why}");
        }
        if tokio::time::Instant::now() >= end {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
