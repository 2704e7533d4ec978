//! The validated configuration ([`RunConfig`]) and the memory bounds that are not on the
//! form ([`Limits`]).

use super::{AuthMode, FieldError};
use crate::endpoint_list::Endpoints;
use crate::heartbeat::HeartbeatConfig;
use crate::ids::Millis;
use crate::reconnect::ReconnectPolicy;
use crate::template::Template;
use crate::thresholds::Thresholds;

/// Memory bounds that are not on the form (P5).
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    /// Replies awaited at once, over all sessions; past it the oldest counts as lost.
    pub pending: usize,
    /// Ids remembered for duplicate detection.
    pub dedup: usize,
    /// Lost ids remembered so a late reply is counted once, as late.
    pub lost_memory: usize,
    /// Timeline events kept per session.
    pub timeline: usize,
    /// Heap samples kept.
    pub heap_samples: usize,
    /// Metric history points kept.
    pub history: usize,
    /// Characters of a message kept in a log entry.
    pub log_text: usize,
    /// Frames kept for the HAR export (sent and received, all sessions); 0 turns the
    /// capture off.
    pub frames: usize,
    /// Bytes of one frame's payload kept (longer frames are clipped).
    pub frame_bytes: usize,
    /// Bytes of payload kept over all captured frames; the oldest go first.
    pub frames_total_bytes: usize,
    /// Frames received over this size are counted with their size (`oversized`) and only
    /// this many of their first bytes are read, so a 16 MB frame costs no 16 MB of memory.
    pub max_frame_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            pending: 20_000,
            dedup: 20_000,
            lost_memory: 10_000,
            timeline: 100,
            heap_samples: 720,
            history: 600,
            log_text: 1000,
            frames: 2000,
            frame_bytes: 64 * 1024,
            frames_total_bytes: 2 * 1024 * 1024,
            max_frame_bytes: 1024 * 1024,
        }
    }
}

/// A validated configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct RunConfig {
    /// Where to connect: one or more endpoints, the sessions spread round-robin.
    pub endpoint: Endpoints,
    /// Fills `{user_id}`.
    pub user_id: String,
    /// The initial token (may be empty).
    pub token: String,
    /// How the token is sent.
    pub auth_mode: AuthMode,
    /// Number of sessions, 1–200.
    pub sessions: u32,
    /// Automatic send interval; `None` when automatic sending is off, `Some(0.0)` for one
    /// message in flight (see [`RunConfig::one_in_flight`]).
    pub send_interval_ms: Option<Millis>,
    /// The message template.
    pub template: Template,
    /// Whether the template renders JSON.
    pub template_is_json: bool,
    /// Send messages as binary frames.
    pub binary: bool,
    /// JSON pointer to the correlation id (RFC 6901; "" = whole document).
    pub correlation_pointer: String,
    /// JSON pointer into each sent message whose value groups RTT and counts; `None`
    /// when there is no breakdown.
    pub group_pointer: Option<String>,
    /// Reply timeout.
    pub reply_timeout_ms: Millis,
    /// Duplicate detection window.
    pub duplicate_window_ms: Millis,
    /// Heartbeat, if on.
    pub heartbeat: Option<HeartbeatConfig>,
    /// Reconnect policy.
    pub reconnect: ReconnectPolicy,
    /// Offline queue bound per session.
    pub queue_capacity: usize,
    /// Log bound.
    pub log_capacity: usize,
    /// Log heartbeat and connection chatter.
    pub log_noise: bool,
    /// Log every sent message.
    pub log_sent: bool,
    /// Thresholds.
    pub thresholds: Thresholds,
    /// Ask for a fresh token this long before a JWT expires (5 min).
    pub refresh_before_ms: Millis,
    /// The host's token provider supplies the token (F8): sessions wait for its first
    /// token rather than open without one. Set by the adapter, never from the form.
    pub token_provider: bool,
    /// Unix time (ms) of `now == 0`, i.e. `performance.timeOrigin`; needed for `{{ts}}`
    /// and JWT expiry. The adapter sets it (or calls [`crate::Run::set_time_origin`]).
    pub time_origin_ms: f64,
    /// Memory bounds.
    pub limits: Limits,
    /// Non-blocking remarks (e.g. "template is not JSON; sent as raw text").
    pub notices: Vec<FieldError>,
}

impl RunConfig {
    /// Whether automatic sending keeps one message in flight per session (a send interval of
    /// 0): each session sends its next message as soon as the previous one is answered or
    /// counted lost. The round trip is then measured on a socket that is never idle, as a
    /// hand-written ping-pong loop does.
    pub fn one_in_flight(&self) -> bool {
        self.send_interval_ms == Some(0.0)
    }

    /// The host a Start would send the token to, when that is not `page_origin` (the
    /// console's own origin): a share link or a typo must not send the token elsewhere
    /// unasked (R3). `None` without a token, when the token is not sent (cookie mode
    /// without `{token}`), or on the page's own origin.
    pub fn token_destination(&self, page_origin: &str) -> Option<String> {
        let sent = self.auth_mode != AuthMode::Cookie || self.endpoint.uses_token();
        // A token provider's token is not there yet, but it will be sent.
        if (self.token.is_empty() && !self.token_provider) || !sent {
            return None;
        }
        self.endpoint.foreign_host(page_origin)
    }
}
