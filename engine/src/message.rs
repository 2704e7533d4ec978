//! Classifying incoming text (F4, F5): what kind of message it is and which request it
//! answers.
//!
//! A correlation key is a `u64`: the engine's own ids are decimal numbers, so a reply
//! carrying `"42"` or `42` maps to key 42; any other string is hashed (FNV-1a, top bit set
//! so it can never equal an engine id). That keeps the pending, duplicate and lost maps
//! small and hash-only (F4).

use serde_json::Value;

/// What an incoming message is, by its `type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MessageKind {
    /// Not JSON.
    NotJson,
    /// A pong (the configured pong type).
    Pong,
    /// A ping (e.g. our own, echoed).
    Ping,
    /// `connected` / `connection` greeting.
    Connected,
    /// `visual_action`.
    VisualAction,
    /// `auth_success`.
    AuthSuccess,
    /// `auth_error`.
    AuthError,
    /// `error`.
    Error,
    /// `message`.
    Message,
    /// `chat_response`.
    ChatResponse,
    /// `broadcast`.
    Broadcast,
    /// Any other type, or none.
    Other,
}

impl MessageKind {
    /// Chatter that is counted but not logged by default (F5).
    pub fn is_noise(self) -> bool {
        matches!(self, MessageKind::Pong | MessageKind::Ping | MessageKind::Connected | MessageKind::VisualAction)
    }

    /// CSS-friendly name.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::NotJson => "not-json",
            MessageKind::Pong => "pong",
            MessageKind::Ping => "ping",
            MessageKind::Connected => "connected",
            MessageKind::VisualAction => "visual-action",
            MessageKind::AuthSuccess => "auth-success",
            MessageKind::AuthError => "auth-error",
            MessageKind::Error => "error",
            MessageKind::Message => "message",
            MessageKind::ChatResponse => "chat-response",
            MessageKind::Broadcast => "broadcast",
            MessageKind::Other => "other",
        }
    }
}

/// The facts the engine needs from one incoming text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Incoming {
    pub kind: MessageKind,
    /// Key of the value at the correlation pointer.
    pub key: Option<u64>,
    /// Key of the top-level `id` (how a ping's echo is recognised).
    pub id_key: Option<u64>,
}

/// Classifies `text`; `pointer` is the correlation pointer, `pong_type` the pong's `type`.
pub(crate) fn classify(text: &str, pointer: &str, pong_type: &str) -> Incoming {
    let Ok(v) = serde_json::from_str::<Value>(text) else {
        return Incoming { kind: MessageKind::NotJson, key: None, id_key: None };
    };
    let kind = match v.get("type").and_then(Value::as_str) {
        Some(t) if t == pong_type => MessageKind::Pong,
        Some("ping") => MessageKind::Ping,
        Some("connected" | "connection") => MessageKind::Connected,
        Some("visual_action") => MessageKind::VisualAction,
        Some("auth_success") => MessageKind::AuthSuccess,
        Some("auth_error") => MessageKind::AuthError,
        Some("error") => MessageKind::Error,
        Some("message") => MessageKind::Message,
        Some("chat_response") => MessageKind::ChatResponse,
        Some("broadcast") => MessageKind::Broadcast,
        _ => MessageKind::Other,
    };
    let key = v.pointer(pointer).and_then(key_of);
    let id_key = if pointer == "/id" { key } else { v.get("id").and_then(key_of) };
    Incoming { kind, key, id_key }
}

/// The correlation key of a JSON value: numbers and numeric strings are themselves,
/// other strings are hashed; anything else has no key.
pub(crate) fn key_of(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().map(|f| hash_str(&f.to_string()))),
        Value::String(s) => Some(key_of_str(s)),
        _ => None,
    }
}

/// Key of an id written as a string.
pub(crate) fn key_of_str(s: &str) -> u64 {
    // Only the canonical form: "042" is not the id 42 the engine sent.
    let canonical = !s.is_empty() && s.len() <= 19 && !(s.len() > 1 && s.starts_with('0'));
    if canonical && s.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = s.parse::<u64>() {
            return n;
        }
    }
    hash_str(s)
}

fn hash_str(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h | (1 << 63)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(text: &str) -> Incoming {
        classify(text, "/id", "pong")
    }

    #[test]
    fn kinds_by_type() {
        assert_eq!(c(r#"{"type":"pong","id":"3"}"#).kind, MessageKind::Pong);
        assert_eq!(c(r#"{"type":"connected","authenticated":true}"#).kind, MessageKind::Connected);
        assert_eq!(c(r#"{"type":"connection"}"#).kind, MessageKind::Connected);
        assert_eq!(c(r#"{"type":"chat_response","id":"1"}"#).kind, MessageKind::ChatResponse);
        assert_eq!(c(r#"{"type":"auth_error"}"#).kind, MessageKind::AuthError);
        assert_eq!(c(r#"{"type":"weird"}"#).kind, MessageKind::Other);
        assert_eq!(c(r#"[1,2]"#).kind, MessageKind::Other);
        assert_eq!(c("hello").kind, MessageKind::NotJson);
        assert_eq!(classify(r#"{"type":"hb"}"#, "/id", "hb").kind, MessageKind::Pong);
        assert!(MessageKind::VisualAction.is_noise() && !MessageKind::ChatResponse.is_noise());
    }

    #[test]
    fn keys_from_strings_and_numbers_agree() {
        assert_eq!(c(r#"{"id":"42"}"#).key, Some(42));
        assert_eq!(c(r#"{"id":42}"#).key, Some(42));
        let h = c(r#"{"id":"abc"}"#).key.unwrap();
        assert!(h >= 1 << 63);
        assert_eq!(c(r#"{"id":"abc"}"#).key, Some(h));
        assert_eq!(c(r#"{"id":null}"#).key, None);
        assert_eq!(c(r#"{"x":1}"#).key, None);
        assert_ne!(c(r#"{"id":1.5}"#).key, None);
        assert_ne!(c(r#"{"id":"042"}"#).key, c(r#"{"id":"43"}"#).key);
    }

    #[test]
    fn custom_pointer_and_top_level_id() {
        let i = classify(r#"{"type":"chat_response","id":"srv-9","request_id":"7"}"#, "/request_id", "pong");
        assert_eq!(i.key, Some(7));
        assert_eq!(i.id_key, Some(key_of_str("srv-9")));
        let nested = classify(r#"{"meta":{"rid":[5,"8"]}}"#, "/meta/rid/1", "pong");
        assert_eq!(nested.key, Some(8));
    }
}
