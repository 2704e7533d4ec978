//! The JavaScript entry for any host page (F14): `mount(element, options)` → a handle.
//!
//! A host behind its own login mounts the console into one of its elements and hands it a
//! `getToken` (the console never sees a password or a cookie, and never stores the token),
//! an `onReport` callback, a `storageKey` (each console keeps its configuration under its own
//! key, so two never collide; without one nothing is stored) and a starting `config` (any of
//! the console's fields, by the names of the share URL). The bundle's loader (`embed.js`,
//! beside the wasm) fetches the wasm and CSS from `assetBase` and calls this.
//!
//! Nothing is global: the handle is the host's to keep. After `unmount()` the handle is
//! empty — every method throws (and `runScenario` and `runSuite` reject) with an error saying so — and the
//! console has closed its sockets, cleared its timers and listeners and left the element.
//! Methods never reach a disposed console, which would abort the wasm instance for every
//! other console on the page.

mod component;
mod options;

pub use component::WsConsole;

use crate::ui::{Console, ConsoleCtx, ConsoleProps, CtxSlot};
use leptos::prelude::*;
use options::Options;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::*;
use ws_console_engine::suite::SuitePlan;
use ws_console_engine::{RawScenarioParams, ScenarioKind};

const UNMOUNTED: &str = "ws-console: this console was unmounted; mount a new one";

struct Mounted {
    ctx: ConsoleCtx,
    _view: leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>,
}

type Slot = Rc<RefCell<Option<Mounted>>>;

/// Mounts a console into `element`; see the module docs for `options`. Throws on options
/// that cannot be used (a `config` field of the wrong type, a `getToken` that is not a
/// function).
#[wasm_bindgen(js_name = mount)]
pub fn mount(element: web_sys::HtmlElement, options: JsValue) -> Result<js_sys::Object, JsValue> {
    let Options {
        config,
        persistence,
        token_provider,
        on_report,
    } = Options::read(&options).map_err(|m| err(&m))?;
    mount_console(
        element,
        ConsoleProps {
            config: Some(config),
            ctx_slot: None,
            persistence,
            token_provider,
            on_report,
        },
    )
}

/// Mounts a console with `props` into `element` and gives its handle: the JS entry's, and
/// the standalone page's (`window.wsConsole`).
pub(crate) fn mount_console(
    element: web_sys::HtmlElement,
    mut props: ConsoleProps,
) -> Result<js_sys::Object, JsValue> {
    crate::browser::panic::install();
    let ctx_slot: CtxSlot = Rc::new(Cell::new(None));
    props.ctx_slot = Some(ctx_slot.clone());
    let view = leptos::mount::mount_to(element, move || Console(props).into_any());
    let ctx = ctx_slot
        .get()
        .ok_or_else(|| err("ws-console: the console did not mount"))?;
    let slot: Slot = Rc::new(RefCell::new(Some(Mounted { ctx, _view: view })));
    Ok(handle(slot))
}

fn err(m: &str) -> JsValue {
    js_sys::Error::new(m).into()
}

/// Runs `f` on the mounted console, or throws once it is unmounted.
fn with_ctx<R>(
    slot: &Slot,
    f: impl FnOnce(ConsoleCtx) -> Result<R, JsValue>,
) -> Result<R, JsValue> {
    let ctx = slot.borrow().as_ref().map(|m| m.ctx);
    match ctx {
        Some(ctx) => f(ctx),
        None => Err(err(UNMOUNTED)),
    }
}

fn allow_host(options: &JsValue) -> Option<String> {
    js_sys::Reflect::get(options, &"allowHost".into())
        .ok()
        .and_then(|h| h.as_string())
}

fn parse(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap_or(JsValue::NULL)
}

fn set(obj: &js_sys::Object, name: &str, f: JsValue) {
    let _ = js_sys::Reflect::set(obj, &name.into(), &f);
}

fn handle(slot: Slot) -> js_sys::Object {
    let obj = js_sys::Object::new();
    let s = slot.clone();
    let start = Closure::<dyn Fn(JsValue) -> Result<(), JsValue>>::new(move |o: JsValue| {
        with_ctx(&s, |ctx| {
            ctx.start_from_handle(allow_host(&o)).map_err(|m| err(&m))?;
            invalid(ctx)
        })
    });
    set(&obj, "start", start.into_js_value());
    let s = slot.clone();
    let stop = Closure::<dyn Fn() -> Result<(), JsValue>>::new(move || {
        with_ctx(&s, |ctx| {
            ctx.stop();
            Ok(())
        })
    });
    set(&obj, "stop", stop.into_js_value());
    let s = slot.clone();
    let report = Closure::<dyn Fn() -> Result<JsValue, JsValue>>::new(move || {
        // `null` before the first run.
        with_ctx(&s, |ctx| {
            Ok(ctx.report().map_or(JsValue::NULL, |json| parse(&json)))
        })
    });
    set(&obj, "report", report.into_js_value());
    let s = slot.clone();
    let set_token = Closure::<dyn Fn(JsValue) -> Result<(), JsValue>>::new(move |t: JsValue| {
        let token = t
            .as_string()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| err("ws-console: setToken takes a non-empty string"))?;
        with_ctx(&s, |ctx| {
            ctx.run.set_token(token);
            Ok(())
        })
    });
    set(&obj, "setToken", set_token.into_js_value());
    let s = slot.clone();
    let run_scenario =
        Closure::<dyn Fn(JsValue, JsValue) -> js_sys::Promise>::new(move |kind, params| {
            match with_ctx(&s, |ctx| run_scenario(ctx, &kind, &params)) {
                Ok(p) => p,
                Err(e) => js_sys::Promise::reject(&e),
            }
        });
    set(&obj, "runScenario", run_scenario.into_js_value());
    let s = slot.clone();
    let run_suite =
        Closure::<dyn Fn(JsValue, JsValue) -> js_sys::Promise>::new(move |steps, options| {
            match with_ctx(&s, |ctx| run_suite(ctx, &steps, &options)) {
                Ok(p) => p,
                Err(e) => js_sys::Promise::reject(&e),
            }
        });
    set(&obj, "runSuite", run_suite.into_js_value());
    let unmount = Closure::<dyn Fn() -> Result<(), JsValue>>::new(move || {
        // Taken first, dropped after: the console's cleanup runs with the slot already empty.
        let mounted = slot.borrow_mut().take().ok_or_else(|| err(UNMOUNTED))?;
        drop(mounted);
        Ok(())
    });
    set(&obj, "unmount", unmount.into_js_value());
    obj
}

/// An invalid configuration starts nothing: the handle says why, as the form does.
fn invalid(ctx: ConsoleCtx) -> Result<(), JsValue> {
    let messages = ctx.messages.get_untracked();
    if messages.is_empty() {
        return Ok(());
    }
    let why: Vec<String> = messages.into_iter().map(|e| e.message).collect();
    Err(err(&format!(
        "ws-console: invalid configuration: {}",
        why.join("; ")
    )))
}

/// `runScenario(kind, params)`: the scenario's defaults, overridden by `params` (the
/// scenario form's names, plus `allowHost`); a Promise of the final report.
fn run_scenario(
    ctx: ConsoleCtx,
    kind: &JsValue,
    params: &JsValue,
) -> Result<js_sys::Promise, JsValue> {
    let kind = kind.as_string().ok_or_else(|| {
        err("ws-console: runScenario(kind, params): kind is a string such as \"load\"")
    })?;
    let kind = ScenarioKind::from_name(&kind)
        .ok_or_else(|| err(&format!("ws-console: no scenario called {kind:?}")))?;
    let defaults = ws_console_engine::compact::to_json(&RawScenarioParams::defaults(kind))
        .map_err(|e| err(&e.to_string()))?;
    let json = options::overlay(&defaults, params, "params").map_err(|m| err(&m))?;
    let raw = RawScenarioParams::from_json(&json).ok_or_else(|| {
        err("ws-console: params: each of the scenario form's fields is a string (use_backend_faults a boolean)")
    })?;
    ctx.scenario.set(raw);
    ctx.run_scenario_from_handle(allow_host(params))
        .map_err(|m| err(&m))?;
    Ok(until_ended(ctx))
}

/// `runSuite(steps, options)`: each step a scenario form (`kind` and its fields, as for
/// `runScenario`), at most 8; `options.allowHost` as for `start`. The steps replace the
/// suite panel's; a Promise of the combined report.
fn run_suite(
    ctx: ConsoleCtx,
    steps: &JsValue,
    options: &JsValue,
) -> Result<js_sys::Promise, JsValue> {
    let wrapped = js_sys::Object::new();
    set(&wrapped, "steps", steps.clone());
    let plan = js_sys::JSON::stringify(&wrapped)
        .ok()
        .and_then(|j| j.as_string())
        .and_then(|j| SuitePlan::from_json(&j))
        .ok_or_else(|| {
            err("ws-console: runSuite(steps): steps is an array of at most 8 scenario forms, e.g. [{ kind: \"load\", duration_s: \"2\" }]")
        })?;
    ctx.suite_plan.set(plan);
    ctx.run_suite_from_handle(allow_host(options))
        .map_err(|m| err(&m))?;
    Ok(until_ended(ctx))
}

/// A Promise of the report of what was just started, when it ends.
fn until_ended(ctx: ConsoleCtx) -> js_sys::Promise {
    let (tx, rx) = futures::channel::oneshot::channel();
    ctx.driver.with_value(|d| {
        d.when_ended(move |r| {
            let _ = tx.send(r);
        })
    });
    wasm_bindgen_futures::future_to_promise(async move {
        match rx.await {
            Ok(Ok(json)) => Ok(parse(&json)),
            Ok(Err(m)) => Err(err(&m)),
            Err(_) => Err(err(UNMOUNTED)),
        }
    })
}
