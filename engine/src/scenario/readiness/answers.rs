//! Reading what the backend answered: the message probes' replies (or silence), the
//! welcome's shape, an HTTP body's fields, and the URLs the probes use. Pure functions of
//! the frames and texts, so each is tested on its own.

use super::CheckStatus;
use crate::decimal::fixed;
use crate::ids::Millis;

/// An unknown message type may get no answer: silence this long is an answer.
const SILENCE_MS: Millis = 1000.0;
/// How long a message probe waits for its answer.
pub(super) const REPLY_WAIT_MS: Millis = 3000.0;

/// One message probe on the authenticated socket.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Ask {
    Ping,
    Message,
    Unknown,
    Auth,
}

pub(super) const ASKS: [Ask; 4] = [Ask::Ping, Ask::Message, Ask::Unknown, Ask::Auth];

impl Ask {
    pub(super) fn frame(self, token: &str) -> String {
        match self {
            Ask::Ping => r#"{"type":"ping","id":"readiness-ping"}"#.into(),
            Ask::Message => {
                r#"{"type":"message","id":"readiness-message","text":"readiness"}"#.into()
            }
            Ask::Unknown => r#"{"type":"readiness_unknown_type","id":"readiness-unknown"}"#.into(),
            Ask::Auth => crate::run::auth_frame(token),
        }
    }
}

/// What an answer to a probe was.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Answer {
    pub(super) status: CheckStatus,
    pub(super) time_ms: Option<Millis>,
    pub(super) detail: String,
}

/// Reads a frame's `type`, and whether it names `id` (as `id` or `request_id`).
fn parse(text: &str, id: &str) -> (Option<String>, bool) {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
        return (None, false);
    };
    let ty = v.get("type").and_then(|t| t.as_str()).map(str::to_owned);
    let names = ["id", "request_id"]
        .iter()
        .any(|k| v.get(*k).and_then(|x| x.as_str()) == Some(id));
    (ty, names)
}

/// Judges the frames received since `sent` for `ask`; `None` while it may still come.
pub(super) fn judge(
    ask: Ask,
    frames: &[(Millis, String)],
    sent: Millis,
    now: Millis,
) -> Option<Answer> {
    let after = frames.iter().filter(|(t, _)| *t >= sent);
    let id = match ask {
        Ask::Ping => "readiness-ping",
        Ask::Message => "readiness-message",
        Ask::Unknown => "readiness-unknown",
        Ask::Auth => "",
    };
    for (t, text) in after {
        let (ty, names) = parse(text, id);
        let ty = ty.as_deref().unwrap_or("");
        let took = Some(t - sent);
        let ok = |what: String| {
            Some(Answer {
                status: CheckStatus::Pass,
                time_ms: took,
                detail: format!("{what} in {} ms", fixed(t - sent, 1)),
            })
        };
        match ask {
            Ask::Ping if ty == "pong" => return ok("pong".into()),
            Ask::Message if names && ty != "pong" => return ok(format!("{ty} with the id")),
            Ask::Unknown if ty == "error" => return ok("error reply".into()),
            Ask::Auth if ty == "auth_success" => return ok("auth_success".into()),
            Ask::Auth if ty == "auth_error" => {
                return Some(Answer {
                    status: CheckStatus::Fail,
                    time_ms: took,
                    detail: "auth_error: the token was refused in the auth message".into(),
                });
            }
            _ => {}
        }
    }
    let wait = if ask == Ask::Unknown {
        SILENCE_MS
    } else {
        REPLY_WAIT_MS
    };
    (now - sent >= wait).then(|| match ask {
        Ask::Unknown => Answer {
            status: CheckStatus::Pass,
            time_ms: None,
            detail: format!("silence for {} ms (no error, still open)", fixed(wait, 0)),
        },
        _ => Answer {
            status: CheckStatus::Fail,
            time_ms: None,
            detail: format!("no answer within {} ms", fixed(wait, 0)),
        },
    })
}

/// Characters of a body's summary.
const FIELDS_CHARS: usize = 400;

/// A JSON scalar as text (a string without its quotes); a container by its size.
fn scalar(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::String(t) => t.clone(),
        Value::Number(n) => n.as_f64().map_or_else(String::new, |x| {
            fixed(x, if x.fract() == 0.0 { 0 } else { 3 }).to_string()
        }),
        Value::Bool(b) => if *b { "true" } else { "false" }.into(),
        Value::Null => "null".into(),
        Value::Array(a) => format!("[{} items]", a.len()),
        Value::Object(o) => format!("{{{} fields}}", o.len()),
    }
}

/// Appends `items` to `out`, separated by `sep`.
fn push_list<S: AsRef<str>>(out: &mut String, items: impl IntoIterator<Item = S>, sep: &str) {
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(item.as_ref());
    }
}

/// What a body shows, briefly: a JSON object's top-level fields (scalars with their value,
/// objects and arrays with their size), else the text's start; at most [`FIELDS_CHARS`].
pub(super) fn fields(body: &str) -> String {
    let mut text = String::new();
    match serde_json::from_str::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(map)) => push_list(
            &mut text,
            map.iter().map(|(k, v)| format!("{k}: {}", scalar(v))),
            ", ",
        ),
        _ => text.push_str(body),
    }
    match text.char_indices().nth(FIELDS_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// The welcome's shape: `type` `connected`, a user, the capabilities.
pub(super) fn welcome(frames: &[(Millis, String)]) -> Answer {
    let Some((_, first)) = frames.first() else {
        return Answer {
            status: CheckStatus::Fail,
            time_ms: None,
            detail: "no frame after the connection opened".into(),
        };
    };
    let v: serde_json::Value = serde_json::from_str(first).unwrap_or_default();
    let ty = v.get("type").and_then(|t| t.as_str()).unwrap_or("");
    let user = v.get("user").map(|u| scalar(u.get("id").unwrap_or(u)));
    let caps = v.get("capabilities").and_then(|c| c.as_array());
    let mut detail = format!(
        "type {}; user {}; capabilities [",
        if ty.is_empty() { "(none)" } else { ty },
        user.as_deref().unwrap_or("(none)"),
    );
    push_list(&mut detail, caps.into_iter().flatten().map(scalar), ", ");
    detail.push(']');
    let missing = [
        (ty != "connected", "type connected"),
        (user.is_none(), "user"),
        (caps.is_none(), "capabilities"),
    ];
    let mut status = CheckStatus::Pass;
    for (miss, what) in missing {
        if miss {
            detail.push_str(if status == CheckStatus::Pass {
                "; missing: "
            } else {
                ", "
            });
            detail.push_str(what);
            status = CheckStatus::Warn;
        }
    }
    Answer {
        status,
        time_ms: None,
        detail,
    }
}

/// The endpoint's template without the token in it: `token={token}` (or any query pair
/// holding `{token}`) removed, any other `{token}` left empty.
pub(super) fn without_token(template: &str) -> String {
    let (path, query) = template.split_once('?').unwrap_or((template, ""));
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.contains("{token}"))
        .collect();
    let mut url = path.to_owned();
    if !kept.is_empty() {
        url.push('?');
        push_list(&mut url, kept, "&");
    }
    url.replace("{token}", "")
}

/// `u` resolved against the endpoint's origin, as `http(s)` (`web`) or `ws(s)`.
pub(super) fn resolve(u: &str, http_origin: &str, web: bool) -> String {
    let full = if u.starts_with('/') {
        format!("{http_origin}{u}")
    } else {
        u.to_owned()
    };
    let swap = if web {
        [("ws://", "http://"), ("wss://", "https://")]
    } else {
        [("http://", "ws://"), ("https://", "wss://")]
    };
    for (from, to) in swap {
        if let Some(rest) = full.strip_prefix(from) {
            return format!("{to}{rest}");
        }
    }
    full
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_leaves_the_template() {
        assert_eq!(
            without_token("ws://h/api/v1/pam/ws/{user_id}?token={token}&x=1"),
            "ws://h/api/v1/pam/ws/{user_id}?x=1"
        );
        assert_eq!(without_token("ws://h/ws/{token}"), "ws://h/ws/");
        assert_eq!(without_token("ws://h/ws?token={token}"), "ws://h/ws");
        assert_eq!(resolve("/health", "http://h:1", true), "http://h:1/health");
        assert_eq!(resolve("/ws", "https://h", false), "wss://h/ws");
        assert_eq!(resolve("wss://x/s", "http://h", true), "https://x/s");
    }

    #[test]
    fn bodies_show_their_fields_briefly() {
        assert_eq!(
            fields(r#"{"status":"ok","n":3,"up":1.25,"totals":{"a":1,"b":2},"list":[1],"x":null}"#),
            "list: [1 items], n: 3, status: ok, totals: {2 fields}, up: 1.250, x: null"
        );
        assert_eq!(fields("plain text"), "plain text");
        let long = fields(&"x".repeat(5000));
        assert_eq!(long.chars().count(), FIELDS_CHARS + 1);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn answers_are_read_from_the_frames_after_the_ask() {
        let f = |t: Millis, s: &str| (t, s.to_owned());
        let frames = vec![
            f(
                1.0,
                r#"{"type":"connected","user":{"id":"qa"},"capabilities":["ping"]}"#,
            ),
            f(12.0, r#"{"type":"pong","id":"readiness-ping"}"#),
        ];
        let a = judge(Ask::Ping, &frames, 10.0, 12.0).unwrap();
        assert_eq!((a.status, a.time_ms), (CheckStatus::Pass, Some(2.0)));
        assert_eq!(judge(Ask::Message, &frames, 10.0, 20.0), None);
        let late = judge(Ask::Message, &frames, 10.0, 10.0 + 60_000.0).unwrap();
        assert_eq!(late.status, CheckStatus::Fail);
        let quiet = judge(Ask::Unknown, &frames, 10.0, 10.0 + SILENCE_MS).unwrap();
        assert_eq!(quiet.status, CheckStatus::Pass);
        assert!(quiet.detail.contains("silence"));
        let w = welcome(&frames);
        assert_eq!(w.status, CheckStatus::Pass, "{}", w.detail);
        assert!(
            w.detail.contains("user qa;") && w.detail.contains("[ping]"),
            "{}",
            w.detail
        );
        let w = welcome(&[f(1.0, r#"{"type":"hello"}"#)]);
        assert_eq!(w.status, CheckStatus::Warn);
        assert!(
            w.detail
                .contains("missing: type connected, user, capabilities")
        );
    }
}
