//! Correlation: matching replies, duplicates, late and lost (F4).

use super::*;

#[test]
fn matched_reply_gives_rtt() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    let id = send_id(&mut r, 100.0);
    echo(&mut r, S0, g, &reply(&id), 100.4);
    let v = r.session(S0, 101.0).unwrap();
    assert_eq!(
        (v.counters.sent, v.counters.matched, v.counters.pending),
        (1, 1, 0)
    );
    assert!((v.rtt.mean.unwrap() - 0.4).abs() < 1e-9);
    assert_eq!(r.totals(101.0).success_rate, Some(100.0));
    // Logged: chat_response is test traffic.
    assert!(
        r.log()
            .entries()
            .any(|e| e.category == LogCategory::Received && e.text.contains("chat_response"))
    );
}

#[test]
fn timeout_lost_then_late_once_then_duplicate() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    let id = send_id(&mut r, 0.0);
    r.tick(9_999.0);
    assert_eq!(r.counters().lost, 0);
    r.tick(10_000.0);
    let c = r.counters();
    assert_eq!((c.sent, c.lost, c.pending), (1, 1, 0));
    echo(&mut r, S0, g, &reply(&id), 12_000.0);
    echo(&mut r, S0, g, &reply(&id), 12_001.0);
    let c = r.counters();
    assert_eq!((c.matched, c.late, c.duplicate, c.lost), (0, 1, 1, 1));
    assert!(r.invariant_holds());
}

#[test]
fn duplicate_and_unsolicited() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    let id = send_id(&mut r, 0.0);
    echo(&mut r, S0, g, &reply(&id), 1.0);
    echo(&mut r, S0, g, &reply(&id), 2.0);
    echo(&mut r, S0, g, &reply("999999"), 3.0);
    let c = r.counters();
    assert_eq!(
        (c.matched, c.duplicate, c.unsolicited, c.received),
        (1, 1, 1, 3)
    );
    // Past the window the same id is no longer remembered.
    r.tick(5_002.0);
    echo(&mut r, S0, g, &reply(&id), 5_002.0);
    assert_eq!(r.counters().unsolicited, 2);
}

#[test]
fn out_of_order_replies_are_counted_and_still_matched() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    r.burst(Some(S0), 3, 0.0);
    let ids: Vec<String> = sends(&cmds(&mut r)).iter().map(|s| id_of(&s.1)).collect();
    for i in [0, 2, 1] {
        echo(&mut r, S0, g, &reply(&ids[i]), 1.0);
    }
    let c = r.counters();
    assert_eq!((c.matched, c.out_of_order), (3, 1));
}

#[test]
fn correlation_pointer_is_configurable() {
    let mut r = run(|c| c.correlation_pointer = "/request_id".into());
    let g = connected(&mut r, 0.0)[0];
    let id = send_id(&mut r, 0.0);
    echo(
        &mut r,
        S0,
        g,
        &format!(r#"{{"type":"chat_response","id":"srv-1","request_id":"{id}"}}"#),
        2.0,
    );
    assert_eq!(r.counters().matched, 1);
}

#[test]
fn numeric_ids_in_the_template_match_too() {
    let mut r = run(|c| c.message_template = r#"{"type":"message","id":{{id}}}"#.into());
    let g = connected(&mut r, 0.0)[0];
    r.send_one(S0, 0.0);
    let text = sends(&cmds(&mut r))[0].1.clone();
    echo(&mut r, S0, g, &text, 1.0);
    assert_eq!(r.counters().matched, 1);
}

#[test]
fn a_reply_on_another_session_is_foreign_not_a_match() {
    let mut r = run(|c| c.sessions = "2".into());
    let g = connected(&mut r, 0.0);
    let id = send_id(&mut r, 0.0);
    let b = format!(r#"{{"type":"broadcast","id":"{id}","from":"x"}}"#);
    echo(&mut r, S1, g[1], &b, 2.0);
    echo(&mut r, S0, g[0], &b, 3.0);
    let c = r.counters();
    assert_eq!(
        (c.foreign, c.matched, c.duplicate, c.unsolicited),
        (1, 1, 0, 0)
    );
    assert_eq!(r.totals(3.0).foreign_latency.max, Some(2.0));
}

#[test]
fn a_full_pending_map_holds_messages_back_instead_of_losing_them() {
    let mut cfg = config(|_| {});
    cfg.limits.pending = 5;
    let mut r = Run::new(cfg, 1);
    let g = connected(&mut r, 0.0)[0];
    r.burst(Some(S0), 8, 0.0);
    let c = r.counters();
    assert_eq!((c.sent, c.pending, c.lost), (5, 5, 0));
    assert_eq!(r.held_now(), 3);
    assert!(r.invariant_holds());
    // Each reply frees a slot and releases one more, in order.
    for (i, (_, text)) in sends(&cmds(&mut r)).into_iter().enumerate() {
        echo(&mut r, S0, g, &text, 1.0 + i as f64);
    }
    for (i, (_, text)) in sends(&cmds(&mut r)).into_iter().enumerate() {
        echo(&mut r, S0, g, &text, 10.0 + i as f64);
    }
    let c = r.counters();
    assert_eq!((c.sent, c.matched, c.lost, c.out_of_order), (8, 8, 0, 0));
    assert_eq!(r.held_now(), 0);
}

#[test]
fn messages_in_flight_at_a_drop_resolve_as_lost() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    r.burst(Some(S0), 2, 0.0);
    r.on_close(S0, g, 1006, "", 1.0);
    r.tick(10_000.0);
    let c = r.counters();
    assert_eq!((c.sent, c.lost, c.pending), (2, 2, 0));
}
