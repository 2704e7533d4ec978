//! The end-of-run summary, in the shape k6 prints its own: a mark per criterion, dotted
//! leaders, then the counters a reader checks first, and why a WARN passed or failed.

use crate::args::FailOn;
use serde_json::Value;

/// How the run ends for the shell.
#[derive(Debug)]
pub struct Exit {
    pub code: u8,
    /// Why, when the verdict alone does not say it: a WARN, which passes or fails by
    /// `--fail-on`.
    pub why: Option<&'static str>,
}

/// 0 on PASS, 1 on FAIL, 2 when the run did not finish; a WARN exits 1 with
/// `--fail-on warn`, 0 without.
pub fn exit(report: &Value, fail_on: FailOn) -> Exit {
    let (code, why) = if report["status"] != "finished" {
        (2, None)
    } else if report["verdict"] == "FAIL" {
        (1, None)
    } else if report["verdict"] != "WARN" {
        (0, None)
    } else if fail_on == FailOn::Warn {
        (
            1,
            Some("exit 1: the verdict is WARN and --fail-on warn fails the run on it"),
        )
    } else {
        (
            0,
            Some("exit 0: a WARN verdict passes (--fail-on warn would fail the run on it)"),
        )
    };
    Exit { code, why }
}

fn mark(grade: &str) -> &'static str {
    match grade {
        "PASS" => "✓",
        "FAIL" => "✗",
        "WARN" => "~",
        _ => "-",
    }
}

fn ms(v: &Value) -> String {
    v.as_f64()
        .map_or_else(|| "-".into(), |x| format!("{x:.2}ms"))
}

/// The RTT by a field of the messages, a line per value, when the run grouped by one.
fn breakdown(out: &mut String, b: &Value) {
    let Some(groups) = b["groups"].as_array() else {
        return;
    };
    out.push_str(&format!(
        "\n    rtt by {}\n",
        b["pointer"].as_str().unwrap_or("?")
    ));
    for g in groups {
        let value = g["value"].as_str().unwrap_or("?");
        let dots = ".".repeat(20usize.saturating_sub(value.chars().count()));
        let rtt = &g["rtt_ms"];
        out.push_str(&format!(
            "      {value} {dots}: sent={} matched={} lost={} avg={} p50={} p95={} p99={}\n",
            g["sent"],
            g["matched"],
            g["lost"],
            ms(&rtt["mean"]),
            ms(&rtt["p50"]),
            ms(&rtt["p95"]),
            ms(&rtt["p99"])
        ));
    }
}

/// The summary for `report` (the console's report JSON) and how the run `exit`s.
pub fn render(report: &Value, exit: &Exit) -> String {
    let mut out = format!(
        "\n  █ ws-console · {} · {} ({}, {:.1} s)\n\n",
        report["scenario"]["label"].as_str().unwrap_or("?"),
        report["verdict"].as_str().unwrap_or("?"),
        report["status"].as_str().unwrap_or("?"),
        report["run"]["duration_ms"].as_f64().unwrap_or(0.0) / 1000.0,
    );
    for c in report["criteria"].as_array().into_iter().flatten() {
        let label = c["label"].as_str().unwrap_or("?");
        let grade = c["grade"].as_str().unwrap_or("?");
        let dots = ".".repeat(34usize.saturating_sub(label.chars().count()));
        out.push_str(&format!(
            "    {} {label} {dots} {}   target {}{}\n",
            mark(grade),
            c["measured"].as_str().unwrap_or(""),
            c["target"].as_str().unwrap_or(""),
            if matches!(grade, "WARN" | "SKIP") {
                format!("   ({grade})")
            } else {
                String::new()
            },
        ));
    }
    for st in report["capacity"]["steps"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "    step {:>3} ...: {:.1} msgs/s → {} answered/s, rtt p50={} p95={} p99={}   {}\n",
            st["step"].as_u64().unwrap_or(0),
            st["target_per_s"].as_f64().unwrap_or(0.0),
            st["matched_per_s"]
                .as_f64()
                .map_or("-".into(), |v| format!("{v:.1}")),
            ms(&st["rtt_ms"]["p50"]),
            ms(&st["rtt_ms"]["p95"]),
            ms(&st["rtt_ms"]["p99"]),
            st["outcome"].as_str().unwrap_or("?"),
        ));
    }
    let n = &report["totals"]["counters"];
    let rtt = &report["totals"]["rtt_ms"];
    out.push_str(&format!(
        "\n    messages...: sent={} received={} matched={} lost={} duplicate={} out_of_order={}\n",
        n["sent"], n["received"], n["matched"], n["lost"], n["duplicate"], n["out_of_order"]
    ));
    out.push_str(&format!(
        "    rtt........: avg={} p50={} p95={} p99={} max={}\n",
        ms(&rtt["mean"]),
        ms(&rtt["p50"]),
        ms(&rtt["p95"]),
        ms(&rtt["p99"]),
        ms(&rtt["max"])
    ));
    out.push_str(&format!(
        "    sessions...: {} connects={} drops={} reconnects={}\n",
        report["totals"]["sessions"], n["connects"], n["drops"], n["reconnects"]
    ));
    breakdown(&mut out, &report["breakdown"]);
    if let Some(why) = exit.why {
        out.push_str(&format!("\n    {why}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn report(status: &str, verdict: &str) -> Value {
        json!({
            "status": status, "verdict": verdict,
            "scenario": {"label": "Load"}, "run": {"duration_ms": 3100.0},
            "criteria": [
                {"label": "Message success rate", "grade": "PASS", "measured": "100.0 %", "target": "> 95 %"},
                {"label": "Average RTT", "grade": "FAIL", "measured": "1200 ms", "target": "< 200 ms"},
                {"label": "Heap trend", "grade": "WARN", "measured": "increasing", "target": "stable"},
            ],
            "totals": {"sessions": 2, "counters": {"sent": 10, "received": 12, "matched": 10, "lost": 0,
                "duplicate": 0, "out_of_order": 0, "connects": 2, "drops": 0, "reconnects": 0},
                "rtt_ms": {"mean": 0.5, "p50": 0.4, "p95": 0.9, "p99": 1.0, "max": 1.2}},
        })
    }

    #[test]
    fn exit_codes_follow_the_verdict_and_fail_on() {
        use FailOn::{Fail, Warn};
        let code = |status, verdict, fail_on| exit(&report(status, verdict), fail_on).code;
        for fail_on in [Fail, Warn] {
            assert_eq!(code("finished", "PASS", fail_on), 0);
            assert_eq!(code("finished", "FAIL", fail_on), 1);
            assert_eq!(code("finished", "SKIP", fail_on), 0);
            for verdict in ["PASS", "WARN", "FAIL"] {
                assert_eq!(code("cancelled", verdict, fail_on), 2);
            }
        }
        assert_eq!(code("finished", "WARN", Fail), 0);
        assert_eq!(code("finished", "WARN", Warn), 1);
    }

    #[test]
    fn says_why_only_when_a_warn_decides() {
        let why = |verdict, fail_on| exit(&report("finished", verdict), fail_on).why;
        for fail_on in [FailOn::Fail, FailOn::Warn] {
            assert_eq!(why("PASS", fail_on), None);
            assert_eq!(why("FAIL", fail_on), None);
            assert_eq!(exit(&report("cancelled", "WARN"), fail_on).why, None);
        }
        let r = report("finished", "WARN");
        let passed = render(&r, &exit(&r, FailOn::Fail));
        assert!(
            passed.ends_with(
                "\n\n    exit 0: a WARN verdict passes (--fail-on warn would fail the run on it)\n"
            ),
            "{passed}"
        );
        let failed = render(&r, &exit(&r, FailOn::Warn));
        assert!(
            failed.ends_with(
                "\n\n    exit 1: the verdict is WARN and --fail-on warn fails the run on it\n"
            ),
            "{failed}"
        );
        let r = report("finished", "FAIL");
        assert!(!render(&r, &exit(&r, FailOn::Warn)).contains("exit "));
    }

    #[test]
    fn marks_each_criterion_and_lists_the_counters() {
        let r = report("finished", "FAIL");
        let s = render(&r, &exit(&r, FailOn::Fail));
        assert!(
            s.contains("█ ws-console · Load · FAIL (finished, 3.1 s)"),
            "{s}"
        );
        assert!(s.contains("✓ Message success rate ..."));
        assert!(s.contains("✗ Average RTT ...") && s.contains("1200 ms   target < 200 ms"));
        assert!(s.contains("~ Heap trend") && s.contains("(WARN)"));
        assert!(s.contains("sent=10 received=12 matched=10 lost=0"));
        assert!(s.contains("avg=0.50ms") && s.contains("max=1.20ms"));
        assert!(!s.contains("rtt by"), "no breakdown, no block: {s}");
        assert!(!s.contains("step "), "no capacity steps outside the finder");
    }

    #[test]
    fn lists_the_rtt_by_field_a_line_per_value() {
        let mut r = report("finished", "PASS");
        r["breakdown"] = json!({"pointer": "/agent", "groups": [
            {"value": "Financial Advisor", "sent": 4, "matched": 4, "lost": 0,
             "rtt_ms": {"mean": 85.1, "p50": 85.0, "p95": 90.0, "p99": 91.0}},
            {"value": "(other)", "sent": 1, "matched": 0, "lost": 1,
             "rtt_ms": {"mean": null, "p50": null, "p95": null, "p99": null}},
        ]});
        let s = render(&r, &exit(&r, FailOn::Fail));
        assert!(s.contains("\n    rtt by /agent\n"), "{s}");
        assert!(
            s.contains("      Financial Advisor ...: sent=4 matched=4 lost=0 avg=85.10ms p50=85.00ms p95=90.00ms p99=91.00ms\n"),
            "{s}"
        );
        assert!(
            s.contains("(other) .............: sent=1 matched=0 lost=1 avg=- p50=-"),
            "{s}"
        );
    }

    #[test]
    fn lists_the_capacity_finders_steps() {
        let mut r = report("finished", "PASS");
        r["capacity"] = json!({"steps": [
            {"step": 1, "target_per_s": 10.0, "matched_per_s": 9.96, "outcome": "held",
             "rtt_ms": {"p50": 0.4, "p95": 0.9, "p99": 1.0}},
            {"step": 2, "target_per_s": 20.0, "matched_per_s": 7.0, "outcome": "not-held",
             "rtt_ms": {"p50": null, "p95": null, "p99": null}},
        ]});
        let s = render(&r, &exit(&r, FailOn::Fail));
        assert!(
            s.contains("step   1 ...: 10.0 msgs/s → 10.0 answered/s, rtt p50=0.40ms p95=0.90ms p99=1.00ms   held\n"),
            "{s}"
        );
        assert!(
            s.contains(
                "step   2 ...: 20.0 msgs/s → 7.0 answered/s, rtt p50=- p95=- p99=-   not-held"
            ),
            "{s}"
        );
    }
}
