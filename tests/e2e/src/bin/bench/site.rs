//! The bench's one site and one browser: the release test backend serving the console and the
//! reference page from one folder (same origin, so both get the same headers, timer and clock
//! precision and heap API), and one headless Chromium launched exactly as the e2e harness does.
//!
//! Every helper returns `Err(reason)` instead of panicking, so a workload that goes wrong
//! becomes a FAIL row with its reason and the run goes on.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::time::{Instant, sleep};
use ws_console_e2e::{Page, encode_component};

/// The reference loop, kept in the repo at `bench/reference.html`.
const REFERENCE_HTML: &str = include_str!("../../../../../bench/reference.html");
/// The in-page probe injected into both pages (`bench/probe.js`).
const PROBE_JS: &str = include_str!("../../../../../bench/probe.js");

pub type Res<T> = Result<T, String>;

pub struct Site {
    pub page: Page,
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
    server: testbed::Server,
    dir: PathBuf,
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

impl Site {
    /// Copies the built console (`WSC_DIST`) into a fresh folder with the reference page
    /// beside it, starts the backend on a free loopback port and opens the reference page.
    pub async fn start() -> Site {
        let dir = std::env::temp_dir().join(format!("wsc-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        copy_dir(&ws_console_e2e::dist_dir(), &dir).expect("dist copied");
        std::fs::write(dir.join("reference.html"), REFERENCE_HTML).expect("reference written");
        let options = testbed::Options {
            addr: "127.0.0.1:0".parse().expect("loopback address"),
            static_dir: Some(dir.clone()),
            ..Default::default()
        };
        let server = testbed::start(options).await.expect("test backend starts");
        let origin = format!("http://{}", server.local_addr());
        let page = Page::launch(&format!("{origin}/reference.html")).await;
        Site {
            page,
            origin,
            server,
            dir,
        }
    }

    pub async fn stop(self) {
        self.page.close().await;
        self.server.shutdown().await;
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    /// Runs `script` (a function body) in the page.
    pub async fn js(&self, script: &str) -> Res<Value> {
        self.page
            .client
            .execute(script, vec![])
            .await
            .map_err(|e| format!("script failed: {e}"))
    }

    /// Runs `script` every `every` until `done` accepts its result, or fails after `timeout`
    /// with `what` and the last result.
    pub async fn poll<T>(
        &self,
        what: &str,
        timeout: Duration,
        every: Duration,
        script: &str,
        done: impl Fn(&Value) -> Option<T>,
    ) -> Res<T> {
        let deadline = Instant::now() + timeout;
        loop {
            let v = self.js(script).await?;
            if let Some(t) = done(&v) {
                return Ok(t);
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "timed out after {timeout:?} waiting for {what}: {v}"
                ));
            }
            sleep(every).await;
        }
    }

    /// Waits until the backend holds no socket (the previous workload's are gone).
    pub async fn idle(&self) -> Res<()> {
        let url = format!("{}/api/ws/stats", self.origin);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let open = ws_console_e2e::stat(&ws_console_e2e::get_json(&url).await, "/totals/open");
            if open == 0 {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!("{open} sockets of an earlier workload still open"));
            }
            sleep(Duration::from_millis(100)).await;
        }
    }

    async fn goto(&self, url: &str, ready: &str) -> Res<()> {
        self.idle_page().await;
        self.page
            .client
            .goto(url)
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        let script = format!("return !!({ready})");
        self.poll(
            ready,
            Duration::from_secs(30),
            Duration::from_millis(50),
            &script,
            |v| (v == &json!(true)).then_some(()),
        )
        .await?;
        self.js(PROBE_JS).await?;
        self.idle().await
    }

    /// Leaves the current page so the next one starts from nothing. Its sockets are closed
    /// first: a page kept in the back/forward cache would otherwise keep them open.
    async fn idle_page(&self) {
        let _ = self
            .js("if (window.wsConsole) window.wsConsole.stop(); if (window.__probe) window.__probe.closeAll(); return null")
            .await;
        let _ = self.page.client.goto("about:blank").await;
    }

    /// A fresh reference page with the probe installed.
    pub async fn reference(&self) -> Res<()> {
        let url = format!("{}/reference.html", self.origin);
        self.goto(&url, "window.refLoop").await
    }

    /// A fresh console opened by its share URL with `config` (a partial `RawConfig`; the rest
    /// keeps its defaults), with the probe installed.
    pub async fn console(&self, config: &Value) -> Res<()> {
        let url = format!(
            "{}/ws-testing?wsc={}",
            self.origin,
            encode_component(&config.to_string())
        );
        let ready = "window.wsConsole && document.querySelector('[data-testid=\"start\"]')";
        self.goto(&url, ready).await
    }

    /// Runs `before` (e.g. marking the probe), starts `refLoop.run(call)` and waits for its
    /// result.
    pub async fn reference_run(&self, before: &str, call: &str, timeout: Duration) -> Res<Value> {
        self.js(&format!("{before}; return refLoop.run({call})"))
            .await?;
        let script = "return {result: refLoop.result, error: refLoop.error, live: refLoop.live}";
        let outcome = self
            .poll(call, timeout, Duration::from_millis(100), script, |v| {
                (!v["result"].is_null() || !v["error"].is_null()).then(|| v.clone())
            })
            .await?;
        match outcome["error"].as_str() {
            Some(e) => Err(format!("reference {call}: {e}")),
            None => Ok(outcome["result"].clone()),
        }
    }

    /// Waits for the probe's window to end (its target reached and confirmed by the page).
    pub async fn probe_done(&self, timeout: Duration) -> Res<Value> {
        let every = Duration::from_millis(200);
        let script = "return window.__probe.result()";
        let v = self
            .poll("the probe's target", timeout, every, script, |v| {
                let ended = !v["doneAt"].is_null() || v["gaveUp"] == json!(true);
                ended.then(|| v.clone())
            })
            .await?;
        if v["doneAt"].is_null() {
            return Err(format!("the page never confirmed the probe's count: {v}"));
        }
        Ok(v)
    }

    /// The console's report, parsed (`report()` may hand over an object or a JSON string).
    pub async fn report(&self) -> Res<Value> {
        let v = self.js(REPORT).await?;
        Ok(v)
    }

    /// Waits until the console reports `n` sessions connected.
    pub async fn console_active(&self, n: u64) -> Res<()> {
        let script = format!("{REPORT_FN} return report().totals.active");
        self.poll(
            &format!("{n} sessions connected"),
            Duration::from_secs(60),
            Duration::from_millis(50),
            &script,
            |v| (v.as_u64() == Some(n) || v.as_f64() == Some(n as f64)).then_some(()),
        )
        .await
    }
}

/// Page-side `report()` that always yields an object.
pub const REPORT_FN: &str = "const report = () => { const r = window.wsConsole.report(); return typeof r === 'string' ? JSON.parse(r) : r; };";
const REPORT: &str =
    "const r = window.wsConsole.report(); return typeof r === 'string' ? JSON.parse(r) : r;";

/// A number from JSON (WebDriver may hand integers over as floats); `None` when absent.
pub fn num(v: &Value, pointer: &str) -> Option<f64> {
    v.pointer(pointer).and_then(Value::as_f64)
}
