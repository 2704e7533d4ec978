//! The host's token provider (F8) and report callback, as the driver holds them.
//!
//! A provider is any async function giving the current token or the host's reason why not
//! (a Leptos host passes a closure; the JS entry wraps `getToken`). The driver calls it when
//! the engine asks ([`ws_console_engine::Command::RequestToken`]: at Start, when a session
//! needs auth, ahead of a JWT's expiry) and hands the answer straight to the engine: the
//! token is never stored, shown or logged (the engine redacts every copy).

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;

/// What a provider gives: the token, or why there is none (shown redacted).
pub type TokenFuture = Pin<Box<dyn Future<Output = Result<String, String>>>>;

/// The host's token provider. Cheap to clone.
#[derive(Clone)]
pub struct TokenProvider(Rc<dyn Fn() -> TokenFuture>);

impl TokenProvider {
    /// A provider from an async closure.
    pub fn new<F, Fut>(f: F) -> Self
    where
        F: Fn() -> Fut + 'static,
        Fut: Future<Output = Result<String, String>> + 'static,
    {
        TokenProvider(Rc::new(move || Box::pin(f()) as TokenFuture))
    }

    /// Asks for the current token.
    pub fn get(&self) -> TokenFuture {
        (self.0)()
    }

    /// Wraps a JavaScript `getToken`: a function returning a token or a Promise of one. A
    /// throw, a rejection or anything but a non-empty string is "no token", with the host's
    /// message.
    pub fn from_js(f: js_sys::Function) -> Self {
        TokenProvider::new(move || {
            let called = f.call0(&JsValue::NULL);
            async move {
                let value = match called {
                    Ok(v) => {
                        let promise = js_sys::Promise::resolve(&v);
                        wasm_bindgen_futures::JsFuture::from(promise)
                            .await
                            .map_err(|e| js_message(&e))?
                    }
                    Err(e) => return Err(js_message(&e)),
                };
                value
                    .as_string()
                    .filter(|t| !t.is_empty())
                    .ok_or_else(|| "getToken gave no token (a non-empty string)".to_string())
            }
        })
    }
}

/// Called with the report's JSON when a run or a scenario ends.
#[derive(Clone)]
pub struct OnReport(pub Rc<dyn Fn(String)>);

impl<F: Fn(String) + 'static> From<F> for OnReport {
    fn from(f: F) -> Self {
        OnReport(Rc::new(f))
    }
}

/// The message of a thrown value: an `Error`'s `message`, else its text.
pub fn js_message(e: &JsValue) -> String {
    if let Some(err) = e.dyn_ref::<js_sys::Error>() {
        return String::from(err.message());
    }
    e.as_string()
        .unwrap_or_else(|| "getToken failed".to_string())
}
