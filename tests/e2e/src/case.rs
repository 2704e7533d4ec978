//! Helpers for short cases driven through the report rather than the form: open the console
//! with a whole configuration at once (its share URL), wait on the report, stop and let what
//! is pending resolve, and check what R1 asks after every fault ([`crate::health`]).

use crate::console::{LONG, count, encode_component};
use crate::health::{HEALTH_JS, Health, WASM_CEILING_BYTES};
use crate::{Ctx, post_json, wait_for};
use serde_json::Value;
use std::time::Duration;
use ws_console_engine::RawConfig;

impl Ctx {
    /// Opens a fresh console with `config` through its share URL (`?wsc=`), as a person
    /// following a shared link would; everything not in `config` keeps its default. The token
    /// is never in a share URL: type it into the form afterwards.
    pub async fn open_console(&self, config: &RawConfig) {
        let json = serde_json::to_string(config).expect("a configuration serialises");
        let url = format!("{}/ws-testing?wsc={}", self.origin, encode_component(&json));
        self.page
            .client
            .goto(&url)
            .await
            .expect("console page loads");
        self.page.wait_for_testid("start", LONG).await;
    }

    /// Presses Start and waits until the run is running.
    pub async fn press_start(&self) {
        self.page.click("start").await;
        self.page
            .wait_text("run-status", "running", "the run to start")
            .await;
    }

    /// Polls the report every 50 ms until `done` accepts it, and returns that report; after
    /// `timeout`, fails with `what` and the last report's counters and session states.
    pub async fn report_until(
        &self,
        what: &str,
        timeout: Duration,
        done: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let r = self.report().await;
            if done(&r) {
                return r;
            }
            if tokio::time::Instant::now() >= deadline {
                let states: Vec<&Value> = r["sessions"]
                    .as_array()
                    .map(|rows| rows.iter().map(|row| &row["state"]).collect())
                    .unwrap_or_default();
                panic!(
                    "timed out after {timeout:?} waiting for {what}; sessions {states:?}, \
                     held {}, queued {}, counters {}",
                    r["totals"]["held_now"], r["totals"]["queued_now"], r["totals"]["counters"]
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops the run with the Stop button — which must work whatever the fault did, so the
    /// page has to show "idle" — then waits until nothing is pending (every reply in, or
    /// counted lost at its timeout) and returns the report.
    pub async fn stop_and_settle(&self) -> Value {
        self.page.click("stop").await;
        self.page
            .wait_text("run-status", "idle", "the Stop button to stop the run")
            .await;
        self.report_until("nothing pending after Stop", LONG, |r| {
            counter(r, "pending") == 0
        })
        .await
    }

    /// [`Ctx::stop_and_settle`], then [`Ctx::assert_healthy`]: what every fault case ends
    /// with. Returns the report and the health.
    pub async fn stop_healthy(&self) -> (Value, Health) {
        let report = self.stop_and_settle().await;
        let health = self.assert_healthy().await;
        (report, health)
    }

    /// The console's state now, judged ([`Health::problems`]).
    pub async fn health(&self) -> Health {
        Health::from_page(&self.page.eval(HEALTH_JS).await)
    }

    /// Fails with every problem [`Health::problems`] finds, then checks that the page still
    /// answers input: a filter typed into the log panel changes its count line.
    pub async fn assert_healthy(&self) -> Health {
        let health = self.health().await;
        let problems = health.problems(WASM_CEILING_BYTES);
        assert!(
            problems.is_empty(),
            "the console is not healthy:\n  {}\nreport: {:#}",
            problems.join("\n  "),
            health.report
        );
        self.page
            .fill("log-filter-text", "no log entry says this")
            .await;
        wait_for("the log filter to answer", LONG, || async {
            let line = self.page.text("log-count").await;
            line.starts_with("0 matching").then_some(())
        })
        .await;
        self.page.fill("log-filter-text", "").await;
        health
    }

    /// POSTs to the backend's fault control, `/api/faults/{what}`.
    pub async fn fault(&self, what: &str) -> Value {
        post_json(&format!("{}/api/faults/{what}", self.origin)).await
    }
}

/// A total counter from a report (`totals.counters.{name}`).
pub fn counter(report: &Value, name: &str) -> u64 {
    count(report, &format!("/totals/counters/{name}"))
}

/// How many times the sessions were closed with `code` (`totals.counters.errors.close_codes`;
/// a code never seen is absent, so 0).
pub fn closes_with(report: &Value, code: u16) -> u64 {
    let codes = &report["totals"]["counters"]["errors"]["close_codes"];
    assert!(codes.is_object(), "no close_codes in the report: {report}");
    match codes.get(code.to_string()) {
        Some(_) => count(codes, &format!("/{code}")),
        None => 0,
    }
}

/// Every session row's `field`.
pub fn per_session(report: &Value, field: &str) -> Vec<u64> {
    report["sessions"]
        .as_array()
        .expect("sessions[] in the report")
        .iter()
        .map(|row| count(row, &format!("/{field}")))
        .collect()
}
