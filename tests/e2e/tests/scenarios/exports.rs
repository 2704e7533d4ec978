//! Auth against a rejecting backend; its exports, checked in full.

use super::common::*;
use serde_json::Value;
use ws_console_e2e::console::count;
use ws_console_e2e::{LONG, run, stat};

/// Every field the report schema (engine/src/report/mod.rs) documents.
const TOP_LEVEL: [&str; 17] = [
    "schema",
    "version",
    "generated_at",
    "status",
    "scenario",
    "configuration",
    "run",
    "phases",
    "totals",
    "sessions",
    "breakdown",
    "readiness",
    "endpoints",
    "invariant",
    "criteria",
    "verdict",
    "capacity",
];
const SCENARIO_FIELDS: [&str; 4] = ["kind", "label", "params", "progress"];
const CONFIGURATION_FIELDS: [&str; 18] = [
    "endpoint",
    "url",
    "user_id",
    "token",
    "auth_mode",
    "sessions",
    "send_interval_ms",
    "message_template",
    "binary",
    "correlation_pointer",
    "group_pointer",
    "reply_timeout_ms",
    "duplicate_window_ms",
    "heartbeat",
    "reconnect",
    "queue_capacity",
    "log_capacity",
    "thresholds",
];
const RECONNECT_FIELDS: [&str; 8] = [
    "enabled",
    "schedule_ms",
    "max_attempts",
    "jitter",
    "no_retry_codes",
    "try_later_codes",
    "connect_timeout_ms",
    "stable_ms",
];
const THRESHOLD_FIELDS: [&str; 14] = [
    "success_good_pct",
    "success_warning_pct",
    "success_critical_pct",
    "rtt_good_ms",
    "rtt_warning_ms",
    "rtt_critical_ms",
    "heap_increasing_mb_per_min",
    "heap_leak_r2",
    "heap_leak_min_span_min",
    "reconnect_warning_attempts",
    "min_replies",
    "min_connects",
    "min_pings",
    "consistency_tolerance",
];
const RUN_FIELDS: [&str; 5] = [
    "started_at",
    "duration_ms",
    "tab_hidden",
    "stamped_in",
    "frames_captured",
];
const PHASE_FIELDS: [&str; 4] = ["name", "started_at", "ended_at", "duration_ms"];
const TOTALS_FIELDS: [&str; 21] = [
    "sessions",
    "active",
    "connecting",
    "reconnecting",
    "needs_auth",
    "errored",
    "disconnected",
    "counters",
    "success_rate_pct",
    "rtt_ms",
    "ping_rtt_ms",
    "delivery_latency_ms",
    "connect_time_ms",
    "recovery_ms",
    "sent_per_s",
    "received_per_s",
    "mean_sent_per_s",
    "mean_received_per_s",
    "queued_now",
    "errors",
    "heap",
];
pub(super) const SUMMARY_FIELDS: [&str; 8] =
    ["count", "mean", "p50", "p95", "p99", "min", "max", "last"];
const COUNTER_FIELDS: [&str; 33] = [
    "sent",
    "received",
    "matched",
    "lost",
    "pending",
    "duplicate",
    "unsolicited",
    "out_of_order",
    "late",
    "foreign",
    "foreign_duplicate",
    "queued",
    "queue_overflow",
    "queue_flushed",
    "queue_delivered",
    "queue_lost",
    "bytes_out",
    "bytes_in",
    "binary_in",
    "noise",
    "pushes",
    "pings_sent",
    "pongs",
    "ping_timeouts",
    "connect_attempts",
    "connects",
    "connect_failures",
    "drops",
    "reconnects",
    "schedule_skipped",
    "client_errors",
    "oversized",
    "errors",
];
const ERROR_FIELDS: [&str; 6] = [
    "close_codes",
    "parse",
    "timeout",
    "socket",
    "server",
    "auth",
];
const HEAP_FIELDS: [&str; 7] = [
    "available",
    "used_bytes",
    "total_bytes",
    "limit_bytes",
    "samples",
    "trend",
    "assessment",
];
const ENDPOINT_FIELDS: [&str; 17] = [
    "endpoint",
    "url",
    "sessions",
    "connected",
    "status",
    "connects",
    "connect_failures",
    "drops",
    "errors",
    "sent",
    "received",
    "pushes",
    "pushes_min",
    "pushes_max",
    "connect_time_ms",
    "first_message_ms",
    "consistency",
];
const SESSION_FIELDS: [&str; 33] = [
    "session",
    "endpoint",
    "pushes",
    "state",
    "state_detail",
    "generation",
    "sent",
    "matched",
    "lost",
    "pending",
    "received",
    "duplicates",
    "out_of_order",
    "unsolicited",
    "late",
    "foreign",
    "foreign_duplicates",
    "queued",
    "queue_overflow",
    "queued_now",
    "connects",
    "connect_failures",
    "drops",
    "reconnects",
    "errors",
    "client_errors",
    "last_close_code",
    "last_close_reason",
    "last_close_at",
    "connect_time_ms",
    "last_recovery_ms",
    "bytes_out",
    "bytes_in",
];
const INVARIANT_FIELDS: [&str; 5] = ["holds", "sent", "matched", "lost", "pending"];
const CRITERION_FIELDS: [&str; 6] = ["id", "label", "target", "measured", "value", "grade"];
const AUTH_PARAMS: [&str; 4] = ["sessions", "hold_ms", "observe_ms", "invalid_token"];

/// Asserts `object` (at `path`, for messages) has every field of `fields`.
pub(super) fn has_fields(object: &Value, path: &str, fields: &[&str]) {
    let map = object
        .as_object()
        .unwrap_or_else(|| panic!("{path} is not an object: {object}"));
    for f in fields {
        assert!(map.contains_key(*f), "{path}.{f} missing: {object:#}");
    }
}

/// The whole documented schema, field by field.
fn check_schema(report: &Value) {
    has_fields(report, "report", &TOP_LEVEL);
    assert!(
        report["capacity"].is_null(),
        "only the capacity finder has one"
    );
    assert!(
        report["generated_at"].as_f64().is_some_and(|t| t > 1.6e12),
        "Unix ms"
    );
    has_fields(&report["scenario"], "scenario", &SCENARIO_FIELDS);
    let cfg = &report["configuration"];
    has_fields(cfg, "configuration", &CONFIGURATION_FIELDS);
    has_fields(
        &cfg["reconnect"],
        "configuration.reconnect",
        &RECONNECT_FIELDS,
    );
    has_fields(
        &cfg["thresholds"],
        "configuration.thresholds",
        &THRESHOLD_FIELDS,
    );
    if !cfg["heartbeat"].is_null() {
        has_fields(
            &cfg["heartbeat"],
            "configuration.heartbeat",
            &["interval_ms", "timeout_ms", "ping_template", "pong_type"],
        );
    }
    has_fields(&report["run"], "run", &RUN_FIELDS);
    for p in report["phases"].as_array().expect("phases[]") {
        has_fields(p, "phases[]", &PHASE_FIELDS);
    }
    let totals = &report["totals"];
    has_fields(totals, "totals", &TOTALS_FIELDS);
    for s in [
        "rtt_ms",
        "ping_rtt_ms",
        "delivery_latency_ms",
        "connect_time_ms",
        "recovery_ms",
    ] {
        has_fields(&totals[s], &format!("totals.{s}"), &SUMMARY_FIELDS);
    }
    has_fields(&totals["counters"], "totals.counters", &COUNTER_FIELDS);
    has_fields(
        &totals["counters"]["errors"],
        "totals.counters.errors",
        &ERROR_FIELDS,
    );
    has_fields(&totals["heap"], "totals.heap", &HEAP_FIELDS);
    for row in report["sessions"].as_array().expect("sessions[]") {
        has_fields(row, "sessions[]", &SESSION_FIELDS);
        has_fields(&row["rtt_ms"], "sessions[].rtt_ms", &SUMMARY_FIELDS);
    }
    let endpoints = report["endpoints"].as_array().expect("endpoints[]");
    assert_eq!(endpoints.len(), 1, "one endpoint line, one row");
    for row in endpoints {
        has_fields(row, "endpoints[]", &ENDPOINT_FIELDS);
        has_fields(
            &row["first_message_ms"],
            "endpoints[].first_message_ms",
            &SUMMARY_FIELDS,
        );
    }
    has_fields(&report["invariant"], "invariant", &INVARIANT_FIELDS);
    for c in report["criteria"].as_array().expect("criteria[]") {
        has_fields(c, "criteria[]", &CRITERION_FIELDS);
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
        ctx.choose_scenario(
            "auth",
            &[
                ("scenario-sessions", "3"),
                ("scenario-hold", "1"),
                ("scenario-observe", "1.5"),
                ("scenario-invalid-token", BAD_TOKEN),
            ],
        )
        .await;
        let report = ctx.run_scenario(LONG).await;
        check_report(&report, "auth", "finished", 3);
        assert_grades(
            &report,
            &[
                ("valid-token", "PASS"),
                ("invalid-token-refused", "PASS"),
                ("not-retried", "PASS"),
                ("fresh-token", "PASS"),
            ],
        );
        assert_eq!(report["verdict"], "PASS");
        let stats = all_closed_server_side(&ctx).await;
        assert_eq!(
            stat(&stats, "/totals/rejected_auth"),
            3,
            "exactly one rejected attempt per session: {stats}"
        );
        // Accepted: 3 with the valid token, then 3 with the fresh one (the refused ones are
        // counted apart, above).
        assert_eq!(stat(&stats, "/totals/accepted"), 6, "{stats}");
        let names: Vec<&str> = report["phases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["valid-token", "invalid-token", "fresh-token", "drain"]
        );
        check_verdict_panel(&ctx, &report).await;

        // 7. The report against its documented schema, and free of either token.
        check_schema(&report);
        let text = report.to_string();
        for token in [GOOD_TOKEN, BAD_TOKEN] {
            assert!(
                !text.contains(token),
                "a token leaked into the report: {text}"
            );
        }
        assert_eq!(report["configuration"]["token"], "[redacted]");
        assert_eq!(report["scenario"]["params"]["invalid_token"], "[redacted]");
        has_fields(
            &report["scenario"]["params"],
            "scenario.params",
            &AUTH_PARAMS,
        );
        assert_eq!(report["configuration"]["user_id"], "qa-7");
        assert_eq!(count(&report, "/totals/sessions"), 3);

        // The JSON export is the same report.
        let file = ctx.download("export-json", "ws-console-report.json").await;
        for token in [GOOD_TOKEN, BAD_TOKEN] {
            assert!(!file.contains(token), "a token leaked into the JSON export");
        }
        let exported: Value = serde_json::from_str(&file).expect("the JSON export parses");
        check_schema(&exported);
        // Everything but what depends on the moment it was made (`generated_at`, and the
        // sliding rates and latest heap reading in `totals`).
        for key in [
            "schema",
            "version",
            "status",
            "scenario",
            "configuration",
            "run",
            "phases",
            "sessions",
            "invariant",
            "criteria",
            "verdict",
        ] {
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
