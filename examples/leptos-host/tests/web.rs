//! The Leptos host app in headless Chromium against the live test backend: `<WsConsole/>`
//! takes its token from the host's provider (never from its form), connects with it, and hands
//! the host the report when the run ends.

#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use ws_console::TokenProvider;
use ws_console_leptos_host::HostApp;

wasm_bindgen_test_configure!(run_in_browser);

/// `host:port` of the test backend that `cargo xtask test` started for this layer.
const TESTBED: &str = match option_env!("WSC_TESTBED") {
    Some(addr) => addr,
    None => "127.0.0.1:8080",
};

async fn yield_for(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .expect("a window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

async fn wait_until(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..1000 {
        if check() {
            return;
        }
        yield_for(10).await;
    }
    panic!("timed out waiting for {what}");
}

fn click(testid: &str) {
    document()
        .query_selector(&format!("[data-testid={testid}]"))
        .unwrap()
        .unwrap_or_else(|| panic!("no [data-testid={testid}]"))
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
}

/// The text of the first element `selector` finds; empty when there is none.
fn text_of(selector: &str) -> String {
    document()
        .query_selector(selector)
        .unwrap()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_console_runs_on_the_hosts_token_and_reports_to_it() {
    let calls = Rc::new(Cell::new(0u32));
    let reports: Rc<RefCell<Vec<String>>> = Rc::default();
    let (c, r) = (calls.clone(), reports.clone());
    // The testbed's default static token; the console must get it from here only.
    let provider = TokenProvider::new(move || {
        c.set(c.get() + 1);
        async { Ok("dev-token".to_string()) }
    });
    let host: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&host).unwrap();
    let endpoint = format!("ws://{TESTBED}/api/v1/pam/ws/host-test?token={{token}}");
    let mounted = leptos::mount::mount_to(host.clone(), move || {
        view! {
            <HostApp
                endpoint=endpoint
                token_provider=provider
                on_report=move |json: String| r.borrow_mut().push(json)
            />
        }
    });
    click("start");
    let active = || text_of("[data-testid=metric-active]");
    // The backend is on another port than the test page: the console asks before the
    // provider's token goes there (R3), and the person agrees.
    wait_until("the question", || {
        document()
            .query_selector("[data-testid=confirm-start-anyway]")
            .unwrap()
            .is_some()
    })
    .await;
    click("confirm-start-anyway");
    wait_until("three sessions connected with the host's token", || {
        active().trim_start().starts_with('3')
    })
    .await;
    assert_eq!(calls.get(), 1, "the provider was asked once, at Start");
    click("stop");
    wait_until("the report", || !reports.borrow().is_empty()).await;
    let report: serde_json::Value = serde_json::from_str(&reports.borrow()[0]).unwrap();
    assert_eq!(report["configuration"]["token"], "[redacted]");
    // The host lists what it received, in its own page (rendered on the next tick).
    let listed = || text_of("[data-testid=host-reports] li");
    wait_until("the host to list the report", || !listed().is_empty()).await;
    let expected = format!("{} — manual", report["verdict"].as_str().unwrap_or("none"));
    assert_eq!(
        listed(),
        expected,
        "the host lists the run with its verdict"
    );
    assert_eq!(
        report["totals"]["counters"]["errors"]["auth"], 0,
        "{report}"
    );
    assert!(
        !host.inner_html().contains("dev-token"),
        "the token is shown nowhere"
    );
    drop(mounted);
    assert_eq!(host.child_element_count(), 0);
}
