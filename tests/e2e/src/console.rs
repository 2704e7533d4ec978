//! Console-level helpers shared by the end-to-end tests: filling the form and reading numbers.

use crate::{Ctx, Page, wait_for};
use std::time::Duration;

/// A generous deadline for anything the browser and backend do on loopback.
pub const LONG: Duration = Duration::from_secs(30);

/// Parses a card or cell that holds a whole number.
pub fn number(text: &str) -> u64 {
    text.trim()
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {text:?}"))
}

/// `encodeURIComponent`, for a share URL's `wsc` parameter (a configuration as JSON).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One counter per connection the backend lists in its stats (`pointer` within each).
pub fn per_connection(stats: &serde_json::Value, pointer: &str) -> Vec<u64> {
    let connections = stats["connections"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    connections.iter().map(|c| stat(c, pointer)).collect()
}

/// A counter from the backend's stats JSON. A missing or non-numeric field fails the test: a
/// renamed counter must not read as 0 and let an assertion about "nothing happened" pass.
pub fn stat(stats: &serde_json::Value, pointer: &str) -> u64 {
    let v = stats
        .pointer(pointer)
        .unwrap_or_else(|| panic!("the backend's stats have no {pointer}: {stats}"));
    v.as_u64()
        .unwrap_or_else(|| panic!("{pointer} in the backend's stats is not a count: {v}"))
}

/// A per-type counter from one of the stats' `*_by_type` maps (`map`, e.g.
/// `/totals/received_by_type`): the map lists only types it has seen, so an absent type is
/// 0; an absent map fails the test.
pub fn stat_by_type(stats: &serde_json::Value, map: &str, key: &str) -> u64 {
    let types = stats
        .pointer(map)
        .and_then(serde_json::Value::as_object)
        .unwrap_or_else(|| panic!("the backend's stats have no map {map}: {stats}"));
    types.get(key).map_or(0, |v| {
        v.as_u64()
            .unwrap_or_else(|| panic!("{map}/{key} in the backend's stats is not a count: {v}"))
    })
}

/// A backend that takes `token` (and only it) on its authenticated endpoint.
pub fn accepting(token: &str) -> testbed::Options {
    testbed::Options {
        tokens: vec![token.to_owned()],
        ..testbed::Options::default()
    }
}

/// Fails if `secret` shows in any of `places` (what each is, its text).
pub fn assert_kept_out(secret: &str, places: &[(&str, String)]) {
    for (what, text) in places {
        assert!(
            !text.contains(secret),
            "the token leaked into the {what}: {text}"
        );
    }
}

impl Ctx {
    /// Presses Share, then reads the places where the page shows or keeps text that a token
    /// must never be in, for [`assert_kept_out`]: the page's text, the share URL, and all of
    /// local storage.
    pub async fn shown_and_stored(&self) -> Vec<(&'static str, String)> {
        self.page.click("share").await;
        let text = |v: serde_json::Value| v.as_str().unwrap_or_default().to_owned();
        let page = self.page.eval("return document.body.innerText").await;
        let storage = self
            .page
            .eval("return JSON.stringify(Object.assign({}, localStorage))")
            .await;
        vec![
            ("page", text(page)),
            ("share URL", self.page.text("share-url").await),
            ("storage", text(storage)),
        ]
    }

    /// Waits until an entry in the log panel contains `needle` (`what` names the wait).
    pub async fn wait_logged(&self, needle: &str, what: &str, timeout: Duration) {
        wait_for(what, timeout, || async {
            let log = self.page.texts("log-entry").await;
            log.iter().any(|e| e.contains(needle)).then_some(())
        })
        .await;
    }

    /// Sets the message template to a `message` whose `field` is `value` (JSON string text),
    /// starts one session and sends it once, then waits until the log panel shows an entry
    /// containing `logged`.
    pub async fn send_one_with(&self, field: &str, value: &str, logged: &str) {
        let template = format!(r#"{{"type":"message","id":"{{{{id}}}}","{field}":"{value}"}}"#);
        self.page.fill("message-template", &template).await;
        self.start_sessions(1, 60_000).await;
        self.page.click("broadcast").await;
        self.wait_logged(logged, &format!("{logged} in the log"), LONG)
            .await;
    }

    /// Waits until the Active card shows all `sessions` connected.
    pub async fn wait_all_active(&self, sessions: u32, what: &str) {
        let want = format!("{sessions} / {sessions}");
        self.page.wait_text("metric-active", &want, what).await;
    }

    /// Sets the session count and interval, presses Start, and waits until all are connected.
    pub async fn start_sessions(&self, sessions: u32, interval_ms: u32) {
        self.page.fill("session-count", &sessions.to_string()).await;
        self.page
            .fill("send-interval", &interval_ms.to_string())
            .await;
        self.page.click("start").await;
        self.wait_all_active(sessions, "every session connected")
            .await;
    }

    /// The numbers in every cell with `data-testid`.
    pub async fn numbers(&self, id: &str) -> Vec<u64> {
        self.page
            .texts(id)
            .await
            .iter()
            .map(|t| number(t))
            .collect()
    }

    /// The number in the card with `data-testid`.
    pub async fn metric(&self, id: &str) -> u64 {
        number(&self.page.text(id).await)
    }
}

/// A whole number from a report's JSON (WebDriver may hand integers over as `5.0`).
pub fn count(value: &serde_json::Value, pointer: &str) -> u64 {
    whole(value, pointer).unwrap_or_else(|e| panic!("{e}"))
}

/// [`count`] without the panic, for callers that collect problems (the bench).
pub fn whole(value: &serde_json::Value, pointer: &str) -> Result<u64, String> {
    let v = value
        .pointer(pointer)
        .ok_or_else(|| format!("no {pointer} in {value}"))?;
    v.as_u64()
        .or_else(|| {
            v.as_f64()
                .filter(|f| *f >= 0.0 && f.fract() == 0.0)
                .map(|f| f as u64)
        })
        .ok_or_else(|| format!("{pointer} is not a whole number: {v}"))
}

impl Ctx {
    /// The report, parsed, from the page's handle: what the JSON export holds.
    pub async fn report(&self) -> serde_json::Value {
        self.page.eval("return window.wsConsole.report()").await
    }

    /// Opens the "Heartbeat and reconnect" details, so its fields can be typed into.
    pub async fn open_more(&self) {
        self.page
            .eval("document.querySelector('.wsc-more').open = true; return null")
            .await;
    }

    /// Ticks or unticks the checkbox with `data-testid` (a click, as a person would).
    pub async fn set_checked(&self, id: &str, on: bool) {
        let script = format!("return document.querySelector('[data-testid=\"{id}\"]').checked");
        if self.page.eval(&script).await != serde_json::json!(on) {
            self.page.click(id).await;
        }
        assert_eq!(self.page.eval(&script).await, serde_json::json!(on), "{id}");
    }

    /// Picks a scenario and types `params` into its form: [`Page::choose_scenario`].
    pub async fn choose_scenario(&self, kind: &str, params: &[(&str, &str)]) {
        self.page.choose_scenario(kind, params).await;
    }

    /// The scenario's status: [`Page::scenario_status`].
    pub async fn scenario_status(&self) -> Option<String> {
        self.page.scenario_status().await
    }

    /// Presses Run scenario and waits until it runs; panics with the form's messages when
    /// it does not start.
    pub async fn start_scenario(&self) {
        self.page.click("scenario-run").await;
        wait_for("the scenario to start", LONG, || async {
            if self.scenario_status().await.as_deref() == Some("running") {
                return Some(());
            }
            let errors = self
                .page
                .eval("return [...document.querySelectorAll('.wsc-error')].map(e => e.textContent).filter(t => t.trim())")
                .await;
            let errors = errors.as_array().cloned().unwrap_or_default();
            assert!(errors.is_empty(), "the scenario did not start: {errors:?}");
            None
        })
        .await;
    }

    /// Waits until the running scenario has ended: [`Page::scenario_end`].
    pub async fn scenario_end(&self, timeout: Duration) -> String {
        self.page.scenario_end(timeout).await
    }

    /// Clicks an export button and returns the saved file: [`Page::download`].
    pub async fn download(&self, id: &str, name: &str) -> String {
        self.page.download(id, name).await
    }

    /// A load of 3 sessions every 100 ms for 2 s (enough replies for every verdict), run to
    /// its report.
    pub async fn short_load(&self) -> serde_json::Value {
        self.choose_scenario(
            "load",
            &[
                ("scenario-sessions", "3"),
                ("scenario-interval", "100"),
                ("scenario-duration", "2"),
            ],
        )
        .await;
        self.run_scenario(LONG).await
    }

    /// Runs the chosen scenario to its end (finished or cancelled, within `timeout`) and
    /// returns its report.
    pub async fn run_scenario(&self, timeout: Duration) -> serde_json::Value {
        self.start_scenario().await;
        self.scenario_end(timeout).await;
        self.report().await
    }
}

/// The scenario panel and the export buttons need only the page: the runner drives them on
/// a console it did not serve (`--console-url`).
impl Page {
    /// Picks a scenario (its form resets to that scenario's defaults), then types `params`
    /// (`data-testid`, value) into its fields.
    pub async fn choose_scenario(&self, kind: &str, params: &[(&str, &str)]) {
        self.client
            .find(fantoccini::Locator::Css(
                "[data-testid=\"scenario-select\"]",
            ))
            .await
            .expect("the scenario picker")
            .select_by_value(kind)
            .await
            .unwrap_or_else(|e| panic!("choose scenario {kind}: {e}"));
        for (id, value) in params {
            self.fill(id, value).await;
        }
    }

    /// The scenario's status from its progress bar (`ready`, `running`, `finished`,
    /// `cancelled`), or `None` before any scenario ran.
    pub async fn scenario_status(&self) -> Option<String> {
        self
            .eval("const p = document.querySelector('[data-testid=\"scenario-progress\"]'); return p ? p.dataset.status : null")
            .await
            .as_str()
            .map(str::to_owned)
    }

    /// Waits until the running scenario has ended (finished or cancelled); returns how.
    pub async fn scenario_end(&self, timeout: Duration) -> String {
        wait_for("the scenario to end", timeout, || async {
            self.scenario_status()
                .await
                .filter(|s| s == "finished" || s == "cancelled")
        })
        .await
    }

    /// Clicks the export button `id` and returns the file `name` the browser saved, once it
    /// is complete.
    pub async fn download(&self, id: &str, name: &str) -> String {
        let path = self.downloads_dir().join(name);
        let _ = std::fs::remove_file(&path);
        self.click(id).await;
        wait_for(&format!("{name} to be downloaded"), LONG, || async {
            // Chromium writes `<name>.crdownload` and renames it when done.
            std::fs::read_to_string(&path)
                .ok()
                .filter(|t| !t.is_empty())
        })
        .await
    }
}
