//! Quiet moments in the send schedule: where the adapter's repaint meets no send and no
//! reply still on its way.

use super::*;
use crate::run::quiet::PAINT_ROOM_FROM_MS;

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

/// Whether a repaint of `LEN` at `m` meets a send, or a reply due less than `SETTLE` ago,
/// the sends due by `made_by` having been made (one still to make counts as due at `made_by`).
fn meets_a_send(r: &Run, made_by: Millis, m: Millis) -> bool {
    r.sends_due(made_by, m + LEN + 1.0, made_by)
        .iter()
        .any(|d| d + SETTLE > m && *d < m + LEN)
}

/// As the adapter does at 40 moments from 1000 on (every send due by then made, then a
/// repaint placed): each repaint comes within `wait` and meets no send.
fn repaints_meet_no_send(r: &mut Run, wait: Millis) {
    for from in (0..40).map(|i| 1000.0 + f64::from(i) * 7.3) {
        r.tick(from);
        cmds(r);
        let m = r.quiet_moment(from, 200.0, LEN, SETTLE);
        assert!(m >= from && m <= from + wait + SETTLE, "{from} → {m}");
        assert!(!meets_a_send(r, from, m), "{from} → {m} meets a send");
    }
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
    repaints_meet_no_send(&mut r, 1000.0 / 15.0);
}

/// The due sends of one interval from `from`, sorted, and the longest stretch between two
/// of them (the last and the next interval's first included).
fn longest_gap(r: &Run, from: Millis, iv: Millis) -> (Vec<Millis>, Millis) {
    let mut due = r.sends_due(from, from + 2.0 * iv, from);
    due.sort_by(f64::total_cmp);
    let gap = due.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max);
    (due, gap)
}

#[test]
fn a_busy_interval_keeps_a_pause_for_the_repaint() {
    // 15 × 100 ms spread evenly would send every 6.7 ms, never 30 ms without one: Start
    // spreads them over 70 ms, so every interval has a stretch of 30 ms and a bit.
    let mut r = sending("15", "100");
    let (due, gap) = longest_gap(&r, 0.0, 100.0);
    assert_eq!(due.len(), 30, "{due:?}");
    assert!(gap >= PAINT_ROOM_MS, "{gap} in {due:?}");
    let spacing = due[1] - due[0];
    assert!((spacing - 70.0 / 15.0).abs() < 1e-9, "{spacing}");
    // Every session still sends every 100 ms: 150 a second, as configured.
    let mut made = 0;
    for t in 1..=100 {
        r.tick(f64::from(t) * 10.0);
        made += sends(&cmds(&mut r)).len();
    }
    assert_eq!(made, 15 * 10);
    repaints_meet_no_send(&mut r, 100.0);
    // The capacity finder's new interval keeps it too, down to 100 ms.
    r.set_send_interval(PAINT_ROOM_FROM_MS * 1.5, 2000.0);
    let (_, gap) = longest_gap(&r, 2000.0, PAINT_ROOM_FROM_MS * 1.5);
    assert!(gap >= PAINT_ROOM_MS, "{gap}");
}

#[test]
fn a_sparse_interval_stays_evenly_spread() {
    // 15 × 1000 ms already leaves 66.7 ms between sends.
    let r = sending("15", "1000");
    let (due, gap) = longest_gap(&r, 0.0, 1000.0);
    assert!((gap - 1000.0 / 15.0).abs() < 1e-9, "{gap} in {due:?}");
}

#[test]
fn a_dense_schedule_gets_the_longest_gap_soonest() {
    // 15 × 90 ms: too short an interval to keep 30 ms free, so a send every 6 ms, never 30
    // ms without one. At 1007 the next is 1 ms away; the best is right after that send's
    // reply is due.
    let mut r = sending("15", "90");
    let spacing = 90.0 / 15.0;
    let (_, gap) = longest_gap(&r, 0.0, 90.0);
    assert!((gap - spacing).abs() < 1e-9, "{gap}");
    r.tick(1007.0);
    cmds(&mut r);
    let m = r.quiet_moment(1007.0, 200.0, LEN, SETTLE);
    assert!(m > 1007.0 && m <= 1007.0 + spacing + SETTLE, "{m}");
    let due = r.sends_due(1007.0, m + spacing, 1007.0);
    assert!(
        due.iter().any(|d| (d + SETTLE - m).abs() < 1e-9),
        "{m} is not {SETTLE} ms after a send: {due:?}"
    );
}

#[test]
fn an_overdue_send_counts_as_due_now() {
    let mut r = sending("1", "1000");
    // The tick that would make the send at 1000 has not run.
    assert!(meets_a_send(&r, 1500.0, 1500.0));
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
