//! The mounted console in headless Chromium against the real test backend: the view shows what
//! the engine counts, and unmounting leaves nothing running.

#![cfg(target_arch = "wasm32")]

mod support;

use leptos::prelude::*;
use std::cell::Cell;
use std::rc::Rc;
use support::{TESTBED, wait_until};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use ws_console::ui::{CtxSlot, beat};
use ws_console::{Console, ConsoleCtx};
use ws_console_engine::RawConfig;

wasm_bindgen_test_configure!(run_in_browser);

fn config(sessions: u32, interval_ms: u32) -> RawConfig {
    RawConfig {
        endpoint: format!("ws://{TESTBED}/ws"),
        sessions: sessions.to_string(),
        send_interval_ms: interval_ms.to_string(),
        ..RawConfig::default()
    }
}

fn mount(
    raw: RawConfig,
) -> (
    ConsoleCtx,
    leptos::mount::UnmountHandle<impl Mountable>,
    web_sys::HtmlElement,
) {
    let doc = document();
    let host: web_sys::HtmlElement = doc.create_element("div").unwrap().dyn_into().unwrap();
    doc.body().unwrap().append_child(&host).unwrap();
    let slot: CtxSlot = Rc::new(Cell::new(None));
    let for_view = slot.clone();
    let handle = leptos::mount::mount_to(
        host.clone(),
        move || view! { <Console config=raw ctx_slot=for_view /> },
    );
    (
        slot.get().expect("the console provides its context"),
        handle,
        host,
    )
}

fn text(host: &web_sys::HtmlElement, testid: &str) -> String {
    host.query_selector(&format!("[data-testid=\"{testid}\"]"))
        .ok()
        .flatten()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

async fn open_connections() -> u64 {
    let window = web_sys::window().unwrap();
    let url = format!("http://{TESTBED}/api/ws/stats");
    let resp: web_sys::Response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(&url))
        .await
        .expect("stats reachable")
        .dyn_into()
        .unwrap();
    let json = wasm_bindgen_futures::JsFuture::from(resp.json().unwrap())
        .await
        .unwrap();
    let totals = js_sys::Reflect::get(&json, &"totals".into()).unwrap();
    js_sys::Reflect::get(&totals, &"open".into())
        .unwrap()
        .as_f64()
        .unwrap() as u64
}

#[wasm_bindgen_test]
async fn the_cards_show_what_the_engine_counts() {
    let (ctx, _handle, host) = mount(config(3, 50));
    ctx.start();
    wait_until("3 sessions connected on the card", 10_000.0, || {
        text(&host, "metric-active") == "3 / 3"
    })
    .await;
    wait_until("replies counted", 10_000.0, || {
        text(&host, "metric-received").parse::<u64>().unwrap_or(0) >= 10
    })
    .await;
    let engine_sent = ctx
        .driver
        .with_value(|d| d.with_run(|r| r.counters().sent))
        .unwrap();
    let shown: u64 = text(&host, "metric-sent").parse().unwrap();
    assert!(
        shown <= engine_sent,
        "the view never runs ahead of the engine"
    );
    ctx.stop();
    wait_until("the stopped run to settle on the card", 10_000.0, || {
        let engine = ctx
            .driver
            .with_value(|d| d.with_run(|r| r.counters().sent))
            .unwrap();
        text(&host, "metric-sent") == engine.to_string()
    })
    .await;
    assert_eq!(
        host.query_selector_all("[data-testid=\"session-row\"]")
            .unwrap()
            .length(),
        3
    );
    wait_until(
        "the timer to clear itself once nothing is pending",
        15_000.0,
        || !ctx.driver.with_value(|d| d.is_ticking()),
    )
    .await;
    let pending = ctx
        .driver
        .with_value(|d| d.with_run(|r| r.counters().pending))
        .unwrap();
    assert_eq!(pending, 0, "every reply resolved before the timer stopped");
}

#[wasm_bindgen_test]
async fn unmounting_closes_every_socket_clears_the_timer_and_drops_the_driver() {
    let before = open_connections().await;
    let (ctx, handle, _host) = mount(config(4, 100));
    ctx.start();
    wait_until("4 sockets open on the server", 10_000.0, || {
        ctx.driver.with_value(|d| d.live_sockets()) == 4
    })
    .await;
    let probe = ctx.driver.with_value(|d| d.probe());
    assert!(ctx.driver.with_value(|d| d.is_ticking()));
    drop(handle);
    // Leptos disposes the owner's values as it unmounts; nothing else may hold the driver.
    wait_until("the driver to be dropped", 5_000.0, || probe.is_dropped()).await;
    let mut open = u64::MAX;
    let start = ws_console::browser::clock::now();
    while open > before {
        open = open_connections().await;
        assert!(
            ws_console::browser::clock::now() - start < 10_000.0,
            "sockets still open: {open} > {before}"
        );
        support::yield_for(20).await;
    }
}

#[wasm_bindgen_test]
async fn a_burst_far_past_the_socket_window_loses_nothing_and_fails_no_send() {
    let mut raw = config(3, 1000);
    raw.auto_send = false;
    raw.heartbeat_enabled = false;
    let (ctx, _handle, host) = mount(raw);
    ctx.start();
    wait_until("3 sessions connected", 10_000.0, || {
        text(&host, "metric-active") == "3 / 3"
    })
    .await;
    assert_eq!(
        ctx.driver.with_value(|d| d.with_run(|r| r.stamped_in())),
        Some(Some(ws_console_engine::StampedIn::Worker)),
        "the sockets are stamped off the page's thread"
    );
    // 3 × 4,000 = 12,000: far more than the per-socket window the console keeps in flight.
    ctx.driver.with_value(|d| d.burst(None, 4_000));
    let held = ctx
        .driver
        .with_value(|d| d.with_run(|r| r.held_now()))
        .unwrap();
    assert!(
        held > 0,
        "the console holds the excess back rather than pushing it all"
    );
    let counters = || {
        ctx.driver
            .with_value(|d| d.with_run(|r| r.counters()))
            .unwrap()
    };
    wait_until("every burst reply matched", 60_000.0, || {
        counters().matched == 12_000
    })
    .await;
    let c = counters();
    assert_eq!((c.sent, c.lost, c.client_errors, c.late), (12_000, 0, 0, 0));
    assert_eq!(
        ctx.driver.with_value(|d| d.with_run(|r| r.held_now())),
        Some(0)
    );
    assert!(c.invariant_holds());
    ctx.stop();
}

#[wasm_bindgen_test]
async fn the_log_keeps_only_the_rows_in_view_in_the_page_and_scrolls_through_the_rest() {
    let mut raw = config(1, 1000);
    raw.auto_send = false;
    raw.log_sent = true;
    let (ctx, _handle, host) = mount(raw);
    ctx.start();
    wait_until("connected", 10_000.0, || {
        text(&host, "metric-active") == "1 / 1"
    })
    .await;
    ctx.driver.with_value(|d| d.burst(None, 300));
    wait_until("600 entries logged and shown", 20_000.0, || {
        text(&host, "log-count")
            .split(' ')
            .next()
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(|n| n >= 600)
    })
    .await;
    let rows = || {
        host.query_selector_all("[data-testid=\"log-entry\"]")
            .unwrap()
    };
    let limit = ws_console::ui::snapshot::LOG_VIEW as u32;
    assert!(
        rows().length() <= limit,
        "{} rows in the page",
        rows().length()
    );
    // Scrolling to the top brings the oldest entries (the run's start) into the page.
    let list: web_sys::HtmlElement = host
        .query_selector(".wsc-log__list")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert!(
        list.scroll_height() > 600 * 19,
        "spacers stand for every entry"
    );
    // The test page has no stylesheet: give the list the console's scroll box.
    list.set_attribute("style", "max-height:320px;overflow-y:auto")
        .unwrap();
    list.set_scroll_top(0);
    list.dispatch_event(&web_sys::Event::new("scroll").unwrap())
        .unwrap();
    wait_until("the first entries in view", 5_000.0, || {
        list.text_content()
            .unwrap_or_default()
            .contains("run started")
    })
    .await;
    assert!(rows().length() <= limit);
    ctx.stop();
}

#[wasm_bindgen_test]
async fn a_socket_the_browser_refuses_to_create_is_the_consoles_error_not_the_servers() {
    // A user id that lands in the host (a tenant subdomain) with a character no host may
    // hold: the configuration is valid, but the browser's `new WebSocket` throws a
    // SyntaxError for the filled-in URL. No server is ever asked.
    let mut raw = config(2, 1000);
    raw.endpoint = "ws://{user_id}/ws".into();
    raw.user_id = "[x".into();
    let (ctx, _handle, host) = mount(raw);
    ctx.start();
    let counters = || {
        ctx.driver
            .with_value(|d| d.with_run(|r| r.counters()))
            .unwrap()
    };
    // Well before the 10 s connect timeout: the refusal is known at once.
    wait_until("both sessions in error", 5_000.0, || {
        counters().client_errors == 2
    })
    .await;
    let c = counters();
    assert_eq!(
        (c.connect_failures, c.connect_attempts, c.lost, c.drops),
        (0, 0, 0, 0),
        "nothing counts against a server"
    );
    wait_until("the rows say why", 5_000.0, || {
        text(&host, "session-table").contains("the browser refused to open the socket")
    })
    .await;
    // No retry: the same URL would be refused again.
    let opened = ctx
        .driver
        .with_value(|d| d.with_run(|r| r.counters().client_errors))
        .unwrap();
    assert_eq!(opened, 2);
    ctx.stop();
}

#[wasm_bindgen_test]
async fn a_card_reads_collecting_until_its_minimum_sample_then_judges() {
    let mut raw = config(3, 1000);
    raw.auto_send = false;
    let (ctx, _handle, host) = mount(raw);
    ctx.start();
    wait_until("3 sessions connected", 10_000.0, || {
        text(&host, "metric-active") == "3 / 3"
    })
    .await;
    let card = |id: &str| {
        host.query_selector(&format!("[data-testid=\"{id}-card\"]"))
            .unwrap()
            .unwrap()
    };
    // Three replies of the twenty a success rate needs.
    ctx.driver.with_value(|d| d.burst(None, 1));
    wait_until("3 matched, shown", 10_000.0, || {
        text(&host, "metric-success-rate") == "100.0 %"
    })
    .await;
    let rate = card("metric-success-rate");
    assert!(
        rate.class_name().contains("wsc-card--collecting"),
        "{}",
        rate.class_name()
    );
    assert!(
        rate.text_content()
            .unwrap()
            .contains("collecting… · target > 95 % (≥ 20 replies)"),
        "{:?}",
        rate.text_content()
    );
    // Seven more per session: 30 replies, judged.
    ctx.driver.with_value(|d| d.burst(None, 9));
    wait_until("the card judged good", 10_000.0, || {
        card("metric-success-rate")
            .class_name()
            .contains("wsc-card--good")
    })
    .await;
    ctx.stop();
}

#[wasm_bindgen_test]
async fn the_network_coming_back_makes_a_waiting_session_try_at_once() {
    // Nothing listens on port 9: each attempt fails fast, then waits out a long backoff.
    let mut raw = config(1, 1000);
    raw.endpoint = "ws://127.0.0.1:9/ws".into();
    raw.reconnect_schedule_s = "60".into();
    raw.jitter = false;
    let (ctx, _handle, _host) = mount(raw);
    ctx.start();
    let attempts = || {
        ctx.driver
            .with_value(|d| d.with_run(|r| r.counters().connect_attempts))
            .unwrap()
    };
    wait_until("the first attempt to fail", 10_000.0, || {
        ctx.driver
            .with_value(|d| d.with_run(|r| r.counters().connect_failures))
            .unwrap()
            == 1
    })
    .await;
    assert_eq!(attempts(), 1, "then it waits a minute");
    let online = web_sys::Event::new("online").unwrap();
    web_sys::window().unwrap().dispatch_event(&online).unwrap();
    // Long before the minute is out.
    wait_until("a second attempt", 5_000.0, || attempts() == 2).await;
    ctx.stop();
}

// The costly parts of a repaint go in turns (src/ui/beat.rs).

#[wasm_bindgen_test]
fn one_part_per_repaint_and_each_about_once_a_period() {
    let beat = beat::Beat::new(1000.0);
    let mut seen = Vec::new();
    let mut t = 0.0;
    // Repaints 200 ms apart for ten seconds.
    while t < 10_000.0 {
        if let Some(part) = beat.due(t) {
            beat.done(part, t);
            seen.push((t, part));
        }
        t += 200.0;
    }
    // At first all three are due; they go on three successive repaints.
    assert_eq!(
        seen[..3].iter().map(|s| s.1).collect::<Vec<_>>(),
        vec![beat::Heavy::Charts, beat::Heavy::Log, beat::Heavy::Sessions]
    );
    for part in beat::Heavy::ALL {
        let times: Vec<f64> = seen.iter().filter(|s| s.1 == part).map(|s| s.0).collect();
        for w in times.windows(2) {
            let gap = w[1] - w[0];
            assert!((1000.0..=1400.0).contains(&gap), "{part:?}: {gap} ms");
        }
        assert!(times.len() >= 8, "{part:?}: {times:?}");
    }
}

#[wasm_bindgen_test]
fn nothing_is_due_before_its_period() {
    let beat = beat::Beat::new(1000.0);
    for part in beat::Heavy::ALL {
        beat.done(part, 500.0);
    }
    assert_eq!(beat.due(1499.0), None);
    assert!(beat.due(1500.0).is_some());
}
