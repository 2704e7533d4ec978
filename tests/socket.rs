//! The socket adapter against the real test backend, in headless Chromium: every case on the
//! page's thread and in the socket worker, which must behave alike.

#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::RefCell;
use std::rc::Rc;
use support::{wait_until, ws_url};
use wasm_bindgen_test::*;
use ws_console::browser::socket::{
    Connection, FrameCap, Listener, SocketError, SocketEvent, SocketWorker,
};
use ws_console_engine::Frame;

wasm_bindgen_test_configure!(run_in_browser);

type Events = Rc<RefCell<Vec<SocketEvent>>>;
type Stamps = Rc<RefCell<Vec<(SocketEvent, f64)>>>;

fn recorder() -> (Events, Listener) {
    stamped_recorder().0
}

/// Records each event, and also each with the stamp its handler took.
fn stamped_recorder() -> ((Events, Listener), Stamps) {
    let events = Rc::new(RefCell::new(Vec::new()));
    let stamps: Stamps = Rc::new(RefCell::new(Vec::new()));
    let (sink, stamp_sink) = (events.clone(), stamps.clone());
    let listener: Listener = Rc::new(move |e: SocketEvent, t| {
        stamp_sink.borrow_mut().push((e.clone(), t));
        sink.borrow_mut().push(e);
    });
    ((events, listener), stamps)
}

fn has(events: &RefCell<Vec<SocketEvent>>, pred: impl Fn(&SocketEvent) -> bool) -> bool {
    events.borrow().iter().any(pred)
}

/// Where a case's sockets live.
#[derive(Clone, Copy, Debug)]
enum Thread {
    Page,
    Worker,
}

async fn started_worker() -> SocketWorker {
    let w = SocketWorker::spawn().expect("the test page allows a worker");
    wait_until("the socket worker to start", 10_000.0, || w.is_ready()).await;
    w
}

/// Opens `url` on `thread`; a refusal comes back as an error on the page's thread and as a
/// [`SocketEvent::Refused`] from the worker.
async fn open(
    thread: Thread,
    url: &str,
    cap: FrameCap,
    listener: Listener,
) -> Result<Connection, SocketError> {
    match thread {
        Thread::Page => Connection::open(url, &[], cap, listener),
        Thread::Worker => Ok(Connection::open_in(
            &started_worker().await,
            url,
            &[],
            &cap,
            listener,
        )),
    }
}

/// Runs an async case on both threads.
macro_rules! on_both_threads {
    ($case:ident: $page:ident, $worker:ident) => {
        #[wasm_bindgen_test]
        async fn $page() {
            $case(Thread::Page).await
        }
        #[wasm_bindgen_test]
        async fn $worker() {
            $case(Thread::Worker).await
        }
    };
}

on_both_threads!(reaches_the_backend: a_page_socket_reaches_the_test_backend_and_gets_replies, a_worker_socket_reaches_the_test_backend_and_gets_replies);

async fn reaches_the_backend(thread: Thread) {
    let (events, listener) = recorder();
    let conn = open(thread, &ws_url(), FrameCap::none(), listener)
        .await
        .expect("socket opens");
    wait_until("open", 10_000.0, || {
        has(&events, |e| *e == SocketEvent::Open)
    })
    .await;
    assert_eq!(
        events.borrow()[0],
        SocketEvent::Open,
        "open is reported before any frame"
    );
    wait_until("welcome", 10_000.0, || {
        has(
            &events,
            |e| matches!(e, SocketEvent::Text(t) if t.contains("\"connected\"")),
        )
    })
    .await;
    conn.send(
        &Frame::Text(r#"{"type":"message","id":"m-1"}"#.into()),
        None,
    )
    .unwrap();
    wait_until("chat_response", 10_000.0, || {
        has(&events, |e| matches!(e, SocketEvent::Text(t) if t.contains("chat_response") && t.contains("m-1")))
    })
    .await;
    conn.send(&Frame::Binary(vec![1, 2, 3]), None).unwrap();
    wait_until("binary echo", 10_000.0, || {
        has(&events, |e| *e == SocketEvent::Binary(vec![1, 2, 3]))
    })
    .await;
}

on_both_threads!(retired: a_retired_page_socket_reports_nothing_more_not_even_its_close, a_retired_worker_socket_reports_nothing_more_not_even_its_close);

async fn retired(thread: Thread) {
    let (events, listener) = recorder();
    let conn = open(thread, &ws_url(), FrameCap::none(), listener)
        .await
        .expect("socket opens");
    wait_until("welcome", 10_000.0, || {
        has(&events, |e| matches!(e, SocketEvent::Text(_)))
    })
    .await;
    let seen = events.borrow().len();
    conn.close(4000, "retired by test");
    // A second socket proves time passed and the backend answered meanwhile.
    let (other, other_listener) = recorder();
    let probe = open(thread, &ws_url(), FrameCap::none(), other_listener)
        .await
        .expect("probe opens");
    wait_until("probe welcome", 10_000.0, || {
        has(&other, |e| matches!(e, SocketEvent::Text(_)))
    })
    .await;
    probe
        .send(&Frame::Text(r#"{"type":"ping","id":"p"}"#.into()), None)
        .unwrap();
    wait_until("probe pong", 10_000.0, || {
        has(
            &other,
            |e| matches!(e, SocketEvent::Text(t) if t.contains("pong")),
        )
    })
    .await;
    assert_eq!(
        events.borrow().len(),
        seen,
        "no event after retirement: {:?}",
        events.borrow()
    );
}

on_both_threads!(refused: a_refused_page_connection_reports_a_close_1006, a_refused_worker_connection_reports_a_close_1006);

async fn refused(thread: Thread) {
    let (events, listener) = recorder();
    // Nothing listens on port 9 of loopback.
    let _conn = open(thread, "ws://127.0.0.1:9/ws", FrameCap::none(), listener)
        .await
        .expect("the browser accepts the URL");
    wait_until("close", 10_000.0, || {
        has(&events, |e| matches!(e, SocketEvent::Close { .. }))
    })
    .await;
    let evs = events.borrow();
    assert!(!evs.contains(&SocketEvent::Open), "never opened: {evs:?}");
    assert!(
        evs.iter()
            .any(|e| matches!(e, SocketEvent::Close { code: 1006, .. })),
        "{evs:?}"
    );
}

#[wasm_bindgen_test]
fn a_url_the_browser_rejects_is_an_error_not_a_panic() {
    let (_events, listener) = recorder();
    let err = Connection::open("ftp://127.0.0.1/ws", &[], FrameCap::none(), listener)
        .err()
        .expect("rejected");
    assert!(
        matches!(&err, SocketError::Refused(why) if !why.is_empty()),
        "the error says why: {err:?}"
    );
}

#[wasm_bindgen_test]
async fn a_url_the_browser_rejects_in_the_worker_is_reported_as_refused() {
    let (events, listener) = recorder();
    let _conn = open(
        Thread::Worker,
        "ftp://127.0.0.1/ws",
        FrameCap::none(),
        listener,
    )
    .await
    .expect("the worker reports later");
    wait_until("the refusal", 10_000.0, || {
        has(&events, |e| matches!(e, SocketEvent::Refused(_)))
    })
    .await;
    let evs = events.borrow();
    assert!(
        matches!(&evs[..], [SocketEvent::Refused(why)] if !why.is_empty()),
        "one refusal that says why, nothing else: {evs:?}"
    );
}

on_both_threads!(stamped: a_page_reply_is_stamped_after_its_send_and_a_connecting_socket_refuses_to_send, a_worker_reply_is_stamped_after_its_send_and_a_connecting_socket_refuses_to_send);

async fn stamped(thread: Thread) {
    let ((events, listener), stamps) = stamped_recorder();
    let conn = open(thread, &ws_url(), FrameCap::none(), listener)
        .await
        .expect("socket opens");
    let early = conn.send(&Frame::Text("too early".into()), Some(1));
    assert_eq!(early, Err(SocketError::NotOpen("connecting")));
    wait_until("welcome", 10_000.0, || {
        has(&events, |e| matches!(e, SocketEvent::Text(_)))
    })
    .await;
    let sent_now = conn
        .send(
            &Frame::Text(r#"{"type":"message","id":"stamp-1"}"#.into()),
            Some(7),
        )
        .expect("an open socket takes the frame");
    wait_until("reply", 10_000.0, || {
        has(
            &events,
            |e| matches!(e, SocketEvent::Text(t) if t.contains("stamp-1")),
        )
    })
    .await;
    let stamps = stamps.borrow();
    // The page's thread stamps the send as it makes it; the worker reports its stamp, for the
    // key it was given, before the reply.
    let reported = stamps.iter().find_map(|(e, _)| match e {
        SocketEvent::Sent { key, at } => Some((*key, *at)),
        _ => None,
    });
    let sent_at = match (thread, sent_now, reported) {
        (Thread::Page, Some(at), None) => at,
        (Thread::Worker, None, Some((Some(7), at))) => at,
        other => panic!("unexpected send report {other:?}"),
    };
    let (_, replied_at) = stamps
        .iter()
        .find(|(e, _)| matches!(e, SocketEvent::Text(t) if t.contains("stamp-1")))
        .expect("the reply was recorded");
    assert!(
        *replied_at >= sent_at,
        "reply stamped at {replied_at}, send at {sent_at}"
    );
    assert!(
        stamps.windows(2).all(|w| w[0].1 <= w[1].1),
        "stamps never go backwards"
    );
}

/// The worker holds a send's acknowledgement back for a moment, to go out with its reply;
/// with no reply coming it still goes out alone, long before the (delayed) reply.
#[wasm_bindgen_test]
async fn a_worker_acknowledges_a_send_whose_reply_is_slow_before_that_reply() {
    let ((events, listener), stamps) = stamped_recorder();
    let url = format!("{}?delay_ms=3000", ws_url());
    let conn = open(Thread::Worker, &url, FrameCap::none(), listener)
        .await
        .expect("socket opens");
    wait_until("welcome", 10_000.0, || {
        has(&events, |e| matches!(e, SocketEvent::Text(_)))
    })
    .await;
    let frame = Frame::Text(r#"{"type":"message","id":"slow-1"}"#.into());
    conn.send(&frame, Some(9))
        .expect("an open socket takes the frame");
    let is_reply = |e: &SocketEvent| matches!(e, SocketEvent::Text(t) if t.contains("slow-1"));
    wait_until("the acknowledgement", 10_000.0, || {
        has(&events, |e| {
            matches!(e, SocketEvent::Sent { key: Some(9), .. })
        })
    })
    .await;
    assert!(
        !has(&events, is_reply),
        "the acknowledgement came alone, before the reply: {:?}",
        events.borrow()
    );
    wait_until("the delayed reply", 10_000.0, || has(&events, is_reply)).await;
    let stamps = stamps.borrow();
    let at = |p: &dyn Fn(&SocketEvent) -> bool| stamps.iter().find(|(e, _)| p(e)).map(|s| s.1);
    let sent = at(&|e| matches!(e, SocketEvent::Sent { .. })).expect("sent");
    let replied = at(&is_reply).expect("replied");
    assert!(
        replied - sent >= 2_900.0,
        "the reply came {} ms after the send",
        replied - sent
    );
}

on_both_threads!(oversized: an_oversized_page_frame_is_read_only_up_to_the_cap_and_its_id_still_found, an_oversized_worker_frame_is_read_only_up_to_the_cap_and_its_id_still_found);

async fn oversized(thread: Thread) {
    let (events, listener) = recorder();
    let cap = FrameCap {
        max: 64 * 1024,
        pointer: std::rc::Rc::from(vec!["id".to_string()]),
    };
    let conn = open(thread, &ws_url(), cap, listener)
        .await
        .expect("socket opens");
    wait_until("welcome", 10_000.0, || {
        has(&events, |e| matches!(e, SocketEvent::Text(_)))
    })
    .await;
    // The backend echoes the body: a reply of 300 KB, its keys in alphabetical order, so
    // the id comes after the echoed data.
    let body = format!(
        r#"{{"type":"message","id":"big-1","data":"{}"}}"#,
        "x".repeat(300_000)
    );
    conn.send(&Frame::Text(body), None).unwrap();
    conn.send(&Frame::Binary(vec![5u8; 200_000]), None).unwrap();
    wait_until("both echoes", 10_000.0, || {
        events
            .borrow()
            .iter()
            .filter(|e| matches!(e, SocketEvent::Oversized { .. }))
            .count()
            == 2
    })
    .await;
    let evs = events.borrow();
    let big: Vec<_> = evs
        .iter()
        .filter_map(|e| match e {
            SocketEvent::Oversized {
                prefix,
                size,
                binary,
                id,
            } => Some((prefix.len(), *size, *binary, id.clone())),
            _ => None,
        })
        .collect();
    assert!(
        big.iter().any(|(n, size, bin, id)| *n == 65_536
            && *size > 300_000
            && !bin
            && id.as_deref() == Some("big-1")),
        "{big:?}"
    );
    assert!(
        big.iter()
            .any(|(n, size, bin, id)| *n == 65_536 && *size == 200_000 && *bin && id.is_none()),
        "{big:?}"
    );
}
