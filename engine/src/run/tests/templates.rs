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
