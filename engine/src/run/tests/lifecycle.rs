//! Start, stop and the sessions' states (F1).

use super::*;

#[test]
fn start_opens_every_session_and_open_connects() {
    let mut r = run(|c| c.sessions = "3".into());
    assert_eq!(state(&r, S0, 0.0), SessionState::Disconnected);
    r.start(0.0);
    let o = opens(&cmds(&mut r));
    assert_eq!(o.len(), 3);
    assert_eq!(o[2].0, SessionId(2));
    assert_eq!(o[0].1, Generation(1));
    assert_eq!(o[0].2, "ws://127.0.0.1:8080/ws");
    assert_eq!(state(&r, S1, 1.0), SessionState::Connecting);
    r.on_open(S1, Generation(1), 12.0);
    assert_eq!(state(&r, S1, 12.0), SessionState::Connected);
    let v = r.session(S1, 12.0).unwrap();
    assert_eq!(v.connect_time_ms, Some(12.0));
    assert_eq!(v.connected_since, Some(12.0));
    assert_eq!(r.totals(12.0).sessions.active, 1);
    assert_eq!(r.totals(12.0).sessions.connecting, 2);
}

#[test]
fn events_from_retired_generations_change_nothing() {
    let mut r = run(|_| {});
    let g1 = connected(&mut r, 0.0)[0];
    r.on_close(S0, g1, 1006, "", 100.0);
    r.tick(1100.0);
    let g2 = opens(&cmds(&mut r))[0].1;
    assert_eq!(g2, Generation(2));
    r.on_open(S0, g2, 1110.0);
    let before = r.session(S0, 1200.0).unwrap();
    let log_len = r.log().len();
    r.on_close(S0, g1, 1000, "client dropped", 1200.0);
    r.on_text(S0, g1, r#"{"type":"message","id":"1"}"#, 1200.0);
    r.on_error(S0, g1, 1200.0);
    r.on_open(S0, g1, 1200.0);
    r.on_socket(S0, g1, SocketEvent::Binary(vec![0xFF; 10]), 1200.0);
    r.on_send_failed(S0, g1, 1200.0);
    r.on_close(S0, Generation(99), 1006, "", 1200.0);
    assert_eq!(r.session(S0, 1200.0).unwrap(), before);
    assert_eq!(r.log().len(), log_len);
    assert!(cmds(&mut r).is_empty());
}

#[test]
fn out_of_range_sessions_are_ignored() {
    let mut r = run(|_| {});
    r.on_open(SessionId(7), Generation(1), 0.0);
    r.on_text(SessionId(7), Generation(1), "x", 0.0);
    r.send_one(SessionId(7), 0.0);
    r.stop_session(SessionId(7), 0.0);
    r.open_session(SessionId(7), 0.0);
    assert!(cmds(&mut r).is_empty());
}
