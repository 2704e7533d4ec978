//! The XML read back by a small checking parser (no XML crate is among the dependencies):
//! well-formed, nested as JUnit readers expect, with the right counts and escapes.

use super::*;
use crate::scenario::Criterion;
use crate::{RawConfig, Run, RunConfig};

fn criterion(id: &'static str, label: &'static str, grade: Grade, measured: &str) -> Criterion {
    Criterion {
        id,
        label,
        target: "> 95 % (≥ 20 replies)".into(),
        measured: measured.into(),
        value: None,
        grade,
    }
}

fn report(status: &'static str, criteria: Vec<Criterion>) -> Report {
    let raw = RawConfig {
        endpoint: "/ws?a=1&b=<2>".into(),
        token: "Tk-secret-4411".into(),
        ..RawConfig::default()
    };
    let cfg = RunConfig::from_raw(&raw, "http://127.0.0.1:8080").unwrap();
    let mut r = Report::manual(&Run::new(cfg, 1), 0.0);
    r.status = status;
    r.scenario.kind = "load";
    r.scenario.label = "Load";
    r.verdict = Grade::overall(criteria.iter().map(|c| c.grade));
    r.criteria = criteria;
    r
}

/// An element: name, attributes, children, text.
#[derive(Debug, Default)]
struct El {
    name: String,
    attrs: Vec<(String, String)>,
    kids: Vec<El>,
    text: String,
}

impl El {
    fn attr(&self, k: &str) -> &str {
        &self.attrs.iter().find(|(a, _)| a == k).expect(k).1
    }
    fn all(&self, name: &str) -> Vec<&El> {
        self.kids.iter().filter(|k| k.name == name).collect()
    }
}

fn unescape(s: &str) -> String {
    assert!(!s.contains('<'), "raw < in {s:?}");
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find(';').expect("entity ends") + i;
        out.push(match &rest[i + 1..end] {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "#9" => '\t',
            "#10" => '\n',
            "#13" => '\r',
            e => panic!("unknown entity &{e};"),
        });
        rest = &rest[end + 1..];
    }
    out + rest
}

/// Parses the document strictly enough to catch broken nesting, unquoted or unescaped
/// attributes and stray markup.
fn parse(xml: &str) -> El {
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .expect("declaration");
    let mut stack = vec![El::default()];
    let mut rest = body;
    while !rest.is_empty() {
        if let Some(tail) = rest.strip_prefix("</") {
            let end = tail.find('>').unwrap();
            let el = stack.pop().unwrap();
            assert_eq!(el.name, &tail[..end], "mismatched close");
            stack.last_mut().unwrap().kids.push(el);
            rest = &tail[end + 1..];
        } else if let Some(tail) = rest.strip_prefix('<') {
            let end = tail.find('>').unwrap();
            let (inner, selfclosing) = match tail[..end].strip_suffix('/') {
                Some(i) => (i, true),
                None => (&tail[..end], false),
            };
            let (name, mut attrs) = inner.split_once(' ').unwrap_or((inner, ""));
            let mut el = El {
                name: name.into(),
                ..El::default()
            };
            while !attrs.trim().is_empty() {
                let (k, v) = attrs
                    .trim_start()
                    .split_once("=\"")
                    .expect("quoted attribute");
                let close = v.find('"').unwrap();
                el.attrs.push((k.into(), unescape(&v[..close])));
                attrs = &v[close + 1..];
            }
            if selfclosing {
                stack.last_mut().unwrap().kids.push(el);
            } else {
                stack.push(el);
            }
            rest = &tail[end + 1..];
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            stack
                .last_mut()
                .unwrap()
                .text
                .push_str(&unescape(&rest[..end]));
            rest = &rest[end..];
        }
    }
    assert_eq!(stack.len(), 1, "unclosed elements");
    let mut root = stack.pop().unwrap();
    assert_eq!(root.kids.len(), 1);
    root.kids.pop().unwrap()
}

#[test]
fn one_suite_per_report_one_case_per_criterion_with_grades_mapped() {
    let a = report(
        "finished",
        vec![
            criterion(
                "message-success",
                "Message success rate",
                Grade::Pass,
                "99.0 %",
            ),
            criterion(
                "avg-rtt",
                "Average RTT",
                Grade::Fail,
                "1200 ms <slow> & \"late\"",
            ),
            criterion("heap", "Heap trend", Grade::Warn, "increasing"),
            criterion("heartbeat", "Heartbeat answered", Grade::Skip, "no data"),
        ],
    );
    let b = report("finished", vec![criterion("x", "X", Grade::Pass, "ok")]);
    let root = parse(&junit_xml(&[a, b]));
    assert_eq!(root.name, "testsuites");
    assert_eq!(root.attr("tests"), "5");
    assert_eq!(root.attr("failures"), "1");
    assert_eq!(root.attr("errors"), "0");
    assert_eq!(root.attr("skipped"), "1");
    let suites = root.all("testsuite");
    assert_eq!(suites.len(), 2);
    let s = suites[0];
    assert_eq!(s.attr("name"), "Load");
    assert_eq!(s.attr("tests"), "4");
    assert_eq!(s.attr("failures"), "1");
    let props = &s.all("properties")[0].kids;
    assert!(
        props.iter().any(|p| p.attr("name") == "endpoint"
            && p.attr("value") == "ws://127.0.0.1:8080/ws?a=1&b=<2>")
    );
    assert!(
        props
            .iter()
            .any(|p| p.attr("name") == "verdict" && p.attr("value") == "FAIL")
    );
    let cases = s.all("testcase");
    assert_eq!(cases.len(), 4);
    assert!(
        cases
            .iter()
            .all(|c| c.attr("classname") == "ws-console.load")
    );
    assert_eq!(cases[0].attr("name"), "Message success rate");
    assert!(cases[0].all("failure").is_empty());
    let failure = cases[1].all("failure");
    assert_eq!(failure.len(), 1);
    assert_eq!(
        failure[0].attr("message"),
        "measured 1200 ms <slow> & \"late\"; target > 95 % (≥ 20 replies)"
    );
    // WARN passes, with a note.
    assert!(cases[2].all("failure").is_empty() && cases[2].all("error").is_empty());
    assert!(
        cases[2].all("system-out")[0]
            .text
            .starts_with("WARN: measured increasing")
    );
    assert_eq!(cases[3].all("skipped").len(), 1);
}

#[test]
fn a_cancelled_run_is_an_error_not_a_failure() {
    let r = report(
        "cancelled",
        vec![
            criterion(
                "message-success",
                "Message success rate",
                Grade::Pass,
                "99 %",
            ),
            criterion("completion", "Completion", Grade::Warn, "cancelled at 40 %"),
        ],
    );
    let root = parse(&junit_xml(&[r]));
    assert_eq!(root.attr("errors"), "1");
    assert_eq!(root.attr("failures"), "0");
    let s = root.all("testsuite")[0];
    assert_eq!(s.attr("errors"), "1");
    let cases = s.all("testcase");
    let err = cases[1].all("error");
    assert_eq!(err.len(), 1);
    assert_eq!(err[0].attr("type"), "cancelled");
    assert_eq!(err[0].attr("message"), "cancelled at 40 %");
}

#[test]
fn a_report_taken_mid_run_gets_a_completion_error_case() {
    let r = report("running", vec![criterion("x", "X", Grade::Pass, "ok")]);
    let s = parse(&junit_xml(&[r]));
    let s = s.all("testsuite")[0];
    assert_eq!(s.attr("tests"), "2");
    let last = s.all("testcase")[1];
    assert_eq!(last.attr("name"), "Completion");
    assert_eq!(last.all("error")[0].attr("type"), "running");
}

#[test]
fn control_characters_and_the_token_never_appear() {
    let r = report(
        "finished",
        vec![criterion("x", "X", Grade::Fail, "bad\u{1}byte\nnext")],
    );
    let xml = junit_xml(&[r]);
    assert!(!xml.contains('\u{1}'));
    assert!(!xml.contains("Tk-secret-4411"));
    assert!(xml.contains("bad?byte&#10;next"));
    parse(&xml);
}
