//! Driving the real console: served by a test backend of our own (the built console in
//! `dist/`), in headless Chromium through the end-to-end tests' harness, clicked as a person
//! would — the form through a share link, the token typed in, Run scenario, then the
//! exports. What CI gets is therefore exactly what the console measures and shows.

use crate::args::Args;
use serde_json::{Value, json};
use std::path::PathBuf;

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

/// Runs the scenario; panics (caught by the caller) when the page misbehaves.
pub async fn drive(args: &Args, token: &str) -> Result<Outcome, String> {
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
    let params: Vec<(&str, &str)> = args
        .params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    ctx.choose_scenario(args.scenario.as_str(), &params).await;
    start(&ctx).await?;
    ctx.scenario_end(args.timeout).await;
    let report = ctx.report().await;
    let junit = match &args.junit {
        Some(_) => Some(ctx.download("export-junit", "ws-console-junit.xml").await),
        None => None,
    };
    ctx.page.close().await;
    ctx.server.shutdown().await;
    Ok(Outcome { report, junit })
}

/// Presses Run scenario; agrees to send the token to the endpoint's host when the console
/// asks (the command line named that endpoint); returns the form's messages if it refuses.
async fn start(ctx: &Ctx) -> Result<(), String> {
    ctx.page.click("scenario-run").await;
    let outcome = wait_for("the scenario to start", LONG, || async {
        if ctx.scenario_status().await.as_deref() == Some("running") {
            return Some(Ok(()));
        }
        let state = ctx
            .page
            .eval(
                "return { confirm: !!document.querySelector('[data-testid=\"confirm-start-anyway\"]'), \
                 errors: [...document.querySelectorAll('.wsc-error')].map(e => e.textContent.trim()).filter(t => t) }",
            )
            .await;
        if state["confirm"] == json!(true) {
            ctx.page.click("confirm-start-anyway").await;
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
