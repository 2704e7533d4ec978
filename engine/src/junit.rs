//! Reports as JUnit XML, the format every CI system already reads.
//!
//! A pipeline that runs scenarios wants them on its test dashboard next to its unit tests,
//! without a plug-in. So each report becomes one `<testsuite>` (named after the scenario)
//! and each criterion one `<testcase>`: FAIL is a `<failure>`, SKIP is `<skipped/>`, and
//! WARN passes — a warning band is not a broken build — with a `WARN` note in its
//! `<system-out>`. A run that did not finish (cancelled, or still running when exported) is
//! an `<error>` on its completion case: what it measured is incomplete, not wrong.
//!
//! Everything comes from the [`Report`], which is already redacted; every text is escaped
//! for XML 1.0 (characters XML cannot hold at all become `?`).

use crate::Grade;
use crate::datetime::iso8601;
use crate::report::Report;
use std::fmt::Write as _;

/// `<testsuites>` with one `<testsuite>` per report.
pub fn junit_xml(reports: &[Report]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let count = |g: Grade| {
        reports
            .iter()
            .flat_map(|r| &r.criteria)
            .filter(|c| c.grade == g)
            .count()
    };
    let _ = writeln!(
        out,
        "<testsuites name=\"ws-console\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        reports.iter().map(cases).sum::<usize>(),
        count(Grade::Fail),
        reports.iter().filter(|r| unfinished(r)).count(),
        count(Grade::Skip),
    );
    for r in reports {
        suite(&mut out, r);
    }
    out.push_str("</testsuites>\n");
    out
}

fn unfinished(r: &Report) -> bool {
    !matches!(r.status, "finished" | "stopped")
}

/// Criteria, plus the completion case a run that did not finish may lack.
fn cases(r: &Report) -> usize {
    r.criteria.len() + usize::from(unfinished(r) && !has_completion(r))
}

fn has_completion(r: &Report) -> bool {
    r.criteria.iter().any(|c| c.id == "completion")
}

fn suite(out: &mut String, r: &Report) {
    let fails = r.criteria.iter().filter(|c| c.grade == Grade::Fail).count();
    let skips = r.criteria.iter().filter(|c| c.grade == Grade::Skip).count();
    let stamp = r.run.started_at.unwrap_or(r.generated_at);
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{fails}\" errors=\"{}\" skipped=\"{skips}\" time=\"{:.3}\" timestamp=\"{}\">",
        esc(r.scenario.label),
        cases(r),
        usize::from(unfinished(r)),
        r.run.duration_ms / 1000.0,
        &iso8601(stamp)[..19],
    );
    out.push_str("    <properties>\n");
    let c = &r.configuration;
    for (k, v) in [
        ("scenario", r.scenario.kind.to_owned()),
        ("status", r.status.to_owned()),
        ("verdict", r.verdict.label().to_owned()),
        ("endpoint", c.endpoint.clone()),
        ("auth_mode", c.auth_mode.as_str().to_owned()),
        ("sessions", c.sessions.to_string()),
    ] {
        let _ = writeln!(out, "      <property name=\"{k}\" value=\"{}\"/>", esc(&v));
    }
    out.push_str("    </properties>\n");
    let class = format!("ws-console.{}", r.scenario.kind);
    for c in &r.criteria {
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\" time=\"0\">",
            esc(&class),
            esc(c.label)
        );
        let what = format!("measured {}; target {}", c.measured, c.target);
        match c.grade {
            Grade::Fail => {
                let _ = write!(
                    out,
                    "<failure type=\"FAIL\" message=\"{}\">{}</failure>",
                    esc(&what),
                    esc(&what)
                );
            }
            Grade::Skip => {
                let _ = write!(out, "<skipped message=\"{}\"/>", esc(&c.measured));
            }
            Grade::Warn if c.id == "completion" && unfinished(r) => {
                let _ = write!(
                    out,
                    "<error type=\"{}\" message=\"{}\"/>",
                    esc(r.status),
                    esc(&c.measured)
                );
            }
            Grade::Warn | Grade::Pass => {}
        }
        let note = if c.grade == Grade::Warn { "WARN: " } else { "" };
        let _ = writeln!(
            out,
            "<system-out>{note}{}</system-out></testcase>",
            esc(&what)
        );
    }
    if unfinished(r) && !has_completion(r) {
        let _ = writeln!(
            out,
            "    <testcase classname=\"{}\" name=\"Completion\" time=\"0\"><error type=\"{}\" message=\"the run is {}, not finished\"/></testcase>",
            esc(&class),
            esc(r.status),
            esc(r.status)
        );
    }
    out.push_str("  </testsuite>\n");
}

/// XML 1.0 text and attribute escaping.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
