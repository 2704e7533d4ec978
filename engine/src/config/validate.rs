//! From the form's text to a [`RunConfig`], in one pass (F2, R2).
//!
//! Every field goes once through the form toolkit's [`Validator`], in the order of the
//! form, so the errors come back in that order; the config is built from what parsed, and
//! exists only when everything did. A field behind a switch that is off is not judged.

use super::{AuthMode, Field, FieldError, Limits, RawConfig, RunConfig};
use crate::embedded::{EmbeddedToken, embedded_tokens};
use crate::endpoint_list::Endpoints;
use crate::form::{self, Validator};
use crate::heartbeat::HeartbeatConfig;
use crate::ids::Millis;
use crate::reconnect::ReconnectPolicy;
use crate::template::Template;
use crate::url::Redactor;

impl RunConfig {
    /// Validates `raw`. `page_origin` (e.g. `http://127.0.0.1:8080`) resolves a relative
    /// endpoint. Returns every problem at once, one per field.
    pub fn from_raw(raw: &RawConfig, page_origin: &str) -> Result<RunConfig, Vec<FieldError>> {
        let mut v = Validator::new();
        let embedded = embedded_tokens(&raw.endpoint);
        let config = fields(&mut v, raw, page_origin, embedded.first());
        // A message may quote what was typed; no token shows, typed where it belongs or
        // into the endpoint (R3).
        let mut redactor = Redactor::default();
        redactor.add(raw.token.trim());
        for t in &embedded {
            redactor.add(&t.value);
        }
        for e in v.errors_mut() {
            e.message = redactor.redact(&e.message);
        }
        let notices = v.take_notices();
        let config = v.finish(config)?;
        Ok(RunConfig { notices, ..config })
    }
}

/// Milliseconds, as most durations of this form are typed.
fn millis(s: &str, what: &str, min: f64, max: f64) -> Result<Millis, String> {
    form::number(s, what, "milliseconds", min, max)
}

/// Every field, in the form's order; `None` when one did not parse (its error is kept).
fn fields(
    v: &mut Validator<Field>,
    raw: &RawConfig,
    page_origin: &str,
    embedded: Option<&EmbeddedToken>,
) -> Option<RunConfig> {
    let parsed_endpoint = Endpoints::parse(&raw.endpoint, page_origin);
    let user_id = raw.user_id.trim();
    let token = raw.token.trim();
    if let Some(first) = embedded {
        v.fail(
            Field::Endpoint,
            format!(
                "The endpoint holds a token (in {}); put it in the Token field, where it is redacted and never stored, and write {{token}} where it goes",
                first.place
            ),
        );
    }
    if let Ok(e) = &parsed_endpoint
        && e.uses_user_id()
        && user_id.is_empty()
    {
        v.fail(Field::UserId, "The endpoint needs a user id for {user_id}");
    }
    v.check(Field::Token, check_token(token, raw.auth_mode));
    let token_needed = parsed_endpoint.as_ref().is_ok_and(Endpoints::uses_token)
        || matches!(
            raw.auth_mode,
            AuthMode::Subprotocol | AuthMode::FirstMessage
        );
    if token.is_empty() && token_needed {
        v.notice(
            Field::Token,
            "No token set: the server may refuse the connection (a token provider can supply one)",
        );
    }
    let endpoint = v.take(Field::Endpoint, parsed_endpoint);
    let sessions = v.take(
        Field::Sessions,
        form::sessions(&raw.sessions, "Session count", 1),
    );
    let send_interval_ms = if raw.auto_send {
        v.take(
            Field::SendInterval,
            form::send_interval(&raw.send_interval_ms),
        )
        .map(Some)
    } else {
        Some(None)
    };
    let template = v.take(
        Field::MessageTemplate,
        Template::parse(&raw.message_template),
    );
    if let Some(t) = &template {
        if !t.renders_json() {
            v.notice(
                Field::MessageTemplate,
                "The template is not JSON; it will be sent as raw text and replies cannot be matched by pointer",
            );
        } else if !t.has_id() {
            v.notice(
                Field::MessageTemplate,
                "The template has no {{id}}: replies cannot be told apart and will count as lost",
            );
        }
    }
    let correlation_pointer = v.take(
        Field::CorrelationPointer,
        form::json_pointer(&raw.correlation_pointer, "Correlation pointer"),
    );
    let group_pointer = v.take(
        Field::GroupPointer,
        form::json_pointer(&raw.group_pointer, "Group RTT by"),
    );
    let reply_timeout_ms = v.take(
        Field::ReplyTimeout,
        millis(&raw.reply_timeout_ms, "Reply timeout", 1.0, 600_000.0),
    );
    let duplicate_window_ms = v.take(
        Field::DuplicateWindow,
        millis(&raw.duplicate_window_ms, "Duplicate window", 1.0, 600_000.0),
    );
    let heartbeat = if raw.heartbeat_enabled {
        heartbeat(v, raw).map(Some)
    } else {
        Some(None)
    };
    let reconnect = reconnect(v, raw);
    let queue_capacity = v.take(
        Field::QueueCapacity,
        form::count(&raw.queue_capacity, "Queue capacity", 0, 100_000),
    );
    let log_capacity = v.take(
        Field::LogCapacity,
        form::count(&raw.log_capacity, "Log capacity", 100, 100_000),
    );
    v.check(Field::Thresholds, raw.thresholds.validate());
    let refresh_before_ms = v.take(
        Field::TokenRefresh,
        form::secs(
            &raw.token_refresh_before_s,
            "Token refresh margin",
            0.0,
            86_400.0,
        ),
    );
    let template = template?;
    let group_pointer = group_pointer?;
    Some(RunConfig {
        endpoint: endpoint?,
        user_id: user_id.to_owned(),
        token: token.to_owned(),
        auth_mode: raw.auth_mode,
        sessions: sessions?,
        send_interval_ms: send_interval_ms?,
        template_is_json: template.renders_json(),
        template,
        binary: raw.binary,
        correlation_pointer: correlation_pointer?,
        group_pointer: (!group_pointer.is_empty()).then_some(group_pointer),
        reply_timeout_ms: reply_timeout_ms?,
        duplicate_window_ms: duplicate_window_ms?,
        heartbeat: heartbeat?,
        reconnect: reconnect?,
        queue_capacity: queue_capacity? as usize,
        log_capacity: log_capacity? as usize,
        log_noise: raw.log_noise,
        log_sent: raw.log_sent,
        thresholds: raw.thresholds.clone(),
        refresh_before_ms: refresh_before_ms?,
        token_provider: false,
        time_origin_ms: 0.0,
        limits: Limits::default(),
        notices: Vec::new(),
    })
}

/// The heartbeat's fields, when it is on.
fn heartbeat(v: &mut Validator<Field>, raw: &RawConfig) -> Option<HeartbeatConfig> {
    let interval_ms = v.take(
        Field::HeartbeatInterval,
        millis(
            &raw.heartbeat_interval_ms,
            "Heartbeat interval",
            100.0,
            600_000.0,
        ),
    );
    let timeout_ms = v.take(
        Field::HeartbeatTimeout,
        millis(
            &raw.heartbeat_timeout_ms,
            "Heartbeat timeout",
            100.0,
            600_000.0,
        ),
    );
    let ping = v.take(Field::PingTemplate, Template::parse(&raw.ping_template));
    let pong_type = v.take(
        Field::PongType,
        form::required(&raw.pong_type, "Enter the type a pong has, e.g. pong"),
    );
    Some(HeartbeatConfig {
        interval_ms: interval_ms?,
        timeout_ms: timeout_ms?,
        ping: ping?,
        pong_type: pong_type?,
    })
}

/// The reconnect policy. With reconnecting off, its own fields are not judged: what does
/// not parse is the default policy's.
fn reconnect(v: &mut Validator<Field>, raw: &RawConfig) -> Option<ReconnectPolicy> {
    let on = raw.reconnect_enabled;
    let defaults = ReconnectPolicy::default();
    let connect_timeout_ms = v.take(
        Field::ConnectTimeout,
        millis(&raw.connect_timeout_ms, "Connect timeout", 100.0, 600_000.0),
    );
    let stable_ms = v.take_if(
        on,
        Field::StableAfter,
        millis(&raw.stable_ms, "Stable after", 0.0, 3_600_000.0),
        defaults.stable_ms,
    );
    let schedule_ms = v.take_if(
        on,
        Field::ReconnectSchedule,
        form::schedule(&raw.reconnect_schedule_s),
        defaults.schedule_ms,
    );
    let max_attempts = v.take_if(
        on,
        Field::MaxAttempts,
        max_attempts(&raw.max_attempts),
        defaults.max_attempts,
    );
    let [no_retry_codes, try_later_codes] = [
        (Field::NoRetryCodes, &raw.no_retry_codes, "No-retry codes"),
        (
            Field::TryLaterCodes,
            &raw.try_later_codes,
            "Try-later codes",
        ),
    ]
    .map(|(field, text, what)| v.take(field, form::close_codes(text, what)));
    Some(ReconnectPolicy {
        enabled: on,
        schedule_ms: schedule_ms?,
        max_attempts: max_attempts?,
        jitter: raw.jitter,
        no_retry_codes: no_retry_codes?,
        try_later_codes: try_later_codes?,
        connect_timeout_ms: connect_timeout_ms?,
        stable_ms: stable_ms?,
    })
}

/// Attempts in a row before giving up; empty or 0 is never.
fn max_attempts(s: &str) -> Result<Option<u32>, String> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<u32>() {
        Ok(0) => Ok(None),
        Ok(n) => Ok(Some(n)),
        Err(_) => Err(format!(
            "Max attempts must be a whole number (empty or 0 = never give up); got {}",
            form::quoted(t)
        )),
    }
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
