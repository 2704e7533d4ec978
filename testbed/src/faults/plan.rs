//! Reading one connection's faults from its URL query.
//!
//! Pure parsing, so every rule about what a parameter accepts is a unit test. A bad value is an
//! error naming the parameter (HTTP 400 before the upgrade): a test that asked for a fault and
//! silently got none would pass for the wrong reason.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use super::ParamError;

/// Longest reply delay and jitter accepted, in ms (five minutes: well past any reply timeout).
const MAX_DELAY_MS: u64 = 300_000;
/// Latest a scheduled close may be, in ms (a day).
const MAX_CLOSE_AFTER_MS: u64 = 86_400_000;
/// Close code used when only `close_after_ms` is given.
const DEFAULT_CLOSE_CODE: u16 = 1000;

/// The extra delay a `message` asks for with `"delay_ms": D` (a whole number, at most
/// [`MAX_DELAY_MS`]; anything else asks for none). Per message rather than per connection,
/// so one test can make some messages slow and others not — e.g. one agent of several
/// cycled by the console's template.
pub(crate) fn requested_delay(body: &serde_json::Value) -> Duration {
    let ms = body["delay_ms"].as_u64().filter(|d| *d <= MAX_DELAY_MS);
    Duration::from_millis(ms.unwrap_or(0))
}

/// A close the server starts by itself, `after` the connection opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ScheduledClose {
    pub code: u16,
    pub after: Duration,
}

/// The faults that apply to one connection. The default is no fault at all.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct FaultPlan {
    /// Per received data frame: drop the TCP connection instead of answering.
    pub drop_rate: f64,
    /// Per reply: do not send it.
    pub loss_rate: f64,
    /// Per reply: send it twice.
    pub dup_rate: f64,
    /// Every reply waits this long…
    pub delay: Duration,
    /// …plus a uniform 0..=`jitter_ms` ms.
    pub jitter_ms: u64,
    /// Answer only the first N data frames.
    pub stop_after: Option<u64>,
    pub close: Option<ScheduledClose>,
    /// Seeds the connection's random draws; `None` derives it from the connection id.
    pub seed: Option<u64>,
}

impl FaultPlan {
    /// The plan for a connection opened with `query`. When fault injection is off the query is
    /// not even looked at, so fault parameters are ignored rather than refused.
    pub fn for_connection(
        enabled: bool,
        query: &HashMap<String, String>,
    ) -> Result<Self, ParamError> {
        if !enabled {
            return Ok(Self::default());
        }
        let close_code = parse::<u16>(query, "close_code", "a close code")?;
        if let Some(code) = close_code
            && !sendable_close_code(code)
        {
            return Err(ParamError::new(
                "close_code",
                format!(
                    "close_code must be a code a server may send (1000-1003, 1007-1014, \
                     3000-4999), got {code}"
                ),
            ));
        }
        let close_after = millis(query, "close_after_ms", MAX_CLOSE_AFTER_MS)?;
        let close = (close_code.is_some() || close_after.is_some()).then(|| ScheduledClose {
            code: close_code.unwrap_or(DEFAULT_CLOSE_CODE),
            after: Duration::from_millis(close_after.unwrap_or(0)),
        });
        Ok(Self {
            drop_rate: rate(query, "drop_rate")?,
            loss_rate: rate(query, "loss_rate")?,
            dup_rate: rate(query, "dup_rate")?,
            delay: Duration::from_millis(millis(query, "delay_ms", MAX_DELAY_MS)?.unwrap_or(0)),
            jitter_ms: millis(query, "jitter_ms", MAX_DELAY_MS)?.unwrap_or(0),
            stop_after: parse(query, "stop_after", "a whole number")?,
            close,
            seed: parse(query, "seed", "a whole number")?,
        })
    }
}

/// Codes a server may put in a close frame (RFC 6455 §7.4: 1004-1006 and 1015 are reserved).
fn sendable_close_code(code: u16) -> bool {
    matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999)
}

/// `name` parsed as `T`, or `None` when absent.
pub(crate) fn parse<T: FromStr>(
    query: &HashMap<String, String>,
    name: &'static str,
    expected: &str,
) -> Result<Option<T>, ParamError> {
    let Some(raw) = query.get(name) else {
        return Ok(None);
    };
    raw.trim().parse().map(Some).map_err(|_| {
        ParamError::new(
            name,
            format!("{name} must be {expected}, got {:?}", shorten(raw)),
        )
    })
}

/// A probability: 0 when absent, otherwise a number from 0 to 1.
fn rate(query: &HashMap<String, String>, name: &'static str) -> Result<f64, ParamError> {
    let expected = "a number from 0 to 1";
    let p = parse::<f64>(query, name, expected)?.unwrap_or(0.0);
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(ParamError::new(
            name,
            format!("{name} must be {expected}, got {p}"),
        ))
    }
}

/// A whole number of milliseconds, at most `max`.
fn millis(
    query: &HashMap<String, String>,
    name: &'static str,
    max: u64,
) -> Result<Option<u64>, ParamError> {
    let expected = format!("a whole number of milliseconds up to {max}");
    match parse::<u64>(query, name, &expected)? {
        Some(ms) if ms > max => Err(ParamError::new(
            name,
            format!("{name} must be {expected}, got {ms}"),
        )),
        other => Ok(other),
    }
}

/// Client input echoed in an error message, cut so a huge value cannot make a huge answer.
fn shorten(raw: &str) -> &str {
    match raw.char_indices().nth(40) {
        Some((end, _)) => &raw[..end],
        None => raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(query: &str) -> Result<FaultPlan, ParamError> {
        let query = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (k.to_owned(), v.to_owned())
            })
            .collect();
        FaultPlan::for_connection(true, &query)
    }

    fn rejects(query: &str, parameter: &str) {
        let err = plan(query).expect_err(query);
        assert_eq!(err.parameter, parameter, "{query}");
        assert!(err.message.contains(parameter), "{}", err.message);
    }

    #[test]
    fn no_parameters_means_no_faults() {
        assert_eq!(plan("").unwrap(), FaultPlan::default());
        assert_eq!(plan("token=x&other=1").unwrap(), FaultPlan::default());
    }

    #[test]
    fn every_parameter_is_read() {
        let p = plan(
            "drop_rate=0.05&loss_rate=1&dup_rate=0.5&delay_ms=200&jitter_ms=50&stop_after=3\
             &close_code=4001&close_after_ms=100&seed=42",
        )
        .unwrap();
        assert_eq!(
            p,
            FaultPlan {
                drop_rate: 0.05,
                loss_rate: 1.0,
                dup_rate: 0.5,
                delay: Duration::from_millis(200),
                jitter_ms: 50,
                stop_after: Some(3),
                close: Some(ScheduledClose {
                    code: 4001,
                    after: Duration::from_millis(100)
                }),
                seed: Some(42),
            }
        );
    }

    #[test]
    fn a_close_needs_only_one_of_its_two_parameters() {
        let close = |q| plan(q).unwrap().close.unwrap();
        assert_eq!(close("close_code=4000").after, Duration::ZERO);
        assert_eq!(close("close_after_ms=5").code, 1000);
    }

    #[test]
    fn bad_values_name_their_parameter() {
        rejects("drop_rate=abc", "drop_rate");
        rejects("drop_rate=1.5", "drop_rate");
        rejects("loss_rate=-0.1", "loss_rate");
        rejects("dup_rate=NaN", "dup_rate");
        rejects("dup_rate=", "dup_rate");
        rejects("delay_ms=-1", "delay_ms");
        rejects("delay_ms=1.5", "delay_ms");
        rejects("jitter_ms=300001", "jitter_ms");
        rejects("stop_after=x", "stop_after");
        rejects("seed=99999999999999999999999", "seed");
        rejects("close_code=1006", "close_code");
        rejects("close_code=70000", "close_code");
        rejects("close_after_ms=86400001", "close_after_ms");
    }

    #[test]
    fn faults_off_ignores_even_bad_values() {
        let query = [("drop_rate".to_owned(), "abc".to_owned())].into();
        assert_eq!(
            FaultPlan::for_connection(false, &query).unwrap(),
            FaultPlan::default()
        );
    }

    #[test]
    fn long_bad_values_are_cut_in_the_message() {
        let err = plan(&format!("seed={}", "é".repeat(1000))).unwrap_err();
        assert!(err.message.len() < 200, "{}", err.message);
    }

    #[test]
    fn a_message_asks_for_its_own_delay() {
        use serde_json::json;
        let asked = |v| requested_delay(&v);
        assert_eq!(asked(json!({"delay_ms": 150})), Duration::from_millis(150));
        assert_eq!(
            asked(json!({"delay_ms": 300_000})),
            Duration::from_secs(300)
        );
        for none in [
            json!({}),
            json!({"delay_ms": 300_001}),
            json!({"delay_ms": -1}),
            json!({"delay_ms": 1.5}),
            json!({"delay_ms": "150"}),
        ] {
            assert_eq!(asked(none.clone()), Duration::ZERO, "{none}");
        }
    }
}
