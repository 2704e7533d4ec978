//! The demo host, driven as a person would: log in through the form, open the app page, and
//! read the embedded console through the host's own state (`window.demoApp`) and the handle
//! `mount()` gave it.

use fantoccini::Locator;
use futures::FutureExt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;
use ws_console_e2e::{Page, dist_dir, get_json, stat, wait_for};

pub const USER: &str = "qa-lead";
const PASSWORD: &str = "correct horse";

/// The backend with the demo host on; JWTs live `ttl_s`; `faults` for close_after_ms.
pub fn options(ttl_s: u64, faults: bool) -> testbed::Options {
    testbed::Options {
        demo: Some(testbed::DemoOptions {
            user: USER.into(),
            password: PASSWORD.into(),
            token_ttl_s: ttl_s,
        }),
        faults,
        ..testbed::Options::default()
    }
}

/// A browser on the demo host's login page, and the backend behind it.
pub struct Demo {
    pub page: Page,
    pub origin: String,
    server: testbed::Server,
}

/// Starts the backend and a browser on `/demo/`, runs `body`, and always cleans up; fails on
/// any CSP violation the pages reported.
pub async fn run<F, Fut>(mut options: testbed::Options, body: F)
where
    F: FnOnce(Demo) -> Fut,
    Fut: Future<Output = Demo>,
{
    options.addr = "127.0.0.1:0".parse().expect("loopback address");
    options.static_dir = Some(dist_dir());
    let server = testbed::start(options).await.expect("test backend starts");
    let origin = format!("http://{}", server.local_addr());
    let page = Page::launch(&format!("{origin}/demo/")).await;
    let outcome = AssertUnwindSafe(body(Demo {
        page,
        origin,
        server,
    }))
    .catch_unwind()
    .await;
    match outcome {
        Ok(demo) => {
            let violations = stat(&demo.stats().await, "/totals/csp_violations");
            demo.page.close().await;
            demo.server.shutdown().await;
            assert_eq!(
                violations, 0,
                "a page broke its CSP (see the backend's stderr)"
            );
        }
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

impl Demo {
    pub async fn eval(&self, script: &str) -> serde_json::Value {
        self.page.eval(script).await
    }

    /// Runs `script` with `done(value)` to call when it is finished.
    pub async fn eval_async(&self, script: &str) -> serde_json::Value {
        let script = format!("const done = arguments[arguments.length - 1];\n{script}");
        self.page
            .client
            .execute_async(&script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    pub async fn stats(&self) -> serde_json::Value {
        get_json(&format!("{}/api/ws/stats", self.origin)).await
    }

    /// The demo's token book: serials issued and seen, refusals, handshakes per login.
    pub async fn tokens(&self) -> serde_json::Value {
        get_json(&format!("{}/demo/api/tokens", self.origin)).await
    }

    /// Handshakes of every login session, as the token book counts them.
    pub async fn handshakes(&self) -> u64 {
        handshakes(&self.tokens().await)
    }

    /// Types the username and password into the login form and submits it; lands on the app.
    pub async fn log_in(&self) {
        let c = &self.page.client;
        let url = c.current_url().await.expect("a URL");
        assert!(
            url.path().ends_with("/demo/login"),
            "not logged in yet: {url}"
        );
        c.find(Locator::Id("username"))
            .await
            .expect("username field")
            .send_keys(USER)
            .await
            .expect("typed");
        c.find(Locator::Id("password"))
            .await
            .expect("password field")
            .send_keys(PASSWORD)
            .await
            .expect("typed");
        c.find(Locator::Id("login-submit"))
            .await
            .expect("submit")
            .click()
            .await
            .expect("clicked");
        wait_for("the app page", Duration::from_secs(10), || async {
            let url = c.current_url().await.ok()?;
            url.path().ends_with("/demo/app").then_some(())
        })
        .await;
    }

    /// Opens the app page with `query` and waits for its consoles to be mounted.
    pub async fn open_app(&self, query: &str) {
        let state = self.open_app_outcome(query).await;
        assert!(state["error"].is_null(), "mount failed: {state}");
    }

    /// Opens the app page with `query` and waits until its bootstrap has mounted the
    /// consoles or given up: `{ready, error}`.
    pub async fn open_app_outcome(&self, query: &str) -> serde_json::Value {
        self.page
            .client
            .goto(&format!("{}/demo/app{query}", self.origin))
            .await
            .expect("app page loads");
        wait_for("the consoles to mount", Duration::from_secs(30), || async {
            let s = self
                .eval("return window.demoApp && {ready: demoApp.ready, error: demoApp.error}")
                .await;
            (s["ready"] == true || !s["error"].is_null()).then_some(s)
        })
        .await
    }

    /// Runs a scenario on console `i` through its handle; the final report.
    pub async fn run_scenario(&self, i: usize, kind: &str, params: &str) -> serde_json::Value {
        self.eval(&format!(
            "window.outcome = null; demoApp.consoles[{i}].runScenario('{kind}', {params}).then((r) => outcome = {{report: r}}, (e) => outcome = {{error: String(e)}}); return null"
        ))
        .await;
        let outcome = wait_for("the scenario's report", super::SCENARIO, || async {
            let o = self.eval("return window.outcome").await;
            (!o.is_null()).then_some(o)
        })
        .await;
        assert!(outcome["error"].is_null(), "{outcome}");
        outcome["report"].clone()
    }

    /// Calls every method of the unmounted handle `handle` (a page expression) and asserts
    /// that each throws, and `runScenario` rejects, saying the console was unmounted.
    pub async fn assert_unmounted(&self, handle: &str) {
        let errors = self
            .eval_async(&format!(
                "const h = {handle}; const out = [];
                 for (const f of [() => h.start(), () => h.stop(), () => h.report(), () => h.setToken('x'), () => h.unmount()]) {{
                   try {{ f(); out.push('no error'); }} catch (e) {{ out.push(String(e.message)); }}
                 }}
                 h.runScenario('load', {{}}).then(() => {{ out.push('resolved'); done(out); }}, (e) => {{ out.push(String(e.message)); done(out); }});"
            ))
            .await;
        let errors: Vec<String> = serde_json::from_value(errors).expect("a list of messages");
        assert_eq!(errors.len(), 6, "{errors:?}");
        assert!(errors.iter().all(|e| e.contains("unmounted")), "{errors:?}");
    }

    pub async fn report(&self, i: usize) -> serde_json::Value {
        self.eval(&format!("return demoApp.consoles[{i}].report()"))
            .await
    }

    /// Waits until the backend holds `n` WebSockets open.
    pub async fn wait_open(&self, n: u64) {
        wait_for(
            &format!("{n} open sockets"),
            Duration::from_secs(15),
            || async { (stat(&self.stats().await, "/totals/open") == n).then_some(()) },
        )
        .await;
    }

    /// Waits until `[data-testid=id]` shows `needle`.
    pub async fn wait_text(&self, id: &str, needle: &str) {
        wait_for(
            &format!("{id} to say {needle}"),
            Duration::from_secs(15),
            || async {
                let t = self
                    .eval(&format!(
                        "return document.querySelector('[data-testid={id}]')?.textContent ?? ''"
                    ))
                    .await;
                t.as_str().is_some_and(|t| t.contains(needle)).then_some(())
            },
        )
        .await;
    }

    /// No JWT in the page's text, its whole DOM, its URL, storage or readable cookies.
    pub async fn assert_no_token_anywhere(&self) {
        let places = self
            .eval(
                "const store = (s) => [...Array(s.length).keys()].map((i) => s.key(i) + '=' + s.getItem(s.key(i))).join('\\n');
                 const inputs = [...document.querySelectorAll('input, textarea')].map((i) => i.value).join('\\n');
                 return { text: document.body.innerText, dom: document.documentElement.outerHTML, url: location.href,
                          local: store(localStorage), session: store(sessionStorage), cookie: document.cookie, inputs };",
            )
            .await;
        for (place, value) in places.as_object().expect("an object") {
            let value = value.as_str().unwrap_or_default();
            assert!(!value.contains("eyJ"), "a JWT in {place}: {value}");
            assert!(
                !value.contains("wsc_demo"),
                "the session cookie is readable in {place}"
            );
        }
    }
}

/// Handshakes of every login session in the token book `book` (`/demo/api/tokens`).
pub fn handshakes(book: &serde_json::Value) -> u64 {
    book["handshakes"]
        .as_array()
        .unwrap_or_else(|| panic!("no handshakes in {book}"))
        .iter()
        .filter_map(|v| v.as_u64())
        .sum()
}
