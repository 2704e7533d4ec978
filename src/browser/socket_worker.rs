//! The socket thread: the run's WebSockets live in a dedicated worker (`socket_worker.js`),
//! so every frame is stamped on a thread that does nothing else.
//!
//! On the page's thread a reply that arrives while the engine, the view or the browser's
//! painting is busy waits for them before its handler can stamp it, and the round trip shows
//! the console's own work (measured: p99 2–3 × a bare JavaScript page). In the worker the
//! handler runs at once; the page learns of the event a moment later, with its true stamp.
//!
//! The worker is a few dozen lines of JavaScript (no second wasm instance to load), created
//! from a Blob, so it needs no URL of its own. A page whose Content Security Policy refuses
//! `blob:` workers, or a browser without workers, keeps its sockets on the page's thread
//! ([`super::socket::Connection::open`]); the report says which (`run.stamped_in`).
//!
//! Messages: the page posts batches of commands, flat (`0, id, url, protocols, max, pointer`
//! opens, `1, id, data` sends, `2, id, code, reason` closes), flushed once per task; the
//! worker posts batches of events `[id, kind, …]` — those of one task after a quiet spell,
//! else all those of a moment, so that a burst costs a few messages rather than one per
//! frame — whose stamps are on its own clock, moved
//! to the page's by the difference of the two `performance.timeOrigin`s (first message:
//! `["ready", timeOrigin]`). In the worker, as on the page's thread:
//! - every event is stamped as the first thing its handler does, and a send right before
//!   `send()`; sends are acknowledged in order, each with its stamp and the socket's
//!   `bufferedAmount`, so the page keeps the keys (and the frames, until then); an
//!   acknowledgement alone waits up to 20 ms for company (usually its reply, well before), so
//!   the page's thread is not woken while that reply is on its way (measured at 15 × 100 ms
//!   and at 1 × 10 ms: the round trips' p99 fell by about a sixth);
//! - a frame over the cap is cut there, its correlation id read by the worker's `JSON.parse`,
//!   so no more than the cap is copied to the page and into wasm memory;
//! - a frame sent to a socket that closed in the worker before its close reached the page
//!   comes back (`closed`), and the engine queues it again;
//! - the buffer drains without an event, so while a socket holds 16 KiB or more the worker
//!   reports its `bufferedAmount` every 4 ms (below that a stale figure is harmless: the
//!   engine holds sends back from 256 KiB), and otherwise never wakes.

use super::socket::{FrameCap, Listener, SocketError, SocketEvent, id_value};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::{Closure, JsValue};
use web_sys::{MessageEvent, Worker};
use ws_console_engine::Frame;

const SOURCE: &str = include_str!("socket_worker.js");

/// Commands (as `socket_worker.js` numbers them).
const CMD_OPEN: u32 = 0;
const CMD_SEND: u32 = 1;
const CMD_CLOSE: u32 = 2;

/// Event kinds (as `socket_worker.js` numbers them).
const OPEN: u32 = 0;
const TEXT: u32 = 1;
const BIN: u32 = 2;
const OVER: u32 = 3;
const CLOSE: u32 = 4;
const ERROR: u32 = 5;
const SENT: u32 = 6;
const UNSENT: u32 = 7;
const BUF: u32 = 8;
const REFUSED: u32 = 9;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Phase {
    Starting,
    Ready,
    Failed,
}

/// One socket as the page sees it.
struct Route {
    listener: Listener,
    /// `WebSocket.readyState` as last reported.
    state: Cell<u16>,
    buffered: Cell<u32>,
    /// The keys and data of sends not yet acknowledged, in order (a frame that met a closed
    /// socket goes back to the engine).
    unacked: RefCell<VecDeque<(Option<u64>, JsValue)>>,
}

struct Inner {
    worker: Worker,
    url: String,
    phase: Cell<Phase>,
    /// Worker clock + offset = page clock.
    offset: Cell<f64>,
    /// Live sockets by id, in id order (ids only grow, so a push keeps the order).
    routes: RefCell<Vec<(u32, Rc<Route>)>>,
    next_id: Cell<u32>,
    outbox: RefCell<Option<js_sys::Array>>,
    handlers: RefCell<Option<Handlers>>,
}

/// The worker's two handlers, kept alive as long as the page's side of it.
struct Handlers {
    _message: Closure<dyn FnMut(MessageEvent)>,
    _error: Closure<dyn FnMut(web_sys::Event)>,
}

impl Drop for Inner {
    /// Terminating the worker closes every socket it still holds.
    fn drop(&mut self) {
        self.worker.terminate();
        let _ = web_sys::Url::revoke_object_url(&self.url);
    }
}

/// The page's handle on the socket worker. Cheap to clone.
#[derive(Clone)]
pub struct SocketWorker(Rc<Inner>);

impl SocketWorker {
    /// Starts the worker; `None` where the browser will not (no workers, or a Content
    /// Security Policy that refuses them, when it says so at once).
    pub fn spawn() -> Option<SocketWorker> {
        let parts = js_sys::Array::of1(&SOURCE.into());
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("text/javascript");
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
        let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
        let worker = match Worker::new(&url) {
            Ok(w) => w,
            Err(_) => {
                let _ = web_sys::Url::revoke_object_url(&url);
                return None;
            }
        };
        let inner = Rc::new(Inner {
            worker,
            url,
            phase: Cell::new(Phase::Starting),
            offset: Cell::new(0.0),
            routes: RefCell::new(Vec::new()),
            next_id: Cell::new(1),
            outbox: RefCell::new(None),
            handlers: RefCell::new(None),
        });
        let weak = Rc::downgrade(&inner);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            if let Some(inner) = weak.upgrade() {
                inner.receive(e.data());
            }
        });
        let weak = Rc::downgrade(&inner);
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            if let Some(inner) = weak.upgrade() {
                inner.fail();
            }
        });
        inner
            .worker
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        inner
            .worker
            .set_onerror(Some(on_error.as_ref().unchecked_ref()));
        *inner.handlers.borrow_mut() = Some(Handlers {
            _message: on_message,
            _error: on_error,
        });
        Some(SocketWorker(inner))
    }

    /// Whether the worker has started (and said so).
    pub fn is_ready(&self) -> bool {
        self.0.phase.get() == Phase::Ready
    }

    /// Whether the worker takes sockets: it has started, or is starting (what is posted to it
    /// meanwhile waits for it), and has not failed.
    pub fn is_usable(&self) -> bool {
        self.0.phase.get() != Phase::Failed
    }

    /// Opens `url` in the worker; events go to `listener` until the socket is retired.
    pub fn open(
        &self,
        url: &str,
        protocols: &[String],
        cap: &FrameCap,
        listener: Listener,
    ) -> WorkerSocket {
        let id = self.0.next_id.get();
        self.0.next_id.set(id + 1);
        let route = Rc::new(Route {
            listener,
            state: Cell::new(web_sys::WebSocket::CONNECTING),
            buffered: Cell::new(0),
            unacked: RefCell::new(VecDeque::new()),
        });
        self.0.routes.borrow_mut().push((id, route.clone()));
        let list: js_sys::Array = protocols.iter().map(|p| JsValue::from(&**p)).collect();
        let pointer: js_sys::Array = cap.pointer.iter().map(|p| JsValue::from(&**p)).collect();
        let max = cap.max.min(u32::MAX as usize) as f64;
        self.0.post(&[
            CMD_OPEN.into(),
            id.into(),
            url.into(),
            list.into(),
            max.into(),
            pointer.into(),
        ]);
        WorkerSocket {
            worker: self.0.clone(),
            id,
            route,
        }
    }
}

impl Inner {
    /// Queues a command — its code and arguments, one after the other in one flat array; the
    /// queue goes to the worker in one message once this task's work is done.
    fn post(self: &Rc<Self>, command: &[JsValue]) {
        let mut outbox = self.outbox.borrow_mut();
        match outbox.as_ref() {
            Some(queue) => {
                for v in command {
                    queue.push(v);
                }
            }
            None => {
                *outbox = Some(command.iter().collect());
                let weak = Rc::downgrade(self);
                wasm_bindgen_futures::spawn_local(async move {
                    if let Some(inner) = weak.upgrade() {
                        inner.flush();
                    }
                });
            }
        }
    }

    fn flush(&self) {
        if let Some(queue) = self.outbox.borrow_mut().take()
            && self.worker.post_message(&queue).is_err()
        {
            self.fail();
        }
    }

    /// The worker failed: whatever it held is gone, and later runs keep their sockets on the
    /// page.
    fn fail(&self) {
        self.phase.set(Phase::Failed);
        // Whatever it still holds goes with it: no socket lingers on the server unaccounted.
        self.worker.terminate();
        let routes: Vec<(u32, Rc<Route>)> = self.routes.take();
        let t = super::clock::now();
        for (_, r) in routes {
            let close = SocketEvent::Close {
                code: 1006,
                reason: "the console's socket worker failed".into(),
                was_clean: false,
            };
            (r.listener)(close, t);
        }
    }

    fn receive(&self, data: JsValue) {
        let batch: js_sys::Array = data.unchecked_into();
        for e in batch.iter() {
            let e: js_sys::Array = e.unchecked_into();
            let Some(id) = e.get(0).as_f64() else {
                // ["ready", timeOrigin]
                let origin = e.get(1).as_f64().unwrap_or(0.0);
                self.offset.set(origin - super::clock::time_origin());
                self.phase.set(Phase::Ready);
                continue;
            };
            let route = self.route(id as u32);
            if let Some(route) = route {
                self.deliver(&route, &e);
            }
        }
    }

    fn route(&self, id: u32) -> Option<Rc<Route>> {
        let routes = self.routes.borrow();
        let i = routes.binary_search_by_key(&id, |r| r.0).ok()?;
        Some(routes[i].1.clone())
    }

    fn deliver(&self, route: &Route, e: &js_sys::Array) {
        let kind = e.get(1).as_f64().unwrap_or(-1.0) as u32;
        let at = |i: u32| e.get(i).as_f64().unwrap_or(0.0) + self.offset.get();
        let text = |i: u32| e.get(i).as_string().unwrap_or_default();
        let bytes = |i: u32| match e.get(i).dyn_into::<js_sys::ArrayBuffer>() {
            Ok(b) => js_sys::Uint8Array::new(&b).to_vec(),
            Err(_) => Vec::new(),
        };
        let (event, t) = match kind {
            OPEN => {
                route.state.set(web_sys::WebSocket::OPEN);
                (SocketEvent::Open, at(2))
            }
            TEXT => (SocketEvent::Text(text(3)), at(2)),
            BIN => (SocketEvent::Binary(bytes(3)), at(2)),
            OVER => {
                let binary = e.get(5).as_bool().unwrap_or(false);
                let prefix = if binary {
                    bytes(3)
                } else {
                    text(3).into_bytes()
                };
                let event = SocketEvent::Oversized {
                    prefix,
                    size: e.get(4).as_f64().unwrap_or(0.0) as usize,
                    binary,
                    id: id_value(&e.get(6)),
                };
                (event, at(2))
            }
            CLOSE => {
                route.state.set(web_sys::WebSocket::CLOSED);
                let event = SocketEvent::Close {
                    code: e.get(3).as_f64().unwrap_or(1006.0) as u16,
                    reason: text(4),
                    was_clean: e.get(5).as_bool().unwrap_or(false),
                };
                (event, at(2))
            }
            ERROR => (SocketEvent::Error, at(2)),
            SENT => {
                route.buffered.set(e.get(3).as_f64().unwrap_or(0.0) as u32);
                let key = route.unacked.borrow_mut().pop_front().and_then(|u| u.0);
                let t = at(2);
                (SocketEvent::Sent { key, at: t }, t)
            }
            UNSENT => {
                let Some((key, data)) = route.unacked.borrow_mut().pop_front() else {
                    return;
                };
                let frame = match data.as_string() {
                    Some(t) => Frame::Text(t),
                    None => Frame::Binary(js_sys::Uint8Array::new(&data).to_vec()),
                };
                let event = SocketEvent::Unsent {
                    key,
                    frame,
                    closed: e.get(3).as_bool().unwrap_or(false),
                    why: SocketError::Send(text(2)).to_string(),
                };
                (event, super::clock::now())
            }
            BUF => {
                route.buffered.set(e.get(2).as_f64().unwrap_or(0.0) as u32);
                return;
            }
            REFUSED => {
                route.state.set(web_sys::WebSocket::CLOSED);
                (SocketEvent::Refused(text(2)), super::clock::now())
            }
            _ => return,
        };
        (route.listener)(event, t);
    }
}

/// One socket in the worker. Dropping it (or [`WorkerSocket::close`]) retires it: the page
/// stops listening at once and the worker closes the browser socket.
pub struct WorkerSocket {
    worker: Rc<Inner>,
    id: u32,
    route: Rc<Route>,
}

impl WorkerSocket {
    /// Hands a frame to the worker, which stamps it right before the browser's `send()` and
    /// reports [`SocketEvent::Sent`] (or [`SocketEvent::Unsent`]) with `key`.
    pub fn send(&self, frame: &Frame, key: Option<u64>) -> Result<(), SocketError> {
        match self.route.state.get() {
            web_sys::WebSocket::OPEN => {}
            web_sys::WebSocket::CONNECTING => return Err(SocketError::NotOpen("connecting")),
            _ => return Err(SocketError::NotOpen("closed")),
        }
        let data: JsValue = match frame {
            Frame::Text(t) => t.into(),
            Frame::Binary(b) => js_sys::Uint8Array::from(&b[..]).into(),
        };
        self.route
            .unacked
            .borrow_mut()
            .push_back((key, data.clone()));
        self.worker.post(&[CMD_SEND.into(), self.id.into(), data]);
        Ok(())
    }

    /// The socket's `bufferedAmount` as the worker last reported it.
    pub fn buffered_amount(&self) -> u32 {
        self.route.buffered.get()
    }

    /// Closes with a code and reason; no event from this socket is delivered afterwards.
    pub fn close(self, code: u16, reason: &str) {
        self.retire(code, reason);
    }

    fn retire(&self, code: u16, reason: &str) {
        let removed = {
            let mut routes = self.worker.routes.borrow_mut();
            let at = routes.binary_search_by_key(&self.id, |r| r.0);
            at.map(|i| routes.remove(i)).is_ok()
        };
        if removed {
            let code = super::socket::page_close_code(code);
            self.worker
                .post(&[CMD_CLOSE.into(), self.id.into(), code.into(), reason.into()]);
        }
    }
}

impl Drop for WorkerSocket {
    fn drop(&mut self) {
        self.retire(1000, "retired by the console");
    }
}
