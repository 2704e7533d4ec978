//! The parsers of form text that both forms use, each written once: what is accepted, and
//! the one sentence the user reads when it is not.
//!
//! Every parser trims what was typed, returns the typed value or the message, and quotes
//! the input (shortened) so the user sees what was read.

use crate::config::MAX_SESSIONS;
use crate::ids::Millis;

/// Quotes user input for a message, shortened so a pasted essay does not become one.
pub(crate) fn quoted(s: &str) -> String {
    let short: String = s.chars().take(40).collect();
    if short.len() < s.len() {
        format!("\"{short}…\"")
    } else {
        format!("\"{short}\"")
    }
}

/// A finite number from `min` to `max`; `what` and `unit` name it in the message.
pub(crate) fn number(s: &str, what: &str, unit: &str, min: f64, max: f64) -> Result<f64, String> {
    let t = s.trim();
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() && (min..=max).contains(&v) => Ok(v),
        _ => Err(format!(
            "{what} must be a number of {unit} from {min} to {max}; got {}",
            quoted(t)
        )),
    }
}

/// Seconds as typed, from `min` to `max`, returned in milliseconds.
pub(crate) fn secs(s: &str, what: &str, min: f64, max: f64) -> Result<Millis, String> {
    number(s, what, "seconds", min, max).map(|v| v * 1000.0)
}

/// A whole number from `min` to `max`.
pub(crate) fn count(s: &str, what: &str, min: u32, max: u32) -> Result<u32, String> {
    let t = s.trim();
    match t.parse::<u32>() {
        Ok(v) if (min..=max).contains(&v) => Ok(v),
        _ => Err(format!(
            "{what} must be a whole number from {min} to {max}; got {}",
            quoted(t)
        )),
    }
}

/// A number of sessions from `min` to [`MAX_SESSIONS`]; above it, the message says why
/// there is a ceiling at all.
pub(crate) fn sessions(s: &str, what: &str, min: u32) -> Result<u32, String> {
    let t = s.trim();
    match t.parse::<i64>() {
        Ok(n) if n > i64::from(MAX_SESSIONS) => Err(format!(
            "At most {MAX_SESSIONS} sessions: Chromium allows about 255 sockets per profile, shared with every tab; got {n}"
        )),
        Ok(n) if n >= i64::from(min) => Ok(n as u32),
        _ => {
            let why = if min > 1 {
                format!(" (this scenario needs at least {min})")
            } else {
                String::new()
            };
            Err(format!(
                "{what} must be a whole number from {min} to {MAX_SESSIONS}{why}; got {}",
                quoted(t)
            ))
        }
    }
}

/// The send interval: 10–60000 ms, or exactly 0 for one message in flight.
pub(crate) fn send_interval(s: &str) -> Result<Millis, String> {
    match s.trim().parse::<f64>() {
        Ok(0.0) => Ok(0.0),
        _ => number(s, "Send interval", "milliseconds", 10.0, 60_000.0).map_err(|e| {
            e.replacen(
                "; got",
                ", or 0 for one message in flight (the next goes when its reply is in); got",
                1,
            )
        }),
    }
}

/// A backoff schedule: seconds separated by commas, each above 0 and at most an hour,
/// returned in milliseconds.
pub(crate) fn schedule(s: &str) -> Result<Vec<Millis>, String> {
    let bad = || {
        format!(
            "Reconnect schedule must be seconds separated by commas, each above 0 and at most 3600, e.g. 1,2,4,8,16; got {}",
            quoted(s.trim())
        )
    };
    let steps = s
        .split(',')
        .map(|p| match p.trim().parse::<f64>() {
            Ok(v) if v.is_finite() && v > 0.0 && v <= 3600.0 => Ok(v * 1000.0),
            _ => Err(bad()),
        })
        .collect::<Result<Vec<_>, _>>()?;
    if steps.is_empty() {
        Err(bad())
    } else {
        Ok(steps)
    }
}

/// Close codes (1000–4999) separated by commas; empty is none.
pub(crate) fn close_codes(s: &str, what: &str) -> Result<Vec<u16>, String> {
    if s.trim().is_empty() {
        return Ok(Vec::new());
    }
    s.split(',')
        .map(|p| match p.trim().parse::<u16>() {
            Ok(c) if (1000..=4999).contains(&c) => Ok(c),
            _ => Err(format!(
                "{what} must be close codes from 1000 to 4999 separated by commas; {} is not one",
                quoted(p.trim())
            )),
        })
        .collect()
}

/// A JSON pointer (RFC 6901): empty, or `/`-separated tokens where `~` is only `~0` or
/// `~1`. Returned trimmed.
pub(crate) fn json_pointer(s: &str, what: &str) -> Result<String, String> {
    let p = s.trim();
    let bad = |why: &str| {
        Err(format!(
            "{what} must be a JSON pointer like /id or /meta/request_id ({why}); got {}",
            quoted(p)
        ))
    };
    if !p.is_empty() && !p.starts_with('/') {
        return bad("it starts with /");
    }
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        if c == '~' && !matches!(chars.next(), Some('0' | '1')) {
            return bad("~ must be written ~0, / must be written ~1");
        }
    }
    Ok(p.to_owned())
}

/// Text that must not be empty, trimmed; `message` says what to enter.
pub(crate) fn required(s: &str, message: &str) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() {
        Err(message.to_owned())
    } else {
        Ok(t.to_owned())
    }
}
