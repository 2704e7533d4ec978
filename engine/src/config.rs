//! Configuration as the user typed it, and its validation (F2, R2).
//!
//! [`RawConfig`] holds the form's strings; [`RunConfig::from_raw`] turns them into typed
//! values or returns one specific, human message per bad field, so the UI can show each
//! next to its field and start nothing. Problems that do not stop a run (a template that is
//! not JSON, a missing token) come back as notices inside the config.

pub use crate::auth_mode::AuthMode;
use crate::embedded::{embedded_tokens, without_embedded_tokens};
use crate::endpoint_list::Endpoints;
use crate::heartbeat::HeartbeatConfig;
use crate::ids::Millis;
use crate::reconnect::ReconnectPolicy;
use crate::template::Template;
use crate::thresholds::Thresholds;
use crate::url::Redactor;

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
    SendInterval,
    MessageTemplate,
    CorrelationPointer,
    GroupPointer,
    ReplyTimeout,
    DuplicateWindow,
    HeartbeatInterval,
    HeartbeatTimeout,
    PingTemplate,
    PongType,
    ConnectTimeout,
    StableAfter,
    ReconnectSchedule,
    MaxAttempts,
    NoRetryCodes,
    TryLaterCodes,
    QueueCapacity,
    LogCapacity,
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
            Field::SendInterval => "send-interval",
            Field::MessageTemplate => "message-template",
            Field::CorrelationPointer => "correlation-pointer",
            Field::GroupPointer => "group-pointer",
            Field::ReplyTimeout => "reply-timeout",
            Field::DuplicateWindow => "duplicate-window",
            Field::HeartbeatInterval => "heartbeat-interval",
            Field::HeartbeatTimeout => "heartbeat-timeout",
            Field::PingTemplate => "ping-template",
            Field::PongType => "pong-type",
            Field::ConnectTimeout => "connect-timeout",
            Field::StableAfter => "stable-after",
            Field::ReconnectSchedule => "reconnect-schedule",
            Field::MaxAttempts => "max-attempts",
            Field::NoRetryCodes => "no-retry-codes",
            Field::TryLaterCodes => "try-later-codes",
            Field::QueueCapacity => "queue-capacity",
            Field::LogCapacity => "log-capacity",
            Field::TokenRefresh => "token-refresh-before",
            Field::Thresholds => "thresholds",
        }
    }
}

/// A message about one field: an error (nothing starts) or a notice (the run may start).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// The field.
    pub field: Field,
    /// A sentence for the user; never contains the token.
    pub message: String,
}

impl FieldError {
    fn new(field: Field, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// The default message template: the default protocol's `message`.
pub const DEFAULT_TEMPLATE: &str = r#"{"type":"message","id":"{{id}}","seq":{{seq}},"session":{{session}},"ts":{{ts}},"text":"hello"}"#;

/// The default ping.
pub const DEFAULT_PING: &str = r#"{"type":"ping","id":"{{id}}"}"#;

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

/// `RawConfig::text` and `RawConfig::text_mut` from one list: which field is which string.
macro_rules! text_fields {
    ($($variant:ident => $name:ident),* $(,)?) => {
        impl RawConfig {
            /// Every field typed as text.
            pub const TEXT_FIELDS: &'static [Field] = &[$(Field::$variant),*];

            /// The text of a field typed as text, to edit (`None` for a choice, a switch or
            /// the thresholds): one binding serves every text field of the form.
            pub fn text_mut(&mut self, field: Field) -> Option<&mut String> {
                match field {
                    $(Field::$variant => Some(&mut self.$name),)*
                    _ => None,
                }
            }

            /// The text of a field typed as text; empty for the others.
            pub fn text(&self, field: Field) -> &str {
                match field {
                    $(Field::$variant => &self.$name,)*
                    _ => "",
                }
            }
        }
    };
}

text_fields!(
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
    /// Validates `raw`. `page_origin` (e.g. `http://127.0.0.1:8080`) resolves a relative
    /// endpoint. Returns every problem at once, one per field.
    pub fn from_raw(raw: &RawConfig, page_origin: &str) -> Result<RunConfig, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut notices = Vec::new();
        let mut check = |field: Field, r: Result<(), String>| {
            if let Err(m) = r {
                errors.push(FieldError::new(field, m));
            }
        };

        let endpoint = Endpoints::parse(&raw.endpoint, page_origin);
        let user_id = raw.user_id.trim().to_owned();
        let token = raw.token.trim().to_owned();
        let embedded = embedded_tokens(&raw.endpoint);
        if let Some(first) = embedded.first() {
            check(
                Field::Endpoint,
                Err(format!(
                    "The endpoint holds a token (in {}); put it in the Token field, where it is redacted and never stored, and write {{token}} where it goes",
                    first.place
                )),
            );
        }
        if let Ok(e) = &endpoint
            && e.uses_user_id()
            && user_id.is_empty()
        {
            check(
                Field::UserId,
                Err("The endpoint needs a user id for {user_id}".into()),
            );
        }
        check(Field::Token, check_token(&token, raw.auth_mode));
        if token.is_empty() {
            let needs = endpoint.as_ref().is_ok_and(Endpoints::uses_token)
                || matches!(
                    raw.auth_mode,
                    AuthMode::Subprotocol | AuthMode::FirstMessage
                );
            if needs {
                notices.push(FieldError::new(
                    Field::Token,
                    "No token set: the server may refuse the connection (a token provider can supply one)",
                ));
            }
        }

        let sessions = parse_sessions(&raw.sessions);
        let interval = send_interval(&raw.send_interval_ms);
        let template = Template::parse(&raw.message_template);
        if let Ok(t) = &template {
            if !t.renders_json() {
                notices.push(FieldError::new(
                    Field::MessageTemplate,
                    "The template is not JSON; it will be sent as raw text and replies cannot be matched by pointer",
                ));
            } else if !t.has_id() {
                notices.push(FieldError::new(
                    Field::MessageTemplate,
                    "The template has no {{id}}: replies cannot be told apart and will count as lost",
                ));
            }
        }
        let pointer = check_pointer(raw.correlation_pointer.trim(), "Correlation pointer");
        let group_pointer = raw.group_pointer.trim();
        let group = check_pointer(group_pointer, "Group RTT by");
        let reply_timeout = ms(&raw.reply_timeout_ms, "Reply timeout", 1.0, 600_000.0);
        let dup_window = ms(&raw.duplicate_window_ms, "Duplicate window", 1.0, 600_000.0);
        let hb_interval = ms(
            &raw.heartbeat_interval_ms,
            "Heartbeat interval",
            100.0,
            600_000.0,
        );
        let hb_timeout = ms(
            &raw.heartbeat_timeout_ms,
            "Heartbeat timeout",
            100.0,
            600_000.0,
        );
        let ping = Template::parse(&raw.ping_template);
        let connect_timeout = ms(&raw.connect_timeout_ms, "Connect timeout", 100.0, 600_000.0);
        let stable = ms(&raw.stable_ms, "Stable after", 0.0, 3_600_000.0);
        let schedule = parse_schedule(&raw.reconnect_schedule_s);
        let max_attempts = parse_max_attempts(&raw.max_attempts);
        let no_retry = parse_codes(&raw.no_retry_codes, "No-retry codes");
        let try_later = parse_codes(&raw.try_later_codes, "Try-later codes");
        let queue = count(&raw.queue_capacity, "Queue capacity", 0, 100_000);
        let log_cap = count(&raw.log_capacity, "Log capacity", 100, 100_000);

        check(
            Field::Endpoint,
            endpoint.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        check(
            Field::Sessions,
            sessions.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        if raw.auto_send {
            check(
                Field::SendInterval,
                interval.as_ref().map(|_| ()).map_err(Clone::clone),
            );
        }
        check(
            Field::MessageTemplate,
            template.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        check(Field::CorrelationPointer, pointer.clone());
        check(Field::GroupPointer, group);
        check(
            Field::ReplyTimeout,
            reply_timeout.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        check(
            Field::DuplicateWindow,
            dup_window.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        if raw.heartbeat_enabled {
            check(
                Field::HeartbeatInterval,
                hb_interval.as_ref().map(|_| ()).map_err(Clone::clone),
            );
            check(
                Field::HeartbeatTimeout,
                hb_timeout.as_ref().map(|_| ()).map_err(Clone::clone),
            );
            check(
                Field::PingTemplate,
                ping.as_ref().map(|_| ()).map_err(Clone::clone),
            );
            if raw.pong_type.trim().is_empty() {
                check(
                    Field::PongType,
                    Err("Enter the type a pong has, e.g. pong".into()),
                );
            }
        }
        check(
            Field::ConnectTimeout,
            connect_timeout.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        if raw.reconnect_enabled {
            check(
                Field::StableAfter,
                stable.as_ref().map(|_| ()).map_err(Clone::clone),
            );
            check(
                Field::ReconnectSchedule,
                schedule.as_ref().map(|_| ()).map_err(Clone::clone),
            );
            check(
                Field::MaxAttempts,
                max_attempts.as_ref().map(|_| ()).map_err(Clone::clone),
            );
        }
        check(
            Field::NoRetryCodes,
            no_retry.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        check(
            Field::TryLaterCodes,
            try_later.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        check(
            Field::QueueCapacity,
            queue.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        check(
            Field::LogCapacity,
            log_cap.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        check(Field::Thresholds, raw.thresholds.validate());
        let refresh_before = ms(
            &raw.token_refresh_before_s,
            "Token refresh margin",
            0.0,
            86_400.0,
        )
        .map(|s| s * 1000.0)
        .map_err(|e| e.replace("milliseconds", "seconds"));
        check(
            Field::TokenRefresh,
            refresh_before.as_ref().map(|_| ()).map_err(Clone::clone),
        );

        if !errors.is_empty() {
            // A message may quote what was typed; no token shows, typed where it belongs
            // or into the endpoint (R3).
            let mut redactor = Redactor::default();
            redactor.add(&token);
            for t in &embedded {
                redactor.add(&t.value);
            }
            for e in &mut errors {
                e.message = redactor.redact(&e.message);
            }
            return Err(errors);
        }
        // Every value below was checked above; the defaults are unreachable.
        let template = template.unwrap_or_else(|_| unreachable!());
        let heartbeat = match (raw.heartbeat_enabled, hb_interval, hb_timeout, ping) {
            (true, Ok(interval_ms), Ok(timeout_ms), Ok(ping)) => Some(HeartbeatConfig {
                interval_ms,
                timeout_ms,
                ping,
                pong_type: raw.pong_type.trim().to_owned(),
            }),
            _ => None,
        };
        let defaults = ReconnectPolicy::default();
        Ok(RunConfig {
            endpoint: endpoint.unwrap_or_else(|_| unreachable!()),
            user_id,
            token,
            auth_mode: raw.auth_mode,
            sessions: sessions.unwrap_or(1),
            send_interval_ms: if raw.auto_send { interval.ok() } else { None },
            template_is_json: template.renders_json(),
            template,
            binary: raw.binary,
            correlation_pointer: raw.correlation_pointer.trim().to_owned(),
            group_pointer: (!group_pointer.is_empty()).then(|| group_pointer.to_owned()),
            reply_timeout_ms: reply_timeout.unwrap_or(10_000.0),
            duplicate_window_ms: dup_window.unwrap_or(5_000.0),
            heartbeat,
            reconnect: ReconnectPolicy {
                enabled: raw.reconnect_enabled,
                schedule_ms: schedule.unwrap_or(defaults.schedule_ms),
                max_attempts: max_attempts.unwrap_or(None),
                jitter: raw.jitter,
                no_retry_codes: no_retry.unwrap_or_default(),
                try_later_codes: try_later.unwrap_or_default(),
                connect_timeout_ms: connect_timeout.unwrap_or(10_000.0),
                stable_ms: stable.unwrap_or(defaults.stable_ms),
            },
            queue_capacity: queue.unwrap_or(1000) as usize,
            log_capacity: log_cap.unwrap_or(5000) as usize,
            log_noise: raw.log_noise,
            log_sent: raw.log_sent,
            thresholds: raw.thresholds.clone(),
            refresh_before_ms: refresh_before.unwrap_or(300_000.0),
            token_provider: false,
            time_origin_ms: 0.0,
            limits: Limits::default(),
            notices,
        })
    }
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

/// Quotes user input for a message, shortened so a pasted essay does not become one.
pub(crate) fn quoted(s: &str) -> String {
    let short: String = s.chars().take(40).collect();
    if short.len() < s.len() {
        format!("\"{short}…\"")
    } else {
        format!("\"{short}\"")
    }
}

fn parse_sessions(s: &str) -> Result<u32, String> {
    let t = s.trim();
    match t.parse::<i64>() {
        Ok(n) if n > i64::from(MAX_SESSIONS) => Err(format!(
            "At most {MAX_SESSIONS} sessions: Chromium allows about 255 sockets per profile, shared with every tab; got {n}"
        )),
        Ok(n) if n >= 1 => Ok(n as u32),
        _ => Err(format!(
            "Session count must be a whole number from 1 to {MAX_SESSIONS}; got {}",
            quoted(t)
        )),
    }
}

/// The send interval: 10–60000 ms, or exactly 0 for one message in flight.
pub(crate) fn send_interval(s: &str) -> Result<Millis, String> {
    match s.trim().parse::<f64>() {
        Ok(0.0) => Ok(0.0),
        _ => ms(s, "Send interval", 10.0, 60_000.0).map_err(|e| {
            e.replacen(
                "; got",
                ", or 0 for one message in flight (the next goes when its reply is in); got",
                1,
            )
        }),
    }
}

fn ms(s: &str, what: &str, min: f64, max: f64) -> Result<Millis, String> {
    let t = s.trim();
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() && (min..=max).contains(&v) => Ok(v),
        _ => Err(format!(
            "{what} must be a number of milliseconds from {min} to {max}; got {}",
            quoted(t)
        )),
    }
}

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

fn parse_schedule(s: &str) -> Result<Vec<Millis>, String> {
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

fn parse_max_attempts(s: &str) -> Result<Option<u32>, String> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<u32>() {
        Ok(0) => Ok(None),
        Ok(n) => Ok(Some(n)),
        Err(_) => Err(format!(
            "Max attempts must be a whole number (empty or 0 = never give up); got {}",
            quoted(t)
        )),
    }
}

fn parse_codes(s: &str, what: &str) -> Result<Vec<u16>, String> {
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

/// RFC 6901: empty, or `/`-separated tokens where `~` is only `~0` or `~1`. `what` names
/// the field in the message.
fn check_pointer(p: &str, what: &str) -> Result<(), String> {
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
    Ok(())
}

/// Tokens sent as a subprotocol must be HTTP token characters.
fn check_token(token: &str, mode: AuthMode) -> Result<(), String> {
    let is_tchar = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if mode == AuthMode::Subprotocol && !token.chars().all(is_tchar) {
        return Err(
            "A token sent as a subprotocol can only contain letters, digits and !#$%&'*+-.^_`|~"
                .into(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: &str = "http://127.0.0.1:8080";

    fn errors(raw: RawConfig) -> Vec<FieldError> {
        RunConfig::from_raw(&raw, ORIGIN).unwrap_err()
    }

    #[test]
    fn every_text_field_has_its_own_slot_and_validation_reads_it() {
        use Field::*;
        let texts = RawConfig::TEXT_FIELDS;
        assert_eq!(texts.len(), 23);
        let mut raw = RawConfig::default();
        for &f in texts {
            *raw.text_mut(f).unwrap() = format!("<{}>", f.as_str());
        }
        // Each wrote its own string: no two fields share a slot.
        for &f in texts {
            assert_eq!(raw.text(f), format!("<{}>", f.as_str()));
        }
        assert!(raw.text_mut(AuthMode).is_none() && raw.text_mut(Thresholds).is_none());
        assert_eq!(raw.text(Thresholds), "");
        // What the form writes is what validation judges.
        let mut raw = RawConfig::default();
        *raw.text_mut(Sessions).unwrap() = "abc".into();
        assert_eq!(one_error(raw).field, Sessions);
    }

    fn one_error(raw: RawConfig) -> FieldError {
        let e = errors(raw);
        assert_eq!(e.len(), 1, "{e:?}");
        e.into_iter().next().unwrap()
    }

    #[test]
    fn defaults_validate_to_the_spec_values() {
        let c = RunConfig::from_raw(&RawConfig::default(), ORIGIN).unwrap();
        assert_eq!(c.endpoint.template(), "ws://127.0.0.1:8080/ws");
        assert_eq!(c.sessions, 5);
        assert_eq!(c.send_interval_ms, Some(8000.0));
        assert_eq!(c.correlation_pointer, "/id");
        assert_eq!(c.reply_timeout_ms, 10_000.0);
        assert_eq!(c.duplicate_window_ms, 5_000.0);
        let hb = c.heartbeat.as_ref().unwrap();
        assert_eq!(
            (hb.interval_ms, hb.timeout_ms, hb.pong_type.as_str()),
            (20_000.0, 10_000.0, "pong")
        );
        assert_eq!(c.reconnect, ReconnectPolicy::default());
        assert_eq!((c.queue_capacity, c.log_capacity), (1000, 5000));
        assert!(c.template_is_json);
        assert!(c.notices.is_empty(), "{:?}", c.notices);
    }

    #[test]
    fn session_count_bad_inputs() {
        for bad in ["0", "-1", "abc", "", "1.5"] {
            let e = one_error(RawConfig {
                sessions: bad.into(),
                ..Default::default()
            });
            assert_eq!(e.field, Field::Sessions);
            assert!(
                e.message
                    .starts_with("Session count must be a whole number from 1 to 200"),
                "{}",
                e.message
            );
        }
        let e = one_error(RawConfig {
            sessions: "201".into(),
            ..Default::default()
        });
        assert!(
            e.message
                .contains("Chromium allows about 255 sockets per profile"),
            "{}",
            e.message
        );
        assert!(e.message.contains("201"));
        let e = one_error(RawConfig {
            sessions: "abc".into(),
            ..Default::default()
        });
        assert!(e.message.contains("got \"abc\""));
        let ok = RunConfig::from_raw(
            &RawConfig {
                sessions: " 200 ".into(),
                ..Default::default()
            },
            ORIGIN,
        );
        assert_eq!(ok.unwrap().sessions, 200);
    }

    #[test]
    fn interval_bad_inputs() {
        for bad in ["-5", "-0.5", "0.5", "NaN", "inf", "x", "60001", "9"] {
            let e = one_error(RawConfig {
                send_interval_ms: bad.into(),
                ..Default::default()
            });
            assert_eq!(e.field, Field::SendInterval, "{bad}");
        }
        // Automatic sending off: the interval is not looked at.
        let c = RunConfig::from_raw(
            &RawConfig {
                auto_send: false,
                send_interval_ms: "0".into(),
                ..Default::default()
            },
            ORIGIN,
        )
        .unwrap();
        assert_eq!(c.send_interval_ms, None);
    }

    #[test]
    fn endpoint_errors_reach_the_endpoint_field() {
        let e = one_error(RawConfig {
            endpoint: "ftp://h/ws".into(),
            ..Default::default()
        });
        assert_eq!(e.field, Field::Endpoint);
        assert_eq!(
            e.message,
            "ftp:// is not a WebSocket scheme; use ws://, wss://, http:// or https://"
        );
        assert_eq!(
            one_error(RawConfig {
                endpoint: "".into(),
                ..Default::default()
            })
            .field,
            Field::Endpoint
        );
    }

    #[test]
    fn user_id_placeholder_needs_a_user_id() {
        let raw = RawConfig {
            endpoint: "/api/v1/pam/ws/{user_id}".into(),
            ..Default::default()
        };
        let e = one_error(raw.clone());
        assert_eq!(e.field, Field::UserId);
        assert_eq!(e.message, "The endpoint needs a user id for {user_id}");
        assert!(
            RunConfig::from_raw(
                &RawConfig {
                    user_id: "u1".into(),
                    ..raw
                },
                ORIGIN
            )
            .is_ok()
        );
    }

    #[test]
    fn template_not_json_is_a_notice() {
        let c = RunConfig::from_raw(
            &RawConfig {
                message_template: "hello {{seq}}".into(),
                ..Default::default()
            },
            ORIGIN,
        )
        .unwrap();
        assert!(!c.template_is_json);
        assert_eq!(c.notices.len(), 1);
        assert_eq!(c.notices[0].field, Field::MessageTemplate);
        let e = one_error(RawConfig {
            message_template: "{{nope}}".into(),
            ..Default::default()
        });
        assert_eq!(e.field, Field::MessageTemplate);
    }

    #[test]
    fn pointer_validation() {
        for ok in ["/id", "/request_id", "/meta/0/id", "", "/a~0b~1c"] {
            let raw = RawConfig {
                correlation_pointer: ok.into(),
                ..Default::default()
            };
            assert!(RunConfig::from_raw(&raw, ORIGIN).is_ok(), "{ok}");
        }
        for bad in ["id", "/a~2", "/a~"] {
            let e = one_error(RawConfig {
                correlation_pointer: bad.into(),
                ..Default::default()
            });
            assert_eq!(e.field, Field::CorrelationPointer, "{bad}");
            assert!(e.message.contains("JSON pointer"));
        }
    }

    #[test]
    fn group_pointer_is_off_when_empty_and_checked_when_set() {
        let c = RunConfig::from_raw(&RawConfig::default(), ORIGIN).unwrap();
        assert_eq!(c.group_pointer, None);
        let c = RunConfig::from_raw(
            &RawConfig {
                group_pointer: " /agent ".into(),
                ..Default::default()
            },
            ORIGIN,
        )
        .unwrap();
        assert_eq!(c.group_pointer.as_deref(), Some("/agent"));
        for bad in ["agent", "/a~2"] {
            let e = one_error(RawConfig {
                group_pointer: bad.into(),
                ..Default::default()
            });
            assert_eq!(e.field, Field::GroupPointer, "{bad}");
            assert!(
                e.message.starts_with("Group RTT by must be a JSON pointer"),
                "{}",
                e.message
            );
        }
    }

    #[test]
    fn reconnect_fields() {
        let e = one_error(RawConfig {
            reconnect_schedule_s: "1,x".into(),
            ..Default::default()
        });
        assert_eq!(e.field, Field::ReconnectSchedule);
        let e = one_error(RawConfig {
            reconnect_schedule_s: "1,0".into(),
            ..Default::default()
        });
        assert_eq!(e.field, Field::ReconnectSchedule);
        let e = one_error(RawConfig {
            no_retry_codes: "1008,abc".into(),
            ..Default::default()
        });
        assert_eq!(e.field, Field::NoRetryCodes);
        let e = one_error(RawConfig {
            max_attempts: "-1".into(),
            ..Default::default()
        });
        assert_eq!(e.field, Field::MaxAttempts);
        let c = RunConfig::from_raw(
            &RawConfig {
                reconnect_schedule_s: "0.5, 3".into(),
                max_attempts: "4".into(),
                no_retry_codes: "".into(),
                ..Default::default()
            },
            ORIGIN,
        )
        .unwrap();
        assert_eq!(c.reconnect.schedule_ms, vec![500.0, 3000.0]);
        assert_eq!(c.reconnect.max_attempts, Some(4));
        assert!(c.reconnect.no_retry_codes.is_empty());
    }

    #[test]
    fn heartbeat_off_ignores_its_fields() {
        let raw = RawConfig {
            heartbeat_enabled: false,
            heartbeat_interval_ms: "x".into(),
            ..Default::default()
        };
        assert_eq!(RunConfig::from_raw(&raw, ORIGIN).unwrap().heartbeat, None);
        let e = one_error(RawConfig {
            heartbeat_interval_ms: "x".into(),
            ..Default::default()
        });
        assert_eq!(e.field, Field::HeartbeatInterval);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let raw = RawConfig {
            endpoint: "ftp://x".into(),
            sessions: "0".into(),
            send_interval_ms: "-1".into(),
            correlation_pointer: "id".into(),
            ..Default::default()
        };
        let fields: Vec<Field> = errors(raw).into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec![
                Field::Endpoint,
                Field::Sessions,
                Field::SendInterval,
                Field::CorrelationPointer
            ]
        );
    }

    #[test]
    fn token_rules() {
        let raw = RawConfig {
            auth_mode: AuthMode::Subprotocol,
            token: "a b".into(),
            ..Default::default()
        };
        assert_eq!(one_error(raw).field, Field::Token);
        let raw = RawConfig {
            auth_mode: AuthMode::FirstMessage,
            ..Default::default()
        };
        let c = RunConfig::from_raw(&raw, ORIGIN).unwrap();
        assert_eq!(c.notices[0].field, Field::Token);
    }

    #[test]
    fn messages_never_contain_the_token() {
        let raw = RawConfig {
            token: "sekret".into(),
            endpoint: "ftp://h/ws?token=sekret".into(),
            ..Default::default()
        };
        for e in errors(raw) {
            assert!(!e.message.contains("sekret"), "{}", e.message);
        }
    }

    #[test]
    fn raw_config_persists_without_token() {
        let raw = RawConfig {
            token: "sekret".into(),
            sessions: "7".into(),
            ..Default::default()
        };
        let json = serde_json::to_string(&raw).unwrap();
        assert!(!json.contains("sekret"));
        let back = RawConfig::from_json(&json).unwrap();
        assert_eq!(back.sessions, "7");
        assert_eq!(back.token, "");
        let partial = RawConfig::from_json(r#"{"sessions":"9"}"#).unwrap();
        assert_eq!(partial.endpoint, "/ws");
    }

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJxYSJ9.c2lnbmF0dXJl";

    #[test]
    fn a_token_typed_into_the_endpoint_is_refused_and_never_quoted() {
        for endpoint in [
            "/ws?token=pl41n-s3cret".to_string(),
            "/ws?x=1&access_token=pl41n-s3cret".to_string(),
            "/ws?auth=pl41n-s3cret".to_string(),
            format!("/ws?k={JWT}"),
            format!("ftp://h/{JWT}"),
        ] {
            let e = errors(RawConfig {
                endpoint: endpoint.clone(),
                ..Default::default()
            });
            assert!(e.iter().any(|e| e.field == Field::Endpoint), "{endpoint}");
            for e in e {
                assert!(!e.message.contains("pl41n-s3cret"), "{}", e.message);
                assert!(!e.message.contains("eyJ"), "{}", e.message);
            }
        }
    }

    #[test]
    fn a_token_typed_into_the_endpoint_moves_to_the_token_field() {
        let mut raw = RawConfig {
            endpoint: "wss://api.example/ws?a=1&token=t%2Bk&b=2".into(),
            ..Default::default()
        };
        let notice = raw.move_endpoint_token().unwrap().unwrap();
        assert_eq!(notice.field, Field::Token);
        assert!(!notice.message.contains("t+k"), "{}", notice.message);
        assert_eq!(raw.token, "t+k");
        assert_eq!(raw.endpoint, "wss://api.example/ws?a=1&token={token}&b=2");
        // The URL sent is the one typed.
        let c = RunConfig::from_raw(&raw, ORIGIN).unwrap();
        assert_eq!(
            c.endpoint.fill("", &c.token, 0, c.auth_mode),
            "wss://api.example/ws?a=1&token=t%2Bk&b=2"
        );
        // Nothing to move: nothing changes.
        assert_eq!(raw.move_endpoint_token(), Ok(None));
        // The same token in both places is fine; a different one is refused.
        let mut same = RawConfig {
            endpoint: format!("/ws/{JWT}"),
            token: JWT.into(),
            ..Default::default()
        };
        assert!(same.move_endpoint_token().unwrap().is_some());
        assert_eq!(same.endpoint, "/ws/{token}");
        let mut other = RawConfig {
            endpoint: "/ws?token=tok-a1".into(),
            token: "tok-b2".into(),
            ..Default::default()
        };
        let e = other.move_endpoint_token().unwrap_err();
        assert_eq!(e.field, Field::Endpoint);
        assert!(!e.message.contains("tok-a1") && !e.message.contains("tok-b2"));
        assert_eq!(other.endpoint, "/ws?token=tok-a1");
    }

    #[test]
    fn stored_shared_and_previewed_configs_hold_no_endpoint_token() {
        let raw = RawConfig {
            endpoint: format!("/ws/{{user_id}}?token={JWT}"),
            user_id: "u1".into(),
            token: "field-token".into(),
            ..Default::default()
        };
        let json = serde_json::to_string(&raw.without_secrets()).unwrap();
        assert!(
            !json.contains(JWT) && !json.contains("field-token"),
            "{json}"
        );
        assert!(json.contains("token={token}"), "{json}");
        // Both the endpoint's token and the field's (appended in query mode) are hidden.
        let preview = raw.preview_url(ORIGIN);
        assert_eq!(
            preview,
            "ws://127.0.0.1:8080/ws/u1?token=[redacted]&token=[redacted]"
        );
        let bad = RawConfig {
            endpoint: "ftp://h/ws?token=zz-s3cret".into(),
            ..Default::default()
        };
        assert!(!bad.preview_url(ORIGIN).contains("zz-s3cret"));
    }

    #[test]
    fn a_token_providers_token_counts_before_it_arrives() {
        let raw = RawConfig {
            endpoint: "ws://elsewhere.example:9/ws?token={token}".into(),
            ..Default::default()
        };
        let mut cfg = RunConfig::from_raw(&raw, ORIGIN).unwrap();
        assert_eq!(cfg.token_destination(ORIGIN), None);
        cfg.token_provider = true;
        assert_eq!(
            cfg.token_destination(ORIGIN).as_deref(),
            Some("elsewhere.example:9")
        );
    }

    #[test]
    fn token_destination_names_a_foreign_host_only_when_a_token_goes_there() {
        let dest = |endpoint: &str, token: &str, mode: AuthMode| {
            let raw = RawConfig {
                endpoint: endpoint.into(),
                token: token.into(),
                auth_mode: mode,
                ..Default::default()
            };
            RunConfig::from_raw(&raw, ORIGIN)
                .unwrap()
                .token_destination(ORIGIN)
        };
        let q = AuthMode::Query;
        assert_eq!(
            dest("wss://evil.example/ws", "t", q).as_deref(),
            Some("evil.example")
        );
        assert_eq!(
            dest("ws://localhost:8080/ws", "t", AuthMode::FirstMessage).as_deref(),
            Some("localhost:8080")
        );
        assert_eq!(dest("wss://evil.example/ws", "", q), None);
        assert_eq!(dest("/ws", "t", q), None);
        assert_eq!(dest("ws://127.0.0.1:8080/ws", "t", q), None);
        assert_eq!(dest("wss://evil.example/ws", "t", AuthMode::Cookie), None);
        assert!(dest("wss://evil.example/ws?t={token}", "t", AuthMode::Cookie).is_some());
    }

    #[test]
    fn auth_mode_names_round_trip() {
        for m in AuthMode::ALL {
            assert_eq!(AuthMode::parse(m.as_str()), Some(m));
        }
    }
}
