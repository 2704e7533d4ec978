//! The default protocol, as pure functions: text in, request out; facts in, reply out.
//!
//! Nothing here touches a socket or a clock, so every rule of the protocol the console relies on
//! is pinned by plain unit tests, and the session loop in [`crate::session`] only moves frames.

use serde_json::{Value, json};

/// What the server tells clients it can do, in the welcome message.
pub(crate) const CAPABILITIES: [&str; 5] = ["ping", "message", "broadcast", "auth", "binary"];

/// One text frame from a client, understood.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Request {
    /// `{"type":"ping","id":X}`: answered with a pong.
    Ping { id: Value },
    /// `{"type":"message","id":X,…}`: answered with a `chat_response` echoing `body`.
    Message { id: Value, body: Value },
    /// `{"type":"broadcast","id":X,…}`: fanned out to every open session.
    Broadcast { id: Value, body: Value },
    /// `{"type":"auth","token":T}`: first-message authentication.
    Auth { token: Option<String> },
    /// A JSON object whose `type` is missing or not one of the above.
    Unknown { received_type: Value },
    /// Not JSON, or JSON that is not an object.
    Malformed { message: String },
}

impl Request {
    /// Parses one text frame. Never fails: bad input becomes [`Request::Malformed`].
    pub fn parse(text: &str) -> Self {
        let body = match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => map,
            Ok(_) => {
                return Self::Malformed {
                    message: "expected a JSON object".to_owned(),
                };
            }
            Err(e) => {
                return Self::Malformed {
                    message: format!("invalid JSON: {e}"),
                };
            }
        };
        let id = body.get("id").cloned().unwrap_or(Value::Null);
        match body.get("type").and_then(Value::as_str) {
            Some("ping") => Self::Ping { id },
            Some("message") => Self::Message {
                id,
                body: Value::Object(body),
            },
            Some("broadcast") => Self::Broadcast {
                id,
                body: Value::Object(body),
            },
            Some("auth") => Self::Auth {
                token: body.get("token").and_then(Value::as_str).map(str::to_owned),
            },
            _ => Self::Unknown {
                received_type: body.get("type").cloned().unwrap_or(Value::Null),
            },
        }
    }

    /// The name this frame is counted under in the statistics: its `type`, or a
    /// parenthesised marker that no real type uses.
    pub fn stats_key(&self) -> &str {
        match self {
            Self::Ping { .. } => "ping",
            Self::Message { .. } => "message",
            Self::Broadcast { .. } => "broadcast",
            Self::Auth { .. } => "auth",
            Self::Unknown { received_type } => received_type.as_str().unwrap_or("(untyped)"),
            Self::Malformed { .. } => "(malformed)",
        }
    }
}

/// The welcome sent as soon as a session opens.
pub(crate) fn connected(authenticated: bool, user_id: &str, now_ms: u64) -> Value {
    json!({
        "type": "connected",
        "authenticated": authenticated,
        "user": { "id": user_id },
        "capabilities": CAPABILITIES,
        "timestamp": now_ms,
    })
}

pub(crate) fn pong(id: Value, now_ms: u64) -> Value {
    json!({ "type": "pong", "id": id, "timestamp": now_ms })
}

pub(crate) fn chat_response(id: Value, echo: Value, now_ms: u64) -> Value {
    json!({
        "type": "chat_response",
        "id": id,
        "request_id": id,
        "echo": echo,
        "timestamp": now_ms,
    })
}

/// What every open session receives when connection `from` broadcasts `payload`.
pub(crate) fn broadcast(id: Value, from: u64, payload: Value, now_ms: u64) -> Value {
    json!({
        "type": "broadcast",
        "id": id,
        "from": from,
        "payload": payload,
        "timestamp": now_ms,
    })
}

pub(crate) fn auth_success(user_id: &str) -> Value {
    json!({ "type": "auth_success", "user": { "id": user_id } })
}

pub(crate) fn auth_error() -> Value {
    json!({ "type": "auth_error", "reason": "invalid token" })
}

pub(crate) fn malformed_json(message: &str) -> Value {
    json!({ "type": "error", "code": "malformed_json", "message": message })
}

pub(crate) fn unknown_type(received_type: Value) -> Value {
    json!({ "type": "error", "code": "unknown_type", "received_type": received_type })
}

/// The `type` of a reply built above, for counting what was sent.
pub(crate) fn type_of(reply: &Value) -> &str {
    reply
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("(untyped)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ping_keeps_its_id_whatever_its_json_type() {
        assert_eq!(
            Request::parse(r#"{"type":"ping","id":7}"#),
            Request::Ping { id: json!(7) }
        );
        assert_eq!(
            Request::parse(r#"{"type":"ping","id":{"k":[1]}}"#),
            Request::Ping {
                id: json!({"k":[1]})
            }
        );
        assert_eq!(
            Request::parse(r#"{"type":"ping"}"#),
            Request::Ping { id: Value::Null }
        );
    }

    #[test]
    fn message_and_broadcast_carry_the_whole_object() {
        let text = r#"{"type":"message","id":"m1","text":"hi"}"#;
        let Request::Message { id, body } = Request::parse(text) else {
            panic!("not a message");
        };
        assert_eq!(id, json!("m1"));
        assert_eq!(body, serde_json::from_str::<Value>(text).unwrap());

        let r = Request::parse(r#"{"type":"broadcast","n":1}"#);
        assert_eq!(
            r,
            Request::Broadcast {
                id: Value::Null,
                body: json!({"type":"broadcast","n":1})
            }
        );
    }

    #[test]
    fn auth_takes_a_string_token_only() {
        assert_eq!(
            Request::parse(r#"{"type":"auth","token":"t"}"#),
            Request::Auth {
                token: Some("t".into())
            }
        );
        assert_eq!(
            Request::parse(r#"{"type":"auth","token":5}"#),
            Request::Auth { token: None }
        );
    }

    #[test]
    fn not_json_or_not_an_object_is_malformed() {
        for text in ["", "not json", "{\"type\":", "[1,2]", "42", "\"s\"", "null"] {
            let r = Request::parse(text);
            assert!(matches!(r, Request::Malformed { .. }), "{text:?} → {r:?}");
            assert_eq!(r.stats_key(), "(malformed)");
        }
    }

    #[test]
    fn unknown_or_missing_type_is_reported_as_received() {
        let r = Request::parse(r#"{"type":"nope"}"#);
        assert_eq!(
            r,
            Request::Unknown {
                received_type: json!("nope")
            }
        );
        assert_eq!(r.stats_key(), "nope");
        let r = Request::parse(r#"{"id":1}"#);
        assert_eq!(
            r,
            Request::Unknown {
                received_type: Value::Null
            }
        );
        assert_eq!(r.stats_key(), "(untyped)");
        let r = Request::parse(r#"{"type":3}"#);
        assert_eq!(r.stats_key(), "(untyped)");
    }

    #[test]
    fn replies_have_the_documented_shape() {
        let c = connected(true, "u1", 5);
        assert_eq!(c["type"], "connected");
        assert_eq!(c["user"]["id"], "u1");
        assert_eq!(c["capabilities"], json!(CAPABILITIES));
        assert_eq!(c["timestamp"], 5);

        let r = chat_response(json!(3), json!({"type":"message","id":3}), 9);
        assert_eq!(
            (r["id"].clone(), r["request_id"].clone()),
            (json!(3), json!(3))
        );
        assert_eq!(r["echo"]["id"], 3);
        assert_eq!(type_of(&r), "chat_response");

        let b = broadcast(json!("b"), 12, json!({"x":1}), 1);
        assert_eq!(
            (b["from"].clone(), b["payload"]["x"].clone()),
            (json!(12), json!(1))
        );
        assert_eq!(unknown_type(json!("zz"))["received_type"], "zz");
        assert_eq!(malformed_json("m")["code"], "malformed_json");
        assert_eq!(auth_error()["reason"], "invalid token");
        assert_eq!(auth_success("a")["user"]["id"], "a");
        assert_eq!(pong(json!(1), 2)["id"], 1);
    }
}
