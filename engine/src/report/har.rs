//! The captured frames as a HAR 1.2 log (F13), the shape Chrome DevTools exports and
//! imports for WebSockets: one entry per session, `_resourceType: "websocket"`, and the
//! frames in `_webSocketMessages` as `{type: "send" | "receive", time, opcode, data}` —
//! `time` in Unix seconds, `opcode` 1 for text and 2 for binary, binary data in base64.
//!
//! The request URL is the session's display URL (token redacted), and every frame's data
//! is redacted again on the way out, with every token the run has used by then — binary
//! frames byte by byte, before base64, since bytes that are not UTF-8 can carry it too.
//!
//! The text is written by hand (`compact::Text`), its keys in the order serde_json's `json!`
//! gave them (sorted), byte for byte what the `serde_json::Value` it replaced serialised to:
//! the tests keep that `Value` version as the reference.

use crate::command::Frame;
use crate::compact::Text;
use crate::datetime::iso8601;
use crate::ids::SessionId;
use crate::run::Run;

/// The request and response of a WebSocket handshake, the same for every entry; the
/// request's `queryString` and `url` follow.
const HANDSHAKE: &str = r#""cache":{},"request":{"bodySize":0,"cookies":[],"headers":[],"headersSize":-1,"httpVersion":"HTTP/1.1","method":"GET","queryString":["#;
const RESPONSE: &str = r#"},"response":{"bodySize":0,"content":{"mimeType":"x-unknown","size":0},"cookies":[],"headers":[],"headersSize":-1,"httpVersion":"HTTP/1.1","redirectURL":"","status":101,"statusText":"Switching Protocols"},"startedDateTime":"#;
const TIMINGS: &str = r#","time":0,"timings":{"blocked":-1,"connect":-1,"dns":-1,"receive":0,"send":0,"ssl":-1,"wait":0}}"#;

impl Run {
    /// The captured frames as a HAR 1.2 JSON document (compact; indented by the page on
    /// download).
    pub fn har(&self) -> String {
        let origin = self.config().time_origin_ms;
        let started = self.started_at().unwrap_or(0.0);
        let mut out = Text::new(r#"{"log":{"creator":{"name":"ws-console","version":"#);
        out.str(env!("CARGO_PKG_VERSION")).raw(r#"},"entries":["#);
        let mut first_entry = true;
        for s in (0..self.session_count() as u32).map(SessionId) {
            let mut frames = self.frames().filter(|f| f.session == s).peekable();
            // A session that never opened a socket has nothing to show.
            let opened = self.timeline(s).next().map(|e| e.t);
            let first_frame = frames.peek().map(|f| f.t);
            if first_frame.is_none() && opened.is_none() {
                continue;
            }
            if !std::mem::replace(&mut first_entry, false) {
                out.raw(",");
            }
            out.raw(r#"{"_resourceType":"websocket","_webSocketMessages":["#);
            for (i, f) in frames.enumerate() {
                let data = match &f.payload {
                    Frame::Text(t) => self.redact(t),
                    Frame::Binary(b) => base64(&self.redactor().redact_bytes(b)),
                };
                out.raw(if i == 0 {
                    r#"{"data":"#
                } else {
                    r#",{"data":"#
                })
                .str(&data)
                .raw(r#","opcode":"#)
                .uint(u64::from(f.opcode()))
                .raw(r#","time":"#)
                .float((origin + f.t) / 1000.0)
                .raw(r#","type":"#)
                .str(f.direction.as_str())
                .raw("}");
            }
            out.raw("],").raw(HANDSHAKE);
            let url = self.display_url(s);
            query(&mut out, &url);
            out.raw(r#"],"url":"#).str(&url).raw(RESPONSE);
            let opened = opened.or(first_frame).unwrap_or(started);
            out.str(&iso8601(origin + opened)).raw(TIMINGS);
        }
        out.raw(r#"],"pages":[],"version":"1.2"}}"#);
        out.done()
    }
}

/// The URL's query as HAR's `queryString` items, `{"name":…,"value":…}`.
fn query(out: &mut Text, url: &str) {
    let params = url.split_once('?').map_or("", |(_, q)| q);
    for (i, p) in params.split('&').filter(|p| !p.is_empty()).enumerate() {
        let (name, value) = p.split_once('=').unwrap_or((p, ""));
        out.raw(if i == 0 {
            r#"{"name":"#
        } else {
            r#",{"name":"#
        })
        .str(name)
        .raw(r#","value":"#)
        .str(value)
        .raw("}");
    }
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

/// The HAR as it was built before it was written by hand: a `serde_json::Value` from `json!`,
/// serialised by serde_json. The reference the tests hold [`Run::har`] to, byte for byte.
#[cfg(test)]
impl Run {
    pub(crate) fn har_by_value(&self) -> String {
        use serde_json::{Value, json};
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
                let opened = self.timeline(s).next().map(|e| e.t);
                if messages.is_empty() && opened.is_none() {
                    return None;
                }
                let first_frame = self.frames().find(|f| f.session == s).map(|f| f.t);
                let opened = opened.or(first_frame).unwrap_or(started);
                let url = self.display_url(s);
                let query: Vec<Value> = url
                    .split_once('?')
                    .map_or("", |(_, q)| q)
                    .split('&')
                    .filter(|p| !p.is_empty())
                    .map(|p| {
                        let (name, value) = p.split_once('=').unwrap_or((p, ""));
                        json!({ "name": name, "value": value })
                    })
                    .collect();
                Some(json!({
                    "startedDateTime": iso8601(origin + opened),
                    "time": 0,
                    "request": {
                        "method": "GET", "url": url, "httpVersion": "HTTP/1.1", "cookies": [],
                        "headers": [], "queryString": query, "headersSize": -1, "bodySize": 0,
                    },
                    "response": {
                        "status": 101, "statusText": "Switching Protocols",
                        "httpVersion": "HTTP/1.1", "cookies": [], "headers": [],
                        "content": { "size": 0, "mimeType": "x-unknown" },
                        "redirectURL": "", "headersSize": -1, "bodySize": 0,
                    },
                    "cache": {},
                    "timings": { "blocked": -1, "dns": -1, "connect": -1, "send": 0, "wait": 0, "receive": 0, "ssl": -1 },
                    "_resourceType": "websocket",
                    "_webSocketMessages": messages,
                }))
            })
            .collect();
        serde_json::to_string(&json!({
            "log": {
                "version": "1.2",
                "creator": { "name": "ws-console", "version": env!("CARGO_PKG_VERSION") },
                "pages": [],
                "entries": entries,
            }
        }))
        .unwrap()
    }
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
        let mut out = Text::new("[");
        query(&mut out, "ws://h/ws?a=1&&flag&token=[redacted]&q=\"x\"");
        let items: serde_json::Value = serde_json::from_str(&(out.done() + "]")).unwrap();
        assert_eq!(
            items,
            serde_json::json!([
                { "name": "a", "value": "1" },
                { "name": "flag", "value": "" },
                { "name": "token", "value": "[redacted]" },
                { "name": "q", "value": "\"x\"" },
            ])
        );
        let mut none = Text::new("");
        query(&mut none, "ws://h/ws");
        assert_eq!(none.done(), "");
    }
}
