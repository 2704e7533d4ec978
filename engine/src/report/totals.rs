//! The report's `totals`: whole-run figures, the session counts first.
//!
//! Serialised by hand so that the session counts ([`SessionCounts`], shared with the
//! metric cards' [`crate::Totals`]) sit flat among the other fields, as the schema has
//! always had them, without `#[serde(flatten)]`: that goes through a map serialiser and
//! costs the wasm more bytes than these few lines.

use super::ReportHeap;
use crate::histogram::RttSummary;
use crate::metrics::{Counters, SessionCounts};
use serde::ser::{Serialize, SerializeStruct, Serializer};

/// Whole-run figures.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportTotals {
    /// Sessions, by state (`sessions`, `active`, `connecting` …).
    pub sessions: SessionCounts,
    /// Counters summed over sessions.
    pub counters: Counters,
    /// matched / (matched + lost), percent.
    pub success_rate_pct: Option<f64>,
    /// Message RTT.
    pub rtt_ms: RttSummary,
    /// Heartbeat RTT.
    pub ping_rtt_ms: RttSummary,
    /// Send → receipt by another session (broadcast fan-out).
    pub delivery_latency_ms: RttSummary,
    /// Time to open.
    pub connect_time_ms: RttSummary,
    /// Open → the server's first frame on that socket.
    pub first_message_ms: RttSummary,
    /// Drop → next open.
    pub recovery_ms: RttSummary,
    /// Sliding 5 s window.
    pub sent_per_s: f64,
    /// Sliding 5 s window.
    pub received_per_s: f64,
    /// Over the run's duration.
    pub mean_sent_per_s: f64,
    /// Over the run's duration.
    pub mean_received_per_s: f64,
    /// Messages in offline queues.
    pub queued_now: u64,
    /// Test messages held back until a socket has room (backpressure, never lost).
    pub held_now: u64,
    /// All errors.
    pub errors: u64,
    /// Heap figures.
    pub heap: ReportHeap,
}

impl Serialize for ReportTotals {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("ReportTotals", SessionCounts::FIELDS + 16)?;
        self.sessions.serialize_fields(&mut s)?;
        s.serialize_field("counters", &self.counters)?;
        s.serialize_field("success_rate_pct", &self.success_rate_pct)?;
        s.serialize_field("rtt_ms", &self.rtt_ms)?;
        s.serialize_field("ping_rtt_ms", &self.ping_rtt_ms)?;
        s.serialize_field("delivery_latency_ms", &self.delivery_latency_ms)?;
        s.serialize_field("connect_time_ms", &self.connect_time_ms)?;
        s.serialize_field("first_message_ms", &self.first_message_ms)?;
        s.serialize_field("recovery_ms", &self.recovery_ms)?;
        s.serialize_field("sent_per_s", &self.sent_per_s)?;
        s.serialize_field("received_per_s", &self.received_per_s)?;
        s.serialize_field("mean_sent_per_s", &self.mean_sent_per_s)?;
        s.serialize_field("mean_received_per_s", &self.mean_received_per_s)?;
        s.serialize_field("queued_now", &self.queued_now)?;
        s.serialize_field("held_now", &self.held_now)?;
        s.serialize_field("errors", &self.errors)?;
        s.serialize_field("heap", &self.heap)?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{RawConfig, RunConfig};
    use crate::run::Run;

    #[test]
    fn the_session_counts_sit_flat_first_and_the_heap_figures_last() {
        let raw = RawConfig {
            sessions: "2".into(),
            ..RawConfig::default()
        };
        let run = Run::new(
            RunConfig::from_raw(&raw, "http://127.0.0.1:8080").unwrap(),
            1,
        );
        let json = serde_json::to_string(&run.report(0.0).totals).unwrap();
        let counts = r#"{"sessions":2,"active":0,"connecting":0,"reconnecting":0,"needs_auth":0,"errored":0,"disconnected":2,"counters":{"#;
        assert!(json.starts_with(counts), "{json}");
        // The other sixteen follow, the heap figures last.
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value.as_object().map(|o| o.len()), Some(7 + 16));
        let tail = r#","queued_now":0,"held_now":0,"errors":0,"heap":{"available":false,"#;
        assert!(json.contains(tail), "{json}");
        // The metric cards' totals carry the same counts, flat too.
        let cards = serde_json::to_value(run.totals(0.0)).unwrap();
        assert_eq!(
            (&cards["sessions"], &cards["disconnected"]),
            (&2.into(), &2.into())
        );
    }
}
