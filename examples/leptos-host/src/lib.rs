//! A Leptos host app embedding the console: its own header, `<WsConsole/>` with the host's
//! token provider and report callback, and the reports the host received, listed in its own
//! page (`data-testid="host-reports"`). It shows the shape a Leptos product team would write;
//! its wasm test mounts it against the live test backend, and the end-to-end test loads the
//! built page from the testbed (`/leptos-host/`) behind the demo host's login.
//!
//! The provider here asks the host's own backend for a token (`token_url`, sent with the
//! session cookie, e.g. the testbed demo's `/demo/api/token`); a host with the token already
//! in memory would just return it.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use ws_console::{OnReport, TokenProvider, WsConsole};
use ws_console_engine::RawConfig;

/// Fetches `{"token": …}` from `url` with the page's cookies; any failure is the reason.
pub async fn fetch_token(url: String) -> Result<String, String> {
    let init = web_sys::RequestInit::new();
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .map_err(|_| "the token endpoint cannot be reached".to_string())?
        .dyn_into()
        .map_err(|_| "not a response".to_string())?;
    if !response.ok() {
        return Err(format!("the token endpoint answered {}", response.status()));
    }
    let json = JsFuture::from(response.json().map_err(|_| "no body")?)
        .await
        .map_err(|_| "the token endpoint sent no JSON".to_string())?;
    js_sys::Reflect::get(&json, &"token".into())
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| "no token in the answer".to_string())
}

/// What the host keeps of a report: the verdict and what ran, never the report's details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportLine {
    /// `PASS`, `WARN`, `FAIL`, or `none` when the report carries no verdict.
    pub verdict: String,
    /// The scenario's kind (`manual` for a run started with Start), `unknown` when absent.
    pub what: String,
}

impl ReportLine {
    /// Reads the line from the report's JSON text; `None` for what is not a report.
    pub fn from_json(json: &str) -> Option<Self> {
        let report: serde_json::Value = serde_json::from_str(json).ok()?;
        report.as_object()?;
        let text = |v: &serde_json::Value, default: &str| {
            v.as_str()
                .map_or_else(|| default.to_string(), str::to_string)
        };
        Some(Self {
            verdict: text(&report["verdict"], "none"),
            what: text(&report["scenario"]["kind"], "unknown"),
        })
    }
}

/// The host app: a header of its own, the console, and the reports it handed the host.
#[component]
pub fn HostApp(
    /// Where the console connects (a URL template with `{token}`, and `{user_id}`).
    endpoint: String,
    /// Who is logged in: the console's `{user_id}`.
    #[prop(optional, into)]
    user_id: String,
    /// How the host gets a token.
    token_provider: TokenProvider,
    /// What else the host does with a report (the page lists every one anyway).
    #[prop(into)]
    on_report: OnReport,
) -> impl IntoView {
    let config = RawConfig {
        endpoint,
        user_id,
        sessions: "3".into(),
        ..RawConfig::default()
    };
    let reports = RwSignal::new(Vec::<ReportLine>::new());
    let on_report = OnReport::from(move |json: String| {
        if let Some(line) = ReportLine::from_json(&json) {
            reports.update(|r| r.push(line));
        }
        (on_report.0)(json);
    });
    view! {
        <header class="host-header">
            <h1>"Acme Ops"</h1>
            <nav><a href="/demo/">"Dashboard"</a></nav>
        </header>
        <main>
            <WsConsole
                config=config
                token_provider=token_provider
                on_report=on_report
                storage_key="leptos-host"
            />
            <section class="host-reports">
                <h2>"Reports received"</h2>
                <ol data-testid="host-reports">
                    {move || {
                        reports
                            .get()
                            .into_iter()
                            .map(|r| view! { <li data-verdict=r.verdict.clone()>{format!("{} — {}", r.verdict, r.what)}</li> })
                            .collect_view()
                    }}
                </ol>
            </section>
        </main>
    }
}
