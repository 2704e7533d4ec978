//! Message templates (F3).

use super::*;

#[test]
fn ids_unique_seq_per_session_and_session_index() {
    let mut r = run(|c| c.sessions = "2".into());
    r.set_time_origin(1_700_000_000_000.0);
    connected(&mut r, 0.0);
    cmds(&mut r);
    r.broadcast(10.0);
    r.broadcast(11.0);
    r.burst(Some(S1), 3, 12.0);
    let s = sends(&cmds(&mut r));
    assert_eq!(s.len(), 7);
    let vals: Vec<serde_json::Value> = s
        .iter()
        .map(|(_, t)| serde_json::from_str(t).unwrap())
        .collect();
    let mut ids: Vec<&str> = vals.iter().map(|v| v["id"].as_str().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 7);
    let s1_seqs: Vec<u64> = vals
        .iter()
        .filter(|v| v["session"] == 1)
        .map(|v| v["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(s1_seqs, vec![1, 2, 3, 4, 5]);
    assert_eq!(vals[0]["ts"].as_i64(), Some(1_700_000_000_010));
}

#[test]
fn automatic_sending_is_staggered_and_does_not_burst_after_a_stall() {
    let mut r = run(|c| {
        c.sessions = "2".into();
        c.auto_send = true;
        c.send_interval_ms = "1000".into();
    });
    connected(&mut r, 0.0);
    cmds(&mut r);
    r.tick(499.0);
    assert!(sends(&cmds(&mut r)).is_empty());
    r.tick(500.0);
    assert_eq!(
        sends(&cmds(&mut r)).iter().map(|s| s.0).collect::<Vec<_>>(),
        vec![S0]
    );
    r.tick(1000.0);
    assert_eq!(
        sends(&cmds(&mut r)).iter().map(|s| s.0).collect::<Vec<_>>(),
        vec![S1]
    );
    // A minute-long stall (hidden tab) sends one per session, not sixty; the rest are
    // skipped and counted as the console's own shortfall.
    r.tick(61_000.0);
    assert_eq!(sends(&cmds(&mut r)).len(), 2);
    assert_eq!(r.counters().schedule_skipped, 59 + 59);
    r.stop(61_001.0);
    r.tick(70_000.0);
    assert!(sends(&cmds(&mut r)).is_empty());
}

#[test]
fn automatic_sending_begins_when_a_session_first_connects_and_queues_only_after() {
    let mut r = run(|c| {
        c.sessions = "2".into();
        c.auto_send = true;
        c.send_interval_ms = "100".into();
    });
    r.start(0.0);
    let gens: Vec<Generation> = opens(&cmds(&mut r)).into_iter().map(|o| o.1).collect();
    r.on_open(S0, gens[0], 10.0);
    // Session 1 is still connecting at its slots (100, 200, 300 ms): they pass, unsent and
    // not queued, and its first send is at its next slot after it connects.
    let mut at_of = Vec::new();
    for t in (20..=330).step_by(10) {
        let t = t as f64;
        if t == 330.0 {
            r.on_open(S1, gens[1], t);
        }
        r.tick(t);
        at_of.extend(sends(&cmds(&mut r)).into_iter().map(|(s, _)| (s, t)));
    }
    assert_eq!(
        at_of,
        vec![(S0, 50.0), (S0, 150.0), (S0, 250.0)],
        "no send of session 1 yet"
    );
    assert_eq!(r.counters().queued, 0);
    assert_eq!(r.counters().schedule_skipped, 0);
    r.tick(350.0);
    r.tick(399.0);
    assert_eq!(sends(&cmds(&mut r)).len(), 1, "session 0's slot at 350");
    r.tick(400.0);
    let first = sends(&cmds(&mut r));
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].0, S1, "session 1's first send, at its first slot after connecting");
    assert_eq!(seqs(&first), vec![1]);
    // Once it has been up, a send due while it is down is queued for the next connection (F7).
    r.tick(450.0);
    cmds(&mut r);
    r.on_close(S1, gens[1], 1006, "", 460.0);
    r.tick(500.0);
    assert_eq!(sends(&cmds(&mut r)), vec![]);
    assert_eq!(r.counters().queued, 1);
}
