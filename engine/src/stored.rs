//! Reading a saved or shared configuration (F15), or the scenario form the JS handle's
//! `runScenario()` is given, back from its JSON.
//!
//! Why by hand: `#[derive(serde::Deserialize)]` on [`RawConfig`] and [`Thresholds`] cost the
//! console's wasm about 20 KB (a typed serde_json deserializer per struct, field visitors,
//! serde's error texts), while the JSON can go through the `serde_json::Value` parser the
//! console already carries for replies. The rules are the derive's: a missing field keeps
//! its default, unknown fields are ignored, a field of the wrong type (or out of range)
//! rejects the whole text, and the token is never read (it is never written either). One
//! departure: a JSON array, which the derive read as the fields in order, is refused (the
//! console never writes one).
//!
//! Which key is which text or switch comes from the form's own bindings (the form
//! toolkit's `form_fields!`), so a field added to a form is read back without a second
//! list here.

use crate::config::{AuthMode, Field, RawConfig};
use crate::form::Slot;
use crate::scenario::{ParamField, RawScenarioParams, ScenarioKind};
use crate::suite::{MAX_SUITE_STEPS, SuitePlan};
use crate::thresholds::Thresholds;
use serde_json::{Map, Value};

impl RawConfig {
    /// The configuration in `json` (what [`RawConfig`]'s `Serialize` writes, or any part of
    /// it), or `None` when it is not such an object.
    #[must_use]
    pub fn from_json(json: &str) -> Option<RawConfig> {
        let m = object(json)?;
        let mut c = RawConfig::default();
        c.each_slot(Field::Token, |key, slot| read_slot(&m, key, slot))?;
        read(&m, "auth_mode", &mut c.auth_mode, |v| {
            v.as_str().and_then(AuthMode::parse)
        })?;
        read(&m, "thresholds", &mut c.thresholds, thresholds)?;
        Some(c)
    }
}

impl RawScenarioParams {
    /// The scenario form in `json` (what its `Serialize` writes, or any part of it) over the
    /// defaults of its `kind` (load when it names none), or `None` when it is not such an
    /// object. The invalid token is never read.
    #[must_use]
    pub fn from_json(json: &str) -> Option<RawScenarioParams> {
        Self::from_object(&object(json)?)
    }

    /// [`RawScenarioParams::from_json`] for an object already parsed (a suite's step).
    fn from_object(m: &Map<String, Value>) -> Option<RawScenarioParams> {
        let kind = match m.get("kind") {
            Some(v) => ScenarioKind::from_name(v.as_str()?)?,
            None => ScenarioKind::Load,
        };
        let mut p = RawScenarioParams::defaults(kind);
        p.each_slot(ParamField::InvalidToken, |key, slot| {
            read_slot(m, key, slot)
        })?;
        Some(p)
    }
}

impl SuitePlan {
    /// The suite in `json` (what its `Serialize` writes: `{"steps": [form, …]}`), or `None`
    /// when it is not such an object, a step is not a scenario form, or it has more than
    /// [`MAX_SUITE_STEPS`] steps. No step's invalid token is read.
    #[must_use]
    pub fn from_json(json: &str) -> Option<SuitePlan> {
        let m = object(json)?;
        let steps = m.get("steps")?.as_array()?;
        if steps.len() > MAX_SUITE_STEPS {
            return None;
        }
        let steps = steps
            .iter()
            .map(|v| RawScenarioParams::from_object(v.as_object()?))
            .collect::<Option<Vec<_>>>()?;
        Some(SuitePlan { steps })
    }
}

fn thresholds(v: &Value) -> Option<Thresholds> {
    let m = v.as_object()?;
    let mut t = Thresholds::default();
    for (key, slot) in [
        ("success_good_pct", &mut t.success_good_pct),
        ("success_warning_pct", &mut t.success_warning_pct),
        ("success_critical_pct", &mut t.success_critical_pct),
        ("rtt_good_ms", &mut t.rtt_good_ms),
        ("rtt_warning_ms", &mut t.rtt_warning_ms),
        ("rtt_critical_ms", &mut t.rtt_critical_ms),
        ("connect_good_ms", &mut t.connect_good_ms),
        ("connect_warning_ms", &mut t.connect_warning_ms),
        ("connect_critical_ms", &mut t.connect_critical_ms),
        ("first_message_good_ms", &mut t.first_message_good_ms),
        ("first_message_warning_ms", &mut t.first_message_warning_ms),
        (
            "first_message_critical_ms",
            &mut t.first_message_critical_ms,
        ),
        (
            "heap_increasing_mb_per_min",
            &mut t.heap_increasing_mb_per_min,
        ),
        ("heap_leak_r2", &mut t.heap_leak_r2),
        ("heap_leak_min_span_min", &mut t.heap_leak_min_span_min),
    ] {
        read(m, key, slot, Value::as_f64)?;
    }
    read(
        m,
        "reconnect_warning_attempts",
        &mut t.reconnect_warning_attempts,
        |v| u32::try_from(v.as_u64()?).ok(),
    )?;
    for (key, slot) in [
        ("min_replies", &mut t.min_replies),
        ("min_connects", &mut t.min_connects),
        ("min_pings", &mut t.min_pings),
        ("consistency_tolerance", &mut t.consistency_tolerance),
    ] {
        read(m, key, slot, Value::as_u64)?;
    }
    Some(t)
}

/// The JSON object in `json`; `None` for any other text.
fn object(json: &str) -> Option<Map<String, Value>> {
    match serde_json::from_str(json) {
        Ok(Value::Object(m)) => Some(m),
        _ => None,
    }
}

/// Sets a form's text or switch from `m[key]` when the key is there; `None` when its value
/// is not a string, or not a boolean.
fn read_slot(m: &Map<String, Value>, key: &str, slot: Slot<'_>) -> Option<()> {
    match slot {
        Slot::Text(text) => read(m, key, text, |v| v.as_str().map(str::to_owned)),
        Slot::Flag(on) => read(m, key, on, Value::as_bool),
    }
}

/// Sets `slot` from `m[key]` when the key is there; `None` when its value does not convert.
fn read<T>(
    m: &Map<String, Value>,
    key: &str,
    slot: &mut T,
    convert: impl Fn(&Value) -> Option<T>,
) -> Option<()> {
    if let Some(v) = m.get(key) {
        *slot = convert(v)?;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_reads_back_the_same_without_the_token() {
        let mut raw = RawConfig {
            token: "sekret".into(),
            endpoint: "wss://h/{user_id}?token={token}\n/ws?push_count=5".into(),
            user_id: "u1".into(),
            auth_mode: AuthMode::FirstMessage,
            sessions: "7".into(),
            auto_send: false,
            binary: true,
            heartbeat_enabled: false,
            reconnect_enabled: false,
            jitter: false,
            log_noise: true,
            log_sent: true,
            max_attempts: "4".into(),
            send_interval_ms: "11".into(),
            message_template: "{\"t\":\"{{id}}\"}".into(),
            correlation_pointer: "/t".into(),
            group_pointer: "/agent".into(),
            reply_timeout_ms: "12".into(),
            duplicate_window_ms: "13".into(),
            heartbeat_interval_ms: "14".into(),
            heartbeat_timeout_ms: "15".into(),
            ping_template: "p".into(),
            pong_type: "q".into(),
            connect_timeout_ms: "16".into(),
            reconnect_schedule_s: "3,5".into(),
            stable_ms: "17".into(),
            token_refresh_before_s: "20".into(),
            no_retry_codes: "4000".into(),
            try_later_codes: "4001".into(),
            queue_capacity: "18".into(),
            log_capacity: "19".into(),
            ..Default::default()
        };
        raw.thresholds = Thresholds {
            success_good_pct: 1.5,
            success_warning_pct: 2.5,
            success_critical_pct: 3.5,
            rtt_good_ms: 150.5,
            rtt_warning_ms: 4.5,
            rtt_critical_ms: 5.5,
            connect_good_ms: 21.5,
            connect_warning_ms: 22.5,
            connect_critical_ms: 23.5,
            first_message_good_ms: 24.5,
            first_message_warning_ms: 25.5,
            first_message_critical_ms: 26.5,
            heap_increasing_mb_per_min: 6.5,
            heap_leak_r2: 0.25,
            heap_leak_min_span_min: 7.5,
            reconnect_warning_attempts: 9,
            min_replies: 10,
            min_connects: 12,
            min_pings: 11,
            consistency_tolerance: 13,
        };
        let json = serde_json::to_string(&raw).unwrap();
        let back = RawConfig::from_json(&json).unwrap();
        assert_eq!(
            back,
            RawConfig {
                token: String::new(),
                ..raw
            }
        );
    }

    #[test]
    fn missing_fields_keep_their_defaults_and_unknown_ones_are_ignored() {
        let c =
            RawConfig::from_json(r#"{"sessions":"9","future":1,"thresholds":{"min_replies":5}}"#)
                .unwrap();
        let mut want = RawConfig {
            sessions: "9".into(),
            ..Default::default()
        };
        want.thresholds.min_replies = 5;
        assert_eq!(c, want);
        assert_eq!(RawConfig::from_json("{}"), Some(RawConfig::default()));
        assert_eq!(
            RawConfig::from_json(r#"{"thresholds":{"rtt_good_ms":100}}"#)
                .unwrap()
                .thresholds
                .rtt_good_ms,
            100.0
        );
    }

    /// Texts no configuration is read from: not an object, a wrong type, out of range.
    const REJECTED: [&str; 12] = [
        "",
        "null",
        r#"{"sessions":5}"#,
        r#"{"endpoint":null}"#,
        r#"{"auto_send":"yes"}"#,
        r#"{"auth_mode":"header"}"#,
        r#"{"thresholds":null}"#,
        r#"{"thresholds":{"rtt_good_ms":"fast"}}"#,
        r#"{"thresholds":{"min_replies":-1}}"#,
        r#"{"thresholds":{"min_replies":2.5}}"#,
        r#"{"thresholds":{"reconnect_warning_attempts":4294967296}}"#,
        r#"{"sessions":"9"} trailing"#,
    ];

    /// The derive this replaces, kept for tests as the reference.
    fn serde(json: &str) -> Option<RawConfig> {
        serde_json::from_str(json).ok()
    }

    #[test]
    fn agrees_with_the_serde_derive() {
        let written = serde_json::to_string(&RawConfig::default()).unwrap();
        for json in [
            written.as_str(),
            "{}",
            r#"{"sessions":"9","future":1,"thresholds":{"min_replies":5}}"#,
            r#"{"thresholds":{"rtt_good_ms":100,"heap_leak_r2":0.5}}"#,
            r#"{"auth_mode":"first-message","binary":true}"#,
            r#"{"auth_mode":"cookie","log_sent":false,"max_attempts":""}"#,
            r#"{"auth_mode":"FirstMessage"}"#,
            r#"{"thresholds":{"reconnect_warning_attempts":4294967295}}"#,
        ]
        .iter()
        .chain(&REJECTED)
        {
            assert_eq!(RawConfig::from_json(json), serde(json), "{json}");
        }
    }

    #[test]
    fn a_token_in_the_json_is_not_read() {
        let c = RawConfig::from_json(r#"{"token":"sekret"}"#).unwrap();
        assert_eq!(c.token, "");
    }

    #[test]
    fn a_wrong_type_or_range_rejects_the_whole_text() {
        // An array, which the derive would read as the fields in order, too.
        for bad in REJECTED.iter().chain(&["[]"]) {
            assert_eq!(RawConfig::from_json(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_scenario_form_reads_back_over_its_kinds_defaults() {
        for kind in ScenarioKind::ALL {
            let mut p = RawScenarioParams::defaults(kind);
            p.sessions = "7".into();
            p.use_backend_faults = !p.use_backend_faults;
            p.rate_limit = !p.rate_limit;
            p.health_url = "/up".into();
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(RawScenarioParams::from_json(&json), Some(p), "{kind:?}");
        }
        // Every text field reads back into its own slot, but the invalid token.
        let mut p = RawScenarioParams::defaults(ScenarioKind::Load);
        for &f in RawScenarioParams::TEXT_FIELDS {
            *p.text_mut(f).unwrap() = format!("<{}>", f.as_str());
        }
        let back = RawScenarioParams::from_json(&serde_json::to_string(&p).unwrap()).unwrap();
        p.invalid_token = RawScenarioParams::defaults(ScenarioKind::Load).invalid_token;
        assert_eq!(back, p);
        // A part: the rest is the kind's defaults; unknown fields are ignored.
        let p =
            RawScenarioParams::from_json(r#"{"kind":"capacity","max_steps":"3","x":1}"#).unwrap();
        let mut want = RawScenarioParams::defaults(ScenarioKind::Capacity);
        want.max_steps = "3".into();
        assert_eq!(p, want);
        assert_eq!(
            RawScenarioParams::from_json("{}").map(|p| p.kind),
            Some(ScenarioKind::Load)
        );
        for bad in [
            "[]",
            "3",
            r#"{"kind":"nope"}"#,
            r#"{"kind":7}"#,
            r#"{"sessions":3}"#,
            r#"{"use_backend_faults":"yes"}"#,
        ] {
            assert_eq!(RawScenarioParams::from_json(bad), None, "{bad}");
        }
    }
}
