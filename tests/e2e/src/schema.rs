//! The report schema, taken from the engine rather than copied by hand.
//!
//! The browser's report is the engine's [`ws_console_engine::Report`] serialised in wasm, so
//! the reference for its fields is the same engine built on the host: [`engine_report`] runs
//! a scenario here, with every socket opening at once and every message echoed back, and
//! serialises its report. [`missing_fields`] then walks that reference and names every
//! field the browser's report lacks, at every depth — so a field the browser's report drops
//! or renames fails the test, and a field the engine gains is checked without anyone
//! updating a list.

use serde_json::Value;
use ws_console_engine::{
    Command, Frame, RawConfig, RawScenarioParams, RunConfig, Scenario, ScenarioKind, SocketEvent,
    TestRun,
};

/// The origin the host-side run pretends to be served from.
const ORIGIN: &str = "http://127.0.0.1:8080";
/// How often the host-side run ticks, ms: as the browser adapter's timer does.
const TICK_MS: f64 = 10.0;

/// Objects keyed by what happened (a close code, a message type), not by the schema: their
/// keys differ from run to run, so only that they are objects is compared.
const MAPS: [&str; 1] = ["close_codes"];

/// The report of `params` (a scenario's form, as typed) run on the host for `for_ms` on top
/// of `config`, as JSON: every session opens at once and every text frame sent is echoed
/// back on the next tick. Enough for every part of the report to have its fields; the
/// figures mean nothing.
pub fn engine_report(config: &RawConfig, params: &RawScenarioParams, for_ms: f64) -> Value {
    let base = RunConfig::from_raw(config, ORIGIN)
        .unwrap_or_else(|e| panic!("the reference configuration is valid: {e:?}"));
    let scenario = Scenario::from_raw(params, &base)
        .unwrap_or_else(|e| panic!("the reference scenario is valid: {e:?}"));
    let mut test = TestRun::of_scenario(scenario, 1);
    let mut now = 0.0;
    test.start(now);
    let mut echoes = Vec::new();
    while now < for_ms {
        let run = test.run_mut();
        let commands: Vec<Command> = run.drain_commands().collect();
        for command in commands {
            match command {
                Command::Open {
                    session,
                    generation,
                    ..
                } => run.on_socket(session, generation, SocketEvent::Open, now),
                Command::Send {
                    session,
                    generation,
                    frame: Frame::Text(text),
                    ..
                } => echoes.push((session, generation, text)),
                _ => {}
            }
        }
        now += TICK_MS;
        for (session, generation, text) in echoes.drain(..) {
            run.on_socket(session, generation, SocketEvent::Text(text), now);
        }
        test.tick(now);
    }
    serde_json::from_str(&test.report(now).to_json()).expect("the report is JSON")
}

/// The form of scenario `kind` (its name, as the scenario picker has it) with its defaults.
pub fn scenario_form(kind: &str) -> RawScenarioParams {
    let kind = ScenarioKind::from_name(kind).unwrap_or_else(|| panic!("no scenario {kind}"));
    RawScenarioParams::defaults(kind)
}

/// Every field of `reference` (at `path`, for messages) that `actual` lacks, at any depth,
/// as a path (`totals.counters.sent`, `sessions[].rtt_ms.p95`). Each element of an array in
/// `actual` is held to the first element of the same array in `reference`. A null on either
/// side (an optional part the one run has and the other has not) is not looked into; an
/// object or array where the reference has the other, or a scalar, is named too.
pub fn missing_fields(reference: &Value, actual: &Value, path: &str) -> Vec<String> {
    let mut out = Vec::new();
    walk(reference, actual, path, &mut out);
    out
}

fn walk(reference: &Value, actual: &Value, path: &str, out: &mut Vec<String>) {
    match (reference, actual) {
        (Value::Null, _) | (_, Value::Null) => {}
        (Value::Object(want), Value::Object(have)) => {
            if MAPS.iter().any(|m| path.ends_with(m)) {
                return;
            }
            for (key, value) in want {
                let at = format!("{path}.{key}");
                match have.get(key) {
                    Some(v) => walk(value, v, &at, out),
                    None => out.push(format!("{at} missing")),
                }
            }
        }
        (Value::Array(want), Value::Array(have)) => {
            if let Some(first) = want.first() {
                for v in have {
                    walk(first, v, &format!("{path}[]"), out);
                }
            }
        }
        (Value::Object(_) | Value::Array(_), _) | (_, Value::Object(_) | Value::Array(_)) => {
            out.push(format!("{path} is {actual}, the engine's is {reference}"));
        }
        _ => {}
    }
}

/// Fails with every field of `reference` that `actual` lacks ([`missing_fields`]).
pub fn assert_has_fields(reference: &Value, actual: &Value, path: &str) {
    let missing = missing_fields(reference, actual, path);
    assert!(
        missing.is_empty(),
        "{path} lacks what the engine's report has:\n  {}\n{path}: {actual:#}",
        missing.join("\n  ")
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_missing_or_renamed_field_is_named_at_any_depth() {
        let reference = json!({"a": 1, "b": {"c": [{"d": 1, "e": 2}]}, "f": null});
        let renamed = json!({"a": 1, "b": {"c": [{"d": 1, "E": 2}, {"d": 1}]}, "f": {"g": 1}});
        assert_eq!(
            missing_fields(&reference, &renamed, "r"),
            ["r.b.c[].e missing", "r.b.c[].e missing"]
        );
        let flattened = json!({"a": 1, "b": 2});
        assert_eq!(
            missing_fields(&reference, &flattened, "r"),
            [
                "r.b is 2, the engine's is {\"c\":[{\"d\":1,\"e\":2}]}",
                "r.f missing"
            ]
        );
        assert!(missing_fields(&reference, &reference, "r").is_empty());
    }

    #[test]
    fn the_engines_auth_report_has_every_part() {
        let config = RawConfig {
            token: "t".into(),
            ..RawConfig::default()
        };
        let mut form = scenario_form("auth");
        form.invalid_token = "u".into();
        let report = engine_report(&config, &form, 3000.0);
        for part in ["phases", "sessions", "endpoints", "criteria"] {
            assert!(
                report[part].as_array().is_some_and(|a| !a.is_empty()),
                "{part}: {report:#}"
            );
        }
        assert!(report["scenario"]["params"].is_object(), "{report:#}");
        assert!(report["configuration"]["heartbeat"].is_object());
    }
}
