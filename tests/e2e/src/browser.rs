//! Headless Chromium through chromedriver, owned so that it always goes away.

use fantoccini::{Client, ClientBuilder, Locator};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Flags this closed network needs (see shared/TOOLCHAIN.md), plus a 1280×800 window.
const CHROMIUM_FLAGS: [&str; 11] = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,800",
    "--disable-features=Translate,MediaRouter",
];

fn tool(var: &str, default: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| default.to_string())
}

/// A console page in a browser of its own. Dropping it kills chromedriver and the browser.
pub struct Page {
    pub client: Client,
    driver: Child,
    profile: PathBuf,
}

impl Page {
    /// Starts chromedriver and a fresh Chromium profile, and opens `url`.
    pub async fn launch(url: &str) -> Page {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let profile = std::env::temp_dir().join(format!("wsc-e2e-{}-{port}", std::process::id()));
        // The browser is killed, not asked to quit, so its own temporary directories (about
        // 140 MB each) would stay behind in /tmp: they go into the profile, removed on drop.
        let scratch = profile.join("tmp");
        std::fs::create_dir_all(&scratch).expect("a profile directory");
        let mut driver = Command::new(tool("WSC_CHROMEDRIVER", "/usr/bin/chromedriver"));
        driver
            .env("TMPDIR", &scratch)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0);
        let driver = driver
            .spawn()
            .expect("chromedriver starts (apt-get install chromium-driver)");
        let page = Page {
            client: connect(port, &profile).await.unwrap_or_else(|e| {
                kill_group(driver.id());
                panic!("no WebDriver session: {e}")
            }),
            driver,
            profile,
        };
        page.client.goto(url).await.expect("console page loads");
        page.client
            .set_window_size(1280, 800)
            .await
            .expect("window resizes");
        page
    }

    /// Waits until an element with `data-testid` is present.
    pub async fn wait_for_testid(&self, id: &str, timeout: Duration) {
        self.client
            .wait()
            .at_most(timeout)
            .for_element(Locator::Css(&testid(id)))
            .await
            .unwrap_or_else(|e| panic!("no [data-testid={id}] within {timeout:?}: {e}"));
    }

    /// The text of the first element with `data-testid`.
    pub async fn text(&self, id: &str) -> String {
        let el = self.client.find(Locator::Css(&testid(id))).await;
        el.unwrap_or_else(|e| panic!("no [data-testid={id}]: {e}"))
            .text()
            .await
            .unwrap_or_default()
    }

    /// The texts of every element with `data-testid`.
    pub async fn texts(&self, id: &str) -> Vec<String> {
        let mut out = Vec::new();
        for el in self
            .client
            .find_all(Locator::Css(&testid(id)))
            .await
            .unwrap_or_default()
        {
            out.push(el.text().await.unwrap_or_default());
        }
        out
    }

    /// Waits until the first element with `data-testid` shows exactly `want` (`what` names
    /// the wait when it times out).
    pub async fn wait_text(&self, id: &str, want: &str, what: &str) {
        crate::wait_for(what, crate::LONG, || async {
            (self.text(id).await == want).then_some(())
        })
        .await;
    }

    /// Waits until no element with `data-testid` is left (`what` names the wait when it times
    /// out).
    pub async fn wait_gone(&self, id: &str, what: &str) {
        crate::wait_for(what, crate::LONG, || async {
            self.texts(id).await.is_empty().then_some(())
        })
        .await;
    }

    /// The value of the input (or select) with `data-testid`; empty when it has none.
    pub async fn value(&self, id: &str) -> String {
        let script = format!("return document.querySelector('{}').value", testid(id));
        self.eval(&script).await.as_str().unwrap_or("").to_owned()
    }

    /// `map`, a script expression of `e`, for every element with `data-testid`, in the
    /// page's order.
    pub async fn map_all(&self, id: &str, map: &str) -> serde_json::Value {
        let script = format!(
            "return [...document.querySelectorAll('{}')].map(e => {map})",
            testid(id)
        );
        self.eval(&script).await
    }

    /// Clicks the element with `data-testid`.
    pub async fn click(&self, id: &str) {
        self.client
            .find(Locator::Css(&testid(id)))
            .await
            .unwrap_or_else(|e| panic!("no [data-testid={id}]: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("click [data-testid={id}]: {e}"));
    }

    /// Replaces the value of the input with `data-testid`.
    pub async fn fill(&self, id: &str, value: &str) {
        let el = self
            .client
            .find(Locator::Css(&testid(id)))
            .await
            .unwrap_or_else(|e| panic!("no [data-testid={id}]: {e}"));
        el.clear()
            .await
            .unwrap_or_else(|e| panic!("clear [data-testid={id}]: {e}"));
        // WebDriver's clear fires no `input` event; typing and deleting a character does, as a
        // person emptying the field would.
        let keys = if value.is_empty() { "x\u{E003}" } else { value };
        el.send_keys(keys)
            .await
            .unwrap_or_else(|e| panic!("type into [data-testid={id}]: {e}"));
    }

    /// Runs `script` in the page and returns its result.
    pub async fn eval(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Saves a PNG screenshot under the artifacts folder and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let _ = self.client.execute("window.scrollTo(0, 0)", vec![]).await;
        let png = self.client.screenshot().await.expect("screenshot");
        let path = crate::artifacts_dir().join(format!("{name}.png"));
        std::fs::write(&path, png).expect("artifact written");
        path
    }

    /// Where the browser saves downloads (export buttons): a folder inside this page's own
    /// profile, so it starts empty and goes away with the page.
    pub fn downloads_dir(&self) -> PathBuf {
        downloads_dir(&self.profile)
    }

    /// Ends the WebDriver session, then the driver and its browser.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
        // Drop does the rest.
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        kill_group(self.driver.id());
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn downloads_dir(profile: &std::path::Path) -> PathBuf {
    profile.join("downloads")
}

fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

fn kill_group(pid: u32) {
    // Negative pid: chromedriver's whole group, so the browsers it started go with it.
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{pid}")])
        .stderr(Stdio::null())
        .status();
}

async fn connect(port: u16, profile: &std::path::Path) -> Result<Client, String> {
    let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|s| s.to_string()).collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": tool("WSC_CHROMIUM", "/usr/bin/chromium"),
            "args": args,
            // Downloads are saved without asking, into the profile (see `Page::downloads_dir`).
            "prefs": {
                "download.default_directory": downloads_dir(profile).display().to_string(),
                "download.prompt_for_download": false,
                "download.directory_upgrade": true,
            },
        }),
    );
    let url = format!("http://127.0.0.1:{port}");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let attempt = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&url)
            .await;
        match attempt {
            Ok(c) => return Ok(c),
            // chromedriver may not be listening yet.
            Err(e) if tokio::time::Instant::now() < deadline => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => return Err(e.to_string()),
        }
    }
}
