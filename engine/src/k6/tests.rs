//! What the exported script says, read back as data: the `CONFIG` and `options` JSON.
//! That the script runs and judges as the console does is tested against the real k6
//! and the real test backend (`tests/e2e/tests/k6.rs`).

use super::*;
use crate::scenario::{RawScenarioParams, ScenarioParams};
use crate::{RawConfig, RunConfig};
use serde_json::Value;

const ORIGIN: &str = "http://127.0.0.1:8080";
const TOKEN: &str = "s3cr3t/Tok+en";

fn config(edit: impl FnOnce(&mut RawConfig)) -> RunConfig {
    let mut raw = RawConfig {
        endpoint: "/api/v1/pam/ws/{user_id}?token={token}&s={session}".into(),
        user_id: "qa 1".into(),
        token: TOKEN.into(),
        ..RawConfig::default()
    };
    edit(&mut raw);
    RunConfig::from_raw(&raw, ORIGIN).expect("a valid configuration")
}

fn scenario(kind: ScenarioKind, cfg: &RunConfig) -> Scenario {
    Scenario::new(ScenarioParams::defaults(kind), cfg).expect("a valid scenario")
}

/// The JSON after `const NAME = ` up to the statement's end.
fn json_of(script: &str, name: &str) -> Value {
    let start = script.find(name).expect("declared") + name.len();
    let rest = &script[start..];
    let end = rest.find(";\n").expect("ends");
    serde_json::from_str(&rest[..end]).expect("valid JSON")
}

#[test]
fn every_traffic_scenario_exports_and_the_others_say_why_not() {
    let cfg = config(|_| {});
    for kind in ScenarioKind::ALL {
        let out = script(&scenario(kind, &cfg));
        match kind {
            ScenarioKind::Recovery
            | ScenarioKind::MemoryLeak
            | ScenarioKind::Capacity
            | ScenarioKind::Readiness => {
                let why = out.expect_err("not expressible in k6");
                assert!(why.contains("run it in the console"), "{why}");
                assert_eq!(unsupported(kind), Some(why));
            }
            _ => {
                let s = out.expect("a script");
                assert!(s.contains("from 'k6/experimental/websockets'"));
                assert!(s.contains("__ENV.TOKEN"));
                assert_eq!(json_of(&s, "const CONFIG = ")["kind"], kind.as_str());
                assert!(unsupported(kind).is_none());
            }
        }
    }
}

#[test]
fn the_token_is_never_written_in_any_spelling() {
    // The token also typed into the message and ping templates: it becomes {{token}}.
    let cfg = config(|r| {
        r.message_template = format!(r#"{{"type":"message","id":"{{{{id}}}}","auth":"{TOKEN}"}}"#);
        r.ping_template = format!(r#"{{"type":"ping","id":"{{{{id}}}}","t":"{TOKEN}"}}"#);
    });
    for kind in [ScenarioKind::Load, ScenarioKind::Soak, ScenarioKind::Auth] {
        let s = script(&scenario(kind, &cfg)).unwrap();
        assert!(!s.contains(TOKEN), "{kind:?}");
        assert!(!s.contains("s3cr3t%2FTok%2Ben") && !s.contains("s3cr3t\\/Tok"));
        assert!(
            !s.contains("[redacted]"),
            "nothing left for the last guard to catch"
        );
        let c = json_of(&s, "const CONFIG = ");
        assert!(
            c["template"]
                .as_str()
                .unwrap()
                .contains(r#""auth":"{{token}}""#)
        );
        assert!(
            c["heartbeat"]["ping"]
                .as_str()
                .unwrap()
                .contains("{{token}}")
        );
        assert_eq!(
            c["endpoint"],
            "ws://127.0.0.1:8080/api/v1/pam/ws/{user_id}?token={token}&s={session}"
        );
    }
}

#[test]
fn load_carries_the_configuration_and_the_critical_bands() {
    let mut cfg = config(|r| {
        r.auth_mode = crate::AuthMode::Subprotocol;
        r.token = "s3cr3t-Token".into();
        r.correlation_pointer = "/request_id".into();
        r.heartbeat_enabled = false;
    });
    cfg.thresholds.success_critical_pct = 85.0;
    cfg.thresholds.rtt_critical_ms = 750.0;
    let raw = RawScenarioParams {
        kind: ScenarioKind::Load,
        sessions: "7".into(),
        interval_ms: "250".into(),
        duration_s: "12".into(),
        ..RawScenarioParams::default()
    };
    let s = script(&Scenario::from_raw(&raw, &cfg).unwrap()).unwrap();
    let c = json_of(&s, "const CONFIG = ");
    assert_eq!(c["sessions"], 7);
    assert_eq!(c["interval_ms"], 250.0);
    assert_eq!(c["duration_ms"], 12_000.0);
    assert_eq!(c["auth_mode"], "subprotocol");
    assert_eq!(c["correlation_pointer"], "/request_id");
    assert_eq!(c["user_id"], "qa 1");
    assert_eq!(c["heartbeat"], Value::Null);
    let o = json_of(&s, "export const options = ");
    let main = &o["scenarios"]["sessions"];
    assert_eq!(main["executor"], "per-vu-iterations");
    assert_eq!(main["vus"], 7);
    assert_eq!(o["thresholds"]["ws_msg_success"][0], "rate>=0.85");
    assert_eq!(o["thresholds"]["ws_rtt"][0], "avg<=750");
    assert_eq!(o["thresholds"]["ws_connect_success"][0], "rate>=0.85");
}

#[test]
fn reliability_fails_on_any_duplicate_and_sends_k_messages() {
    let s = script(&scenario(ScenarioKind::Reliability, &config(|_| {}))).unwrap();
    let c = json_of(&s, "const CONFIG = ");
    assert_eq!(c["messages"], 100);
    assert_eq!(c["interval_ms"], 50.0);
    let o = json_of(&s, "export const options = ");
    assert_eq!(o["thresholds"]["ws_msgs_dup"][0], "count<1");
}

#[test]
fn ramp_up_is_one_k6_scenario_per_batch_all_ending_together() {
    let raw = RawScenarioParams {
        kind: ScenarioKind::RampUp,
        sessions: "12".into(),
        batch_size: "5".into(),
        batch_every_s: "2".into(),
        hold_s: "3".into(),
        ..RawScenarioParams::default()
    };
    let s = script(&Scenario::from_raw(&raw, &config(|_| {})).unwrap()).unwrap();
    let o = json_of(&s, "export const options = ");
    let sc = o["scenarios"].as_object().unwrap();
    assert_eq!(sc.len(), 3);
    let vus: Vec<u64> = (0..3)
        .map(|b| sc[&format!("batch_{b}")]["vus"].as_u64().unwrap())
        .collect();
    assert_eq!(vus, [5, 5, 2]);
    assert_eq!(sc["batch_2"]["startTime"], "4000ms");
    assert_eq!(sc["batch_2"]["env"]["WSC_BATCH"], "2");
    let c = json_of(&s, "const CONFIG = ");
    assert_eq!(c["ramp"]["last_batch_at_ms"], 4000.0);
    assert_eq!(o["thresholds"]["ws_connect_success"][0], "rate>=0.8");
}

#[test]
fn auth_tries_the_invalid_token_after_the_hold_from_the_environment() {
    let s = script(&scenario(ScenarioKind::Auth, &config(|_| {}))).unwrap();
    let o = json_of(&s, "export const options = ");
    assert_eq!(o["scenarios"]["invalid_token"]["vus"], 1);
    assert_eq!(o["scenarios"]["invalid_token"]["startTime"], "2000ms");
    assert_eq!(o["thresholds"]["ws_auth_invalid_refused"][0], "rate>=1");
    assert!(s.contains("__ENV.INVALID_TOKEN"));
}

#[test]
fn broadcast_uses_the_broadcast_message_and_judges_delivery() {
    let s = script(&scenario(ScenarioKind::Broadcast, &config(|_| {}))).unwrap();
    let c = json_of(&s, "const CONFIG = ");
    assert!(
        c["template"]
            .as_str()
            .unwrap()
            .starts_with(r#"{"type":"broadcast""#)
    );
    assert_eq!(c["broadcast"]["rate_per_s"], 5.0);
    let o = json_of(&s, "export const options = ");
    assert_eq!(o["thresholds"]["ws_broadcast_delivery"][0], "rate>=0.8");
    assert_eq!(o["thresholds"]["ws_delivery_latency"][0], "avg<=1000");
}

#[test]
fn strings_are_escaped_as_json_never_pasted_as_code() {
    let cfg = config(|r| {
        r.user_id = "'; throw 1; //".into();
        r.message_template = r#"{"type":"message","id":"{{id}}","t":"</script>\n"}"#.into();
    });
    let s = script(&scenario(ScenarioKind::Load, &cfg)).unwrap();
    let c = json_of(&s, "const CONFIG = ");
    assert_eq!(c["user_id"], "'; throw 1; //");
    assert_eq!(
        c["template"],
        r#"{"type":"message","id":"{{id}}","t":"</script>\n"}"#
    );
}

#[test]
fn several_endpoints_are_written_one_per_line_for_the_same_spread() {
    let cfg = config(|c| c.endpoint = "/ws?a\n\n/ws?b".into());
    let s = script(&scenario(ScenarioKind::Load, &cfg)).expect("a script");
    assert_eq!(
        json_of(&s, "const CONFIG = ")["endpoint"],
        "ws://127.0.0.1:8080/ws?a\nws://127.0.0.1:8080/ws?b"
    );
    assert!(s.contains("ENDPOINTS[session % ENDPOINTS.length]"));
}

#[test]
fn medium_and_heavy_presets_export_with_every_session_up_to_the_k6_bound() {
    use crate::scenario::Preset;
    let cfg = config(|_| {});
    for (preset, vus) in [(Preset::Medium, 500), (Preset::Heavy, 1000)] {
        let sc = Scenario::new(preset.scenario(), &cfg).unwrap();
        let s = script(&sc).unwrap();
        assert_eq!(json_of(&s, "const CONFIG = ")["sessions"], vus);
        let o = json_of(&s, "export const options = ");
        assert_eq!(o["scenarios"]["sessions"]["vus"], vus, "{preset:?}");
    }
    let at = |sessions| {
        let mut p = Preset::Heavy.params();
        p.sessions = sessions;
        script_for(&ScenarioParams::Broadcast(p), &cfg)
    };
    assert!(at(K6_MAX_SESSIONS).is_ok());
    assert!(at(K6_MAX_SESSIONS + 1).unwrap_err().contains("10,000"));
}
