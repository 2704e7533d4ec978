//! Server pushes on a timer, per connection: `?push_every_ms=N&push_count=K` sends K
//! `notification` messages, one every N ms after the welcome, unasked.
//!
//! A receive-only test (the console sending nothing) needs a server that speaks first, and
//! a consistency check needs every client to get a known number of pushes. Unlike the
//! fault parameters this needs no `--faults`: it breaks nothing. Both values are bounded,
//! and a bad one is refused with HTTP 400 naming the parameter, like a bad fault parameter.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{Value, json};

use crate::faults::{ParamError, parse};

/// Shortest interval between pushes, in ms.
pub(crate) const MIN_PUSH_EVERY_MS: u64 = 10;
/// Longest interval between pushes, in ms (an hour).
pub(crate) const MAX_PUSH_EVERY_MS: u64 = 3_600_000;
/// Most pushes one connection can ask for.
pub(crate) const MAX_PUSH_COUNT: u64 = 10_000;
/// Pushes sent when only `push_every_ms` is given.
const DEFAULT_PUSH_COUNT: u64 = 10;

/// One connection's pushes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PushPlan {
    pub every: Duration,
    pub count: u64,
}

impl PushPlan {
    /// The plan asked for by `query`; `None` without `push_every_ms`.
    pub fn from_query(query: &HashMap<String, String>) -> Result<Option<PushPlan>, ParamError> {
        let every = parse::<u64>(query, "push_every_ms", "a whole number of ms")?;
        let count = parse::<u64>(query, "push_count", "a whole number")?;
        let Some(every) = every else {
            return match count {
                Some(_) => Err(ParamError::new(
                    "push_count",
                    "push_count needs push_every_ms".into(),
                )),
                None => Ok(None),
            };
        };
        if !(MIN_PUSH_EVERY_MS..=MAX_PUSH_EVERY_MS).contains(&every) {
            return Err(ParamError::new(
                "push_every_ms",
                format!(
                    "push_every_ms must be from {MIN_PUSH_EVERY_MS} to {MAX_PUSH_EVERY_MS}, got {every}"
                ),
            ));
        }
        let count = count.unwrap_or(DEFAULT_PUSH_COUNT);
        if count > MAX_PUSH_COUNT {
            return Err(ParamError::new(
                "push_count",
                format!("push_count must be at most {MAX_PUSH_COUNT}, got {count}"),
            ));
        }
        Ok(Some(PushPlan {
            every: Duration::from_millis(every),
            count,
        }))
    }
}

/// Push number `seq` (1-based) of `count`.
pub(crate) fn notification(seq: u64, count: u64, now_ms: u64) -> Value {
    json!({ "type": "notification", "seq": seq, "of": count, "timestamp": now_ms })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(q: &[(&str, &str)]) -> Result<Option<PushPlan>, ParamError> {
        let q = q
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        PushPlan::from_query(&q)
    }

    #[test]
    fn absent_means_no_pushes_and_count_defaults() {
        assert_eq!(plan(&[]), Ok(None));
        assert_eq!(
            plan(&[("push_every_ms", "100")]),
            Ok(Some(PushPlan {
                every: Duration::from_millis(100),
                count: DEFAULT_PUSH_COUNT
            }))
        );
        assert_eq!(
            plan(&[("push_every_ms", "100"), ("push_count", "0")])
                .unwrap()
                .unwrap()
                .count,
            0
        );
    }

    #[test]
    fn values_are_bounded_and_named() {
        for (q, name) in [
            (vec![("push_every_ms", "9")], "push_every_ms"),
            (vec![("push_every_ms", "3600001")], "push_every_ms"),
            (vec![("push_every_ms", "x")], "push_every_ms"),
            (
                vec![("push_every_ms", "10"), ("push_count", "10001")],
                "push_count",
            ),
            (vec![("push_count", "5")], "push_count"),
        ] {
            assert_eq!(plan(&q).unwrap_err().parameter, name, "{q:?}");
        }
        assert!(plan(&[("push_every_ms", "10"), ("push_count", "10000")]).is_ok());
        assert!(plan(&[("push_every_ms", "3600000")]).is_ok());
    }
}
