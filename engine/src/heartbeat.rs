//! Heartbeat (F5): application pings, because browsers cannot send ping frames.
//!
//! A pong is a reply whose `type` is the pong type, or any reply carrying the outstanding
//! ping's id — so a plain echo server keeps its sessions alive. No pong within the timeout
//! means the socket is dead (a half-open server looks exactly like this) and the session
//! reconnects.

use crate::ids::Millis;
use crate::template::Template;

/// Heartbeat settings. Absent from [`crate::RunConfig`] when the heartbeat is off.
#[derive(Clone, Debug, PartialEq)]
pub struct HeartbeatConfig {
    /// Time between pings on a connected socket (default 20 s).
    pub interval_ms: Millis,
    /// How long to wait for the pong (default 10 s).
    pub timeout_ms: Millis,
    /// The ping message; `{{id}}` is the ping's id (default `{"type":"ping","id":"{{id}}"}`).
    pub ping: Template,
    /// The `type` a pong has (default `pong`).
    pub pong_type: String,
}

/// One session's heartbeat state, reset on every open.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Heartbeat {
    next_ping_at: Option<Millis>,
    outstanding: Option<(u64, Millis)>,
    /// The outstanding ping's time is its stamp right before `send()`, not when it was queued.
    stamped: bool,
}

impl Heartbeat {
    /// A freshly opened socket: first ping one interval from now.
    pub(crate) fn started(now: Millis, cfg: &HeartbeatConfig) -> Self {
        Self {
            next_ping_at: Some(now + cfg.interval_ms),
            outstanding: None,
            stamped: false,
        }
    }

    /// Whether a ping is due (none outstanding and the interval has passed).
    pub(crate) fn ping_due(&self, now: Millis) -> bool {
        self.outstanding.is_none() && self.next_ping_at.is_some_and(|t| now >= t)
    }

    /// Records that ping `key` went out.
    pub(crate) fn ping_sent(&mut self, key: u64, now: Millis, cfg: &HeartbeatConfig) {
        self.outstanding = Some((key, now));
        self.stamped = false;
        self.next_ping_at = Some(now + cfg.interval_ms);
    }

    /// A frame that is not a test message went out at `at` (stamped right before `send()`):
    /// the first after the ping was queued is the ping, whose round trip starts there.
    pub(crate) fn sent(&mut self, at: Millis) {
        if let Some((key, queued)) = self.outstanding
            && !self.stamped
            && at >= queued
        {
            self.outstanding = Some((key, at));
            self.stamped = true;
        }
    }

    /// Whether the outstanding ping has gone unanswered past the timeout.
    pub(crate) fn timed_out(&self, now: Millis, cfg: &HeartbeatConfig) -> bool {
        self.outstanding
            .is_some_and(|(_, at)| now - at >= cfg.timeout_ms)
    }

    /// The outstanding ping's key, if any.
    pub(crate) fn outstanding_key(&self) -> Option<u64> {
        self.outstanding.map(|(k, _)| k)
    }

    /// A pong arrived: clears the outstanding ping and returns its round trip.
    pub(crate) fn pong(&mut self, now: Millis) -> Option<Millis> {
        self.outstanding.take().map(|(_, at)| (now - at).max(0.0))
    }

    /// The next moment this heartbeat needs attention.
    pub(crate) fn deadline(&self, cfg: &HeartbeatConfig) -> Option<Millis> {
        match self.outstanding {
            Some((_, at)) => Some(at + cfg.timeout_ms),
            None => self.next_ping_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> HeartbeatConfig {
        HeartbeatConfig {
            interval_ms: 20_000.0,
            timeout_ms: 10_000.0,
            ping: Template::parse(r#"{"type":"ping","id":"{{id}}"}"#).unwrap(),
            pong_type: "pong".into(),
        }
    }

    #[test]
    fn ping_every_interval_and_pong_gives_rtt() {
        let c = cfg();
        let mut h = Heartbeat::started(0.0, &c);
        assert!(!h.ping_due(19_999.0));
        assert!(h.ping_due(20_000.0));
        h.ping_sent(9, 20_000.0, &c);
        assert!(!h.ping_due(45_000.0), "one ping at a time");
        assert_eq!(h.outstanding_key(), Some(9));
        assert_eq!(h.deadline(&c), Some(30_000.0));
        assert_eq!(h.pong(20_004.0), Some(4.0));
        assert_eq!(h.pong(20_005.0), None);
        assert!(h.ping_due(40_000.0));
    }

    #[test]
    fn no_pong_within_timeout_is_dead() {
        let c = cfg();
        let mut h = Heartbeat::started(0.0, &c);
        h.ping_sent(1, 20_000.0, &c);
        assert!(!h.timed_out(29_999.0, &c));
        assert!(h.timed_out(30_000.0, &c));
    }

    #[test]
    fn default_is_idle() {
        let h = Heartbeat::default();
        assert!(!h.ping_due(1e12));
        assert_eq!(h.deadline(&cfg()), None);
    }
}
