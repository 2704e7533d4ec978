//! The console's view: one component per panel, all reading one typed context.
//!
//! [`Console`] is the whole page as a single component that takes its configuration and uses
//! no globals, so it can be mounted standalone or inside a host app. Children get the
//! [`ConsoleCtx`] — signals to read, methods to act — and never the engine itself.
//!
//! What a run produces (the snapshot, the suite's summary, whether the tab is hidden) reaches
//! the panels as read-only signals: only [`Console`] writes them, from the driver's and the
//! page's callbacks. Everything a panel does to a run is a method of the context or of its
//! [`RunActions`] (here and in `actions`), so no panel reaches the driver.
//!
//! A reactive child is written in place, `{move || rows()}`, never as `{rows}` with `rows` a
//! closure: in the release build (views erased, see `xtask/src/release.rs`) a closure written in
//! the view shares one `Render` with every other of its output type, while a closure passed by
//! name brings its own (about 0.3 KB of wasm each, `docs/size.md`). Effects go through
//! [`effect::effect`] for the same reason, a list's rows are erased (`.into_any()`) so that every
//! list is one type, and text children are `String`s, never `&str`s.

mod actions;
pub mod beat;
mod breakdown;
mod capacity;
mod cards;
mod charts;
mod controls;
mod effect;
mod endpoints;
mod environment;
mod fields;
mod guidelines;
mod log;
mod once;
mod pipeline;
mod read_only;
mod readiness;
mod report;
mod scenarios;
mod select;
mod sessions;
pub mod snapshot;
mod start;
mod suite;
mod table;
mod trust;

pub use start::{Action, PendingStart};

use crate::browser::clock::now;
use crate::browser::driver::Driver;
use crate::browser::storage::{self, Persistence};
use crate::browser::token::{OnReport, TokenProvider};
use crate::browser::visibility::{PageListeners, is_hidden};
pub use actions::{FormEdits, RunActions};
use beat::Heavy;
use leptos::prelude::*;
pub use read_only::ReadOnly;
use snapshot::Snapshot;
use ws_console_engine::suite::{StepError, SuitePlan, SuiteSummary};
use ws_console_engine::{
    ExportKind, FieldError, LogFilter, ParamError, Preset, RawConfig, RawScenarioParams,
};

/// How often the charts, the log panel and the session rows each move on while a run goes,
/// in turns ([`beat`]): reshaping them is the costliest part of a repaint, whose work competes
/// with the sockets' for the machine's cores. The log moves at once when its filter or scroll
/// position changes, a row at once when its session changes state, and all three when the
/// run has stopped.
pub const HEAVY_EVERY_MS: f64 = 1000.0;

/// What every panel of the console shares.
#[derive(Clone, Copy)]
pub struct ConsoleCtx {
    /// The configuration as typed.
    pub config: RwSignal<RawConfig>,
    /// Errors from the last validation, by field (nothing starts while there are any).
    pub messages: RwSignal<Vec<FieldError>>,
    /// Notices from the last validation (the run started anyway).
    pub notices: RwSignal<Vec<FieldError>>,
    /// What the view shows, refreshed at most once per animation frame.
    pub snapshot: ReadOnly<Snapshot>,
    /// Which log entries the log panel shows.
    pub log_filter: RwSignal<LogFilter>,
    /// Whether the log keeps its scroll position.
    pub log_paused: RwSignal<bool>,
    /// The first matching log entry the log panel shows; `None` follows the newest.
    pub log_top: RwSignal<Option<usize>>,
    /// The last share URL made (without the token).
    pub share_url: RwSignal<String>,
    /// Whether the tab is hidden (timers are throttled then).
    pub hidden: ReadOnly<bool>,
    /// The scenario form as typed.
    pub scenario: RwSignal<RawScenarioParams>,
    /// Messages from the last scenario validation.
    pub scenario_errors: RwSignal<Vec<ParamError>>,
    /// The load preset the scenario form was filled from, until the form is edited.
    pub preset: RwSignal<Option<Preset>>,
    /// The suite's steps as typed (kept and shared like the configuration).
    pub suite_plan: RwSignal<SuitePlan>,
    /// Messages from the last suite validation, by step.
    pub suite_errors: RwSignal<Vec<StepError>>,
    /// The running or last suite as the view shows it (the reports stay in the driver).
    pub suite: ReadOnly<Option<SuiteSummary>>,
    /// What the last export did.
    pub export_note: RwSignal<String>,
    /// What the panels may do to the running run (send, burst, set the token).
    pub run: RunActions,
    /// What panels may do to the forms (typing, switches, bands, a shared configuration).
    pub form: FormEdits,
    /// The run's owner (single-threaded: lives in the local arena). Public for the JS handle,
    /// which waits on a run's end, and for the browser tests, which check the page against
    /// the engine; the panels act through this context's methods and never call it.
    pub driver: StoredValue<Driver, LocalStorage>,
    /// The configuration came from a share link and is neither kept nor discarded yet
    /// (it is not saved meanwhile).
    pub shared: RwSignal<bool>,
    /// A Start waiting for the user to agree to send the token to another origin.
    pub confirm: RwSignal<Option<PendingStart>>,
}

impl ConsoleCtx {
    /// The console's context; panics outside a [`Console`], which is a programming error.
    #[track_caller]
    pub fn expect() -> ConsoleCtx {
        expect_context::<ConsoleCtx>()
    }

    fn origin() -> String {
        crate::browser::page::origin()
    }

    /// The text of an export (always redacted), or `None` before the first run.
    pub fn export_text(&self, what: ExportKind) -> Option<String> {
        self.driver
            .with_value(|d| d.with_test(|test| test.export(what, now())))
    }

    /// The user's Stop.
    pub fn stop(&self) {
        self.driver.with_value(Driver::stop);
    }

    /// Makes a share URL (never with the token) and copies it to the clipboard where allowed.
    pub fn share(&self) {
        let url = self.config.with_untracked(|c| {
            self.suite_plan
                .with_untracked(|plan| storage::share_url(c, plan))
        });
        crate::browser::export::copy(&url);
        self.share_url.set(url);
    }

    /// The report as JSON (what the export writes, and `wsConsole.report()` returns), or
    /// `None` before the first run.
    pub fn report(&self) -> Option<String> {
        self.export_text(ExportKind::Json)
    }

    /// Session 0's URL as configured, every token redacted (one typed into the endpoint
    /// too); or why it cannot be built.
    pub fn preview_url(&self) -> String {
        self.config.with(|c| c.preview_url(&Self::origin()))
    }
}

/// Where a mounted console leaves its context for the code that mounted it (the JS handle).
pub type CtxSlot = std::rc::Rc<std::cell::Cell<Option<ConsoleCtx>>>;

/// The whole console.
#[component]
pub fn Console(
    /// The starting configuration; by default the stored or shared one, else the defaults
    /// (which point at the backend that served the page).
    #[prop(optional)]
    config: Option<RawConfig>,
    /// Receives the console's context once it exists.
    #[prop(optional)]
    ctx_slot: Option<CtxSlot>,
    /// Where the configuration is kept (by default the standalone page's key and share links).
    #[prop(optional)]
    persistence: Persistence,
    /// The host's token provider (F8): runs take their token from it, never from the form.
    #[prop(optional_no_strip)]
    token_provider: Option<TokenProvider>,
    /// Called with the report's JSON when a run or scenario ends.
    #[prop(optional_no_strip)]
    on_report: Option<OnReport>,
) -> impl IntoView {
    let snapshot = RwSignal::new(Snapshot::default());
    let log_filter = RwSignal::new(LogFilter::default());
    let log_top = RwSignal::new(None);
    let beat = beat::Beat::new(HEAVY_EVERY_MS);
    let log_stale = std::rc::Rc::new(std::cell::Cell::new(true));
    let log_stale_view = log_stale.clone();
    let suite = RwSignal::new(None);
    let hidden = RwSignal::new(is_hidden());
    let driver = StoredValue::new_local(Driver::new(move |test, steps, buffered| {
        let t = now();
        let (run, scenario) = (test.run(), test.scenario());
        let view = steps.map(|s| s.summary(test.scenario_elapsed_ms(t)));
        if suite.with_untracked(|v| *v != view) {
            suite.set(view);
        }
        let running = run.is_running();
        let turn = if running { beat.due(t) } else { None };
        let due = |part| !running || turn == Some(part);
        let charts = if due(Heavy::Charts) {
            charts::ChartData::from_run(run, t)
        } else {
            snapshot.with_untracked(|s| s.charts.clone())
        };
        let top = log_top.get_untracked();
        let mut next = log_filter
            .with_untracked(|f| Snapshot::from_run(run, scenario, t, (f, top), charts, buffered));
        let log_due = log_stale_view.replace(false) || due(Heavy::Log);
        if log_due {
            beat.done(Heavy::Log, t);
        }
        snapshot.with_untracked(|prev| {
            if !log_due {
                next.keep_log_of(prev);
            }
            if !due(Heavy::Sessions) {
                next.keep_sessions_of(prev);
            }
        });
        if let Some(part) = turn {
            beat.done(part, t);
        }
        snapshot.set(next);
    }));
    driver.with_value(|d| {
        d.set_token_provider(token_provider);
        d.set_on_report(on_report);
    });
    let loaded = match (config, &persistence) {
        (Some(config), _) => storage::Loaded {
            config,
            shared: false,
        },
        (None, Persistence::Page) => storage::load(),
        (None, _) => storage::Loaded {
            config: RawConfig::default(),
            shared: false,
        },
    };
    let config = RwSignal::new(loaded.config);
    let (messages, notices) = (RwSignal::new(Vec::new()), RwSignal::new(Vec::new()));
    let scenario = RwSignal::new(RawScenarioParams::default());
    let preset = RwSignal::new(None);
    let shared = RwSignal::new(loaded.shared);
    let ctx = ConsoleCtx {
        config,
        messages,
        notices,
        snapshot: ReadOnly::of(snapshot),
        log_filter,
        log_paused: RwSignal::new(false),
        log_top,
        share_url: RwSignal::new(String::new()),
        hidden: ReadOnly::of(hidden),
        scenario,
        scenario_errors: RwSignal::new(Vec::new()),
        preset,
        suite_plan: RwSignal::new(storage::load_suite(&persistence)),
        suite_errors: RwSignal::new(Vec::new()),
        suite: ReadOnly::of(suite),
        export_note: RwSignal::new(String::new()),
        run: RunActions::new(driver),
        form: FormEdits {
            config,
            messages,
            notices,
            shared,
            scenario,
            preset,
        },
        driver,
        shared,
        confirm: RwSignal::new(None),
    };
    provide_context(ctx);
    if let Some(slot) = ctx_slot {
        slot.set(Some(ctx));
    }
    let suite_at = persistence.clone();
    // A share link's configuration is saved only once the user keeps it.
    effect::effect(move |_| {
        if ctx.shared.get() {
            return;
        }
        match &persistence {
            Persistence::Page => ctx.config.with(storage::save),
            Persistence::Key(key) => ctx.config.with(|c| storage::save_at(key, c)),
            Persistence::Off => ctx.config.track(),
        }
    });
    // Kept once edited (a shared suite too: it holds no endpoint and no token).
    effect::effect(move |first| {
        ctx.suite_plan.track();
        if !first {
            ctx.suite_plan
                .with_untracked(|p| storage::save_suite(&suite_at, p));
        }
    });
    effect::effect(move |_| {
        log_filter.track();
        log_top.track();
        log_stale.set(true);
        // The user is looking: rows must not wait for the next scheduled repaint.
        driver.with_value(Driver::repaint_now);
    });
    let listener = StoredValue::new_local(PageListeners::new(
        move |now_hidden| {
            hidden.set(now_hidden);
            driver.with_value(|d| d.set_hidden(now_hidden));
        },
        move |why| driver.with_value(|d| d.network_back(why)),
    ));
    on_cleanup(move || {
        driver.with_value(Driver::stop);
        listener.set_value(None);
    });
    view! {
        <div class="wsc-root">
            <header class="wsc-header">
                <h1>"ws-console"</h1>
                <span class="wsc-sub">"WebSocket test console"</span>
                <span class="wsc-status" data-testid="run-status">
                    {move || String::from(if snapshot.with(|s| s.running) { "running" } else { "idle" })}
                </span>
            </header>
            <trust::SharedConfig />
            <trust::ConfirmForeignOrigin />
            {once::show(move || snapshot.with(|s| s.token_error.is_some()), move || view! {
                <div class="wsc-banner wsc-banner--auth" role="alert" data-testid="token-error">
                    "Sessions need auth: no token from the host ("
                    {move || snapshot.with(|s| s.token_error.clone().unwrap_or_default())}
                    ")"
                </div>
            }.into_any())}
            {once::show(move || ctx.hidden.get(), || view! {
                <div class="wsc-banner" role="status" data-testid="hidden-warning">
                    "This tab is hidden: the browser throttles its timers (to once a minute after 5 minutes), so samples taken now are marked."
                </div>
            }.into_any())}
            <div class="wsc-layout">
                <div class="wsc-side">
                    <controls::Controls />
                    <scenarios::Scenarios />
                    <suite::SuitePanel />
                    <environment::Environment />
                    <guidelines::Guidelines />
                </div>
                <div class="wsc-main">
                    <cards::Cards />
                    <report::Report />
                    <readiness::Readiness />
                    <endpoints::Endpoints />
                    <sessions::Sessions />
                    <breakdown::Breakdown />
                    <charts::Charts />
                    <log::Log />
                </div>
            </div>
        </div>
    }
}
