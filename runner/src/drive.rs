//! Driving the real console: served by a test backend of our own (the built console in
//! `dist/`), or already served at `--console-url` (standalone, or embedded in a host app
//! behind its login), in headless Chromium through the end-to-end tests' harness, clicked as
//! a person would — the form through a share link (on the console we serve), the token typed
//! in or handed to the handle, Run scenario, then the exports. What CI gets is therefore
//! exactly what the console measures and shows.
//!
//! The page's console is reached through its JS handle (`--handle`; the standalone page's is
//! `window.wsConsole`, an embedding host names its own), which gives the report; the form
//! and the export buttons are the page's first console's, so on a page with several consoles
//! the handle must name that one (the runner checks that it ran the scenario).

use crate::args::Args;
use crate::progress;
use cookie::SameSite;
use fantoccini::cookies::Cookie;
use serde_json::{Value, json};
use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::time::Instant;

use ws_console_e2e::{Ctx, LONG, Page, wait_for};
use ws_console_engine::RawConfig;

/// The report JSON and, when asked for, the JUnit XML the console saved.
pub struct Outcome {
    pub report: Value,
    pub junit: Option<String>,
}

fn dist(args: &Args) -> Result<PathBuf, String> {
    let dir = args
        .dist
        .clone()
        .or_else(|| std::env::var_os("WSC_DIST").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("dist"));
    if dir.join("index.html").exists() {
        Ok(dir)
    } else {
        Err(format!(
            "no built console in {} (build it with `cargo xtask serve` or trunk build --release, or pass --dist)",
            dir.display()
        ))
    }
}

/// The console's configuration: `--config`, then the flags over it.
fn configuration(args: &Args) -> Result<RawConfig, String> {
    let mut raw: RawConfig = match &args.config {
        Some(json) => RawConfig::from_json(json).ok_or_else(|| {
            "--config: not a JSON object of the console's fields (a share link's configuration)"
                .to_string()
        })?,
        None => RawConfig::default(),
    };
    if let Some(e) = &args.endpoint {
        raw.endpoint = e.clone();
    }
    if let Some(u) = &args.user_id {
        raw.user_id = u.clone();
    }
    if let Some(m) = args.auth_mode {
        raw.auth_mode = m;
    }
    Ok(raw)
}

/// What the runner holds that must never reach the command line: `WSC_TOKEN`, and the
/// session cookies of a page behind a login (`WSC_COOKIE`).
pub struct Secrets {
    pub token: String,
    pub cookies: Vec<(String, String)>,
}

/// Runs the scenario on the console the runner serves, or on the one at `--console-url`;
/// panics (caught by the caller) when the page misbehaves.
pub async fn drive(args: &Args, secrets: &Secrets) -> Result<Outcome, String> {
    match &args.console_url {
        Some(url) => at_url(args, url, secrets).await,
        None => served(args, &secrets.token).await,
    }
}

/// The built console, served by a test backend of the runner's own.
async fn served(args: &Args, token: &str) -> Result<Outcome, String> {
    let raw = configuration(args)?;
    let server = testbed::start(testbed::Options {
        addr: args.console_addr,
        static_dir: Some(dist(args)?),
        ..testbed::Options::default()
    })
    .await
    .map_err(|e| format!("cannot serve the console on {}: {e}", args.console_addr))?;
    let origin = format!("http://{}", server.local_addr());
    eprintln!("runner: console at {origin}/ws-testing");
    let page = Page::launch(&format!("{origin}/ws-testing")).await;
    let ctx = Ctx {
        page,
        origin,
        server,
    };
    ctx.open_console(&raw).await;
    if !token.is_empty() {
        ctx.page.fill("token", token).await;
    }
    let outcome = run(&ctx.page, args).await;
    ctx.page.close().await;
    ctx.server.shutdown().await;
    outcome
}

/// A console someone else serves, standalone or embedded in a host app: the page is opened
/// with its session cookies, the console found through its handle, and the token, if any,
/// handed over with the handle's `setToken` (a host's own token provider may supply it
/// instead).
async fn at_url(args: &Args, url: &str, secrets: &Secrets) -> Result<Outcome, String> {
    eprintln!("runner: console at {url} (handle {})", args.handle);
    let page = Page::launch(url).await;
    let outcome = async {
        if !secrets.cookies.is_empty() {
            // WebDriver sets cookies for the page's own site only: the first visit lands
            // there (on a login form, perhaps), the second comes back with the session.
            let here = page
                .client
                .current_url()
                .await
                .map_err(|e| format!("cannot open {url}: {e}"))?;
            let host = here.host_str().unwrap_or_default().to_owned();
            for (name, value) in &secrets.cookies {
                let mut cookie = Cookie::new(name.clone(), value.clone());
                cookie.set_domain(host.clone());
                cookie.set_path("/");
                cookie.set_http_only(true);
                cookie.set_secure(here.scheme() == "https");
                cookie.set_same_site(SameSite::Lax);
                page.client
                    .add_cookie(cookie)
                    .await
                    .map_err(|e| format!("WSC_COOKIE: the browser refused cookie {name:?}: {e}"))?;
            }
            page.client
                .goto(url)
                .await
                .map_err(|e| format!("cannot open {url}: {e}"))?;
        }
        find_handle(&page, &args.handle).await?;
        if !secrets.token.is_empty() {
            let script = format!("({}).setToken(arguments[0]); return null", args.handle);
            page.client
                .execute(&script, vec![json!(secrets.token)])
                .await
                .map_err(|e| format!("the handle refused the token (WSC_TOKEN): {e}"))?;
        }
        run(&page, args).await
    }
    .await;
    page.close().await;
    outcome
}

/// Waits for the console's handle; says where the page is when there is none (a login
/// form, most likely).
async fn find_handle(page: &Page, handle: &str) -> Result<(), String> {
    let script = format!(
        "try {{ const h = ({handle}); return !!h && typeof h.report === 'function' \
         && !!document.querySelector('[data-testid=\"scenario-run\"]'); }} \
         catch (e) {{ return false; }}"
    );
    let deadline = tokio::time::Instant::now() + LONG;
    wait_for("the console's handle", LONG * 2, || async {
        if page.eval(&script).await == json!(true) {
            return Some(Ok(()));
        }
        if tokio::time::Instant::now() < deadline {
            return None;
        }
        let at = page
            .client
            .current_url()
            .await
            .map_or_else(|_| "?".to_owned(), |u| u.to_string());
        Some(Err(format!(
            "no console at `{handle}` on the page (now at {at}) within {LONG:?}: name its \
             handle with --handle, and if the page needs a login, give its session cookie \
             in WSC_COOKIE"
        )))
    })
    .await
}

/// The scenario on the page's console: the form, Run scenario, progress until it ends, then
/// the report from the handle and the JUnit export the console saves.
async fn run(page: &Page, args: &Args) -> Result<Outcome, String> {
    let params: Vec<(&str, &str)> = args
        .params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    page.choose_scenario(args.scenario.as_str(), &params).await;
    start(page).await?;
    watch(page, args).await;
    let report = report(page, &args.handle).await;
    // The handle must be the console that ran: another console on the page would hand back
    // a report of something else.
    if report["scenario"]["kind"] != args.scenario.as_str()
        || !matches!(report["status"].as_str(), Some("finished" | "cancelled"))
    {
        return Err(format!(
            "`{}` is not the console that ran the scenario (its report: {} {}); name the \
             right one with --handle",
            args.handle, report["scenario"]["kind"], report["status"]
        ));
    }
    let junit = match &args.junit {
        Some(_) => Some(page.download("export-junit", "ws-console-junit.xml").await),
        None => None,
    };
    Ok(Outcome { report, junit })
}

/// The report, from the console's handle: what its JSON export holds.
async fn report(page: &Page, handle: &str) -> Value {
    page.eval(&format!("return ({handle}).report()")).await
}

/// Waits for the scenario to end (within `--timeout`), with a progress line on stderr every
/// `--progress`, and a last one at the end.
async fn watch(page: &Page, args: &Args) {
    let started = Instant::now();
    let next = Cell::new(started + args.progress);
    let lines = RefCell::new(progress::Progress::default());
    let print = |r: &Value| eprintln!("{}", lines.borrow_mut().line(started.elapsed(), r));
    wait_for("the scenario to end", args.timeout, || async {
        let status = page
            .scenario_status()
            .await
            .filter(|s| s == "finished" || s == "cancelled");
        if status.is_none() && !args.progress.is_zero() && Instant::now() >= next.get() {
            next.set(next.get() + args.progress);
            // A report that has just ended waits for the last line.
            let r = report(page, &args.handle).await;
            if r["status"] == "running" {
                print(&r);
            }
        }
        status
    })
    .await;
    if !args.progress.is_zero() {
        print(&report(page, &args.handle).await);
    }
}

/// Presses Run scenario; agrees to send the token to the endpoint's host when the console
/// asks (the command line named that endpoint, or the page whose configuration names it);
/// returns the form's messages if it refuses.
async fn start(page: &Page) -> Result<(), String> {
    page.click("scenario-run").await;
    let outcome = wait_for("the scenario to start", LONG, || async {
        if page.scenario_status().await.as_deref() == Some("running") {
            return Some(Ok(()));
        }
        let state = page
            .eval(
                "return { confirm: !!document.querySelector('[data-testid=\"confirm-start-anyway\"]'), \
                 errors: [...document.querySelectorAll('.wsc-error')].map(e => e.textContent.trim()).filter(t => t) }",
            )
            .await;
        if state["confirm"] == json!(true) {
            page.click("confirm-start-anyway").await;
            return None;
        }
        let errors: Vec<String> = state["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e.as_str().map(str::to_owned))
            .collect();
        (!errors.is_empty()).then(|| Err(errors.join("; ")))
    })
    .await;
    outcome.map_err(|e| format!("the scenario did not start: {e}"))
}
