//! Auth against a rejecting backend; its exports, checked in full.

use super::common::*;
use serde_json::Value;
use ws_console_e2e::console::count;
use ws_console_e2e::schema::{assert_has_fields, engine_report, scenario_form};
use ws_console_e2e::{run, stat};
use ws_console_engine::RawConfig;

/// What depends on the moment a report is made: the time it was made, and the sliding rates
/// and latest heap reading in `totals`. Every other part of the report is the same in the
/// export as in the page's handle.
const OF_THE_MOMENT: [&str; 2] = ["generated_at", "totals"];

/// The engine's own report of the same auth scenario, run on the host: the fields the
/// browser's must have.
fn reference() -> Value {
    let config = RawConfig {
        endpoint: AUTHENTICATED.into(),
        user_id: "qa-7".into(),
        token: GOOD_TOKEN.into(),
        ..RawConfig::default()
    };
    let mut form = scenario_form("auth");
    form.sessions = "3".into();
    form.hold_s = "1".into();
    form.observe_s = "1.5".into();
    form.invalid_token = BAD_TOKEN.into();
    engine_report(&config, &form, 5000.0)
}

/// The report against the engine's own, field by field at every depth, and what this run's
/// report must hold besides.
fn check_schema(report: &Value, reference: &Value) {
    assert_has_fields(reference, report, "report");
    assert!(
        report["capacity"].is_null(),
        "only the capacity finder has one"
    );
    assert!(
        report["generated_at"].as_f64().is_some_and(|t| t > 1.6e12),
        "Unix ms"
    );
    let endpoints = report["endpoints"].as_array().expect("endpoints[]");
    assert_eq!(endpoints.len(), 1, "one endpoint line, one row");
    for c in report["criteria"].as_array().expect("criteria[]") {
        assert!(
            ["PASS", "WARN", "FAIL", "SKIP"].contains(&c["grade"].as_str().unwrap_or("")),
            "{c}"
        );
    }
}

/// `value` with every number as a float: the page's handle goes through WebDriver, which
/// writes `1000.0` as `1000`, while the exported file keeps the engine's `1000.0`.
fn numbers_as_floats(value: &Value) -> Value {
    match value {
        Value::Number(n) => serde_json::json!(n.as_f64()),
        Value::Array(a) => Value::Array(a.iter().map(numbers_as_floats).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), numbers_as_floats(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A small RFC 4180 reader: comma-separated fields, CRLF (or LF) records, fields in double
/// quotes may hold commas, quotes (doubled) and line breaks.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        if quoted {
            match ch {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(ch),
            }
            continue;
        }
        match ch {
            '"' if field.is_empty() => quoted = true,
            ',' => record.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            _ => field.push(ch),
        }
    }
    assert!(!quoted, "unterminated quoted field");
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

#[tokio::test]
async fn auth_passes_against_a_rejecting_backend_and_its_exports_are_complete() {
    run(checks_tokens(), |ctx| async move {
        use_authenticated_endpoint(&ctx, "qa-7").await;
        let form = format!("sessions=3 hold=1 observe=1.5 invalid-token={BAD_TOKEN}");
        let report = finished(&ctx, "auth", &form, 3).await;
        let grades = "valid-token=PASS invalid-token-refused=PASS not-retried=PASS \
            fresh-token=PASS";
        assert_verdict(&report, grades, "PASS");
        let stats = all_closed_server_side(&ctx).await;
        assert_eq!(
            stat(&stats, "/totals/rejected_auth"),
            3,
            "exactly one rejected attempt per session: {stats}"
        );
        // Accepted: 3 with the valid token, then 3 with the fresh one (the refused ones are
        // counted apart, above).
        assert_eq!(stat(&stats, "/totals/accepted"), 6, "{stats}");
        assert_eq!(
            phase_names(&report),
            ["valid-token", "invalid-token", "fresh-token", "drain"]
        );
        check_verdict_panel(&ctx, &report).await;

        // 7. The report against the engine's own, and free of either token.
        let reference = reference();
        check_schema(&report, &reference);
        let text = report.to_string();
        for token in [GOOD_TOKEN, BAD_TOKEN] {
            assert!(
                !text.contains(token),
                "a token leaked into the report: {text}"
            );
        }
        assert_eq!(report["configuration"]["token"], "[redacted]");
        assert_eq!(report["scenario"]["params"]["invalid_token"], "[redacted]");
        assert_eq!(report["configuration"]["user_id"], "qa-7");
        assert_eq!(count(&report, "/totals/sessions"), 3);

        // The JSON export is the same report.
        let file = ctx.download("export-json", "ws-console-report.json").await;
        for token in [GOOD_TOKEN, BAD_TOKEN] {
            assert!(!file.contains(token), "a token leaked into the JSON export");
        }
        let exported: Value = serde_json::from_str(&file).expect("the JSON export parses");
        assert!(
            file.starts_with("{\n  \""),
            "the JSON export is indented for a reader: {}",
            &file[..file.len().min(40)]
        );
        check_schema(&exported, &reference);
        let parts = reference.as_object().expect("a report is an object").keys();
        for key in parts.filter(|k| !OF_THE_MOMENT.contains(&k.as_str())) {
            assert_eq!(
                numbers_as_floats(&exported[key]),
                numbers_as_floats(&report[key]),
                "{key}"
            );
        }
        assert_eq!(
            numbers_as_floats(&exported["totals"]["counters"]),
            numbers_as_floats(&report["totals"]["counters"])
        );
        let note = ctx.page.text("export-note").await;
        assert_eq!(
            note,
            format!("Saved ws-console-report.json ({} bytes)", file.len()),
        );

        // The CSV export: a header and a row per session, the JSON's counts in it.
        let csv = ctx.download("export-csv", "ws-console-sessions.csv").await;
        for token in [GOOD_TOKEN, BAD_TOKEN] {
            assert!(!csv.contains(token), "a token leaked into the CSV export");
        }
        assert!(csv.ends_with("\r\n"), "RFC 4180 records end with CRLF");
        let records = parse_csv(&csv);
        assert_eq!(records.len(), 3 + 1, "header + a row per session: {csv}");
        let header = &records[0];
        let column = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .unwrap_or_else(|| panic!("no {name} column: {header:?}"))
        };
        let cols = ["session", "sent", "matched", "lost", "pending"].map(column);
        for (i, record) in records[1..].iter().enumerate() {
            assert_eq!(record.len(), header.len(), "row {i}: {record:?}");
            let n = cols.map(|c| record[c].parse::<u64>().expect("a whole number"));
            assert_eq!(n[0], i as u64, "rows in session order");
            assert_eq!(
                n[1],
                n[2] + n[3] + n[4],
                "row {i}: sent = matched + lost + pending"
            );
            assert_eq!(
                [n[1], n[2], n[3], n[4]],
                session_counts(&report)[i],
                "row {i} is the JSON's session row"
            );
        }
        let log = ctx.download("export-log", "ws-console-log.txt").await;
        for token in [GOOD_TOKEN, BAD_TOKEN] {
            assert!(!log.contains(token), "a token leaked into the log export");
        }
        assert!(log.contains("scenario Auth finished"), "{log}");
        ctx
    })
    .await;
}
