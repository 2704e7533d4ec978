//! One session's lifecycle (F1): its state, its current socket, its own counters.
//!
//! A session owns at most one live socket at a time, named by its [`Generation`]. The
//! engine retires a socket the moment it decides to close it (Stop, a timeout), so
//! whatever that socket reports later — including a browser's synthetic close — is
//! recognised as stale and changes nothing.

use std::collections::VecDeque;

use crate::heartbeat::Heartbeat;
use crate::histogram::{Histogram, RttSummary};
use crate::ids::{Generation, Millis, SessionId};
use crate::metrics::Counters;
use crate::queue::OutQueue;

/// A session's state as the view shows it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum SessionState {
    /// No socket, not trying.
    Disconnected,
    /// A socket is opening (or authenticating, in first-message auth).
    Connecting,
    /// Open and usable.
    Connected,
    /// Waiting before attempt `attempt`; `next_in` ms remain.
    Reconnecting {
        /// Attempt number, 1-based.
        attempt: u32,
        /// Milliseconds until the attempt.
        next_in: Millis,
    },
    /// Gave up.
    Error {
        /// Why, for the user.
        reason: String,
    },
    /// The server refused the credentials; waiting for a fresh token.
    NeedsAuth,
}

impl SessionState {
    /// CSS-friendly name (`wsc-session--{as_str}`).
    pub fn as_str(&self) -> &'static str {
        match self {
            SessionState::Disconnected => "disconnected",
            SessionState::Connecting => "connecting",
            SessionState::Connected => "connected",
            SessionState::Reconnecting { .. } => "reconnecting",
            SessionState::Error { .. } => "error",
            SessionState::NeedsAuth => "needs-auth",
        }
    }
}

/// The last close a session saw.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CloseInfo {
    /// Close code.
    pub code: u16,
    /// Close reason (token redacted).
    pub reason: String,
    /// When.
    pub at: Millis,
}

/// What happened, for a session's timeline lane (F11).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum TimelineKind {
    /// Asked to open a socket.
    Connecting {
        /// The socket's generation.
        generation: u64,
    },
    /// The socket opened (and authenticated).
    Open,
    /// The server or network closed it.
    Closed {
        /// Close code.
        code: u16,
    },
    /// The engine gave up on it (connect, auth or heartbeat timeout).
    TimedOut,
    /// Waiting before the next attempt.
    Backoff {
        /// Attempt number.
        attempt: u32,
        /// Delay in ms.
        delay: Millis,
    },
    /// Waiting for a fresh token.
    NeedsAuth,
    /// Out of attempts.
    GaveUp,
    /// Closed by the user.
    Stopped,
}

/// One timeline event.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct TimelineEvent {
    /// When.
    pub t: Millis,
    /// What.
    pub kind: TimelineKind,
}

/// A session as the per-session table shows it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SessionView {
    /// Which session.
    pub id: SessionId,
    /// Its state.
    pub state: SessionState,
    /// Generation of its latest socket.
    pub generation: Generation,
    /// Its counters.
    pub counters: Counters,
    /// Its message RTT.
    pub rtt: RttSummary,
    /// Messages in its offline queue.
    pub queue_len: usize,
    /// The backoff step: attempts since the last connection that stayed up a while.
    pub attempts_in_row: u32,
    /// Most attempts one return to an open socket ever needed.
    pub max_attempts_in_row: u32,
    /// Its last close.
    pub last_close: Option<CloseInfo>,
    /// How long its last successful open took.
    pub connect_time_ms: Option<Millis>,
    /// How long after its last open the server's first frame came.
    pub first_message_ms: Option<Millis>,
    /// Since when it has been connected.
    pub connected_since: Option<Millis>,
    /// How long its last recovery (drop → open) took.
    pub last_recovery_ms: Option<Millis>,
    /// Its endpoint: the 0-based line of the endpoint field (`id mod n`).
    pub endpoint: u32,
}

/// Internal phase; [`SessionState`] is derived from it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Phase {
    Idle,
    /// Socket asked for; `deadline` is the connect timeout.
    Connecting {
        since: Millis,
        deadline: Millis,
    },
    /// Open, first-message auth sent, awaiting `auth_success`.
    Authenticating {
        since: Millis,
        deadline: Millis,
    },
    Connected {
        since: Millis,
    },
    Backoff {
        attempt: u32,
        at: Millis,
    },
    NeedsAuth,
    /// Not opened yet: the host's token provider has not answered (F8).
    AwaitingToken,
    Failed {
        reason: String,
    },
}

/// A session's whole state.
#[derive(Debug)]
pub(crate) struct Session {
    pub id: SessionId,
    pub generation: Generation,
    /// Whether the socket of `generation` is still ours.
    pub live: bool,
    pub phase: Phase,
    /// Closed by the user: nothing reopens it but Start (or opening it explicitly).
    pub stopped: bool,
    pub counters: Counters,
    pub rtt: Histogram,
    pub heartbeat: Heartbeat,
    /// When the socket's last frame that is not a test message (a ping, the auth frame, a
    /// probe's frame) went out: the stamp right before its `send()`.
    pub control_sent_at: Option<Millis>,
    pub queue: OutQueue,
    /// Whether the queue has overflowed since it was last flushed (logged once per streak).
    pub overflowing: bool,
    pub next_seq: u64,
    pub last_matched_seq: u64,
    pub next_send_at: Option<Millis>,
    /// Opened by Start (or the user) and not connected since, nor failed: its send grid waits
    /// for its first socket ([`Session::first_opening`]).
    pub first_open: bool,
    /// Test messages asked for (a burst, or scheduled sends behind one) that the console holds
    /// back until the socket has room: not rendered, not sent, not pending, never lost.
    pub held: u64,
    /// Queued messages being flushed since the last (re)connect, for the log line at the end.
    pub flushing: usize,
    /// Bytes the browser still holds for the live socket: its last `bufferedAmount`, plus what
    /// was handed to it since.
    pub buffered: u64,
    /// The backoff step: attempts since the last connection that stayed up for the stable
    /// period (a brief open does not start the schedule again).
    pub attempts_in_row: u32,
    /// Attempts since the last open: how hard it was to get back this time.
    pub tries_since_open: u32,
    /// Most attempts one return ever needed (the reconnection verdict's figure).
    pub max_attempts_in_row: u32,
    /// When the current outage began (a drop of an open socket).
    pub down_since: Option<Millis>,
    pub last_close: Option<CloseInfo>,
    pub connect_time: Option<Millis>,
    /// When the current socket opened, until its first frame arrives.
    pub awaiting_first_since: Option<Millis>,
    pub first_message: Option<Millis>,
    pub last_recovery: Option<Millis>,
    pub timeline: VecDeque<TimelineEvent>,
    /// Which token (the run's [`crate::Run::token_updates`] count) its socket opened with:
    /// a refusal of the current token marks it bad, one of an older token does not.
    pub token_gen: u64,
    /// A readiness probe's own URL and protocols, instead of the configuration's.
    pub probe: Option<crate::run::Probe>,
    /// A listened-to session's last text frames (time, clipped and redacted text), for the
    /// readiness checks; `None` for every other session.
    pub inbox: Option<VecDeque<(Millis, String)>>,
    timeline_cap: usize,
}

impl Session {
    pub(crate) fn new(id: SessionId, queue_capacity: usize, timeline_cap: usize) -> Self {
        Self {
            id,
            generation: Generation(0),
            live: false,
            phase: Phase::Idle,
            stopped: true,
            counters: Counters::default(),
            rtt: Histogram::new(),
            heartbeat: Heartbeat::default(),
            control_sent_at: None,
            queue: OutQueue::new(queue_capacity),
            overflowing: false,
            next_seq: 1,
            last_matched_seq: 0,
            next_send_at: None,
            first_open: false,
            held: 0,
            flushing: 0,
            buffered: 0,
            attempts_in_row: 0,
            tries_since_open: 0,
            max_attempts_in_row: 0,
            down_since: None,
            last_close: None,
            connect_time: None,
            awaiting_first_since: None,
            first_message: None,
            last_recovery: None,
            timeline: VecDeque::new(),
            token_gen: 0,
            probe: None,
            inbox: None,
            timeline_cap: timeline_cap.max(1),
        }
    }

    /// Whether an event from socket `g` is about this session's live socket.
    pub(crate) fn accepts(&self, g: Generation) -> bool {
        self.live && g == self.generation
    }

    /// Whether messages can be sent now.
    pub(crate) fn is_connected(&self) -> bool {
        self.live && matches!(self.phase, Phase::Connected { .. })
    }

    /// Whether its socket is opening (or authenticating) for the first time since Start or
    /// since the user opened it: not connected since, and no attempt failed.
    pub(crate) fn first_opening(&self) -> bool {
        self.first_open
            && matches!(
                self.phase,
                Phase::Connecting { .. } | Phase::Authenticating { .. }
            )
    }

    pub(crate) fn mark(&mut self, t: Millis, kind: TimelineKind) {
        if self.timeline.len() >= self.timeline_cap {
            self.timeline.pop_front();
        }
        self.timeline.push_back(TimelineEvent { t, kind });
    }

    pub(crate) fn state(&self, now: Millis) -> SessionState {
        match &self.phase {
            Phase::Idle => SessionState::Disconnected,
            Phase::Connecting { .. } | Phase::Authenticating { .. } | Phase::AwaitingToken => {
                SessionState::Connecting
            }
            Phase::Connected { .. } => SessionState::Connected,
            Phase::Backoff { attempt, at } => SessionState::Reconnecting {
                attempt: *attempt,
                next_in: (at - now).max(0.0),
            },
            Phase::NeedsAuth => SessionState::NeedsAuth,
            Phase::Failed { reason } => SessionState::Error {
                reason: reason.clone(),
            },
        }
    }

    pub(crate) fn view(&self, now: Millis) -> SessionView {
        SessionView {
            id: self.id,
            state: self.state(now),
            generation: self.generation,
            counters: self.counters.clone(),
            rtt: self.rtt.summary(),
            queue_len: self.queue.len(),
            attempts_in_row: self.attempts_in_row,
            max_attempts_in_row: self.max_attempts_in_row,
            last_close: self.last_close.clone(),
            connect_time_ms: self.connect_time,
            first_message_ms: self.first_message,
            connected_since: match self.phase {
                Phase::Connected { since } => Some(since),
                _ => None,
            },
            last_recovery_ms: self.last_recovery,
            endpoint: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_names_are_css_friendly() {
        let names: Vec<&str> = [
            SessionState::Disconnected,
            SessionState::Connecting,
            SessionState::Connected,
            SessionState::Reconnecting {
                attempt: 1,
                next_in: 1.0,
            },
            SessionState::Error { reason: "x".into() },
            SessionState::NeedsAuth,
        ]
        .iter()
        .map(SessionState::as_str)
        .collect();
        assert_eq!(
            names,
            [
                "disconnected",
                "connecting",
                "connected",
                "reconnecting",
                "error",
                "needs-auth"
            ]
        );
    }

    #[test]
    fn only_the_live_generation_is_accepted() {
        let mut s = Session::new(SessionId(0), 10, 10);
        assert!(!s.accepts(Generation(0)));
        s.generation = Generation(3);
        s.live = true;
        assert!(s.accepts(Generation(3)));
        assert!(!s.accepts(Generation(2)));
        s.live = false;
        assert!(!s.accepts(Generation(3)));
    }

    #[test]
    fn reconnecting_counts_down() {
        let mut s = Session::new(SessionId(0), 10, 10);
        s.phase = Phase::Backoff {
            attempt: 2,
            at: 5_000.0,
        };
        assert_eq!(
            s.state(3_000.0),
            SessionState::Reconnecting {
                attempt: 2,
                next_in: 2_000.0
            }
        );
        assert_eq!(
            s.state(9_000.0),
            SessionState::Reconnecting {
                attempt: 2,
                next_in: 0.0
            }
        );
    }

    #[test]
    fn timeline_is_bounded() {
        let mut s = Session::new(SessionId(0), 10, 3);
        for i in 0..10 {
            s.mark(i as f64, TimelineKind::Open);
        }
        assert_eq!(s.timeline.len(), 3);
        assert_eq!(s.timeline[0].t, 7.0);
    }
}
