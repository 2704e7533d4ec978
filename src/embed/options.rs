//! Reading `mount()`'s options: what a host may pass, checked, with errors that name the
//! option. The token never comes through here (`config.token` is ignored like any field the
//! share URL does not carry): it comes from `getToken` or `setToken`, and stays in memory.

use crate::browser::storage::{self, Persistence};
use crate::browser::token::{OnReport, TokenProvider};
use serde_json::Value;
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

/// A JS value as JSON (`{}` for undefined or null).
pub fn to_json(v: &JsValue, what: &str) -> Result<Value, String> {
    if v.is_undefined() || v.is_null() {
        return Ok(Value::Object(Default::default()));
    }
    let text = js_sys::JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| format!("ws-console: {what} must be plain data"))?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| format!("ws-console: {what}: {e}"))?;
    if value.is_object() {
        Ok(value)
    } else {
        Err(format!("ws-console: {what} must be an object"))
    }
}

/// Writes every field of `top` over `base` (objects merged field by field).
pub fn overlay(base: &mut Value, top: &Value) {
    match (base, top) {
        (Value::Object(b), Value::Object(t)) => {
            for (k, v) in t {
                overlay(b.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (b, t) => *b = t.clone(),
    }
}

impl Options {
    pub fn read(options: &JsValue) -> Result<Options, String> {
        let key = get(options, "storageKey");
        let persistence = match key.as_string() {
            Some(k) if !k.is_empty() => Persistence::Key(storage::embedded_key(&k)),
            _ if key.is_undefined() || key.is_null() => Persistence::Off,
            _ => return Err("ws-console: options.storageKey must be a non-empty string".into()),
        };
        // The stored configuration first (the tester's last edits), the host's on top.
        let mut config = serde_json::to_value(RawConfig::default()).map_err(|e| e.to_string())?;
        if let Persistence::Key(k) = &persistence
            && let Some(saved) = storage::saved_json(k).and_then(|s| serde_json::from_str(&s).ok())
        {
            overlay(&mut config, &saved);
        }
        overlay(
            &mut config,
            &to_json(&get(options, "config"), "options.config")?,
        );
        let config: RawConfig = serde_json::from_value(config)
            .map_err(|e| format!("ws-console: options.config: {e}"))?;
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
