//! The captured frames as a HAR 1.2 log (F13), the shape Chrome DevTools exports and
//! imports for WebSockets: one entry per session, `_resourceType: "websocket"`, and the
//! frames in `_webSocketMessages` as `{type: "send" | "receive", time, opcode, data}` —
//! `time` in Unix seconds, `opcode` 1 for text and 2 for binary, binary data in base64.
//!
//! The request URL is the session's display URL (token redacted), and every frame's data
//! is redacted again on the way out, with every token the run has used by then — binary
//! frames byte by byte, before base64, since bytes that are not UTF-8 can carry it too.

use serde_json::{Value, json};

use crate::command::Frame;
use crate::datetime::iso8601;
use crate::ids::SessionId;
use crate::run::Run;

impl Run {
    /// The captured frames as a HAR 1.2 JSON document (compact; indented by the page on
    /// download).
    pub fn har(&self) -> String {
        let origin = self.config().time_origin_ms;
        let started = self.started_at().unwrap_or(0.0);
        let entries: Vec<Value> = (0..self.session_count() as u32)
            .map(SessionId)
            .filter_map(|s| {
                let messages: Vec<Value> = self
                    .frames()
                    .filter(|f| f.session == s)
                    .map(|f| {
                        let data = match &f.payload {
                            Frame::Text(t) => self.redact(t),
                            Frame::Binary(b) => base64(&self.redactor().redact_bytes(b)),
                        };
                        json!({
                            "type": f.direction.as_str(),
                            "time": (origin + f.t) / 1000.0,
                            "opcode": f.opcode(),
                            "data": data,
                        })
                    })
                    .collect();
                // A session that never opened a socket has nothing to show.
                let opened = self.timeline(s).next().map(|e| e.t);
                if messages.is_empty() && opened.is_none() {
                    return None;
                }
                let first_frame = self.frames().find(|f| f.session == s).map(|f| f.t);
                let opened = opened.or(first_frame).unwrap_or(started);
                Some(entry(
                    &self.display_url(s),
                    iso8601(origin + opened),
                    messages,
                ))
            })
            .collect();
        let har = json!({
            "log": {
                "version": "1.2",
                "creator": { "name": "ws-console", "version": env!("CARGO_PKG_VERSION") },
                "pages": [],
                "entries": entries,
            }
        });
        crate::compact::to_json(&har).expect("a JSON value always serialises")
    }
}

fn entry(url: &str, started: String, messages: Vec<Value>) -> Value {
    let query: Vec<Value> = url
        .split_once('?')
        .map(|(_, q)| q)
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            json!({ "name": name, "value": value })
        })
        .collect();
    json!({
        "startedDateTime": started,
        "time": 0,
        "request": {
            "method": "GET",
            "url": url,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": [],
            "queryString": query,
            "headersSize": -1,
            "bodySize": 0,
        },
        "response": {
            "status": 101,
            "statusText": "Switching Protocols",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": [],
            "content": { "size": 0, "mimeType": "x-unknown" },
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": 0,
        },
        "cache": {},
        "timings": { "blocked": -1, "dns": -1, "connect": -1, "send": 0, "wait": 0, "receive": 0, "ssl": -1 },
        "_resourceType": "websocket",
        "_webSocketMessages": messages,
    })
}

/// Standard base64 with padding (RFC 4648), as DevTools writes binary frames.
fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> shift & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
        assert_eq!(base64(&[0xff, 0xfe, 0x00]), "//4A");
    }

    #[test]
    fn query_string_is_listed() {
        let e = entry("ws://h/ws?a=1&token=[redacted]", "x".into(), Vec::new());
        assert_eq!(e["request"]["queryString"][1]["value"], "[redacted]");
        assert_eq!(e["_resourceType"], "websocket");
    }
}
