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
