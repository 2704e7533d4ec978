//! The heartbeat: pings, pongs and a half-open server (F5).

use super::*;

#[test]
fn pings_on_interval_and_pong_records_ping_rtt_apart() {
    let mut r = run(with_heartbeat);
    let g = connected(&mut r, 0.0)[0];
    cmds(&mut r);
    r.tick(19_999.0);
    assert!(sends(&cmds(&mut r)).is_empty());
    r.tick(20_000.0);
    let s = sends(&cmds(&mut r));
    assert_eq!(s.len(), 1);
    assert!(s[0].1.contains(r#""type":"ping""#));
    let id = id_of(&s[0].1);
    echo(
        &mut r,
        S0,
        g,
        &format!(r#"{{"type":"pong","id":"{id}","timestamp":1}}"#),
        20_003.0,
    );
    let t = r.totals(20_003.0);
    assert_eq!(t.ping_rtt.count, 1);
    assert_eq!(t.ping_rtt.max, Some(3.0));
    assert_eq!(t.rtt.count, 0, "ping RTT is not message RTT");
    assert_eq!(t.counters.pongs, 1);
    assert_eq!(t.counters.sent, 0, "pings are not test messages");
    assert!(r.invariant_holds());
    // Not logged by default.
    assert!(r.log().entries().all(|e| !e.text.contains("pong")));
}

#[test]
fn a_pings_round_trip_runs_from_its_send_not_from_when_it_was_queued() {
    let mut r = run(with_heartbeat);
    let g = connected(&mut r, 0.0)[0];
    cmds(&mut r);
    r.tick(20_000.0);
    let id = id_of(&sends(&cmds(&mut r))[0].1);
    // The socket's thread handed it to the browser 1.5 ms after the tick queued it; a later
    // frame that is not a test message does not move it again.
    r.on_socket(
        S0,
        g,
        SocketEvent::Sent {
            key: None,
            at: 20_001.5,
        },
        20_001.6,
    );
    r.on_socket(
        S0,
        g,
        SocketEvent::Sent {
            key: None,
            at: 20_002.0,
        },
        20_002.0,
    );
    assert_eq!(r.control_sent_at(S0), Some(20_002.0));
    echo(
        &mut r,
        S0,
        g,
        &format!(r#"{{"type":"pong","id":"{id}"}}"#),
        20_003.0,
    );
    let t = r.totals(20_003.0);
    assert_eq!(t.ping_rtt.max, Some(1.5));
    // A stamp from before the ping was queued (another frame's) is not the ping's.
    r.tick(40_000.0);
    let id = id_of(&sends(&cmds(&mut r))[0].1);
    r.on_socket(
        S0,
        g,
        SocketEvent::Sent {
            key: None,
            at: 39_999.0,
        },
        40_000.0,
    );
    echo(
        &mut r,
        S0,
        g,
        &format!(r#"{{"type":"pong","id":"{id}"}}"#),
        40_002.0,
    );
    assert_eq!(r.totals(40_002.0).ping_rtt.max, Some(2.0));
    // A new socket starts with no stamp.
    r.on_socket(
        S0,
        g,
        SocketEvent::Close {
            code: 1006,
            reason: String::new(),
            was_clean: false,
        },
        40_010.0,
    );
    r.tick(100_000.0);
    assert!(!opens(&cmds(&mut r)).is_empty(), "reopened");
    assert_eq!(r.control_sent_at(S0), None);
}

#[test]
fn an_echoed_ping_counts_as_pong() {
    let mut r = run(with_heartbeat);
    let g = connected(&mut r, 0.0)[0];
    cmds(&mut r);
    r.tick(20_000.0);
    let ping = sends(&cmds(&mut r))[0].1.clone();
    echo(&mut r, S0, g, &ping, 20_001.0);
    assert_eq!(r.counters().pongs, 1);
    assert_eq!(r.counters().unsolicited, 0);
    r.tick(40_000.0);
    assert_eq!(sends(&cmds(&mut r)).len(), 1, "next ping");
}

#[test]
fn no_pong_means_dead_and_reconnect() {
    let mut r = run(with_heartbeat);
    let g = connected(&mut r, 0.0)[0];
    r.tick(20_000.0);
    cmds(&mut r);
    r.tick(29_999.0);
    assert!(closes(&cmds(&mut r)).is_empty());
    r.tick(30_000.0);
    assert_eq!(closes(&cmds(&mut r)), vec![(S0, g, ENGINE_CLOSE_CODE)]);
    assert!(matches!(
        state(&r, S0, 30_000.0),
        SessionState::Reconnecting { .. }
    ));
    let c = r.counters();
    assert_eq!((c.ping_timeouts, c.drops, c.errors.timeout), (1, 1, 1));
}

#[test]
fn custom_pong_type() {
    let mut r = run(|c| {
        c.heartbeat_enabled = true;
        c.pong_type = "heartbeat_ack".into();
    });
    let g = connected(&mut r, 0.0)[0];
    r.tick(20_000.0);
    cmds(&mut r);
    echo(&mut r, S0, g, r#"{"type":"heartbeat_ack"}"#, 20_010.0);
    assert_eq!(r.counters().pongs, 1);
}
