//! Configuration as the user typed it, and its validation (F2, R2).
//!
//! [`RawConfig`] holds the form's strings; [`RunConfig::from_raw`] turns them into typed
//! values or returns one specific, human message per bad field, so the UI can show each
//! next to its field and start nothing. Problems that do not stop a run (a template that is
//! not JSON, a missing token) come back as notices inside the config.
//!
//! [`RawConfig`] lives in `raw`, the typed [`RunConfig`] in `typed`, and the one pass from
//! the first to the second in `validate`, through the form toolkit shared with the scenario
//! form (`crate::form`).

mod raw;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod token_tests;
mod typed;
mod validate;

pub use crate::auth_mode::AuthMode;
pub use raw::RawConfig;
pub use typed::{Limits, RunConfig};

/// Most sessions the UI accepts (Chromium caps a profile at about 255 sockets).
pub const MAX_SESSIONS: u32 = 200;

/// A configuration field, named as the form's `data-testid`s where one exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[allow(missing_docs)]
pub enum Field {
    Endpoint,
    UserId,
    Token,
    AuthMode,
    Sessions,
    AutoSend,
    SendInterval,
    Binary,
    MessageTemplate,
    CorrelationPointer,
    GroupPointer,
    ReplyTimeout,
    DuplicateWindow,
    HeartbeatEnabled,
    HeartbeatInterval,
    HeartbeatTimeout,
    PingTemplate,
    PongType,
    ConnectTimeout,
    StableAfter,
    ReconnectEnabled,
    ReconnectSchedule,
    MaxAttempts,
    Jitter,
    NoRetryCodes,
    TryLaterCodes,
    QueueCapacity,
    LogCapacity,
    LogNoise,
    LogSent,
    Thresholds,
    TokenRefresh,
}

impl Field {
    /// Stable name, equal to the field's `data-testid` where the automation interface has one.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Endpoint => "endpoint-url",
            Field::UserId => "user-id",
            Field::Token => "token",
            Field::AuthMode => "auth-mode",
            Field::Sessions => "session-count",
            Field::AutoSend => "auto-send",
            Field::SendInterval => "send-interval",
            Field::Binary => "binary",
            Field::MessageTemplate => "message-template",
            Field::CorrelationPointer => "correlation-pointer",
            Field::GroupPointer => "group-pointer",
            Field::ReplyTimeout => "reply-timeout",
            Field::DuplicateWindow => "duplicate-window",
            Field::HeartbeatEnabled => "heartbeat-enabled",
            Field::HeartbeatInterval => "heartbeat-interval",
            Field::HeartbeatTimeout => "heartbeat-timeout",
            Field::PingTemplate => "ping-template",
            Field::PongType => "pong-type",
            Field::ConnectTimeout => "connect-timeout",
            Field::StableAfter => "stable-after",
            Field::ReconnectEnabled => "reconnect-enabled",
            Field::ReconnectSchedule => "reconnect-schedule",
            Field::MaxAttempts => "max-attempts",
            Field::Jitter => "jitter",
            Field::NoRetryCodes => "no-retry-codes",
            Field::TryLaterCodes => "try-later-codes",
            Field::QueueCapacity => "queue-capacity",
            Field::LogCapacity => "log-capacity",
            Field::LogNoise => "log-noise",
            Field::LogSent => "log-sent",
            Field::TokenRefresh => "token-refresh-before",
            Field::Thresholds => "thresholds",
        }
    }
}

/// A message about one configuration field: an error (nothing starts) or a notice (the run
/// may start).
pub type FieldError = crate::form::FormError<Field>;

/// The default message template: the default protocol's `message`.
pub const DEFAULT_TEMPLATE: &str = r#"{"type":"message","id":"{{id}}","seq":{{seq}},"session":{{session}},"ts":{{ts}},"text":"hello"}"#;

/// The default ping.
pub const DEFAULT_PING: &str = r#"{"type":"ping","id":"{{id}}"}"#;
