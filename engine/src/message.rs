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
        matches!(
            self,
            MessageKind::Pong
                | MessageKind::Ping
                | MessageKind::Connected
                | MessageKind::VisualAction
        )
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

/// A correlation pointer split into its unescaped tokens, once, at configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Pointer {
    raw: String,
    tokens: Vec<String>,
}

impl Pointer {
    /// Parses an RFC 6901 pointer already validated by the configuration.
    pub(crate) fn new(raw: &str) -> Self {
        let tokens = if raw.is_empty() {
            Vec::new()
        } else {
            raw.split('/')
                .skip(1)
                .map(|t| t.replace("~1", "/").replace("~0", "~"))
                .collect()
        };
        Self {
            raw: raw.to_owned(),
            tokens,
        }
    }
}

impl Pointer {
    /// The pointer's unescaped tokens (`/a~1b/id` → `["a/b", "id"]`), for an adapter that
    /// reads the id of a frame too big to hand over whole.
    pub(crate) fn tokens(&self) -> &[String] {
        &self.tokens
    }

    /// The key under a one-token pointer (`/id`), found by scanning the start of a frame
    /// too large to parse: `"id"`, a colon, then a string without escapes or a number.
    /// Deeper pointers find nothing here.
    pub(crate) fn scan_prefix(&self, prefix: &str) -> Option<u64> {
        let [name] = self.tokens.as_slice() else {
            return None;
        };
        let needle = format!("\"{name}\"");
        let mut from = 0;
        while let Some(at) = prefix[from..].find(&needle) {
            let rest = prefix[from + at + needle.len()..].trim_start();
            from += at + needle.len();
            let Some(value) = rest.strip_prefix(':').map(str::trim_start) else {
                continue;
            };
            if let Some(s) = value.strip_prefix('"') {
                let end = s.find('"')?;
                let v = &s[..end];
                return (!v.contains('\\')).then(|| key_of_str(v));
            }
            let digits: &str = &value[..value
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(value.len())];
            return digits.parse::<u64>().ok();
        }
        None
    }
}

/// Classifies `text`. `pointer` locates the correlation id, `pong_type` is the pong's `type`.
///
/// The usual message — a JSON object — is read in one streaming pass that keeps only the
/// `type`, the top-level `id` and the value under the pointer, and skips the rest without
/// building a tree or allocating (P6). Anything else takes the general path.
pub(crate) fn classify(text: &str, pointer: &Pointer, pong_type: &str) -> Incoming {
    if !pointer.tokens.is_empty() && text.trim_start().starts_with('{') {
        let mut de = serde_json::Deserializer::from_str(text);
        let seed = fast::Top {
            path: &pointer.tokens,
            pong_type,
        };
        return match serde::de::DeserializeSeed::deserialize(seed, &mut de)
            .and_then(|i| de.end().map(|()| i))
        {
            Ok(i) => i,
            Err(_) => Incoming {
                kind: MessageKind::NotJson,
                key: None,
                id_key: None,
            },
        };
    }
    classify_value(text, &pointer.raw, pong_type)
}

/// The general path: a full `serde_json::Value`.
fn classify_value(text: &str, pointer: &str, pong_type: &str) -> Incoming {
    let Ok(v) = serde_json::from_str::<Value>(text) else {
        return Incoming {
            kind: MessageKind::NotJson,
            key: None,
            id_key: None,
        };
    };
    let kind = v
        .get("type")
        .and_then(Value::as_str)
        .map_or(MessageKind::Other, |t| kind_of(t, pong_type));
    let key = v.pointer(pointer).and_then(key_of);
    let id_key = if pointer == "/id" {
        key
    } else {
        v.get("id").and_then(key_of)
    };
    Incoming { kind, key, id_key }
}

fn kind_of(t: &str, pong_type: &str) -> MessageKind {
    match t {
        t if t == pong_type => MessageKind::Pong,
        "ping" => MessageKind::Ping,
        "connected" | "connection" => MessageKind::Connected,
        "visual_action" => MessageKind::VisualAction,
        "auth_success" => MessageKind::AuthSuccess,
        "auth_error" => MessageKind::AuthError,
        "error" => MessageKind::Error,
        "message" => MessageKind::Message,
        "chat_response" => MessageKind::ChatResponse,
        "broadcast" => MessageKind::Broadcast,
        _ => MessageKind::Other,
    }
}

/// Streaming extraction with serde seeds: no tree, no allocation for skipped values.
mod fast {
    use std::fmt;

    use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

    use super::{Incoming, MessageKind, hash_str, key_of_str, kind_of};

    /// The top-level object.
    pub(super) struct Top<'a> {
        pub path: &'a [String],
        pub pong_type: &'a str,
    }

    impl<'de> DeserializeSeed<'de> for Top<'_> {
        type Value = Incoming;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Incoming, D::Error> {
            d.deserialize_map(self)
        }
    }

    impl<'de> Visitor<'de> for Top<'_> {
        type Value = Incoming;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Incoming, A::Error> {
            let mut out = Incoming {
                kind: MessageKind::Other,
                key: None,
                id_key: None,
            };
            let head = self.path[0].as_str();
            let rest = &self.path[1..];
            // Duplicate keys: the last one wins, as in `serde_json::Value`.
            while let Some(k) = map.next_key_seed(KeyName(head))? {
                match k {
                    Key::Type => {
                        let here = if head == "type" { rest } else { &[] };
                        let seen = map.next_value_seed(Path {
                            rest: here,
                            pong_type: Some(self.pong_type),
                        })?;
                        out.kind = seen.kind;
                        if head == "type" {
                            out.key = seen.at_path;
                        }
                    }
                    Key::Id => {
                        let here = if head == "id" { rest } else { &[] };
                        let seen = map.next_value_seed(Path {
                            rest: here,
                            pong_type: None,
                        })?;
                        out.id_key = seen.own_key;
                        if head == "id" {
                            out.key = seen.at_path;
                        }
                    }
                    Key::Other(true) => {
                        out.key = map
                            .next_value_seed(Path {
                                rest,
                                pong_type: None,
                            })?
                            .at_path
                    }
                    Key::Other(false) => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(out)
        }
    }

    /// A key: `type`, `id`, or other (and whether it is the pointer's next token).
    enum Key {
        Type,
        Id,
        Other(bool),
    }

    /// Reads a key without allocating, comparing it with the pointer's next token.
    struct KeyName<'a>(&'a str);

    impl<'de> DeserializeSeed<'de> for KeyName<'_> {
        type Value = Key;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
            d.deserialize_str(self)
        }
    }

    impl<'de> Visitor<'de> for KeyName<'_> {
        type Value = Key;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a key")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key, E> {
            Ok(match v {
                "type" => Key::Type,
                "id" => Key::Id,
                other => Key::Other(other == self.0),
            })
        }
    }

    /// What one value yields: the key at the rest of the pointer, its own key (if it is a
    /// string or number), and its kind (if it is a string and `pong_type` is set).
    struct Seen {
        at_path: Option<u64>,
        own_key: Option<u64>,
        kind: MessageKind,
    }

    impl Seen {
        const NOTHING: Seen = Seen {
            at_path: None,
            own_key: None,
            kind: MessageKind::Other,
        };
    }

    /// Walks the rest of the pointer inside one value.
    struct Path<'a> {
        rest: &'a [String],
        pong_type: Option<&'a str>,
    }

    impl Path<'_> {
        fn scalar(&self, key: u64) -> Seen {
            Seen {
                at_path: self.rest.is_empty().then_some(key),
                own_key: Some(key),
                kind: MessageKind::Other,
            }
        }
    }

    impl<'de> DeserializeSeed<'de> for Path<'_> {
        type Value = Seen;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Seen, D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Path<'_> {
        type Value = Seen;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_u64<E>(self, v: u64) -> Result<Seen, E> {
            Ok(self.scalar(v))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Seen, E> {
            Ok(self.scalar(if v >= 0 {
                v as u64
            } else {
                hash_str(&(v as f64).to_string())
            }))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Seen, E> {
            Ok(self.scalar(hash_str(&v.to_string())))
        }
        fn visit_str<E>(self, v: &str) -> Result<Seen, E> {
            let mut seen = self.scalar(key_of_str(v));
            if let Some(pong_type) = self.pong_type {
                seen.kind = kind_of(v, pong_type);
            }
            Ok(seen)
        }
        fn visit_bool<E>(self, _: bool) -> Result<Seen, E> {
            Ok(Seen::NOTHING)
        }
        fn visit_unit<E>(self) -> Result<Seen, E> {
            Ok(Seen::NOTHING)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Seen, A::Error> {
            let mut at_path = None;
            let (head, rest) = match self.rest.split_first() {
                Some((h, r)) => (Some(h.as_str()), r),
                None => (None, &[][..]),
            };
            while let Some(k) = map.next_key_seed(KeyName(head.unwrap_or("")))? {
                let is_head = match (head, k) {
                    (None, _) => false,
                    (Some(_), Key::Other(eq)) => eq,
                    (Some(h), Key::Type) => h == "type",
                    (Some(h), Key::Id) => h == "id",
                };
                if is_head {
                    at_path = map
                        .next_value_seed(Path {
                            rest,
                            pong_type: None,
                        })?
                        .at_path;
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(Seen {
                at_path,
                ..Seen::NOTHING
            })
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Seen, A::Error> {
            let index = self.rest.first().and_then(|h| canonical_index(h));
            let mut at_path = None;
            let mut i = 0usize;
            loop {
                if Some(i) == index {
                    match seq.next_element_seed(Path {
                        rest: &self.rest[1..],
                        pong_type: None,
                    })? {
                        Some(v) => at_path = v.at_path,
                        None => break,
                    }
                } else if seq.next_element::<IgnoredAny>()?.is_none() {
                    break;
                }
                i += 1;
            }
            Ok(Seen {
                at_path,
                ..Seen::NOTHING
            })
        }
    }

    /// RFC 6901 array index: `0` or digits without a leading zero.
    fn canonical_index(s: &str) -> Option<usize> {
        let ok = !s.is_empty()
            && s.bytes().all(|b| b.is_ascii_digit())
            && (s == "0" || !s.starts_with('0'));
        if ok { s.parse().ok() } else { None }
    }
}

/// The correlation key of a JSON value: numbers and numeric strings are themselves,
/// other strings are hashed; anything else has no key.
pub(crate) fn key_of(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().map(|f| hash_str(&f.to_string()))),
        Value::String(s) => Some(key_of_str(s)),
        _ => None,
    }
}

/// Key of an id written as a string.
pub(crate) fn key_of_str(s: &str) -> u64 {
    // Only the canonical form: "042" is not the id 42 the engine sent.
    let canonical = !s.is_empty() && s.len() <= 19 && !(s.len() > 1 && s.starts_with('0'));
    if canonical
        && s.bytes().all(|b| b.is_ascii_digit())
        && let Ok(n) = s.parse::<u64>()
    {
        return n;
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

    fn cl(text: &str, pointer: &str, pong_type: &str) -> Incoming {
        let fast = classify(text, &Pointer::new(pointer), pong_type);
        assert_eq!(
            fast,
            classify_value(text, pointer, pong_type),
            "{text} at {pointer}"
        );
        fast
    }

    fn c(text: &str) -> Incoming {
        cl(text, "/id", "pong")
    }

    #[test]
    fn kinds_by_type() {
        assert_eq!(c(r#"{"type":"pong","id":"3"}"#).kind, MessageKind::Pong);
        assert_eq!(
            c(r#"{"type":"connected","authenticated":true}"#).kind,
            MessageKind::Connected
        );
        assert_eq!(c(r#"{"type":"connection"}"#).kind, MessageKind::Connected);
        assert_eq!(
            c(r#"{"type":"chat_response","id":"1"}"#).kind,
            MessageKind::ChatResponse
        );
        assert_eq!(c(r#"{"type":"auth_error"}"#).kind, MessageKind::AuthError);
        assert_eq!(c(r#"{"type":"weird"}"#).kind, MessageKind::Other);
        assert_eq!(c(r#"[1,2]"#).kind, MessageKind::Other);
        assert_eq!(c("hello").kind, MessageKind::NotJson);
        assert_eq!(cl(r#"{"type":"hb"}"#, "/id", "hb").kind, MessageKind::Pong);
        assert!(MessageKind::VisualAction.is_noise() && !MessageKind::ChatResponse.is_noise());
    }

    #[test]
    fn an_id_is_found_at_the_start_of_a_frame_too_big_to_parse() {
        let p = Pointer::new("/id");
        assert_eq!(
            p.scan_prefix(r#"{"type":"x","id" : "1000000007","data":"xxxx"#),
            Some(1_000_000_007)
        );
        assert_eq!(p.scan_prefix(r#"{"id":42,"data":"#), Some(42));
        assert_eq!(
            p.scan_prefix(r#"{"id":"srv-9","d"#),
            Some(key_of_str("srv-9"))
        );
        // A key that merely ends in "id", a name without a colon, an escaped or cut value.
        assert_eq!(p.scan_prefix(r#"{"uid":5,"data":"#), None);
        assert_eq!(p.scan_prefix(r#"{"text":"id","id":6}"#), Some(6));
        assert_eq!(p.scan_prefix(r#"{"id":"a\"b"}"#), None);
        assert_eq!(p.scan_prefix(r#"{"id":"10000"#), None);
        assert_eq!(Pointer::new("/a/id").scan_prefix(r#"{"a":{"id":1}}"#), None);
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
        let i = cl(
            r#"{"type":"chat_response","id":"srv-9","request_id":"7"}"#,
            "/request_id",
            "pong",
        );
        assert_eq!(i.key, Some(7));
        assert_eq!(i.id_key, Some(key_of_str("srv-9")));
        let nested = cl(r#"{"meta":{"rid":[5,"8"]}}"#, "/meta/rid/1", "pong");
        assert_eq!(nested.key, Some(8));
    }

    #[test]
    fn streaming_path_agrees_with_the_tree_path() {
        let texts = [
            r#"{"type":"chat_response","id":"1","request_id":"1","seq":3,"text":"hello","nested":{"a":[1,2,{"b":null}]}}"#,
            r#"{"id":-5}"#,
            r#"{"id":1e3}"#,
            r#"{"id":18446744073709551615}"#,
            r#"{"id":"x\"y","type":"pong"}"#,
            r#"{"type":{"nested":true},"id":[1]}"#,
            r#"{"type":null,"id":true}"#,
            r#"{"id":"1","id":"2"}"#,
            r#"{"meta":{"rid":1},"meta":{"rid":2}}"#,
            r#"{"a/b":{"~":"7"}}"#,
            r#"{"":{"":"9"}}"#,
            r#"{"meta":[0,1,2,{"rid":"4"}]}"#,
            r#"  {"type":"message"}  "#,
            r#"{"type":"message"} trailing"#,
            r#"{"type":"message""#,
            r#"{}"#,
            "[1,2]",
            "\"str\"",
            "42",
        ];
        let pointers = [
            "/id",
            "/request_id",
            "/meta/rid",
            "/meta/3/rid",
            "/meta/03",
            "/a~1b/~0",
            "/",
            "//",
            "/type",
            "/id/0",
            "",
        ];
        for t in texts {
            for p in pointers {
                for pong in ["pong", "message"] {
                    cl(t, p, pong);
                }
            }
        }
    }

    fn json() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            (0u64..100).prop_map(Value::from),
            prop::sample::select(vec!["1", "42", "042", "pong", "ping", "message", "x"])
                .prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            let key =
                prop::sample::select(vec!["id", "type", "request_id", "meta", "rid", "0", "a"]);
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec((key, inner), 0..6).prop_map(|kv| Value::Object(
                    kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
                )),
            ]
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 512, ..Default::default() })]
        #[test]
        fn streaming_path_agrees_on_random_json(v in json(), p in proptest::sample::select(vec!["/id", "/request_id", "/meta/rid", "/meta/0", "/0/id", "/type"])) {
            cl(&v.to_string(), p, "pong");
        }
    }
}
