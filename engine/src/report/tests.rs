//! Reports and exports: the schema, the invariant per session, CSV shape, HAR shape, and
//! the token never leaking into any of them.

use serde_json::Value;

use super::*;
use crate::config::{Limits, RawConfig};
use crate::ids::Generation;
use crate::scenario::{RawScenarioParams, ScenarioKind};
use crate::sim::{Server, Sim};
use crate::{Command, ExportKind, Frame, TestRun};

const ORIGIN: &str = "http://127.0.0.1:8080";
const TIME_ORIGIN: f64 = 1_700_000_000_000.0;
/// A token nobody would write by accident.
const TOKEN: &str = "Tk9xQzZ-distinctive-7731";
const BAD_TOKEN: &str = "Zq8-wrong-token-5512";

fn config(f: impl FnOnce(&mut RawConfig)) -> RunConfig {
    let mut raw = RawConfig {
        endpoint: "/api/v1/pam/ws/{user_id}?token={token}".into(),
        user_id: "u1".into(),
        token: TOKEN.into(),
        sessions: "3".into(),
        send_interval_ms: "100".into(),
        ..Default::default()
    };
    f(&mut raw);
    RunConfig::from_raw(&raw, ORIGIN).unwrap()
}

fn json(report: &Report) -> Value {
    serde_json::from_str(&crate::compact::checked(report)).unwrap()
}

fn check_schema_and_invariant(v: &Value) {
    assert_eq!(v["schema"], "ws-console/report");
    assert_eq!(v["version"], 1);
    let rows = v["sessions"].as_array().unwrap();
    let mut sum = [0u64; 4];
    for row in rows {
        let get = |k: &str| row[k].as_u64().unwrap();
        assert_eq!(
            get("sent"),
            get("matched") + get("lost") + get("pending"),
            "{row}"
        );
        for (i, k) in ["sent", "matched", "lost", "pending"].iter().enumerate() {
            sum[i] += get(k);
        }
    }
    assert_eq!(v["invariant"]["holds"], true);
    assert_eq!(v["invariant"]["sent"].as_u64().unwrap(), sum[0]);
    assert_eq!(sum[0], sum[1] + sum[2] + sum[3]);
    assert_eq!(v["totals"]["counters"]["sent"].as_u64().unwrap(), sum[0]);
}

/// A manual run with traffic, a drop, a token refresh and first-message auth (so the
/// token is in a frame): everything the exports could leak from.
fn busy_manual_run() -> (Run, Millis) {
    busy_run_with(TOKEN, BAD_TOKEN)
}

fn busy_run_with(token: &str, bad_token: &str) -> (Run, Millis) {
    let cfg = config(|c| {
        c.token = token.into();
        c.auth_mode = crate::AuthMode::FirstMessage;
        c.endpoint = "/ws".into();
        c.message_template = format!(r#"{{"type":"message","id":"{{{{id}}}}","note":"{token}"}}"#);
    });
    let mut run = Run::new(cfg, 3);
    run.set_time_origin(TIME_ORIGIN);
    let mut sim = Sim::new(Server {
        valid_token: Some(token.into()),
        ..Server::default()
    });
    run.start(0.0);
    sim.pump(&mut run);
    while sim.now < 2000.0 {
        sim.step(&mut run, None);
    }
    run.drop_session(SessionId(1), sim.now);
    run.on_close(
        SessionId(0),
        run.session(SessionId(0), 0.0).unwrap().generation,
        4000,
        &format!("bye {token}"),
        sim.now,
    );
    sim.pump(&mut run);
    run.set_token(bad_token.into(), sim.now);
    while sim.now < 5000.0 {
        sim.step(&mut run, None);
    }
    (run, sim.now)
}

#[test]
fn manual_report_has_the_schema_and_the_invariant_per_session() {
    let (run, now) = busy_manual_run();
    let report = run.report(now);
    let v = json(&report);
    check_schema_and_invariant(&v);
    assert_eq!(v["scenario"]["kind"], "manual");
    assert_eq!(v["scenario"]["params"], Value::Null);
    assert_eq!(v["status"], "running");
    assert_eq!(v["generated_at"].as_f64().unwrap(), TIME_ORIGIN + now);
    assert_eq!(v["run"]["started_at"].as_f64().unwrap(), TIME_ORIGIN);
    assert_eq!(v["sessions"].as_array().unwrap().len(), 3);
    assert_eq!(v["configuration"]["token"], "[redacted]");
    assert_eq!(v["configuration"]["auth_mode"], "first-message");
    assert!(v["totals"]["rtt_ms"]["p99"].as_f64().is_some());
    assert!(v["totals"]["rtt_ms"]["max"].as_f64().is_some());
    assert_eq!(v["totals"]["heap"]["available"], false);
    assert_eq!(v["totals"]["heap"]["used_bytes"], Value::Null);
    let crit = v["criteria"].as_array().unwrap();
    assert!(
        crit.iter()
            .any(|c| c["id"] == "message-success" && c["grade"] == "PASS")
    );
    assert!(
        crit.iter()
            .any(|c| c["id"] == "heap" && c["grade"] == "SKIP")
    );
    let row0 = &v["sessions"][0];
    assert_eq!(row0["last_close_code"], 4000);
    assert!(row0["last_close_at"].as_f64().unwrap() > TIME_ORIGIN);
    assert!(row0["rtt_ms"]["p95"].as_f64().is_some());
}

#[test]
fn no_export_ever_contains_a_token() {
    let (run, now) = busy_manual_run();
    assert!(run.frames().len() > 10);
    let report = run.report(now);
    let exports = [
        ("json", report.to_json()),
        ("csv", report.to_csv()),
        ("har", run.har()),
        ("log", run.export_log()),
    ];
    for (name, text) in &exports {
        for secret in [TOKEN, BAD_TOKEN] {
            assert!(!text.contains(secret), "{name} leaks {secret}");
        }
        assert!(text.contains("[redacted]"), "{name} shows no redaction");
    }
    // The auth frame is in the HAR, redacted.
    assert!(exports[2].1.contains(r#"\"token\":\"[redacted]\""#));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]

    /// Any token shape a JWT or an API key has stays out of every export.
    #[test]
    fn no_export_contains_any_token(
        token in "[A-Za-z0-9_.~-]{10,40}",
        bad in "[A-Za-z0-9_.~-]{10,40}",
    ) {
        proptest::prop_assume!(token != bad && !"[redacted]".contains(token.as_str()));
        let (run, now) = busy_run_with(&token, &bad);
        let report = run.report(now);
        proptest::prop_assert_eq!(run.har(), run.har_by_value());
        for text in [report.to_json(), report.to_csv(), run.har(), run.export_log()] {
            proptest::prop_assert!(!text.contains(&token) && !text.contains(&bad));
        }
    }
}

#[test]
fn scenario_report_redacts_the_invalid_token_too() {
    let base = config(|c| c.sessions = "2".into());
    let mut raw = RawScenarioParams::defaults(ScenarioKind::Auth);
    raw.sessions = "2".into();
    raw.hold_s = "0.5".into();
    raw.observe_s = "1".into();
    raw.invalid_token = BAD_TOKEN.into();
    let sc = crate::Scenario::from_raw(&raw, &base).unwrap();
    let mut test = TestRun::of_scenario(sc, 1);
    test.run_mut().set_time_origin(TIME_ORIGIN);
    let mut sim = Sim::new(Server {
        valid_token: Some(TOKEN.into()),
        ..Server::default()
    });
    sim.play_test(&mut test, 60_000.0);
    let report = test.report(sim.now);
    let v = json(&report);
    check_schema_and_invariant(&v);
    assert_eq!(v["scenario"]["kind"], "auth");
    assert_eq!(v["scenario"]["params"]["invalid_token"], "[redacted]");
    assert_eq!(v["status"], "finished");
    assert_eq!(v["verdict"], "PASS", "{:#}", v["criteria"]);
    let phases = v["phases"].as_array().unwrap();
    assert_eq!(phases[0]["name"], "valid-token");
    assert_eq!(phases[0]["started_at"].as_f64().unwrap(), TIME_ORIGIN);
    assert!(phases.iter().all(|p| p["duration_ms"].as_f64().is_some()));
    for kind in [
        ExportKind::Json,
        ExportKind::Csv,
        ExportKind::Har,
        ExportKind::Log,
        ExportKind::Junit,
    ] {
        let text = test.export(kind, sim.now);
        assert!(
            !text.contains(TOKEN) && !text.contains(BAD_TOKEN),
            "{kind:?}"
        );
    }
}

#[test]
fn scenario_report_after_a_load_run_drains_to_zero_pending() {
    let base = config(|c| {
        c.endpoint = "/ws".into();
        c.token = String::new();
    });
    let mut raw = RawScenarioParams::defaults(ScenarioKind::Load);
    raw.sessions = "4".into();
    raw.interval_ms = "50".into();
    raw.duration_s = "3".into();
    let sc = crate::Scenario::from_raw(&raw, &base).unwrap();
    let mut test = TestRun::of_scenario(sc, 1);
    test.run_mut().set_time_origin(TIME_ORIGIN);
    let mut sim = Sim::new(Server::default());
    sim.play_test(&mut test, 60_000.0);
    let v = json(&test.report(sim.now));
    check_schema_and_invariant(&v);
    assert_eq!(v["invariant"]["pending"], 0);
    assert_eq!(v["configuration"]["token"], "");
    assert_eq!(v["scenario"]["params"]["duration_ms"], 3000.0);
    assert_eq!(v["scenario"]["progress"], 1.0);
    assert!(v["totals"]["mean_sent_per_s"].as_f64().unwrap() > 50.0);
    assert_eq!(v["verdict"], "PASS");
}

/// Grades of a report's criteria by id.
fn grades(v: &Value) -> Vec<(String, String)> {
    v["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["grade"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_manual_run_with_every_message_pending_is_no_pass() {
    let mut run = Run::new(config(|c| c.auto_send = false), 1);
    run.start(0.0);
    let opens: Vec<_> = run
        .drain_commands()
        .filter_map(|c| match c {
            Command::Open {
                session,
                generation,
                ..
            } => Some((session, generation)),
            _ => None,
        })
        .collect();
    for (s, g) in opens {
        run.on_open(s, g, 10.0);
    }
    for s in 0..3 {
        run.send_one(SessionId(s), 20.0);
    }
    let v = json(&run.report(30.0));
    assert_eq!(v["totals"]["counters"]["pending"], 3);
    assert_ne!(v["verdict"], "PASS", "{:#}", v["criteria"]);
    let g = grades(&v);
    assert!(
        g.contains(&("message-success".into(), "FAIL".into())),
        "nothing answered yet is no data for a run that sent: {g:?}"
    );
    // Three sockets opened: that much is measured.
    assert!(
        g.contains(&("connection-success".into(), "PASS".into())),
        "{g:?}"
    );
}

#[test]
fn a_manual_run_on_thin_data_grades_insufficient_data() {
    let mut sim = Sim::new(Server::default());
    let mut run = Run::new(config(|c| c.auto_send = false), 1);
    run.start(sim.now);
    sim.pump(&mut run);
    while sim.now < 100.0 {
        sim.step(&mut run, None);
    }
    run.send_one(SessionId(0), sim.now);
    while sim.now < 500.0 {
        sim.step(&mut run, None);
    }
    let v = json(&run.report(sim.now));
    assert_eq!(v["totals"]["counters"]["matched"], 1);
    let g = grades(&v);
    assert!(
        g.contains(&("message-success".into(), "WARN".into())),
        "{g:?}"
    );
    assert!(g.contains(&("avg-rtt".into(), "WARN".into())), "{g:?}");
    assert_eq!(v["verdict"], "WARN");
    let measured = v["criteria"][0]["measured"].as_str().unwrap();
    assert!(measured.starts_with("insufficient data"), "{measured}");
}

#[test]
fn csv_has_a_header_and_a_row_per_session_quoted_properly() {
    let (mut run, now) = busy_manual_run();
    let g = run.session(SessionId(2), now).unwrap().generation;
    run.on_close(SessionId(2), g, 4001, "line one,\n\"two\"", now);
    let csv = run.report(now).to_csv();
    assert!(csv.ends_with("\r\n"));
    let header = csv.split("\r\n").next().unwrap();
    assert!(header.starts_with(
        "session,endpoint,state,state_detail,generation,sent,matched,lost,pending,received,pushes,"
    ));
    let columns = header.split(',').count();
    // Parse it back (RFC 4180) and count records and fields.
    let records = parse_csv(&csv);
    assert_eq!(records.len(), run.session_count() + 1);
    assert!(records.iter().all(|r| r.len() == columns));
    let reason = header
        .split(',')
        .position(|h| h == "last_close_reason")
        .unwrap();
    assert_eq!(records[3][reason], "line one,\n\"two\"");
    let sent = header.split(',').position(|h| h == "sent").unwrap();
    let total: u64 = records[1..]
        .iter()
        .map(|r| r[sent].parse::<u64>().unwrap())
        .sum();
    assert_eq!(total, run.counters().sent);
}

/// A strict RFC 4180 reader, for the test.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "records end with CRLF");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => {
                assert!(c != '\n' && c != '"', "bare {c:?} outside quotes");
                field.push(c);
            }
        }
    }
    assert!(record.is_empty() && field.is_empty());
    records
}

#[test]
fn har_lists_every_session_with_its_frames() {
    let (run, _) = busy_manual_run();
    assert_eq!(run.har(), run.har_by_value());
    let har: Value = serde_json::from_str(&run.har()).unwrap();
    assert_eq!(har["log"]["version"], "1.2");
    let entries = har["log"]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    for e in entries {
        assert_eq!(e["_resourceType"], "websocket");
        assert_eq!(e["response"]["status"], 101);
        assert!(
            e["request"]["url"]
                .as_str()
                .unwrap()
                .starts_with("ws://127.0.0.1:8080/ws")
        );
        let msgs = e["_webSocketMessages"].as_array().unwrap();
        assert!(msgs.iter().any(|m| m["type"] == "send"));
        assert!(msgs.iter().any(|m| m["type"] == "receive"));
        for m in msgs {
            assert_eq!(m["opcode"], 1);
            let t = m["time"].as_f64().unwrap();
            assert!((TIME_ORIGIN / 1000.0..TIME_ORIGIN / 1000.0 + 10.0).contains(&t));
        }
        assert!(
            e["startedDateTime"]
                .as_str()
                .unwrap()
                .starts_with("2023-11-14T22:13:2")
        );
    }
}

#[test]
fn binary_frames_are_captured_as_base64() {
    let cfg = config(|c| {
        c.endpoint = "/ws".into();
        c.token = String::new();
        c.sessions = "1".into();
        c.binary = true;
    });
    let mut run = Run::new(cfg, 1);
    run.start(0.0);
    let g = first_open(&mut run);
    run.on_open(SessionId(0), g, 1.0);
    run.send_one(SessionId(0), 2.0);
    run.on_binary_data(SessionId(0), g, &[0xff, 0x00, 0x10], 3.0);
    assert_eq!(run.har(), run.har_by_value());
    let har: Value = serde_json::from_str(&run.har()).unwrap();
    let msgs = har["log"]["entries"][0]["_webSocketMessages"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[0]["opcode"], 2);
    assert_eq!(msgs[1]["data"], "/wAQ");
}

fn first_open(run: &mut Run) -> Generation {
    run.drain_commands()
        .find_map(|c| match c {
            Command::Open { generation, .. } => Some(generation),
            _ => None,
        })
        .unwrap()
}

#[test]
fn frames_ring_is_bounded_and_clips_big_frames() {
    let mut cfg = config(|c| {
        c.endpoint = "/ws".into();
        c.token = String::new();
        c.sessions = "1".into();
    });
    cfg.limits = Limits {
        frames: 50,
        frame_bytes: 1024,
        frames_total_bytes: 20 * 1024,
        ..Limits::default()
    };
    let mut run = Run::new(cfg, 1);
    run.start(0.0);
    let g = first_open(&mut run);
    run.on_open(SessionId(0), g, 1.0);
    let big = "x".repeat(1024 * 1024);
    for i in 0..500 {
        run.on_text(
            SessionId(0),
            g,
            if i % 10 == 0 { &big } else { "small" },
            2.0 + i as f64,
        );
        run.send_one(SessionId(0), 2.0 + i as f64);
        let (count, bytes) = run
            .bounded_sizes()
            .into_iter()
            .filter(|(name, _, _)| name.starts_with("frame"))
            .fold((0, 0), |acc, (name, n, cap)| {
                assert!(n <= cap, "{name}: {n} > {cap}");
                if name == "frames" {
                    (n, acc.1)
                } else {
                    (acc.0, n)
                }
            });
        assert!(count <= 50 && bytes <= 20 * 1024);
    }
    assert!(run.frames_evicted() > 0);
    let clipped = run.frames().find(|f| f.len == big.len()).unwrap();
    assert!(clipped.clipped() && clipped.payload.len() == 1024);
    assert!(matches!(clipped.payload, Frame::Text(_)));
}

#[test]
fn history_is_bounded_and_carries_rtt_percentiles() {
    let mut cfg = config(|c| {
        c.endpoint = "/ws".into();
        c.token = String::new();
        c.sessions = "2".into();
        c.send_interval_ms = "250".into();
    });
    cfg.limits.history = 60;
    let mut run = Run::new(cfg, 1);
    let mut sim = Sim::new(Server {
        heap: Some((20.0, 0.0)),
        ..Server::default()
    });
    run.start(0.0);
    sim.pump(&mut run);
    while sim.now < 600_000.0 {
        sim.step(&mut run, None);
        assert!(run.history().len() <= 60);
    }
    let h = run.history();
    assert!(h.len() >= 30, "{}", h.len());
    assert!(h[0].t < 20_000.0 && h.last().unwrap().t > 580_000.0);
    let p = h[h.len() / 2];
    assert!(p.rtt_count > 0 && p.rtt_p50_ms.is_some() && p.rtt_p95_ms.is_some());
    assert!((p.sent_per_s - 8.0).abs() < 1.0, "{p:?}");
    assert!(run.heap_samples().len() <= crate::config::Limits::default().heap_samples);
    // The timeline lane stays bounded too.
    assert!(run.timeline(SessionId(0)).count() <= crate::config::Limits::default().timeline);
}
