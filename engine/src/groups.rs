//! RTT and counts broken down by the value of one field of the test messages ("routing
//! latency per agent": `/agent` → one row per agent).
//!
//! The value is read from the *request*, as it is rendered: the console knows what it sent,
//! and a backend need not echo the field back. It is read by the same streaming reader that
//! classifies replies ([`classify`]), keyed the same way (a number and its numeric string
//! are one value, other strings are hashed), and the group's index then travels with the
//! request — through the offline queue and the pending map — so a reply needs no second
//! look. A message without the field, or whose field is not a string or a number (not JSON,
//! `null`, an object …), falls in the group `(none)`.
//!
//! Bounded (P5): the first [`MAX_GROUPS`] distinct values, in order of first appearance,
//! get a row each; messages with any further value are counted in `(other)`. Each group
//! keeps sent, matched and lost (so `sent = matched + lost + pending` per group) and an RTT
//! histogram; nothing per message is kept.

use serde_json::Value;

use crate::histogram::{Histogram, RttSummary};
use crate::ids::Millis;
use crate::message::{Pointer, classify};
use crate::url::Redactor;

/// Most values that get a row of their own; further values share the `(other)` row.
pub const MAX_GROUPS: usize = 16;
/// The group of a message sent while no breakdown is configured.
pub(crate) const NO_GROUP: u8 = u8::MAX;
/// The index of the `(other)` row.
const OTHER: u8 = MAX_GROUPS as u8;
/// Characters of a value kept for its row's label.
const LABEL_CHARS: usize = 64;

/// What a row stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bucket {
    /// One value of the field.
    Value,
    /// Messages without the field (or with one that is not a string or a number).
    None,
    /// Values past the first [`MAX_GROUPS`].
    Other,
}

/// One row of the breakdown.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct GroupRow {
    /// The field's value as text (clipped, token redacted); `(none)` or `(other)` for
    /// those buckets.
    pub value: String,
    /// What the row stands for.
    pub bucket: Bucket,
    /// Test messages sent.
    pub sent: u64,
    /// Replies matched.
    pub matched: u64,
    /// Requests lost.
    pub lost: u64,
    /// Awaiting a reply: `sent − matched − lost`.
    pub pending: u64,
    /// Message RTT.
    pub rtt_ms: RttSummary,
}

/// The breakdown: which field, and a row per value.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Breakdown {
    /// The JSON pointer the messages are grouped by.
    pub pointer: String,
    /// Rows in order of first appearance, `(other)` last (only once it has counted one).
    pub groups: Vec<GroupRow>,
}

#[derive(Clone, Debug)]
struct Group {
    key: Option<u64>,
    value: String,
    bucket: Bucket,
    sent: u64,
    matched: u64,
    lost: u64,
    rtt: Histogram,
}

impl Group {
    fn new(key: Option<u64>, value: String, bucket: Bucket) -> Self {
        Self {
            key,
            value,
            bucket,
            sent: 0,
            matched: 0,
            lost: 0,
            rtt: Histogram::new(),
        }
    }

    fn row(&self) -> GroupRow {
        GroupRow {
            value: self.value.clone(),
            bucket: self.bucket,
            sent: self.sent,
            matched: self.matched,
            lost: self.lost,
            pending: self.sent.saturating_sub(self.matched + self.lost),
            rtt_ms: self.rtt.summary(),
        }
    }
}

/// The groups of a run.
#[derive(Clone, Debug)]
pub(crate) struct Groups {
    pointer: Pointer,
    raw: String,
    named: Vec<Group>,
    other: Group,
}

impl Groups {
    /// Groups by `pointer` (validated by the configuration, not empty).
    pub(crate) fn new(pointer: &str) -> Self {
        Self {
            pointer: Pointer::new(pointer),
            raw: pointer.to_owned(),
            named: Vec::new(),
            other: Group::new(None, "(other)".into(), Bucket::Other),
        }
    }

    /// The group of a message about to be sent (`text` as rendered). A new value becomes a
    /// row while there is room; its label is the only time a message is read whole.
    pub(crate) fn group_of(&mut self, text: &str, redactor: &Redactor) -> u8 {
        let key = classify(text, &self.pointer, "").key;
        if let Some(i) = self.named.iter().position(|g| g.key == key) {
            return i as u8;
        }
        if self.named.len() >= MAX_GROUPS {
            return OTHER;
        }
        let group = match key {
            None => Group::new(None, "(none)".into(), Bucket::None),
            Some(_) => Group::new(key, self.label(text, redactor), Bucket::Value),
        };
        self.named.push(group);
        (self.named.len() - 1) as u8
    }

    fn label(&self, text: &str, redactor: &Redactor) -> String {
        let value = serde_json::from_str::<Value>(text)
            .ok()
            .and_then(|v| match v.pointer(&self.raw)? {
                Value::String(s) => Some(s.clone()),
                other => crate::compact::to_json(other).ok(),
            })
            .unwrap_or_default();
        // Redacted before it is clipped, so no part of a token is left at the cut.
        redactor.redact(&value).chars().take(LABEL_CHARS).collect()
    }

    fn at(&mut self, g: u8) -> Option<&mut Group> {
        if g == OTHER {
            Some(&mut self.other)
        } else {
            self.named.get_mut(usize::from(g))
        }
    }

    /// A message of group `g` left.
    pub(crate) fn sent(&mut self, g: u8) {
        if let Some(x) = self.at(g) {
            x.sent += 1;
        }
    }

    /// A message of group `g` was taken back before it left.
    pub(crate) fn unsent(&mut self, g: u8) {
        if let Some(x) = self.at(g) {
            x.sent = x.sent.saturating_sub(1);
        }
    }

    /// A reply matched a message of group `g` after `rtt`.
    pub(crate) fn matched(&mut self, g: u8, rtt: Millis) {
        if let Some(x) = self.at(g) {
            x.matched += 1;
            x.rtt.record(rtt);
        }
    }

    /// A message of group `g` was lost.
    pub(crate) fn lost(&mut self, g: u8) {
        if let Some(x) = self.at(g) {
            x.lost += 1;
        }
    }

    /// The rows, `(other)` last once it has counted a message.
    pub(crate) fn breakdown(&self) -> Breakdown {
        let other = (self.other.sent > 0).then(|| self.other.row());
        Breakdown {
            pointer: self.raw.clone(),
            groups: self.named.iter().map(Group::row).chain(other).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send(g: &mut Groups, text: &str) -> u8 {
        let i = g.group_of(text, &Redactor::default());
        g.sent(i);
        i
    }

    #[test]
    fn values_group_in_order_of_first_appearance_with_their_own_rtt() {
        let mut g = Groups::new("/agent");
        let a = send(&mut g, r#"{"agent":"Financial Advisor","id":"1"}"#);
        let b = send(&mut g, r#"{"id":"2","agent":"Error Handler"}"#);
        assert_eq!(send(&mut g, r#"{"agent":"Financial Advisor","id":"3"}"#), a);
        g.matched(a, 80.0);
        g.matched(a, 90.0);
        g.matched(b, 100.0);
        let rows = g.breakdown();
        assert_eq!(rows.pointer, "/agent");
        let got: Vec<_> = rows
            .groups
            .iter()
            .map(|r| {
                (
                    r.value.as_str(),
                    r.sent,
                    r.matched,
                    r.pending,
                    r.rtt_ms.mean,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("Financial Advisor", 2, 2, 0, Some(85.0)),
                ("Error Handler", 1, 1, 0, Some(100.0))
            ]
        );
    }

    #[test]
    fn a_missing_field_is_none_and_numbers_equal_their_strings() {
        let mut g = Groups::new("/meta/agent");
        let none = send(&mut g, r#"{"id":"1"}"#);
        assert_eq!(send(&mut g, "not json"), none);
        assert_eq!(send(&mut g, r#"{"meta":{"agent":null}}"#), none);
        let seven = send(&mut g, r#"{"meta":{"agent":7}}"#);
        assert_eq!(send(&mut g, r#"{"meta":{"agent":"7"}}"#), seven);
        g.lost(seven);
        let rows = g.breakdown().groups;
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].value.as_str(), rows[0].bucket),
            ("(none)", Bucket::None)
        );
        assert_eq!(rows[0].sent, 3);
        assert_eq!(
            (rows[1].value.as_str(), rows[1].bucket),
            ("7", Bucket::Value)
        );
        assert_eq!((rows[1].sent, rows[1].lost, rows[1].pending), (2, 1, 1));
    }

    #[test]
    fn groups_are_bounded_and_the_rest_is_other() {
        let mut g = Groups::new("/type");
        for i in 0..40 {
            let i = send(&mut g, &format!(r#"{{"type":"t{i}"}}"#));
            g.matched(i, 1.0);
        }
        let rows = g.breakdown().groups;
        assert_eq!(rows.len(), MAX_GROUPS + 1);
        assert!(
            rows[..MAX_GROUPS]
                .iter()
                .all(|r| r.bucket == Bucket::Value && r.sent == 1)
        );
        assert_eq!(rows[MAX_GROUPS - 1].value, "t15");
        let other = &rows[MAX_GROUPS];
        assert_eq!(
            (other.value.as_str(), other.bucket),
            ("(other)", Bucket::Other)
        );
        assert_eq!(
            (other.sent, other.matched, other.rtt_ms.count),
            (24, 24, 24)
        );
        // A value that has a row keeps it once the table is full.
        assert_eq!(send(&mut g, r#"{"type":"t3"}"#), 3);
        assert_eq!(Groups::new("/type").breakdown().groups, []);
    }

    #[test]
    fn labels_are_clipped_and_redacted() {
        let mut redactor = Redactor::default();
        redactor.add("sekret-token");
        let mut g = Groups::new("/a");
        let long = "x".repeat(500);
        g.group_of(&format!(r#"{{"a":"{long}"}}"#), &redactor);
        g.group_of(r#"{"a":"by sekret-token"}"#, &redactor);
        g.group_of(r#"{"a":1.5}"#, &redactor);
        let rows = g.breakdown().groups;
        assert_eq!(rows[0].value.chars().count(), LABEL_CHARS);
        assert!(!rows[1].value.contains("sekret"), "{}", rows[1].value);
        assert_eq!(rows[2].value, "1.5");
        // Unsent takes a message back; unknown indices are ignored.
        g.sent(0);
        g.unsent(0);
        g.sent(NO_GROUP);
        assert_eq!(g.breakdown().groups[0].sent, 0);
    }
}
