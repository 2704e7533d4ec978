//! The configuration form as typed ([`RawConfig`]): its defaults (the SPEC's), one text
//! binding per field
//! (its text or its switch), and what is done to the text before validation — moving a token out
//! of the endpoint, dropping secrets before it is stored, previewing the first URL.

use super::{AuthMode, DEFAULT_PING, DEFAULT_TEMPLATE, Field, FieldError};
use crate::embedded::{embedded_tokens, without_embedded_tokens};
use crate::endpoint_list::Endpoints;
use crate::thresholds::Thresholds;
use crate::url::Redactor;

/// The form, as typed. `Default` is the SPEC's defaults, pointing at the test backend that
/// served the page (`/ws`, open, no auth). Serialisable for F15 — without the token, which
/// is never persisted.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))] // the reference `RawConfig::from_json` is held to
#[serde(default)]
pub struct RawConfig {
    /// URL templates with `{user_id}`, `{token}`, `{session}`, one per line (default `/ws`);
    /// session `i` uses line `i mod n`.
    pub endpoint: String,
    /// Fills `{user_id}` (default empty).
    pub user_id: String,
    /// The token (default empty). Never serialised.
    #[serde(skip)]
    pub token: String,
    /// How the token is sent (default query).
    pub auth_mode: AuthMode,
    /// Number of sessions, 1–200 (default "5").
    pub sessions: String,
    /// Whether each session sends automatically (default true).
    pub auto_send: bool,
    /// Automatic send interval in ms, 10–60000, or 0 for one message in flight (default
    /// "8000").
    pub send_interval_ms: String,
    /// Message template (default [`DEFAULT_TEMPLATE`]).
    pub message_template: String,
    /// Send messages as binary frames (default false).
    pub binary: bool,
    /// JSON pointer to the reply's correlation id (default "/id").
    pub correlation_pointer: String,
    /// JSON pointer into each sent message whose value groups RTT and counts, e.g.
    /// `/agent`; empty = no breakdown (default "").
    pub group_pointer: String,
    /// Reply timeout in ms (default "10000").
    pub reply_timeout_ms: String,
    /// Duplicate detection window in ms (default "5000").
    pub duplicate_window_ms: String,
    /// Application heartbeat on/off (default on).
    pub heartbeat_enabled: bool,
    /// Ping interval in ms (default "20000").
    pub heartbeat_interval_ms: String,
    /// Pong timeout in ms (default "10000").
    pub heartbeat_timeout_ms: String,
    /// Ping template (default [`DEFAULT_PING`]).
    pub ping_template: String,
    /// The `type` of a pong (default "pong").
    pub pong_type: String,
    /// Connect timeout in ms (default "10000").
    pub connect_timeout_ms: String,
    /// Reconnect on drops (default on).
    pub reconnect_enabled: bool,
    /// Backoff schedule in seconds, comma-separated (default "1,2,4,8,16").
    pub reconnect_schedule_s: String,
    /// Attempts in a row before giving up; empty or 0 = never (default "").
    pub max_attempts: String,
    /// Equal jitter on the backoff (default on: a restarted backend is not hit in lockstep).
    pub jitter: bool,
    /// How long a connection must stay up before the backoff starts again from its first
    /// step, in ms (default "5000").
    pub stable_ms: String,
    /// Close codes never retried (default "1008,4001,4003").
    pub no_retry_codes: String,
    /// "Try again later" close codes (default "1013,4029").
    pub try_later_codes: String,
    /// Offline queue bound per session (default "1000").
    pub queue_capacity: String,
    /// Log bound (default "5000").
    pub log_capacity: String,
    /// Also log heartbeat and connection chatter (default off).
    pub log_noise: bool,
    /// Also log every sent message (default off).
    pub log_sent: bool,
    /// Thresholds (F10).
    pub thresholds: Thresholds,
    /// Ask the token provider for a fresh token this many seconds before a JWT expires
    /// (default "300"; seconds so a test can use a token that lives a few).
    pub token_refresh_before_s: String,
}

impl Default for RawConfig {
    fn default() -> Self {
        Self {
            endpoint: "/ws".into(),
            user_id: String::new(),
            token: String::new(),
            auth_mode: AuthMode::Query,
            sessions: "5".into(),
            auto_send: true,
            send_interval_ms: "8000".into(),
            message_template: DEFAULT_TEMPLATE.into(),
            binary: false,
            correlation_pointer: "/id".into(),
            group_pointer: String::new(),
            reply_timeout_ms: "10000".into(),
            duplicate_window_ms: "5000".into(),
            heartbeat_enabled: true,
            heartbeat_interval_ms: "20000".into(),
            heartbeat_timeout_ms: "10000".into(),
            ping_template: DEFAULT_PING.into(),
            pong_type: "pong".into(),
            connect_timeout_ms: "10000".into(),
            reconnect_enabled: true,
            reconnect_schedule_s: "1,2,4,8,16".into(),
            max_attempts: String::new(),
            jitter: true,
            stable_ms: "5000".into(),
            no_retry_codes: "1008,4001,4003".into(),
            try_later_codes: "1013,4029".into(),
            queue_capacity: "1000".into(),
            log_capacity: "5000".into(),
            log_noise: false,
            log_sent: false,
            thresholds: Thresholds::default(),
            token_refresh_before_s: "300".into(),
        }
    }
}

crate::form::form_fields!(
    RawConfig,
    Field,
    pub fn text,
    text: [
        Endpoint => endpoint,
        UserId => user_id,
        Token => token,
        Sessions => sessions,
        SendInterval => send_interval_ms,
        MessageTemplate => message_template,
        CorrelationPointer => correlation_pointer,
        GroupPointer => group_pointer,
        ReplyTimeout => reply_timeout_ms,
        DuplicateWindow => duplicate_window_ms,
        HeartbeatInterval => heartbeat_interval_ms,
        HeartbeatTimeout => heartbeat_timeout_ms,
        PingTemplate => ping_template,
        PongType => pong_type,
        ConnectTimeout => connect_timeout_ms,
        StableAfter => stable_ms,
        ReconnectSchedule => reconnect_schedule_s,
        MaxAttempts => max_attempts,
        NoRetryCodes => no_retry_codes,
        TryLaterCodes => try_later_codes,
        QueueCapacity => queue_capacity,
        LogCapacity => log_capacity,
        TokenRefresh => token_refresh_before_s,
    ],
    flags: [
        AutoSend => auto_send,
        Binary => binary,
        HeartbeatEnabled => heartbeat_enabled,
        ReconnectEnabled => reconnect_enabled,
        Jitter => jitter,
        LogNoise => log_noise,
        LogSent => log_sent,
    ],
);

impl RawConfig {
    /// Moves a token typed into the endpoint (`?token=…`, a JWT …) into the Token field,
    /// leaving `{token}` in its place: the URL sent is the same, and the token is now
    /// redacted and never stored. `Ok(Some(notice))` when something moved; an error when
    /// the endpoint and the Token field hold different tokens (nothing is changed then).
    pub fn move_endpoint_token(&mut self) -> Result<Option<FieldError>, FieldError> {
        let found = embedded_tokens(&self.endpoint);
        let Some(first) = found.first() else {
            return Ok(None);
        };
        let current = self.token.trim();
        let others = found.iter().any(|t| t.value != first.value);
        if others || (!current.is_empty() && current != first.value) {
            return Err(FieldError::new(
                Field::Endpoint,
                format!(
                    "The endpoint holds a token (in {}) that differs from the one in the Token field; keep one, in the Token field, and write {{token}} where it goes",
                    first.place
                ),
            ));
        }
        self.token = first.value.clone();
        self.endpoint = without_embedded_tokens(&self.endpoint);
        Ok(Some(FieldError::new(
            Field::Token,
            format!(
                "The token typed into the endpoint (in {}) was moved here; the endpoint says {{token}} instead",
                first.place
            ),
        )))
    }

    /// A copy safe to store or share: no token, not even one typed into the endpoint (F15).
    pub fn without_secrets(&self) -> RawConfig {
        RawConfig {
            endpoint: without_embedded_tokens(&self.endpoint),
            token: String::new(),
            ..self.clone()
        }
    }

    /// Session 0's URL as configured, with the token — and any token typed into the
    /// endpoint — redacted; or why it cannot be built.
    pub fn preview_url(&self, page_origin: &str) -> String {
        let mut redactor = Redactor::default();
        redactor.add(self.token.trim());
        for t in embedded_tokens(&self.endpoint) {
            redactor.add(&t.value);
        }
        let url = Endpoints::parse(&self.endpoint, page_origin)
            .map(|e| e.fill(&self.user_id, self.token.trim(), 0, self.auth_mode));
        redactor.redact(&url.unwrap_or_else(|reason| reason))
    }
}
