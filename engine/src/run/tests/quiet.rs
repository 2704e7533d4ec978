//! Quiet moments in the send schedule: where the adapter's repaint meets no send and no
//! reply still on its way.

use super::*;

const LEN: Millis = 30.0;
const SETTLE: Millis = 3.0;

fn sending(sessions: &str, interval: &str) -> Run {
    let mut r = run(|c| {
        c.sessions = sessions.into();
        c.auto_send = true;
        c.send_interval_ms = interval.into();
    });
    connected(&mut r, 0.0);
    r
}

/// Whether a repaint of `LEN` at `m` meets a send, or a reply due less than `SETTLE` ago.
fn meets_a_send(r: &Run, m: Millis) -> bool {
    r.sends_due(m - SETTLE - 1.0, m + LEN + 1.0, m)
        .iter()
        .any(|d| d + SETTLE > m && *d < m + LEN)
}

#[test]
fn with_no_schedule_now_is_quiet() {
    let idle = run(|c| c.sessions = "3".into());
    assert_eq!(idle.quiet_moment(123.0, 200.0, LEN, SETTLE), 123.0);
    // One message in flight has no grid: the adapter waits for its reply instead.
    let in_flight = sending("2", "0");
    assert_eq!(in_flight.quiet_moment(50.0, 200.0, LEN, SETTLE), 50.0);
}

#[test]
fn a_moment_clear_of_the_next_send_is_taken_as_is() {
    // One session, due at 1000 and every 1000 after.
    let r = sending("1", "1000");
    assert_eq!(r.quiet_moment(500.0, 200.0, LEN, SETTLE), 500.0);
    assert_eq!(r.quiet_moment(970.0, 200.0, LEN, SETTLE), 970.0);
}

#[test]
fn a_moment_too_close_to_a_send_moves_past_its_reply() {
    let r = sending("1", "1000");
    // The send at 1000 would fall inside the repaint: wait for it and its reply.
    assert_eq!(r.quiet_moment(980.0, 200.0, LEN, SETTLE), 1000.0 + SETTLE);
    // Just after the send, its reply may still be on its way.
    assert_eq!(r.quiet_moment(1001.0, 200.0, LEN, SETTLE), 1000.0 + SETTLE);
}

#[test]
fn fifteen_staggered_sessions_leave_room_between_sends() {
    // 15 × 1000 ms: a send every 66.7 ms.
    let mut r = sending("15", "1000");
    for from in (0..40).map(|i| 1000.0 + f64::from(i) * 7.3) {
        // As the adapter does: every send due by now has been made.
        r.tick(from);
        cmds(&mut r);
        let m = r.quiet_moment(from, 200.0, LEN, SETTLE);
        assert!(
            m >= from && m <= from + 1000.0 / 15.0 + SETTLE,
            "{from} → {m}"
        );
        assert!(!meets_a_send(&r, m), "{from} → {m} meets a send");
    }
}

#[test]
fn a_dense_schedule_gets_the_longest_gap_soonest() {
    // 15 × 100 ms: a send every 6.7 ms, never 30 ms without one. At 1005 the next is 1.7 ms
    // away; the best is right after that send's reply is due.
    let mut r = sending("15", "100");
    r.tick(1005.0);
    cmds(&mut r);
    let m = r.quiet_moment(1005.0, 200.0, LEN, SETTLE);
    let spacing = 100.0 / 15.0;
    assert!(m > 1005.0 && m <= 1005.0 + spacing + SETTLE, "{m}");
    let due = r.sends_due(m - SETTLE - 0.5, m + spacing, m);
    assert!(
        due.iter().any(|d| (d + SETTLE - m).abs() < 1e-9),
        "{m} is not {SETTLE} ms after a send: {due:?}"
    );
}

#[test]
fn an_overdue_send_counts_as_due_now() {
    let mut r = sending("1", "1000");
    // The tick that would make the send at 1000 has not run.
    assert!(meets_a_send(&r, 1500.0));
    assert_eq!(r.quiet_moment(1500.0, 200.0, LEN, SETTLE), 1500.0 + SETTLE);
    r.tick(1500.0);
    cmds(&mut r);
    assert_eq!(r.quiet_moment(1500.0, 200.0, LEN, SETTLE), 1500.0);
}

#[test]
fn stopped_sessions_and_a_stopped_run_send_nothing() {
    let mut r = sending("2", "1000");
    r.stop(10.0);
    assert!(r.sends_due(0.0, 10_000.0, 0.0).is_empty());
    assert_eq!(r.quiet_moment(490.0, 200.0, LEN, SETTLE), 490.0);
}

#[test]
fn the_search_is_bounded() {
    // 200 sessions × 10 ms over an hour would be 72 million sends.
    let r = sending("200", "10");
    let due = r.sends_due(0.0, 3_600_000.0, 0.0);
    assert_eq!(due.len(), super::super::quiet::MAX_DUE);
    let m = r.quiet_moment(10.0, 200.0, LEN, SETTLE);
    assert!((10.0..=210.0).contains(&m), "{m}");
}
