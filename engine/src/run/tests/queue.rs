//! The offline queue (F7).

use super::*;

#[test]
fn sends_while_disconnected_are_queued_and_flushed_in_order() {
    let mut r = run(|_| {});
    r.send_one(S0, 0.0);
    r.send_one(S0, 1.0);
    assert!(cmds(&mut r).is_empty());
    let v = r.session(S0, 1.0).unwrap();
    assert_eq!((v.queue_len, v.counters.queued, v.counters.sent), (2, 2, 0));
    r.start(2.0);
    let g = opens(&cmds(&mut r))[0].1;
    r.send_one(S0, 3.0);
    assert!(sends(&cmds(&mut r)).is_empty(), "still connecting");
    r.on_open(S0, g, 5.0);
    let s = sends(&cmds(&mut r));
    assert_eq!(seqs(&s), vec![1, 2, 3]);
    let v = r.session(S0, 5.0).unwrap();
    assert_eq!(
        (v.queue_len, v.counters.sent, v.counters.pending),
        (0, 3, 3)
    );
    assert!(r.invariant_holds());
}

#[test]
fn queue_overflow_is_counted_and_logged_once_per_streak() {
    let mut r = run(|c| c.queue_capacity = "3".into());
    for i in 0..10 {
        r.send_one(S0, i as f64);
    }
    let v = r.session(S0, 10.0).unwrap();
    assert_eq!(
        (v.queue_len, v.counters.queued, v.counters.queue_overflow),
        (3, 3, 7)
    );
    let f = LogFilter {
        category: Some(LogCategory::Queue),
        ..Default::default()
    };
    assert_eq!(r.log().filtered(&f).count(), 1);
}

/// One session sending every 100 ms, started at 0 (its grid: 100, 200, 300 …), its first
/// socket not yet open.
fn opening() -> (Run, Generation) {
    let mut r = run(|c| {
        c.auto_send = true;
        c.send_interval_ms = "100".into();
    });
    r.start(0.0);
    let g = opens(&cmds(&mut r))[0].1;
    (r, g)
}

#[test]
fn automatic_sends_wait_for_the_first_open_on_their_grid() {
    let (mut r, g) = opening();
    for t in [100.0, 200.0, 300.0] {
        r.tick(t);
        assert!(sends(&cmds(&mut r)).is_empty(), "{t}: still opening");
    }
    r.on_open(S0, g, 350.0);
    assert!(sends(&cmds(&mut r)).is_empty(), "nothing queued to flush");
    r.tick(399.0);
    assert!(sends(&cmds(&mut r)).is_empty());
    r.tick(400.0);
    assert_eq!(sends(&cmds(&mut r)).len(), 1, "the grid's next slot");
    let c = r.session(S0, 400.0).unwrap().counters;
    assert_eq!((c.queued, c.schedule_skipped, c.sent), (0, 0, 1));
}

#[test]
fn after_a_failed_first_attempt_automatic_sends_queue() {
    let (mut r, g) = opening();
    r.on_close(S0, g, 1006, "", 50.0);
    for t in [100.0, 200.0] {
        r.tick(t);
    }
    let c = r.session(S0, 200.0).unwrap().counters;
    assert_eq!((c.queued, c.sent), (2, 0), "F7: due while not connected");
}

#[test]
fn after_an_outage_sends_due_while_authenticating_again_queue() {
    let mut r = run(|c| {
        c.auth_mode = AuthMode::FirstMessage;
        c.token = "tok".into();
        c.auto_send = true;
        c.send_interval_ms = "100".into();
    });
    r.start(0.0);
    let g = opens(&cmds(&mut r))[0].1;
    r.on_open(S0, g, 10.0);
    echo(&mut r, S0, g, r#"{"type":"auth_success"}"#, 20.0);
    r.on_close(S0, g, 1006, "", 50.0);
    let SessionState::Reconnecting { next_in, .. } = state(&r, S0, 50.0) else {
        panic!("not reconnecting")
    };
    let back = 50.0 + next_in;
    r.tick(back);
    let g = opens(&cmds(&mut r))[0].1;
    r.on_open(S0, g, back + 1.0);
    cmds(&mut r);
    let before = r.session(S0, back + 1.0).unwrap().counters.queued;
    r.tick(back + 150.0);
    let after = r.session(S0, back + 150.0).unwrap().counters.queued;
    assert!(
        after > before,
        "F7: due while authenticating again, {before} → {after}"
    );
}
