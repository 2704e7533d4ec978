//! Validation of the run configuration: each field's rule and message, the order of the
//! errors, and the fields behind switches.

use super::*;
use crate::reconnect::ReconnectPolicy;

pub(super) const ORIGIN: &str = "http://127.0.0.1:8080";

pub(super) fn errors(raw: RawConfig) -> Vec<FieldError> {
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

#[test]
fn every_switch_has_its_own_flag_and_validation_reads_it() {
    use Field::*;
    let flags = RawConfig::FLAG_FIELDS;
    let names: Vec<_> = flags.iter().map(|f| f.as_str()).collect();
    // The names are the switches' `data-testid`s.
    assert_eq!(
        names,
        [
            "auto-send",
            "binary",
            "heartbeat-enabled",
            "reconnect-enabled",
            "jitter",
            "log-noise",
            "log-sent"
        ]
    );
    let defaults = RawConfig::default();
    for &f in flags {
        let mut raw = RawConfig::default();
        let flag = raw.flag_mut(f).unwrap();
        *flag = !*flag;
        // Each turned its own switch and no other.
        for &other in flags {
            assert_eq!(
                raw.flag(other) != defaults.flag(other),
                other == f,
                "{f:?} {other:?}"
            );
        }
        assert!(raw.text_mut(f).is_none(), "{f:?} is a switch, not text");
    }
    assert!(RawConfig::TEXT_FIELDS.iter().all(|f| !flags.contains(f)));
    let mut raw = RawConfig::default();
    assert!(raw.flag_mut(Endpoint).is_none() && raw.flag_mut(AuthMode).is_none());
    assert!(!raw.flag(Thresholds));
    // What the switch writes is what validation judges.
    *raw.flag_mut(AutoSend).unwrap() = false;
    *raw.flag_mut(HeartbeatEnabled).unwrap() = false;
    *raw.flag_mut(Binary).unwrap() = true;
    let c = RunConfig::from_raw(&raw, ORIGIN).unwrap();
    assert_eq!(
        (c.send_interval_ms, c.heartbeat.is_none(), c.binary),
        (None, true, true)
    );
}

/// The defaults with `field`'s text set to `text`, validated.
fn valid_with(field: Field, text: &str) -> RunConfig {
    let mut raw = RawConfig::default();
    *raw.text_mut(field).unwrap() = text.into();
    RunConfig::from_raw(&raw, ORIGIN).unwrap()
}

/// The one error of the defaults with `field`'s text set to `text`.
fn error_with(field: Field, text: &str) -> FieldError {
    let mut raw = RawConfig::default();
    *raw.text_mut(field).unwrap() = text.into();
    one_error(raw)
}

pub(super) fn one_error(raw: RawConfig) -> FieldError {
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
        let e = error_with(Field::Sessions, bad);
        assert_eq!(e.field, Field::Sessions);
        assert!(
            e.message
                .starts_with("Session count must be a whole number from 1 to 200"),
            "{}",
            e.message
        );
    }
    let e = error_with(Field::Sessions, "201");
    assert!(
        e.message
            .contains("Chromium allows about 255 sockets per profile"),
        "{}",
        e.message
    );
    assert!(e.message.contains("201"));
    let e = error_with(Field::Sessions, "abc");
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
        let e = error_with(Field::SendInterval, bad);
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
    let e = error_with(Field::Endpoint, "ftp://h/ws");
    assert_eq!(e.field, Field::Endpoint);
    assert_eq!(
        e.message,
        "ftp:// is not a WebSocket scheme; use ws://, wss://, http:// or https://"
    );
    assert_eq!(error_with(Field::Endpoint, "").field, Field::Endpoint);
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
    let c = valid_with(Field::MessageTemplate, "hello {{seq}}");
    assert!(!c.template_is_json);
    assert_eq!(c.notices.len(), 1);
    assert_eq!(c.notices[0].field, Field::MessageTemplate);
    let e = error_with(Field::MessageTemplate, "{{nope}}");
    assert_eq!(e.field, Field::MessageTemplate);
}

#[test]
fn pointer_validation() {
    for ok in ["/id", "/request_id", "/meta/0/id", "", "/a~0b~1c"] {
        assert_eq!(
            valid_with(Field::CorrelationPointer, ok).correlation_pointer,
            ok
        );
    }
    for bad in ["id", "/a~2", "/a~"] {
        let e = error_with(Field::CorrelationPointer, bad);
        assert_eq!(e.field, Field::CorrelationPointer, "{bad}");
        assert!(e.message.contains("JSON pointer"));
    }
}

#[test]
fn group_pointer_is_off_when_empty_and_checked_when_set() {
    let c = RunConfig::from_raw(&RawConfig::default(), ORIGIN).unwrap();
    assert_eq!(c.group_pointer, None);
    let c = valid_with(Field::GroupPointer, " /agent ");
    assert_eq!(c.group_pointer.as_deref(), Some("/agent"));
    for bad in ["agent", "/a~2"] {
        let e = error_with(Field::GroupPointer, bad);
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
    use Field::*;
    let bad = [
        (ReconnectSchedule, "1,x"),
        (ReconnectSchedule, "1,0"),
        (NoRetryCodes, "1008,abc"),
        (TryLaterCodes, "999"),
        (MaxAttempts, "-1"),
        (StableAfter, "x"),
    ];
    for (field, text) in bad {
        let mut raw = RawConfig::default();
        *raw.text_mut(field).unwrap() = text.into();
        assert_eq!(one_error(raw).field, field, "{text}");
    }
    // Reconnecting off: its own fields are not judged, and what does not parse is the
    // default policy's; the close codes still are (the engine reads them on every close).
    let mut raw = RawConfig {
        reconnect_enabled: false,
        ..Default::default()
    };
    for (field, text) in &bad[..4] {
        *raw.text_mut(*field).unwrap() = (*text).into();
    }
    let fields: Vec<Field> = errors(raw.clone()).into_iter().map(|e| e.field).collect();
    assert_eq!(fields, [NoRetryCodes, TryLaterCodes]);
    raw.no_retry_codes = "4000".into();
    raw.try_later_codes = String::new();
    raw.max_attempts = "3".into();
    let c = RunConfig::from_raw(&raw, ORIGIN).unwrap();
    let defaults = ReconnectPolicy::default();
    assert!(!c.reconnect.enabled);
    assert_eq!(c.reconnect.schedule_ms, defaults.schedule_ms);
    assert_eq!(c.reconnect.max_attempts, Some(3));
    assert_eq!(c.reconnect.no_retry_codes, [4000]);
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
    let e = error_with(Field::HeartbeatInterval, "x");
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
