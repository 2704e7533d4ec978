//! What the scenario tests share: the backend options, the tokens, and the checks every
//! report goes through.

use serde_json::Value;
use std::time::Duration;
use ws_console_e2e::console::{accepting, count};
use ws_console_e2e::{Ctx, LONG, stat, wait_for};
use ws_console_engine::{REPORT_SCHEMA, REPORT_VERSION};

/// A valid token and an invalid one, distinctive enough that finding either in an export is
/// a leak.
pub(crate) const GOOD_TOKEN: &str = "Tk-scn-g00d-7c1e";
pub(crate) const BAD_TOKEN: &str = "Tk-scn-bad-44d2";

/// A backend that takes [`GOOD_TOKEN`] only.
pub(crate) fn checks_tokens() -> testbed::Options {
    accepting(GOOD_TOKEN)
}

/// The backend's endpoint that checks the token.
pub(crate) const AUTHENTICATED: &str = "/api/v1/pam/ws/{user_id}?token={token}";

/// Points the console at the authenticated endpoint as `user`, with [`GOOD_TOKEN`].
pub(crate) async fn use_authenticated_endpoint(ctx: &Ctx, user: &str) {
    ctx.page.fill("endpoint-url", AUTHENTICATED).await;
    ctx.page.fill("user-id", user).await;
    ctx.page.fill("token", GOOD_TOKEN).await;
}

/// The recovery scenario's criteria, each passed.
pub(crate) const RECOVERED: &str = "reconnection=PASS recovery-time=PASS queued-delivered=PASS";

/// A backend with fault injection on.
pub(crate) fn faulty() -> testbed::Options {
    testbed::Options {
        faults: true,
        ..testbed::Options::default()
    }
}

/// `key=value` pairs apart by spaces, as the tests write a form or a list of grades.
fn pairs(text: &str) -> Vec<(&str, &str)> {
    text.split_whitespace()
        .map(|pair| {
            pair.split_once('=')
                .unwrap_or_else(|| panic!("not key=value: {pair}"))
        })
        .collect()
}

/// Picks scenario `kind` and types `fields` into its form: [`pairs`] of a field and its
/// value, the field being the input `scenario-{field}` (`"sessions=5 interval=100"`).
pub(crate) async fn choose(ctx: &Ctx, kind: &str, fields: &str) {
    let ids: Vec<(String, &str)> = pairs(fields)
        .into_iter()
        .map(|(field, value)| (format!("scenario-{field}"), value))
        .collect();
    let params: Vec<(&str, &str)> = ids.iter().map(|(id, v)| (id.as_str(), *v)).collect();
    ctx.choose_scenario(kind, &params).await;
}

/// Runs the chosen scenario `kind` to its end within `timeout`, and returns its report once
/// [`check_report`] holds it finished with a row for each of `sessions`.
pub(crate) async fn run_finished(
    ctx: &Ctx,
    kind: &str,
    sessions: usize,
    timeout: Duration,
) -> Value {
    let report = ctx.run_scenario(timeout).await;
    check_report(&report, kind, "finished", sessions);
    report
}

/// [`choose`] then [`run_finished`] within [`LONG`].
pub(crate) async fn finished(ctx: &Ctx, kind: &str, fields: &str, sessions: usize) -> Value {
    choose(ctx, kind, fields).await;
    run_finished(ctx, kind, sessions, LONG).await
}

/// Asserts the criteria are exactly `expected` ([`pairs`] of an id and its grade:
/// `"delivered=PASS heap=WARN"`), in order, and the verdict is `verdict`.
pub(crate) fn assert_verdict(report: &Value, expected: &str, verdict: &str) {
    assert_grades(report, &pairs(expected));
    assert_eq!(report["verdict"], verdict, "{:#}", report["criteria"]);
}

/// The phases' names, in order.
pub(crate) fn phase_names(report: &Value) -> Vec<&str> {
    report["phases"]
        .as_array()
        .expect("phases[]")
        .iter()
        .map(|p| p["name"].as_str().expect("a phase name"))
        .collect()
}

/// The heap criterion WARNs for want of samples: a run under a minute has no trend.
pub(crate) fn assert_heap_wants_samples(report: &Value) {
    let heap = criterion(report, "heap");
    assert_eq!(heap["grade"], "WARN", "{heap}");
    assert!(
        heap["measured"]
            .as_str()
            .is_some_and(|m| m.starts_with("insufficient data")),
        "{heap}"
    );
}

/// Makes the window as tall as the page — WebDriver screenshots the viewport, and scrolls it
/// back to the top first — and saves the whole page as `name`.
pub(crate) async fn screenshot_whole_page(ctx: &Ctx, name: &str) {
    let height = ctx
        .page
        .eval("return document.documentElement.scrollHeight")
        .await
        .as_u64()
        .expect("page height");
    ctx.page
        .client
        .set_window_size(1280, height as u32 + 150)
        .await
        .expect("window resizes");
    ctx.page.screenshot(name).await;
}

/// `(criterion id, grade)` in the report's order.
pub(crate) fn grades(report: &Value) -> Vec<(String, String)> {
    report["criteria"]
        .as_array()
        .expect("criteria[]")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().expect("criterion id").to_owned(),
                c["grade"].as_str().expect("criterion grade").to_owned(),
            )
        })
        .collect()
}

/// The grade of criterion `id`.
pub(crate) fn grade(report: &Value, id: &str) -> String {
    grades(report)
        .into_iter()
        .find(|(c, _)| c == id)
        .unwrap_or_else(|| panic!("no criterion {id} in {}", report["criteria"]))
        .1
}

/// The criterion `id` itself.
pub(crate) fn criterion<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["criteria"]
        .as_array()
        .expect("criteria[]")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no criterion {id} in {}", report["criteria"]))
}

/// Asserts the criteria are exactly `expected` (id, grade), in order.
pub(crate) fn assert_grades(report: &Value, expected: &[(&str, &str)]) {
    let want: Vec<(String, String)> = expected
        .iter()
        .map(|(i, g)| ((*i).to_owned(), (*g).to_owned()))
        .collect();
    assert_eq!(grades(report), want, "criteria: {:#}", report["criteria"]);
}

/// The four counts of `sent = matched + lost + pending`, as pointers.
const INVARIANT: [&str; 4] = ["/sent", "/matched", "/lost", "/pending"];

/// `sent`, `matched`, `lost`, `pending` of `object`.
fn invariant_counts(object: &Value) -> [u64; 4] {
    INVARIANT.map(|p| count(object, p))
}

/// The session rows' `sent`, `matched`, `lost`, `pending`.
pub(crate) fn session_counts(report: &Value) -> Vec<[u64; 4]> {
    report["sessions"]
        .as_array()
        .expect("sessions[]")
        .iter()
        .map(invariant_counts)
        .collect()
}

/// What every scenario's report must satisfy: the schema, its kind and status, a row per
/// session, `sent = matched + lost + pending` per session and in total (and the totals are
/// the rows' sums), the verdict being the worst graded criterion, and every phase closed.
pub(crate) fn check_report(report: &Value, kind: &str, status: &str, sessions: usize) {
    assert_eq!(report["schema"], REPORT_SCHEMA, "{report:#}");
    assert_eq!(count(report, "/version"), u64::from(REPORT_VERSION));
    assert_eq!(report["scenario"]["kind"], kind);
    assert_eq!(report["status"], status);
    let rows = session_counts(report);
    assert_eq!(rows.len(), sessions, "one row per session");
    let mut sum = [0u64; 4];
    for (i, [sent, matched, lost, pending]) in rows.iter().copied().enumerate() {
        assert_eq!(
            sent,
            matched + lost + pending,
            "session {i}: sent = matched + lost + pending: {}",
            report["sessions"][i]
        );
        for (s, v) in sum.iter_mut().zip([sent, matched, lost, pending]) {
            *s += v;
        }
    }
    let totals = invariant_counts(&report["totals"]["counters"]);
    assert_eq!(totals, sum, "the totals are the rows' sums");
    assert_eq!(sum[0], sum[1] + sum[2] + sum[3], "in total");
    let inv = &report["invariant"];
    assert_eq!(inv["holds"], true, "{inv}");
    assert_eq!(invariant_counts(inv), sum, "{inv}");
    let graded = grades(report);
    assert!(!graded.is_empty(), "a verdict per criterion");
    let worst = ["FAIL", "WARN", "PASS"]
        .into_iter()
        .find(|g| graded.iter().any(|(_, x)| x == g))
        .unwrap_or("SKIP");
    assert_eq!(
        report["verdict"], worst,
        "the verdict is the worst criterion"
    );
    let phases = report["phases"].as_array().expect("phases[]");
    assert!(!phases.is_empty(), "phases with timestamps");
    for p in phases {
        assert!(p["started_at"].is_number(), "{p}");
        assert!(
            p["ended_at"].is_number(),
            "every phase closed at the end: {p}"
        );
        assert!(p["duration_ms"].as_f64().is_some_and(|d| d >= 0.0), "{p}");
    }
    assert_eq!(report["scenario"]["progress"].as_f64(), Some(1.0));
}

/// The page shows the report's verdict and its criteria, in order.
pub(crate) async fn check_verdict_panel(ctx: &Ctx, report: &Value) {
    assert_eq!(
        ctx.page.text("verdict").await,
        report["verdict"].as_str().expect("verdict"),
        "the verdict badge"
    );
    let rows = ctx
        .page
        .map_all(
            "criterion",
            "[e.dataset.criterion, e.lastElementChild.textContent]",
        )
        .await;
    let rows: Vec<(String, String)> = rows
        .as_array()
        .expect("criterion rows")
        .iter()
        .map(|r| {
            (
                r[0].as_str().unwrap_or_default().to_owned(),
                r[1].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(rows, grades(report), "the verdict table is the report's");
}

/// Traffic flowed, and the drain waited for every reply: nothing pending. Returns the
/// counters.
fn assert_drained(report: &Value) -> &Value {
    let c = &report["totals"]["counters"];
    assert!(count(c, "/sent") > 0, "traffic flowed: {c}");
    assert_eq!(
        count(c, "/pending"),
        0,
        "the drain waited for every reply: {c}"
    );
    c
}

/// For a healthy backend: the drain let every reply in, so nothing is pending or lost.
pub(crate) fn assert_all_answered(report: &Value) {
    let c = assert_drained(report);
    assert_eq!(count(c, "/lost"), 0, "{c}");
    assert_eq!(count(c, "/sent"), count(c, "/matched"), "{c}");
}

/// For a healthy backend whose sockets were dropped once: the drain let every reply in, and a
/// message is lost only if it was in flight on a socket when that socket was dropped — at
/// most one per session with these send intervals (200 ms against a loopback RTT of about a
/// millisecond; the scenario may drop in the very tick that sent one).
pub(crate) fn assert_answered_but_in_flight(report: &Value, sessions: u64) {
    let c = assert_drained(report);
    assert!(
        count(c, "/lost") <= sessions,
        "only what was in flight at the drop: {c}"
    );
}

/// Waits until the backend sees no socket open any more.
pub(crate) async fn all_closed_server_side(ctx: &Ctx) -> Value {
    wait_for("the backend to see every socket closed", LONG, || async {
        let s = ctx.stats().await;
        (stat(&s, "/totals/open") == 0).then_some(s)
    })
    .await
}
