//! One owner per socket: the only place that touches a browser WebSocket.
//!
//! gloo-net's `WebSocket` is driven by a single task that owns it whole (no split halves), so
//! that the task can close it with the engine's code and reason, see the `open` event (gloo
//! only exposes it through the sink's readiness), read `bufferedAmount`, and stop forwarding the
//! moment its owner retires it. Every event carries the session and generation it was opened
//! for; once the [`Connection`] is dropped its task forwards nothing more — in particular not
//! gloo-net's synthetic close 1000 "client dropped", which is not the server's doing.

use futures::channel::mpsc;
use futures::{Sink, Stream, StreamExt};
use gloo_net::websocket::futures::WebSocket;
use gloo_net::websocket::{Message, State, WebSocketError};
use std::cell::Cell;
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;
use ws_console_engine::Frame;

/// What a socket reports to its owner.
#[derive(Debug, Clone, PartialEq)]
pub enum SocketEvent {
    /// The handshake completed.
    Open,
    /// A text frame arrived.
    Text(String),
    /// A binary frame arrived.
    Binary(Vec<u8>),
    /// The socket closed (server close, network drop, or failed handshake as 1006).
    Close {
        code: u16,
        reason: String,
        was_clean: bool,
    },
    /// The browser's `error` event (it carries no detail).
    Error,
    /// A frame could not be handed to the browser.
    SendFailed { reason: String },
}

enum Order {
    Send(Frame),
    Close(u16, String),
}

/// Receives a socket's events: `(event, bytes still buffered by the browser)`.
pub type Listener = Rc<dyn Fn(SocketEvent, u32)>;

/// How many frames may wait between the engine and the socket task before sends fail loudly.
pub const ORDER_CAPACITY: usize = 4096;

/// The owner of one browser WebSocket. Dropping it retires the socket: its events stop at once
/// and the browser socket is closed.
pub struct Connection {
    orders: mpsc::Sender<Order>,
    alive: Rc<Cell<bool>>,
}

impl Connection {
    /// Opens `url` offering `protocols`; events go to `listener` until this owner is dropped.
    /// A URL the browser rejects outright comes back as an error, not an event.
    pub fn open(url: &str, protocols: &[String], listener: Listener) -> Result<Connection, String> {
        let ws = if protocols.is_empty() {
            WebSocket::open(url)
        } else {
            WebSocket::open_with_protocols(url, protocols)
        }
        .map_err(|e| e.to_string())?;
        let (orders, inbox) = mpsc::channel(ORDER_CAPACITY);
        let alive = Rc::new(Cell::new(true));
        wasm_bindgen_futures::spawn_local(drive(ws, inbox, listener, alive.clone()));
        Ok(Connection { orders, alive })
    }

    /// Queues a frame for the socket; fails when the socket task is gone or too far behind.
    pub fn send(&mut self, frame: Frame) -> Result<(), String> {
        self.orders.try_send(Order::Send(frame)).map_err(|e| {
            if e.is_full() {
                format!("more than {ORDER_CAPACITY} frames waiting for the socket")
            } else {
                "the socket is gone".to_string()
            }
        })
    }

    /// Closes with a code and reason; no event from this socket is delivered afterwards.
    pub fn close(mut self, code: u16, reason: &str) {
        self.alive.set(false);
        let _ = self.orders.try_send(Order::Close(code, reason.to_string()));
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.alive.set(false);
        self.orders.close_channel();
    }
}

enum Exit {
    Close(u16, String),
    Retired,
    Ended,
}

async fn drive(
    mut ws: WebSocket,
    mut inbox: mpsc::Receiver<Order>,
    listener: Listener,
    alive: Rc<Cell<bool>>,
) {
    let mut opened = false;
    let emit = |ws: &WebSocket, event: SocketEvent| {
        if alive.get() {
            listener(event, ws.buffered_amount());
        }
    };
    let exit = futures::future::poll_fn(|cx| {
        if !opened
            && Pin::new(&mut ws).poll_ready(cx).is_ready()
            && matches!(ws.state(), State::Open)
        {
            opened = true;
            emit(&ws, SocketEvent::Open);
        }
        loop {
            match inbox.poll_next_unpin(cx) {
                Poll::Ready(Some(Order::Send(frame))) => {
                    if let Err(reason) = send_now(&mut ws, frame) {
                        emit(&ws, SocketEvent::SendFailed { reason });
                    }
                }
                Poll::Ready(Some(Order::Close(code, reason))) => {
                    return Poll::Ready(Exit::Close(code, reason));
                }
                Poll::Ready(None) => return Poll::Ready(Exit::Retired),
                Poll::Pending => break,
            }
        }
        loop {
            match Pin::new(&mut ws).poll_next(cx) {
                Poll::Ready(Some(item)) => {
                    if !opened
                        && !matches!(
                            item,
                            Err(WebSocketError::ConnectionClose(_)
                                | WebSocketError::ConnectionError)
                        )
                    {
                        // A frame can be seen before the open wake-up is polled: open comes first.
                        opened = true;
                        emit(&ws, SocketEvent::Open);
                    }
                    emit(&ws, translate(item));
                }
                Poll::Ready(None) => return Poll::Ready(Exit::Ended),
                Poll::Pending => return Poll::Pending,
            }
        }
    })
    .await;
    if let Exit::Close(code, reason) = exit {
        // The browser only accepts 1000 and 3000–4999 from a page.
        let code = if code == 1000 || (3000..=4999).contains(&code) {
            code
        } else {
            1000
        };
        let _ = ws.close(Some(code), Some(&reason));
    }
}

fn send_now(ws: &mut WebSocket, frame: Frame) -> Result<(), String> {
    // A browser socket that is closing swallows frames without an error (gloo-net #499).
    if !matches!(ws.state(), State::Open) {
        return Err(format!("socket is {:?}, not open", ws.state()));
    }
    let msg = match frame {
        Frame::Text(t) => Message::Text(t),
        Frame::Binary(b) => Message::Bytes(b),
    };
    Pin::new(ws).start_send(msg).map_err(|e| e.to_string())
}

fn translate(item: Result<Message, WebSocketError>) -> SocketEvent {
    match item {
        Ok(Message::Text(t)) => SocketEvent::Text(t),
        Ok(Message::Bytes(b)) => SocketEvent::Binary(b),
        Err(WebSocketError::ConnectionClose(e)) => SocketEvent::Close {
            code: e.code,
            reason: e.reason,
            was_clean: e.was_clean,
        },
        Err(WebSocketError::ConnectionError) => SocketEvent::Error,
        Err(WebSocketError::MessageSendError(e)) => SocketEvent::SendFailed {
            reason: e.to_string(),
        },
        Err(e) => SocketEvent::SendFailed {
            reason: e.to_string(),
        },
    }
}
