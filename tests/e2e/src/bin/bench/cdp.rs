//! The page's main-thread time, from Chromium's own counters (the DevTools protocol's
//! `Performance.getMetrics`, through chromedriver's `goog/cdp/execute`): how busy painting and
//! script keep the thread the page renders on while a workload runs. It is a CPU-time share,
//! so it moves far less with the machine's noise than a tail latency does.

use crate::site::{Res, Site};
use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::{Value, json};

/// One DevTools command for chromedriver to run in the page.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": {} }).to_string();
        (http::Method::POST, Some(body))
    }
}

/// Cumulative main-thread seconds at one moment.
#[derive(Clone, Copy, Debug, Default)]
pub struct Busy {
    /// All tasks on the page's main thread.
    pub task: f64,
    /// Of which script.
    pub script: f64,
    /// Of which style recalculation and layout.
    pub layout: f64,
    /// The page's own clock (`Timestamp`), s.
    pub at: f64,
}

impl Busy {
    /// Share of the wall time between `self` and `later` the main thread was busy, with the
    /// script and layout shares: "busy 31 % (script 9 %, style + layout 12 %)".
    pub fn share(self, later: Busy) -> (f64, String) {
        let wall = (later.at - self.at).max(1e-9);
        let pct = |a: f64, b: f64| 100.0 * (b - a) / wall;
        let task = pct(self.task, later.task);
        let text = format!(
            "main thread busy {:.0} % (script {:.0} %, style + layout {:.0} %)",
            task,
            pct(self.script, later.script),
            pct(self.layout, later.layout)
        );
        (task, text)
    }
}

async fn run(site: &Site, cmd: &'static str) -> Res<Value> {
    site.page
        .client
        .issue_cmd(Cdp { cmd })
        .await
        .map_err(|e| format!("{cmd}: {e}"))
}

/// Turns the counters on (once per page; harmless again).
pub async fn enable(site: &Site) -> Res<()> {
    run(site, "Performance.enable").await.map(|_| ())
}

/// The counters now.
pub async fn busy(site: &Site) -> Res<Busy> {
    let v = run(site, "Performance.getMetrics").await?;
    let metrics = v["metrics"]
        .as_array()
        .ok_or_else(|| format!("no metrics in {v}"))?;
    let get = |name: &str| {
        metrics
            .iter()
            .find(|m| m["name"] == name)
            .and_then(|m| m["value"].as_f64())
            .unwrap_or(0.0)
    };
    Ok(Busy {
        task: get("TaskDuration"),
        script: get("ScriptDuration"),
        layout: get("LayoutDuration") + get("RecalcStyleDuration"),
        at: get("Timestamp"),
    })
}
