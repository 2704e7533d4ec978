//! What the scenario tests share: the backend options, the tokens, and the checks every
//! report goes through.

use serde_json::Value;
use ws_console_e2e::console::count;
use ws_console_e2e::{Ctx, LONG, stat, wait_for};

/// A valid token and an invalid one, distinctive enough that finding either in an export is
/// a leak.
pub(crate) const GOOD_TOKEN: &str = "Tk-scn-g00d-7c1e";
pub(crate) const BAD_TOKEN: &str = "Tk-scn-bad-44d2";

/// A backend that takes [`GOOD_TOKEN`] only.
pub(crate) fn checks_tokens() -> testbed::Options {
    testbed::Options {
        tokens: vec![GOOD_TOKEN.to_string()],
        ..testbed::Options::default()
    }
}

/// Points the console at the authenticated endpoint as `user`, with [`GOOD_TOKEN`].
pub(crate) async fn use_authenticated_endpoint(ctx: &Ctx, user: &str) {
    ctx.page
        .fill("endpoint-url", "/api/v1/pam/ws/{user_id}?token={token}")
        .await;
    ctx.page.fill("user-id", user).await;
    ctx.page.fill("token", GOOD_TOKEN).await;
}

/// A backend with fault injection on.
pub(crate) fn faulty() -> testbed::Options {
    testbed::Options {
        faults: true,
        ..testbed::Options::default()
    }
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

/// The session rows' `sent`, `matched`, `lost`, `pending`.
pub(crate) fn session_counts(report: &Value) -> Vec<[u64; 4]> {
    report["sessions"]
        .as_array()
        .expect("sessions[]")
        .iter()
        .map(|r| ["/sent", "/matched", "/lost", "/pending"].map(|p| count(r, p)))
        .collect()
}

/// What every scenario's report must satisfy: the schema, its kind and status, a row per
/// session, `sent = matched + lost + pending` per session and in total (and the totals are
/// the rows' sums), the verdict being the worst graded criterion, and every phase closed.
pub(crate) fn check_report(report: &Value, kind: &str, status: &str, sessions: usize) {
    assert_eq!(report["schema"], "ws-console/report", "{report:#}");
    assert_eq!(count(report, "/version"), 1);
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
    let totals =
        ["/sent", "/matched", "/lost", "/pending"].map(|p| count(&report["totals"]["counters"], p));
    assert_eq!(totals, sum, "the totals are the rows' sums");
    assert_eq!(sum[0], sum[1] + sum[2] + sum[3], "in total");
    let inv = &report["invariant"];
    assert_eq!(inv["holds"], true, "{inv}");
    assert_eq!(
        ["/sent", "/matched", "/lost", "/pending"].map(|p| count(inv, p)),
        sum,
        "{inv}"
    );
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
        .eval(
            "return [...document.querySelectorAll('[data-testid=\"criterion\"]')]\
             .map(r => [r.dataset.criterion, r.lastElementChild.textContent])",
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

/// For a healthy backend: the drain let every reply in, so nothing is pending or lost.
pub(crate) fn assert_all_answered(report: &Value) {
    let c = &report["totals"]["counters"];
    assert!(count(c, "/sent") > 0, "traffic flowed: {c}");
    assert_eq!(
        count(c, "/pending"),
        0,
        "the drain waited for every reply: {c}"
    );
    assert_eq!(count(c, "/lost"), 0, "{c}");
    assert_eq!(count(c, "/sent"), count(c, "/matched"), "{c}");
}

/// For a healthy backend whose sockets were dropped once: the drain let every reply in, and a
/// message is lost only if it was in flight on a socket when that socket was dropped — at
/// most one per session with these send intervals (200 ms against a loopback RTT of about a
/// millisecond; the scenario may drop in the very tick that sent one).
pub(crate) fn assert_answered_but_in_flight(report: &Value, sessions: u64) {
    let c = &report["totals"]["counters"];
    assert!(count(c, "/sent") > 0, "traffic flowed: {c}");
    assert_eq!(
        count(c, "/pending"),
        0,
        "the drain waited for every reply: {c}"
    );
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
