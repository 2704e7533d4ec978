//! One owner per socket: the only place that touches a browser WebSocket.
//!
//! The adapter holds the browser's `WebSocket` and its four handlers directly (web-sys), with
//! no channel or task in between, because a test console is an instrument: every event is
//! stamped with [`now`] as the first thing its handler does, and a send is stamped right
//! before the browser's `send()`, so a round trip measures the network and the backend, not
//! the console's own queueing. (gloo-net's stream wrapper would put an unbounded channel and a
//! task wake-up between the frame and its stamp, and hides `bufferedAmount`.)
//!
//! A [`Connection`] lives on the page's thread ([`PageSocket`], here) or, preferably, in the
//! socket worker ([`SocketWorker`]), where no painting or engine work can delay a stamp. Either
//! way, retiring it (drop or [`Connection::close`]) stops its events *before* closing, so a
//! retired socket can never report anything again — in particular not the close that
//! retiring it causes.

use super::clock::now;
pub use super::socket_worker::{SocketWorker, WorkerSocket};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use web_sys::{BinaryType, CloseEvent, Event, MessageEvent, WebSocket};
use ws_console_engine::Frame;
pub use ws_console_engine::SocketEvent;
use ws_console_engine::fixed;

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `JSON.parse` on a JavaScript string as it is: `js_sys::JSON::parse` takes a `&str`,
    /// which would copy the whole frame into wasm memory first.
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn json_parse(text: &js_sys::JsString) -> Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>;
}

/// How large a received frame may be before only its start is read, and where its
/// correlation id sits (the run's pointer tokens): the browser parses an oversized text frame
/// in its own heap, which is collected, and hands over just the id, so the reply still
/// matches its request while wasm memory — which never shrinks — holds only the prefix.
#[derive(Clone, Debug)]
pub struct FrameCap {
    /// Bytes (UTF-16 units for text) above which a frame is oversized.
    pub max: usize,
    /// The correlation pointer's tokens.
    pub pointer: Rc<[String]>,
}

impl FrameCap {
    /// No cap at all (tests of the adapter alone).
    pub fn none() -> FrameCap {
        FrameCap {
            max: usize::MAX,
            pointer: Rc::from(Vec::new()),
        }
    }

    /// The id under the pointer in `text`, parsed by the browser.
    fn id_of(&self, text: &js_sys::JsString) -> Option<String> {
        if self.pointer.is_empty() {
            return None;
        }
        let mut v = json_parse(text).ok()?;
        for token in self.pointer.iter() {
            if !v.is_object() {
                return None;
            }
            v = js_sys::Reflect::get(&v, &token.into()).ok()?;
        }
        id_value(&v)
    }
}

/// A correlation id as the engine keys it: a string as it is, a whole number in decimal.
pub(super) fn id_value(v: &wasm_bindgen::JsValue) -> Option<String> {
    if let Some(s) = v.as_string() {
        return Some(s);
    }
    v.as_f64()
        .filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n < 9.0e15)
        .map(|n| fixed(n, 0).to_string())
}

/// The close code a page may send: the browser only accepts 1000 and 3000–4999 from script.
pub(super) fn page_close_code(code: u16) -> u16 {
    if code == 1000 || (3000..=4999).contains(&code) {
        code
    } else {
        1000
    }
}

/// Why the browser would not do what was asked of a socket. These are the console's side of
/// the wire, never the server's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocketError {
    /// The browser refused to create the socket (a URL or subprotocol it rejects).
    Refused(String),
    /// The socket is not open (still connecting, closing or closed).
    NotOpen(&'static str),
    /// `send()` threw.
    Send(String),
}

impl std::fmt::Display for SocketError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SocketError::Refused(why) => write!(f, "the browser refused the socket: {why}"),
            SocketError::NotOpen(state) => write!(f, "socket is {state}, not open"),
            SocketError::Send(why) => write!(f, "the browser refused the frame: {why}"),
        }
    }
}

/// Receives a socket's events, each with the `performance.now()` at which its handler began.
pub type Listener = Rc<dyn Fn(SocketEvent, f64)>;

/// One socket, on the page's thread or in the socket worker ([`SocketWorker`]). Dropping it
/// retires the socket: nothing it reports is delivered any more, and the browser socket is
/// closed.
pub enum Connection {
    /// On the page's thread.
    Page(PageSocket),
    /// In the socket worker.
    Worker(WorkerSocket),
}

impl Connection {
    /// Opens `url` on the page's thread offering `protocols`; events go to `listener` until
    /// this owner is retired. A URL the browser rejects outright comes back as an error, not
    /// an event. Frames over `cap.max` are reported as [`SocketEvent::Oversized`].
    pub fn open(
        url: &str,
        protocols: &[String],
        cap: FrameCap,
        listener: Listener,
    ) -> Result<Connection, SocketError> {
        PageSocket::open(url, protocols, cap, listener).map(Connection::Page)
    }

    /// Opens `url` in the socket worker. A URL the browser rejects comes back as
    /// [`SocketEvent::Refused`].
    pub fn open_in(
        worker: &SocketWorker,
        url: &str,
        protocols: &[String],
        cap: &FrameCap,
        listener: Listener,
    ) -> Connection {
        Connection::Worker(worker.open(url, protocols, cap, listener))
    }

    /// Hands a frame to the browser. On the page's thread it is sent now and the time taken
    /// immediately before `send()` comes back; in the worker it is sent there, and that time
    /// comes as [`SocketEvent::Sent`] with `key` (`Ok(None)` here). A socket that is not
    /// open refuses (a closing browser socket would swallow the frame silently).
    pub fn send(&self, frame: &Frame, key: Option<u64>) -> Result<Option<f64>, SocketError> {
        match self {
            Connection::Page(p) => p.send(frame).map(Some),
            Connection::Worker(w) => w.send(frame, key).map(|()| None),
        }
    }

    /// Bytes handed to `send()` that the browser has not yet put on the wire (for the
    /// worker, as it last reported).
    pub fn buffered_amount(&self) -> u32 {
        match self {
            Connection::Page(p) => p.buffered_amount(),
            Connection::Worker(w) => w.buffered_amount(),
        }
    }

    /// Closes with a code and reason; no event from this socket is delivered afterwards.
    pub fn close(self, code: u16, reason: &str) {
        match self {
            Connection::Page(p) => p.close(code, reason),
            Connection::Worker(w) => w.close(code, reason),
        }
    }
}

/// The owner of one browser WebSocket on the page's thread. Dropping it retires the socket:
/// its handlers are detached at once and the browser socket is closed.
pub struct PageSocket {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut(Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

impl PageSocket {
    fn open(
        url: &str,
        protocols: &[String],
        cap: FrameCap,
        listener: Listener,
    ) -> Result<PageSocket, SocketError> {
        let ws = if protocols.is_empty() {
            WebSocket::new(url)
        } else {
            let list: js_sys::Array = protocols
                .iter()
                .map(|p| js_sys::JsString::from(&**p))
                .collect();
            WebSocket::new_with_str_sequence(url, &list)
        }
        .map_err(|e| SocketError::Refused(js_text(&e)))?;
        ws.set_binary_type(BinaryType::Arraybuffer);

        let l = listener.clone();
        let on_open = Closure::<dyn FnMut(Event)>::new(move |_: Event| l(SocketEvent::Open, now()));
        let l = listener.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let t = now();
            let data = e.data();
            if let Some(text) = data.dyn_ref::<js_sys::JsString>() {
                let size = text.length() as usize;
                let event = if size > cap.max {
                    SocketEvent::Oversized {
                        prefix: String::from(text.slice(0, cap.max as u32)).into_bytes(),
                        size,
                        binary: false,
                        id: cap.id_of(text),
                    }
                } else {
                    SocketEvent::Text(String::from(text))
                };
                l(event, t);
            } else if let Ok(buf) = data.dyn_into::<js_sys::ArrayBuffer>() {
                let size = buf.byte_length() as usize;
                let event = if size > cap.max {
                    let head = js_sys::Uint8Array::new_with_byte_offset_and_length(
                        &buf,
                        0,
                        cap.max as u32,
                    );
                    SocketEvent::Oversized {
                        prefix: head.to_vec(),
                        size,
                        binary: true,
                        id: None,
                    }
                } else {
                    SocketEvent::Binary(js_sys::Uint8Array::new(&buf).to_vec())
                };
                l(event, t);
            }
        });
        let l = listener.clone();
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |e: CloseEvent| {
            let t = now();
            let event = SocketEvent::Close {
                code: e.code(),
                reason: e.reason(),
                was_clean: e.was_clean(),
            };
            l(event, t);
        });
        let on_error =
            Closure::<dyn FnMut(Event)>::new(move |_: Event| listener(SocketEvent::Error, now()));
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        ws.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(PageSocket {
            ws,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
            _on_error: on_error,
        })
    }

    fn send(&self, frame: &Frame) -> Result<f64, SocketError> {
        let state = self.ws.ready_state();
        if state != WebSocket::OPEN {
            return Err(SocketError::NotOpen(state_name(state)));
        }
        let t = now();
        match frame {
            Frame::Text(text) => self.ws.send_with_str(text),
            Frame::Binary(bytes) => self.ws.send_with_u8_array(bytes),
        }
        .map_err(|e| SocketError::Send(js_text(&e)))?;
        Ok(t)
    }

    fn buffered_amount(&self) -> u32 {
        self.ws.buffered_amount()
    }

    fn close(self, code: u16, reason: &str) {
        self.detach();
        let _ = self
            .ws
            .close_with_code_and_reason(page_close_code(code), reason);
    }

    fn detach(&self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        self.ws.set_onerror(None);
    }
}

impl Drop for PageSocket {
    fn drop(&mut self) {
        self.detach();
        if matches!(
            self.ws.ready_state(),
            WebSocket::CONNECTING | WebSocket::OPEN
        ) {
            let _ = self
                .ws
                .close_with_code_and_reason(1000, "retired by the console");
        }
    }
}

fn state_name(state: u16) -> &'static str {
    match state {
        WebSocket::CONNECTING => "connecting",
        WebSocket::OPEN => "open",
        WebSocket::CLOSING => "closing",
        _ => "closed",
    }
}

/// The message of a thrown JS error, or its debug form.
fn js_text(e: &wasm_bindgen::JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}
