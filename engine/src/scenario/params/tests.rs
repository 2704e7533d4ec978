//! The scenario form: its defaults against the typed ones, each field's rule and message,
//! and the bindings the form edits.

use super::*;

#[test]
fn form_defaults_validate_to_the_typed_defaults() {
    for kind in ScenarioKind::ALL {
        let raw = RawScenarioParams::defaults(kind);
        let parsed = ScenarioParams::from_raw(&raw).unwrap();
        assert_eq!(parsed, ScenarioParams::defaults(kind), "{kind:?}");
        assert_eq!(parsed.kind(), kind);
    }
    let ScenarioParams::Load(load) = ScenarioParams::defaults(ScenarioKind::Load) else {
        unreachable!()
    };
    assert_eq!(
        (load.sessions, load.interval_ms, load.duration_ms),
        (15, 1000.0, 60_000.0)
    );
}

fn errors(kind: ScenarioKind, f: impl FnOnce(&mut RawScenarioParams)) -> Vec<ParamError> {
    let mut raw = RawScenarioParams::defaults(kind);
    f(&mut raw);
    ScenarioParams::from_raw(&raw).unwrap_err()
}

#[test]
fn bad_values_get_one_message_per_field() {
    let e = errors(ScenarioKind::Load, |r| {
        r.sessions = "abc".into();
        r.interval_ms = "5".into();
        r.duration_s = "-1".into();
    });
    let fields: Vec<ParamField> = e.iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        vec![
            ParamField::Sessions,
            ParamField::IntervalMs,
            ParamField::DurationS
        ]
    );
    assert_eq!(
        e[0].message,
        "Sessions must be a whole number from 1 to 200; got \"abc\""
    );
    assert_eq!(
        e[1].message,
        "Send interval must be a number of milliseconds from 10 to 60000, or 0 for one message in flight (the next goes when its reply is in); got \"5\""
    );
    assert_eq!(
        e[2].message,
        "Duration must be a number of seconds from 1 to 86400; got \"-1\""
    );
    let e = errors(ScenarioKind::Load, |r| r.sessions = "201".into());
    assert!(e[0].message.contains("Chromium allows about 255 sockets"));
}

#[test]
fn fields_a_scenario_does_not_use_are_not_checked() {
    let mut raw = RawScenarioParams::defaults(ScenarioKind::Load);
    raw.cycles = "nope".into();
    raw.invalid_token = String::new();
    assert!(ScenarioParams::from_raw(&raw).is_ok());
}

#[test]
fn scenario_specific_rules() {
    let e = errors(ScenarioKind::Broadcast, |r| r.sessions = "1".into());
    assert!(
        e[0].message.contains("needs at least 2"),
        "{}",
        e[0].message
    );
    let e = errors(ScenarioKind::Recovery, |r| r.drop_every_s = "0.5".into());
    assert_eq!(e[0].field, ParamField::DropEveryS);
    let e = errors(ScenarioKind::Auth, |r| r.invalid_token = " ".into());
    assert_eq!(e[0].field, ParamField::InvalidToken);
    let e = errors(ScenarioKind::Reliability, |r| r.messages = "0".into());
    assert_eq!(e[0].field, ParamField::Messages);
    let e = errors(ScenarioKind::RampUp, |r| r.batch_every_s = "x".into());
    assert_eq!(e[0].field, ParamField::BatchEveryS);
    let e = errors(ScenarioKind::Readiness, |r| {
        r.health_url = "health".into();
        r.stats_url = "//evil.example/x".into();
        r.plain_url = format!("/{}", "a".repeat(2048));
    });
    let fields: Vec<ParamField> = e.iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        [
            ParamField::HealthUrl,
            ParamField::StatsUrl,
            ParamField::PlainUrl
        ]
    );
    let mut raw = RawScenarioParams::defaults(ScenarioKind::Readiness);
    raw.health_url = String::new();
    raw.stats_url = "https://api.example.com/stats".into();
    assert!(ScenarioParams::from_raw(&raw).is_ok());
}

#[test]
fn seconds_become_milliseconds() {
    let mut raw = RawScenarioParams::defaults(ScenarioKind::Recovery);
    raw.drop_every_s = "10".into();
    raw.outage_s = "2.5".into();
    let ScenarioParams::Recovery(p) = ScenarioParams::from_raw(&raw).unwrap() else {
        unreachable!()
    };
    assert_eq!((p.drop_every_ms, p.outage_ms), (10_000.0, 2_500.0));
}

#[test]
fn the_invalid_token_is_never_serialised() {
    let mut raw = RawScenarioParams::defaults(ScenarioKind::Auth);
    raw.invalid_token = "zz-secret-zz".into();
    let json = serde_json::to_string(&raw).unwrap();
    assert!(!json.contains("zz-secret-zz"));
    let p = ScenarioParams::from_raw(&raw).unwrap();
    let json = serde_json::to_string(&p).unwrap();
    assert!(!json.contains("zz-secret-zz"), "{json}");
    assert!(json.contains("[redacted]"));
    let back = RawScenarioParams::from_json(r#"{"kind":"auth","invalid_token":"x"}"#).unwrap();
    assert_eq!(back, RawScenarioParams::defaults(ScenarioKind::Auth));
}

#[test]
fn every_form_field_of_every_scenario_edits_its_own_text() {
    for kind in ScenarioKind::ALL {
        for &field in kind.fields() {
            let mut raw = RawScenarioParams::defaults(kind);
            match raw.text_mut(field) {
                Some(slot) => *slot = "7".into(),
                None => {
                    let flag = raw.flag_mut(field).expect("a field is text or a switch");
                    *flag = !*flag;
                    assert_ne!(
                        raw.flag(field),
                        RawScenarioParams::defaults(kind).flag(field)
                    );
                    continue;
                }
            }
            assert_eq!(raw.text(field), "7", "{kind:?} {field:?}");
            let others = kind.fields().iter().filter(|f| **f != field);
            for &other in others {
                assert_eq!(
                    raw.text(other),
                    RawScenarioParams::defaults(kind).text(other),
                    "{field:?} left {other:?} alone"
                );
            }
        }
    }
}

#[test]
fn typed_parameters_written_into_the_form_read_back_the_same() {
    let typed = [
        ScenarioParams::Recovery(RecoveryParams {
            sessions: 9,
            drop_every_ms: 12_500.0,
            outage_ms: 0.0,
            use_backend_faults: false,
            ..RecoveryParams::default()
        }),
        ScenarioParams::Capacity(CapacityParams {
            start_rate_per_s: 2.5,
            rate_increment_per_s: 0.5,
            max_steps: 7,
            ..CapacityParams::default()
        }),
        ScenarioParams::Readiness(ReadinessParams {
            health_url: String::new(),
            rate_limit: true,
            ..ReadinessParams::default()
        }),
    ];
    for params in typed {
        let mut raw = RawScenarioParams::defaults(params.kind());
        params.fill(&mut raw);
        assert_eq!(ScenarioParams::from_raw(&raw), Ok(params));
    }
}

#[test]
fn the_rate_checks_wait_for_both_of_their_fields() {
    use ParamField::*;
    let mut raw = RawScenarioParams::defaults(ScenarioKind::Capacity);
    for (field, text) in [
        (RateFactor, "1"),
        (RateIncrement, "0"),
        (StartRate, "50"),
        (MaxRate, "20"),
    ] {
        *raw.text_mut(field).unwrap() = text.into();
    }
    let e = ScenarioParams::from_raw(&raw).unwrap_err();
    assert_eq!(
        e.iter().map(|e| e.field).collect::<Vec<_>>(),
        [RateFactor, MaxRate]
    );
    assert_eq!(
        e[1].message,
        "Max rate must be at least the start rate (50 msgs/s); got 20"
    );
    // A start rate that did not parse is not compared.
    let e = errors(ScenarioKind::Capacity, |r| {
        r.start_rate_per_s = "x".into();
        r.max_rate_per_s = "0.1".into();
    });
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].field, StartRate);
}

/// Notes the fields a walk visits.
struct Recorder(Vec<ParamField>);

impl Walk for Recorder {
    fn text<T>(&mut self, field: ParamField, _: &mut T, _: Parse<T>, _: Print<T>) {
        self.0.push(field);
    }

    fn flag(&mut self, field: ParamField, _: &mut bool) {
        self.0.push(field);
    }
}

#[test]
fn each_kind_reads_the_fields_it_shows_in_the_order_shown() {
    for kind in ScenarioKind::ALL {
        let mut seen = Recorder(Vec::new());
        ScenarioParams::defaults(kind).walk(&mut seen);
        assert_eq!(seen.0, kind.fields(), "{kind:?}");
    }
}
