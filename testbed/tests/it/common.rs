//! Helpers shared by the integration tests: start a server, connect, read with a deadline,
//! and a minimal HTTP client (HTTP/1.0, read to EOF) so the tests need no HTTP client crate.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use testbed::{Options, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

/// The longest any single wait in a test may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(10);

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Options for a server on a free local port.
pub fn options() -> Options {
    Options {
        addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        ..Options::default()
    }
}

pub async fn start(opts: Options) -> Server {
    testbed::start(opts).await.expect("testbed starts")
}

/// Runs `fut`, failing the test if it takes longer than [`DEADLINE`].
pub async fn within<T>(what: &str, fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(DEADLINE, fut)
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}

/// Opens a WebSocket to `path` (which may carry a query string).
pub async fn connect(addr: SocketAddr, path: &str) -> Ws {
    try_connect(addr, path).await.expect("handshake succeeds")
}

/// Attempts a handshake; a refusal gives the HTTP status and body instead of a socket.
pub async fn try_connect(addr: SocketAddr, path: &str) -> Result<Ws, (u16, String)> {
    try_connect_from(addr, path, None).await
}

/// A handshake at `path` that must be refused with HTTP 400; returns the response's body.
pub async fn refused_with_400(addr: SocketAddr, path: &str) -> String {
    match try_connect(addr, path).await {
        Ok(_) => panic!("{path}: the handshake succeeded"),
        Err((status, body)) => {
            assert_eq!(status, 400, "{path}: {body}");
            body
        }
    }
}

/// Attempts a handshake as a browser page of `origin` would (`Origin` header), or as a
/// non-browser client when `None`.
pub async fn try_connect_from(
    addr: SocketAddr,
    path: &str,
    origin: Option<&str>,
) -> Result<Ws, (u16, String)> {
    let mut request = format!("ws://{addr}{path}").into_client_request().unwrap();
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("origin", HeaderValue::from_str(origin).unwrap());
    }
    match within("handshake", connect_async(request)).await {
        Ok((ws, _)) => Ok(ws),
        Err(tungstenite::Error::Http(response)) => {
            let body = response.body().as_deref().unwrap_or_default();
            Err((
                response.status().as_u16(),
                String::from_utf8_lossy(body).into_owned(),
            ))
        }
        Err(e) => panic!("handshake failed: {e}"),
    }
}

/// Opens a WebSocket offering `protocols`; returns it with the protocol the server chose.
pub async fn connect_with_protocols(
    addr: SocketAddr,
    path: &str,
    protocols: &str,
) -> (Ws, Option<String>) {
    let mut request = format!("ws://{addr}{path}").into_client_request().unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_str(protocols).unwrap(),
    );
    let (ws, response) = within("handshake", connect_async(request))
        .await
        .expect("handshake succeeds");
    let chosen = response
        .headers()
        .get("sec-websocket-protocol")
        .map(|v| v.to_str().unwrap().to_owned());
    (ws, chosen)
}

/// Opens a WebSocket and returns it with its `connected` welcome.
pub async fn connect_welcomed(addr: SocketAddr, path: &str) -> (Ws, Value) {
    let mut ws = connect(addr, path).await;
    let welcome = next_json(&mut ws).await;
    assert_eq!(welcome["type"], "connected", "{welcome}");
    (ws, welcome)
}

/// A server started with `opts`, and a client on `path` past its welcome (checked, then let
/// go): how most tests begin.
pub async fn serve_welcomed(opts: Options, path: &str) -> (Server, Ws) {
    let server = start(opts).await;
    let (ws, _) = connect_welcomed(server.local_addr(), path).await;
    (server, ws)
}

/// Closes `ws` from the client side, then stops `server`: how most tests end.
pub async fn close_and_stop(ws: Ws, server: Server) {
    close(ws).await;
    server.shutdown().await;
}

/// The next data or close frame (control frames are skipped; the client answers pings).
pub async fn next_frame(ws: &mut Ws) -> Message {
    within("a frame", async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                Some(Ok(frame)) => return frame,
                other => panic!("connection ended instead of a frame: {other:?}"),
            }
        }
    })
    .await
}

/// The next frame, which must be a text frame holding JSON.
pub async fn next_json(ws: &mut Ws) -> Value {
    match next_frame(ws).await {
        Message::Text(text) => serde_json::from_str(text.as_str()).expect("server sends JSON"),
        other => panic!("expected a text frame, got {other:?}"),
    }
}

pub async fn send_json(ws: &mut Ws, value: &Value) {
    ws.send(Message::text(value.to_string()))
        .await
        .expect("send");
}

/// Sends `request` and returns the server's JSON answer.
pub async fn request(ws: &mut Ws, request: &Value) -> Value {
    send_json(ws, request).await;
    next_json(ws).await
}

/// Closes from the client side with 1000 and waits for the server's answer.
pub async fn close(mut ws: Ws) {
    within("close handshake", async {
        let normal = CloseFrame {
            code: CloseCode::Normal,
            reason: "done".into(),
        };
        ws.close(Some(normal)).await.expect("close");
        while let Some(Ok(_)) = ws.next().await {}
    })
    .await;
}

/// The close frame the server sends next: `(code, reason)`.
pub async fn expect_close(ws: &mut Ws) -> (u16, String) {
    match next_frame(ws).await {
        Message::Close(Some(frame)) => (frame.code.into(), frame.reason.as_str().to_owned()),
        other => panic!("expected a close frame, got {other:?}"),
    }
}

/// Waits for the connection to end without a close frame: what a browser reports as 1006.
pub async fn expect_dropped(ws: &mut Ws) {
    within("the connection to drop", async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                Some(Ok(frame)) => panic!("expected a drop, got {frame:?}"),
                Some(Err(_)) | None => return,
            }
        }
    })
    .await;
}

/// A parsed HTTP response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }
}

/// `GET path` over a fresh connection.
pub async fn get(addr: SocketAddr, path: &str) -> Response {
    http(addr, "GET", path, &[]).await
}

/// `POST path` with an empty body over a fresh connection.
pub async fn post(addr: SocketAddr, path: &str) -> Response {
    http(addr, "POST", path, &[]).await
}

/// `method path` with extra `headers` and an empty body, over a fresh connection.
/// HTTP/1.0 so the body of the answer runs to EOF (no chunking).
pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> Response {
    http_with_body(addr, method, path, headers, "").await
}

/// As [`http`], sending `body`.
pub async fn http_with_body(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Response {
    within("an HTTP response", async {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        let extra: String = headers
            .iter()
            .map(|(n, v)| format!("{n}: {v}\r\n"))
            .collect();
        let len = body.len();
        let request = format!(
            "{method} {path} HTTP/1.0\r\nHost: {addr}\r\nContent-Length: {len}\r\n{extra}\r\n{body}"
        );
        stream.write_all(request.as_bytes()).await.expect("write");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.expect("read");
        parse_response(&raw)
    })
    .await
}

fn parse_response(raw: &[u8]) -> Response {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = std::str::from_utf8(&raw[..split]).expect("ASCII head");
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Response {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

pub async fn stats(addr: SocketAddr) -> Value {
    let response = get(addr, "/api/ws/stats").await;
    assert_eq!(response.status, 200);
    response.json()
}

/// Polls `/api/ws/stats` until `ready` holds, and returns that snapshot.
pub async fn stats_when(addr: SocketAddr, what: &str, ready: impl Fn(&Value) -> bool) -> Value {
    within(what, async {
        loop {
            let s = stats(addr).await;
            if ready(&s) {
                return s;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
}
