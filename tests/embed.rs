//! The JS entry `mount()` in headless Chromium against the real test backend: the host's
//! `getToken` is asked at Start and its token used; after `unmount()` every handle method
//! throws, and a token that arrives late finds nothing to touch (no panic, which would abort
//! the wasm instance for every other console on the page).

#![cfg(target_arch = "wasm32")]

mod support;

use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use support::{TESTBED, wait_until, yield_for};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn call(handle: &js_sys::Object, name: &str, arg: &JsValue) -> Result<JsValue, JsValue> {
    let f: js_sys::Function = js_sys::Reflect::get(handle, &name.into())
        .unwrap()
        .dyn_into()
        .unwrap();
    f.call1(handle, arg)
}

fn options(get_token: &js_sys::Function) -> JsValue {
    let config = js_sys::JSON::parse(&format!(
        r#"{{"endpoint":"ws://{TESTBED}/api/v1/pam/ws/embed?token={{token}}","sessions":"2","token":"ignored"}}"#
    ))
    .unwrap();
    let o = js_sys::Object::new();
    js_sys::Reflect::set(&o, &"config".into(), &config).unwrap();
    js_sys::Reflect::set(&o, &"getToken".into(), get_token).unwrap();
    o.into()
}

#[wasm_bindgen_test]
async fn get_token_is_asked_at_start_and_a_late_token_after_unmount_touches_nothing() {
    let el: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&el).unwrap();
    let calls = Rc::new(Cell::new(0u32));
    let pending: Rc<RefCell<Vec<js_sys::Function>>> = Rc::default();
    let (c, p) = (calls.clone(), pending.clone());
    let get_token = Closure::<dyn FnMut() -> js_sys::Promise>::new(move || {
        c.set(c.get() + 1);
        js_sys::Promise::new(&mut |resolve, _| p.borrow_mut().push(resolve))
    });
    let get_token: &js_sys::Function = get_token.as_ref().unchecked_ref();
    let handle = ws_console::embed::mount(el.clone(), options(get_token)).unwrap();
    let allow = js_sys::JSON::parse(&format!(r#"{{"allowHost":"{TESTBED}"}}"#)).unwrap();
    call(&handle, "start", &allow).unwrap();
    wait_until("getToken to be asked", 5000.0, || calls.get() == 1).await;
    // The first token opens both sessions with it.
    let resolve = pending.borrow_mut().remove(0);
    resolve.call1(&JsValue::NULL, &"dev-token".into()).unwrap();
    let report = || call(&handle, "report", &JsValue::UNDEFINED).unwrap();
    wait_until("both sessions open", 10_000.0, || {
        js_sys::Reflect::get(&report(), &"totals".into())
            .and_then(|t| js_sys::Reflect::get(&t, &"active".into()))
            .ok()
            .and_then(|a| a.as_f64())
            == Some(2.0)
    })
    .await;
    assert!(
        !el.inner_html().contains("dev-token"),
        "the token shows nowhere"
    );
    // A refresh asked for and not yet answered when the console goes.
    call(&handle, "stop", &JsValue::UNDEFINED).unwrap();
    call(&handle, "start", &allow).unwrap();
    wait_until("getToken to be asked again", 5000.0, || calls.get() == 2).await;
    call(&handle, "unmount", &JsValue::UNDEFINED).unwrap();
    assert_eq!(el.child_element_count(), 0, "the console left its element");
    for name in ["start", "stop", "report", "setToken", "unmount"] {
        let e = call(&handle, name, &"x".into()).expect_err(name);
        let msg = String::from(e.unchecked_ref::<js_sys::Error>().message());
        assert!(msg.contains("unmounted"), "{name}: {msg}");
    }
    let late = pending.borrow_mut().remove(0);
    late.call1(&JsValue::NULL, &"late-token".into()).unwrap();
    // A task of its own: it runs after every microtask the late token set off has run.
    yield_for(0).await;
    assert!(
        document()
            .query_selector("[data-testid=panic]")
            .unwrap()
            .is_none(),
        "a late token panicked the console"
    );
}
