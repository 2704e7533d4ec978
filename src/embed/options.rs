//! Reading `mount()`'s options: what a host may pass, checked, with errors that name the
//! option. The token never comes through here (`config.token` is ignored like any field the
//! share URL does not carry): it comes from `getToken` or `setToken`, and stays in memory.

use crate::browser::storage::{self, Persistence};
use crate::browser::token::{OnReport, TokenProvider};
use wasm_bindgen::{JsCast, JsValue};
use ws_console_engine::RawConfig;

/// `mount()`'s options, read.
pub struct Options {
    pub config: RawConfig,
    pub persistence: Persistence,
    pub token_provider: Option<TokenProvider>,
    pub on_report: Option<OnReport>,
}

fn get(obj: &JsValue, name: &str) -> JsValue {
    if obj.is_object() {
        js_sys::Reflect::get(obj, &name.into()).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

fn function(obj: &JsValue, name: &str) -> Result<Option<js_sys::Function>, String> {
    let v = get(obj, name);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.dyn_into::<js_sys::Function>()
        .map(Some)
        .map_err(|_| format!("ws-console: options.{name} must be a function"))
}

/// `top`'s own fields written over `base`'s (shallow: a nested object is replaced whole, and
/// serde fills in what it leaves out), as JSON text. Done by the browser's JSON, so the
/// bundle carries no second, untyped JSON model.
pub fn overlay(base: &str, top: &JsValue, what: &str) -> Result<String, String> {
    let base = js_sys::JSON::parse(base).map_err(|_| format!("ws-console: {what}: bad JSON"))?;
    let merged = js_sys::Object::new();
    js_sys::Object::assign(&merged, base.unchecked_ref());
    if !(top.is_undefined() || top.is_null()) {
        if !top.is_object() {
            return Err(format!("ws-console: {what} must be an object"));
        }
        js_sys::Object::assign(&merged, top.unchecked_ref());
    }
    js_sys::JSON::stringify(&merged)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| format!("ws-console: {what} must be plain data"))
}

impl Options {
    pub fn read(options: &JsValue) -> Result<Options, String> {
        let key = get(options, "storageKey");
        let persistence = match key.as_string() {
            Some(k) if !k.is_empty() => Persistence::Key(storage::embedded_key(&k)),
            _ if key.is_undefined() || key.is_null() => Persistence::Off,
            _ => return Err("ws-console: options.storageKey must be a non-empty string".into()),
        };
        // The stored configuration (the tester's last edits), the host's fields on top; serde
        // fills in the defaults for the rest.
        let saved = match &persistence {
            Persistence::Key(k) => storage::saved_json(k)
                .filter(|s| js_sys::JSON::parse(s).is_ok_and(|v| v.is_object())),
            _ => None,
        };
        let json = overlay(
            saved.as_deref().unwrap_or("{}"),
            &get(options, "config"),
            "options.config",
        )?;
        let config = RawConfig::from_json(&json).ok_or_else(|| {
            "ws-console: options.config must be an object of the console's fields".to_string()
        })?;
        let token_provider = function(options, "getToken")?.map(TokenProvider::from_js);
        let on_report = function(options, "onReport")?.map(|f| {
            OnReport::from(move |json: String| {
                let report = js_sys::JSON::parse(&json).unwrap_or(JsValue::NULL);
                // A host callback that throws is the host's problem, not the run's.
                let _ = f.call1(&JsValue::NULL, &report);
            })
        });
        Ok(Options {
            config,
            persistence,
            token_provider,
            on_report,
        })
    }
}
