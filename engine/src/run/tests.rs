//! Unit tests of the run's rules, driven exactly as the adapter drives it.

use super::*;
use crate::config::RawConfig;
use crate::log::LogFilter;
use crate::session::SessionState;
use crate::thresholds::{Level, Measure};

const ORIGIN: &str = "http://127.0.0.1:8080";
const S0: SessionId = SessionId(0);
const S1: SessionId = SessionId(1);

fn config(f: impl FnOnce(&mut RawConfig)) -> RunConfig {
    let mut raw = RawConfig {
        sessions: "1".into(),
        auto_send: false,
        heartbeat_enabled: false,
        // The schedule's exact steps; jitter has its own tests.
        jitter: false,
        ..Default::default()
    };
    f(&mut raw);
    RunConfig::from_raw(&raw, ORIGIN).unwrap()
}

fn run(f: impl FnOnce(&mut RawConfig)) -> Run {
    Run::new(config(f), 1)
}

fn cmds(r: &mut Run) -> Vec<Command> {
    r.drain_commands().collect()
}

fn opens(c: &[Command]) -> Vec<(SessionId, Generation, String, Vec<String>)> {
    c.iter()
        .filter_map(|c| match c {
            Command::Open {
                session,
                generation,
                url,
                protocols,
            } => Some((*session, *generation, url.clone(), protocols.clone())),
            _ => None,
        })
        .collect()
}

fn sends(c: &[Command]) -> Vec<(SessionId, String)> {
    c.iter()
        .filter_map(|c| match c {
            Command::Send {
                session,
                frame: Frame::Text(t),
                ..
            } => Some((*session, t.clone())),
            _ => None,
        })
        .collect()
}

fn closes(c: &[Command]) -> Vec<(SessionId, Generation, u16)> {
    c.iter()
        .filter_map(|c| match c {
            Command::Close {
                session,
                generation,
                code,
                ..
            } => Some((*session, *generation, *code)),
            _ => None,
        })
        .collect()
}

/// The `seq` of each sent test message, in order.
fn seqs(sent: &[(SessionId, String)]) -> Vec<u64> {
    sent.iter()
        .map(|(_, t)| {
            serde_json::from_str::<serde_json::Value>(t).unwrap()["seq"]
                .as_u64()
                .unwrap()
        })
        .collect()
}

fn id_of(text: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    v["id"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| v["id"].to_string())
}

/// Starts and opens every session; returns their generations.
fn connected(r: &mut Run, now: Millis) -> Vec<Generation> {
    r.start(now);
    let gens: Vec<Generation> = opens(&cmds(r)).into_iter().map(|o| o.1).collect();
    for (i, g) in gens.iter().enumerate() {
        r.on_open(SessionId(i as u32), *g, now);
    }
    gens
}

fn state(r: &Run, s: SessionId, now: Millis) -> SessionState {
    r.session_state(s, now).unwrap()
}

fn echo(r: &mut Run, s: SessionId, g: Generation, text: &str, now: Millis) {
    r.on_text(s, g, text, now);
}

// ---- lifecycle (F1) ----

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
    assert_eq!(r.totals(12.0).active, 1);
    assert_eq!(r.totals(12.0).connecting, 2);
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
    r.on_binary(S0, g1, 10, 1200.0);
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

// ---- reconnect (F6) ----

#[test]
fn connect_timeout_closes_and_backs_off() {
    let mut r = run(|_| {});
    r.start(0.0);
    cmds(&mut r);
    r.tick(9_999.0);
    assert!(cmds(&mut r).is_empty());
    r.tick(10_000.0);
    let c = cmds(&mut r);
    assert_eq!(closes(&c), vec![(S0, Generation(1), ENGINE_CLOSE_CODE)]);
    assert_eq!(
        state(&r, S0, 10_000.0),
        SessionState::Reconnecting {
            attempt: 1,
            next_in: 1000.0
        }
    );
    let v = r.session(S0, 10_000.0).unwrap();
    assert_eq!(
        (
            v.counters.connect_failures,
            v.counters.errors.timeout,
            v.counters.drops
        ),
        (1, 1, 0)
    );
    // The timed-out socket opening late changes nothing.
    r.on_open(S0, Generation(1), 10_500.0);
    assert!(matches!(
        state(&r, S0, 10_500.0),
        SessionState::Reconnecting { .. }
    ));
    r.tick(11_000.0);
    assert_eq!(opens(&cmds(&mut r))[0].1, Generation(2));
}

#[test]
fn backoff_follows_the_schedule_and_caps() {
    let mut r = run(|_| {});
    r.start(0.0);
    let mut g = opens(&cmds(&mut r))[0].1;
    let mut now = 0.0;
    let mut delays = Vec::new();
    for _ in 0..7 {
        r.on_close(S0, g, 1006, "", now);
        let SessionState::Reconnecting { next_in, .. } = state(&r, S0, now) else {
            panic!()
        };
        delays.push(next_in);
        now += next_in;
        r.tick(now);
        g = opens(&cmds(&mut r))[0].1;
    }
    assert_eq!(
        delays,
        vec![1000.0, 2000.0, 4000.0, 8000.0, 16000.0, 16000.0, 16000.0]
    );
    assert_eq!(r.session(S0, now).unwrap().max_attempts_in_row, 7);
    // A connection that stays up for the stable period (5 s) resets the count.
    r.on_open(S0, g, now);
    now += 5_000.0;
    r.on_close(S0, g, 1006, "", now);
    assert_eq!(
        state(&r, S0, now),
        SessionState::Reconnecting {
            attempt: 1,
            next_in: 1000.0
        }
    );
}

#[test]
fn a_server_that_accepts_and_closes_at_once_is_backed_off() {
    let mut r = run(|_| {});
    r.start(0.0);
    let mut g = opens(&cmds(&mut r))[0].1;
    let mut now = 0.0;
    let mut delays = Vec::new();
    for _ in 0..5 {
        // Accepted, then closed 100 ms later: an open is no sign of health.
        r.on_open(S0, g, now);
        now += 100.0;
        r.on_close(S0, g, 1011, "", now);
        let SessionState::Reconnecting { next_in, .. } = state(&r, S0, now) else {
            panic!()
        };
        delays.push(next_in);
        now += next_in;
        r.tick(now);
        g = opens(&cmds(&mut r))[0].1;
    }
    assert_eq!(delays, vec![1000.0, 2000.0, 4000.0, 8000.0, 16000.0]);
    // Yet each return took one attempt: the reconnection verdict judges that, not the
    // backoff step.
    assert_eq!(r.session(S0, now).unwrap().max_attempts_in_row, 1);
    // The stable period is configurable.
    let mut r = run(|c| c.stable_ms = "50".into());
    r.start(0.0);
    let g = opens(&cmds(&mut r))[0].1;
    r.on_close(S0, g, 1006, "", 0.0);
    r.tick(1_000.0);
    let g = opens(&cmds(&mut r))[0].1;
    r.on_open(S0, g, 1_000.0);
    r.on_close(S0, g, 1006, "", 1_100.0);
    assert!(matches!(
        state(&r, S0, 1_100.0),
        SessionState::Reconnecting { attempt: 1, .. }
    ));
}

#[test]
fn jitter_is_on_by_default_so_sessions_do_not_return_in_lockstep() {
    let cfg = RunConfig::from_raw(
        &RawConfig {
            sessions: "20".into(),
            auto_send: false,
            ..Default::default()
        },
        ORIGIN,
    )
    .unwrap();
    assert!(cfg.reconnect.jitter);
    let mut r = Run::new(cfg, 7);
    r.start(0.0);
    let gens: Vec<_> = opens(&cmds(&mut r)).into_iter().map(|o| o.1).collect();
    let mut delays: Vec<f64> = (0..20)
        .map(|i| {
            let s = SessionId(i);
            r.on_close(s, gens[i as usize], 1006, "", 0.0);
            match state(&r, s, 0.0) {
                SessionState::Reconnecting { next_in, .. } => next_in,
                other => panic!("{other:?}"),
            }
        })
        .collect();
    assert!(
        delays.iter().all(|d| (500.0..=1000.0).contains(d)),
        "{delays:?}"
    );
    delays.sort_by(f64::total_cmp);
    delays.dedup();
    assert!(delays.len() >= 15, "spread out: {delays:?}");
}

#[test]
fn max_attempts_ends_in_error() {
    let mut r = run(|c| c.max_attempts = "2".into());
    r.start(0.0);
    let mut g = opens(&cmds(&mut r))[0].1;
    let mut now = 0.0;
    for _ in 0..2 {
        r.on_close(S0, g, 1006, "", now);
        now += 20_000.0;
        r.tick(now);
        g = opens(&cmds(&mut r))[0].1;
    }
    r.on_close(S0, g, 1006, "", now);
    assert_eq!(
        state(&r, S0, now),
        SessionState::Error {
            reason: "gave up after 2 attempts".into()
        }
    );
    r.tick(now + 100_000.0);
    assert!(opens(&cmds(&mut r)).is_empty());
    let v = r
        .verdicts(now)
        .into_iter()
        .find(|v| v.measure == Measure::Reconnection)
        .unwrap();
    assert_eq!(v.level, Level::Critical);
}

#[test]
fn no_retry_codes_need_auth_and_a_fresh_token_reconnects() {
    let mut r = run(|c| c.sessions = "2".into());
    let g = connected(&mut r, 0.0);
    r.on_close(S0, g[0], 1008, "invalid token", 10.0);
    r.on_close(S1, g[1], 4001, "", 10.0);
    let c = cmds(&mut r);
    assert_eq!(c.iter().filter(|c| **c == Command::RequestToken).count(), 1);
    assert_eq!(state(&r, S0, 10.0), SessionState::NeedsAuth);
    assert_eq!(state(&r, S0, 10.0).as_str(), "needs-auth");
    r.tick(1e6);
    assert!(opens(&cmds(&mut r)).is_empty(), "no retry without a token");
    assert!(r.token_requested());
    r.set_token("fresh".into(), 1e6);
    let o = opens(&cmds(&mut r));
    assert_eq!(o.len(), 2);
    assert_eq!(o[0].2, "ws://127.0.0.1:8080/ws?token=fresh");
    assert!(!r.token_requested());
}

#[test]
fn try_later_codes_back_off_longer() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    r.on_close(S0, g, 4029, "rate limited", 0.0);
    let SessionState::Reconnecting { next_in, .. } = state(&r, S0, 0.0) else {
        panic!()
    };
    assert!(next_in >= 16_000.0);
}

#[test]
fn reconnect_disabled_gives_up_at_once() {
    let mut r = run(|c| c.reconnect_enabled = false);
    let g = connected(&mut r, 0.0)[0];
    r.on_close(S0, g, 1006, "", 0.0);
    assert!(matches!(state(&r, S0, 0.0), SessionState::Error { .. }));
}

#[test]
fn stop_is_never_undone_by_a_reconnect() {
    let mut r = run(|c| c.sessions = "3".into());
    let g = connected(&mut r, 0.0);
    // Session 2 is mid-backoff when the user stops.
    r.on_close(SessionId(2), g[2], 1006, "", 5.0);
    cmds(&mut r);
    r.stop(10.0);
    let c = cmds(&mut r);
    assert_eq!(closes(&c), vec![(S0, g[0], 1000), (S1, g[1], 1000)]);
    for s in 0..3 {
        assert_eq!(state(&r, SessionId(s), 10.0), SessionState::Disconnected);
    }
    // The browser's closes for the stopped sockets arrive later and are not drops.
    r.on_close(S0, g[0], 1000, "client dropped", 20.0);
    r.on_close(S1, g[1], 1006, "", 20.0);
    r.tick(100_000.0);
    r.set_token("t".into(), 100_000.0);
    assert!(opens(&cmds(&mut r)).is_empty());
    let c = r.counters();
    assert_eq!(c.drops, 1, "only session 2's real drop");
    assert!(!c.errors.close_codes.contains_key(&1000));
    r.start(200_000.0);
    assert_eq!(opens(&cmds(&mut r)).len(), 3);
}

#[test]
fn recovery_time_and_reconnects_are_measured() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    r.on_close(S0, g, 1006, "", 1_000.0);
    r.tick(2_000.0);
    let g2 = opens(&cmds(&mut r))[0].1;
    r.on_open(S0, g2, 2_050.0);
    let v = r.session(S0, 2_050.0).unwrap();
    assert_eq!(v.counters.reconnects, 1);
    assert_eq!(v.last_recovery_ms, Some(1_050.0));
    assert_eq!(r.totals(2_050.0).recovery.max, Some(1_050.0));
    assert_eq!(r.verdicts(2_050.0)[4].level, Level::Good);
    assert_eq!(v.last_close.unwrap().code, 1006);
    let kinds: Vec<&str> = r
        .timeline(S0)
        .map(|e| {
            serde_json::to_value(e.kind).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .map(|s| match s.as_str() {
            "connecting" => "connecting",
            "open" => "open",
            "closed" => "closed",
            "backoff" => "backoff",
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "connecting",
            "open",
            "closed",
            "backoff",
            "connecting",
            "open"
        ]
    );
}

#[test]
fn drop_session_reconnects() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    r.drop_session(S0, 100.0);
    let c = cmds(&mut r);
    assert_eq!(closes(&c), vec![(S0, g, ENGINE_CLOSE_CODE)]);
    assert!(matches!(
        state(&r, S0, 100.0),
        SessionState::Reconnecting { attempt: 1, .. }
    ));
    assert_eq!(r.counters().drops, 1);
}

#[test]
fn stop_session_and_open_session() {
    let mut r = run(|c| c.sessions = "2".into());
    let g = connected(&mut r, 0.0);
    r.stop_session(S1, 5.0);
    assert_eq!(closes(&cmds(&mut r)), vec![(S1, g[1], 1000)]);
    r.tick(60_000.0);
    assert!(opens(&cmds(&mut r)).is_empty());
    r.open_session(S1, 60_000.0);
    assert_eq!(opens(&cmds(&mut r))[0].1, Generation(2));
}

// ---- heartbeat (F5) ----

fn with_heartbeat(c: &mut RawConfig) {
    c.heartbeat_enabled = true;
}

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

// ---- queue (F7) ----

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

// ---- templates (F3) ----

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

// ---- correlation (F4) ----

fn reply(id: &str) -> String {
    format!(r#"{{"type":"chat_response","id":"{id}","request_id":"{id}"}}"#)
}

#[test]
fn matched_reply_gives_rtt() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    r.send_one(S0, 100.0);
    let id = id_of(&sends(&cmds(&mut r))[0].1);
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
    r.send_one(S0, 0.0);
    let id = id_of(&sends(&cmds(&mut r))[0].1);
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
    r.send_one(S0, 0.0);
    let id = id_of(&sends(&cmds(&mut r))[0].1);
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
    r.send_one(S0, 0.0);
    let id = id_of(&sends(&cmds(&mut r))[0].1);
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
    r.send_one(S0, 0.0);
    let id = id_of(&sends(&cmds(&mut r))[0].1);
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

// ---- classification and log (F5, F11) ----

#[test]
fn chatter_counted_not_logged_unless_asked() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    let before = r.log().len();
    echo(
        &mut r,
        S0,
        g,
        r#"{"type":"connected","authenticated":true}"#,
        1.0,
    );
    echo(&mut r, S0, g, r#"{"type":"visual_action","id":"x"}"#, 1.0);
    assert_eq!(r.log().len(), before);
    let c = r.counters();
    assert_eq!((c.noise, c.received, c.unsolicited), (2, 2, 0));
    let mut r = run(|c| c.log_noise = true);
    let g = connected(&mut r, 0.0)[0];
    let before = r.log().len();
    echo(&mut r, S0, g, r#"{"type":"connected"}"#, 1.0);
    assert_eq!(r.log().len(), before + 1);
}

#[test]
fn server_errors_and_non_json_are_counted_and_logged() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    echo(
        &mut r,
        S0,
        g,
        r#"{"type":"error","code":"malformed_json"}"#,
        1.0,
    );
    echo(&mut r, S0, g, "<img src=x onerror=alert(1)>", 2.0);
    let c = r.counters();
    assert_eq!((c.errors.server, c.errors.parse), (1, 1));
    let last = r.log().entries().last().unwrap();
    assert_eq!(last.text, "<img src=x onerror=alert(1)>");
    assert_eq!(last.level, LogLevel::Warn);
}

#[test]
fn raw_text_template_replies_are_not_parse_errors() {
    let mut r = run(|c| c.message_template = "hello {{seq}}".into());
    let g = connected(&mut r, 0.0)[0];
    echo(&mut r, S0, g, "hello 1", 1.0);
    assert_eq!(r.counters().errors.parse, 0);
}

#[test]
fn huge_messages_are_clipped_in_the_log() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    let big = format!(r#"{{"type":"message","text":"{}"}}"#, "x".repeat(2_000_000));
    echo(&mut r, S0, g, &big, 1.0);
    let last = r.log().entries().last().unwrap();
    assert!(last.text.len() < 1100);
    assert_eq!(r.counters().bytes_in, big.len() as u64);
}

#[test]
fn log_is_bounded_by_config() {
    let mut r = run(|c| c.log_capacity = "100".into());
    let g = connected(&mut r, 0.0)[0];
    for i in 0..1000 {
        echo(&mut r, S0, g, r#"{"type":"message"}"#, i as f64);
    }
    assert_eq!(r.log().len(), 100);
    assert!(r.log().evicted() > 0);
}

// ---- auth and token (F2, F8, R3) ----

#[test]
fn token_is_redacted_in_logs_and_display() {
    let mut r = run(|c| {
        c.endpoint = "/api/v1/pam/ws/{user_id}?token={token}".into();
        c.user_id = "u1".into();
        c.token = "s3cret".into();
    });
    let g = connected(&mut r, 0.0)[0];
    assert_eq!(
        r.display_url(S0),
        "ws://127.0.0.1:8080/api/v1/pam/ws/u1?token=[redacted]"
    );
    echo(&mut r, S0, g, r#"{"type":"message","echo":"s3cret"}"#, 1.0);
    r.on_close(S0, g, 1008, "bad token s3cret", 2.0);
    for e in r.log().entries() {
        assert!(!e.text.contains("s3cret"), "{}", e.text);
    }
    assert_eq!(
        r.session(S0, 2.0).unwrap().last_close.unwrap().reason,
        "bad token [redacted]"
    );
    // A replaced token stays redacted.
    r.set_token("n3w".into(), 3.0);
    let o = opens(&cmds(&mut r));
    assert!(o.iter().any(|o| o.2.contains("token=n3w")));
    assert_eq!(r.redact("s3cret n3w"), "[redacted] [redacted]");
    assert!(r.log().entries().all(|e| !e.text.contains("n3w")));
}

#[test]
fn subprotocol_auth_offers_the_token() {
    let mut r = run(|c| {
        c.auth_mode = AuthMode::Subprotocol;
        c.token = "tok".into();
    });
    r.start(0.0);
    let o = opens(&cmds(&mut r));
    assert_eq!(o[0].3, vec!["tok".to_string()]);
    assert_eq!(o[0].2, "ws://127.0.0.1:8080/ws");
}

#[test]
fn first_message_auth_waits_for_auth_success() {
    let mut r = run(|c| {
        c.auth_mode = AuthMode::FirstMessage;
        c.token = "tok".into();
    });
    r.start(0.0);
    let g = opens(&cmds(&mut r))[0].1;
    r.send_one(S0, 1.0);
    r.on_open(S0, g, 2.0);
    let s = sends(&cmds(&mut r));
    assert_eq!(s.len(), 1);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&s[0].1).unwrap(),
        serde_json::json!({"type":"auth","token":"tok"})
    );
    assert_eq!(state(&r, S0, 2.0), SessionState::Connecting);
    r.send_one(S0, 3.0);
    assert!(sends(&cmds(&mut r)).is_empty());
    echo(&mut r, S0, g, r#"{"type":"auth_success"}"#, 4.0);
    assert_eq!(state(&r, S0, 4.0), SessionState::Connected);
    assert_eq!(sends(&cmds(&mut r)).len(), 2, "queue flushed after auth");
}

#[test]
fn first_message_auth_error_needs_auth() {
    let mut r = run(|c| {
        c.auth_mode = AuthMode::FirstMessage;
        c.token = "bad".into();
    });
    r.start(0.0);
    let g = opens(&cmds(&mut r))[0].1;
    r.on_open(S0, g, 1.0);
    cmds(&mut r);
    echo(
        &mut r,
        S0,
        g,
        r#"{"type":"auth_error","message":"invalid token"}"#,
        2.0,
    );
    let c = cmds(&mut r);
    assert_eq!(closes(&c).len(), 1);
    assert!(c.contains(&Command::RequestToken));
    assert_eq!(state(&r, S0, 2.0), SessionState::NeedsAuth);
}

#[test]
fn first_message_auth_times_out() {
    let mut r = run(|c| c.auth_mode = AuthMode::FirstMessage);
    r.start(0.0);
    let g = opens(&cmds(&mut r))[0].1;
    r.on_open(S0, g, 1.0);
    r.tick(10_001.0);
    assert_eq!(closes(&cmds(&mut r)).len(), 1);
    assert!(matches!(
        state(&r, S0, 10_001.0),
        SessionState::Reconnecting { .. }
    ));
}

#[test]
fn jwt_refresh_is_requested_five_minutes_before_expiry() {
    let exp_s = 1_700_000_600u64;
    let mut r = run(|c| c.token = crate::token::test_jwt(exp_s));
    r.set_time_origin(1_700_000_000_000.0);
    connected(&mut r, 0.0);
    cmds(&mut r);
    let due = (exp_s as f64 * 1000.0 - 300_000.0) - 1_700_000_000_000.0;
    assert_eq!(due, 300_000.0);
    assert!(!r.token_refresh_due(due - 1.0));
    assert!(r.next_deadline().unwrap() <= due);
    r.tick(due - 1.0);
    assert!(!cmds(&mut r).contains(&Command::RequestToken));
    r.tick(due);
    assert_eq!(cmds(&mut r), vec![Command::RequestToken]);
    r.tick(due + 100.0);
    assert!(cmds(&mut r).is_empty(), "asked once");
    r.set_token(crate::token::test_jwt(exp_s + 3600), due + 200.0);
    assert!(!r.token_refresh_due(due + 200.0));
}

// ---- metrics, heap, verdicts (F9, F10) ----

#[test]
fn rates_and_bytes() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    for i in 0..100 {
        let t = i as f64 * 10.0;
        r.send_one(S0, t);
        let text = sends(&cmds(&mut r))[0].1.clone();
        echo(&mut r, S0, g, &text, t + 1.0);
    }
    let t = r.totals(1000.0);
    assert!(t.sent_per_s > 50.0 && t.received_per_s > 50.0, "{t:?}");
    assert_eq!(t.counters.bytes_in, t.counters.bytes_out);
    assert_eq!(t.rtt.count, 100);
}

#[test]
fn heap_samples_marked_when_hidden_and_trend_judged() {
    let mut r = run(|_| {});
    assert!(!r.heap_available());
    assert_eq!(r.totals(0.0).heap, None);
    for i in 0..20 {
        r.record_heap(
            i as f64 * 60_000.0,
            10_000_000 + i * 5 * 1024 * 1024,
            50_000_000,
            4_000_000_000,
            0,
        );
    }
    r.set_hidden(true, 1.3e6);
    r.record_heap(1.3e6, 1, 1, 1, 0);
    assert!(r.heap_samples().last().unwrap().hidden);
    let t = r.totals(1.3e6);
    assert!(t.hidden);
    let trend = t.heap_trend.unwrap();
    assert!((trend.mb_per_min - 5.0).abs() < 1e-6, "{trend:?}");
    let v = r
        .verdicts(1.3e6)
        .into_iter()
        .find(|v| v.measure == Measure::Heap)
        .unwrap();
    assert_eq!(v.level, Level::Critical);
}

#[test]
fn verdicts_cover_every_measure() {
    let mut r = run(|_| {});
    let v = r.verdicts(0.0);
    assert_eq!(v.len(), 5);
    assert!(v.iter().all(|v| v.level == Level::NoData), "{v:?}");
    let g = connected(&mut r, 0.0)[0];
    r.send_one(S0, 0.0);
    let text = sends(&cmds(&mut r))[0].1.clone();
    echo(&mut r, S0, g, &text, 700.0);
    // One reply and one socket are no evidence: every measure is still collecting.
    let v = r.verdicts(700.0);
    assert_eq!(
        v[..3].iter().map(|v| v.level).collect::<Vec<_>>(),
        [Level::Collecting; 3],
        "{v:?}"
    );
    assert!(
        v[0].measured
            .starts_with("insufficient data: 1 of 20 replies")
    );
    // With the minimums met, the bands judge.
    let mut r = run(|c| {
        c.thresholds.min_replies = 1;
        c.thresholds.min_connects = 1;
    });
    let g = connected(&mut r, 0.0)[0];
    r.send_one(S0, 0.0);
    let text = sends(&cmds(&mut r))[0].1.clone();
    echo(&mut r, S0, g, &text, 700.0);
    let v = r.verdicts(700.0);
    assert_eq!(v[0].level, Level::Good);
    assert_eq!(v[1].level, Level::Good);
    assert_eq!(
        (v[2].measure, v[2].level),
        (Measure::AvgRtt, Level::Warning)
    );
}

#[test]
fn history_is_sampled_every_second() {
    let mut r = run(|_| {});
    connected(&mut r, 0.0);
    for i in 0..=50 {
        r.tick(i as f64 * 100.0);
    }
    assert_eq!(r.history().len(), 6);
    assert_eq!(r.history()[5].active, 1);
}

#[test]
fn binary_mode_sends_bytes_and_correlates_utf8_echoes() {
    let mut r = run(|c| c.binary = true);
    let g = connected(&mut r, 0.0)[0];
    r.send_one(S0, 0.0);
    let c = cmds(&mut r);
    let Command::Send {
        frame: Frame::Binary(bytes),
        ..
    } = &c[0]
    else {
        panic!("{c:?}")
    };
    r.on_binary_data(S0, g, bytes, 1.0);
    r.on_binary(S0, g, 3, 2.0);
    r.on_binary_data(S0, g, &[0xff, 0xfe], 3.0);
    let c = r.counters();
    assert_eq!((c.matched, c.binary_in, c.received), (1, 3, 3));
}

#[test]
fn socket_and_send_errors_are_counted() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    r.on_error(S0, g, 1.0);
    r.on_send_failed(S0, g, 1.0);
    let c = r.counters();
    // The socket error is the wire's; the refused frame is the console's own.
    assert_eq!((c.errors.socket, c.client_errors), (1, 1));
    assert_eq!(c.errors.total(), 1);
}

#[test]
fn a_test_message_the_browser_refused_is_taken_back_not_lost() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    r.send_one(S0, 1.0);
    let key = cmds(&mut r)
        .iter()
        .find_map(|c| match c {
            Command::Send { key: Some(k), .. } => Some(*k),
            _ => None,
        })
        .unwrap();
    r.on_unsent(S0, g, key, "socket is closing, not open", 1.0);
    r.tick(60_000.0);
    let c = r.counters();
    assert_eq!((c.sent, c.pending, c.lost, c.client_errors), (0, 0, 0, 1));
    assert!(r.invariant_holds());
    assert!(
        r.log()
            .entries()
            .any(|e| e.text.contains("not sent: socket is closing"))
    );
}

#[test]
fn a_test_message_that_met_a_closed_socket_goes_back_to_the_queue_and_leaves_with_the_next_connection()
 {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    r.send_one(S0, 1.0);
    let (key, frame) = cmds(&mut r)
        .into_iter()
        .find_map(|c| match c {
            Command::Send {
                key: Some(k),
                frame,
                ..
            } => Some((k, frame)),
            _ => None,
        })
        .unwrap();
    r.on_closed_before_send(key, frame.clone(), 2.0);
    r.on_close(S0, g, 1006, "", 2.0);
    let c = r.counters();
    assert_eq!(
        (c.sent, c.pending, c.lost, c.client_errors, c.bytes_out),
        (0, 0, 0, 0, 0)
    );
    assert_eq!((c.queued, c.queue_flushed), (1, 0));
    assert_eq!(r.totals(2.0).queued_now, 1);
    assert!(r.invariant_holds());
    // The next connection takes it, as it was.
    r.tick(60_000.0);
    let g2 = opens(&cmds(&mut r))[0].1;
    r.on_open(S0, g2, 60_001.0);
    let resent = sends(&cmds(&mut r));
    assert_eq!(resent.len(), 1);
    assert_eq!(Frame::Text(resent[0].1.clone()), frame);
    let c = r.counters();
    assert_eq!((c.sent, c.queued, c.queue_flushed), (1, 1, 1));
    // Flushed and bounced again: back in the queue, still counted once.
    r.on_closed_before_send(key, frame, 60_002.0);
    let c = r.counters();
    assert_eq!((c.sent, c.queued, c.queue_flushed), (0, 1, 0));
    assert_eq!(r.totals(60_002.0).queued_now, 1);
}

#[test]
fn next_deadline_tracks_the_earliest_timer() {
    let mut r = run(with_heartbeat);
    assert_eq!(r.next_deadline(), None);
    r.start(0.0);
    assert_eq!(r.next_deadline(), Some(0.0), "history point due now");
    r.tick(0.0);
    assert_eq!(r.next_deadline(), Some(1000.0));
    let g = opens(&cmds(&mut r))[0].1;
    r.on_open(S0, g, 5.0);
    r.send_one(S0, 5.0);
    r.stop(6.0);
    assert_eq!(
        r.next_deadline(),
        Some(10_005.0),
        "the pending reply's timeout"
    );
}

#[test]
fn hidden_tab_is_logged_during_a_run() {
    let mut r = run(|_| {});
    connected(&mut r, 0.0);
    r.set_hidden(true, 1.0);
    r.set_hidden(true, 2.0);
    let f = LogFilter {
        category: Some(LogCategory::Browser),
        ..Default::default()
    };
    assert_eq!(r.log().filtered(&f).count(), 1);
}

mod flow;
mod provider;

#[test]
fn a_socket_the_browser_refused_to_create_ends_in_error_and_is_the_consoles() {
    let mut r = run(|c| c.sessions = "2".into());
    r.start(0.0);
    let o = opens(&cmds(&mut r));
    r.on_open_refused(S0, o[0].1, "The port 6000 is not allowed.", 1.0);
    assert!(matches!(
        state(&r, S0, 1.0),
        SessionState::Error { reason } if reason.contains("the browser refused to open the socket: The port 6000")
    ));
    // Not retried, not a connect failure, no waiting for the connect timeout.
    r.tick(60_000.0);
    assert!(opens(&cmds(&mut r)).iter().all(|(s, ..)| *s != S0));
    let v = r.session(S0, 60_000.0).unwrap();
    assert_eq!(
        (
            v.counters.client_errors,
            v.counters.connect_failures,
            v.counters.connect_attempts
        ),
        (1, 0, 0)
    );
    // A stale refusal for a retired socket changes nothing.
    r.on_open_refused(S1, Generation(99), "late", 2.0);
    assert_eq!(r.counters().client_errors, 1);
}

#[test]
fn ids_start_at_a_random_offset_so_a_servers_small_ids_never_match() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    r.send_one(S0, 0.0);
    r.send_one(S0, 0.0);
    let sent: Vec<String> = sends(&cmds(&mut r)).into_iter().map(|s| s.1).collect();
    let first: u64 = id_of(&sent[0]).parse().unwrap();
    assert!((1_000_000_000..9_000_000_000).contains(&first), "{first}");
    assert_eq!(id_of(&sent[1]).parse::<u64>().unwrap(), first + 1);
    // A server push with its own small numeric id, as number or string: a look-alike,
    // unsolicited, never a match.
    echo(&mut r, S0, g, r#"{"type":"chat_response","id":1}"#, 1.0);
    echo(&mut r, S0, g, &reply("2"), 1.0);
    let c = r.counters();
    assert_eq!((c.matched, c.unsolicited, c.pending), (0, 2, 2));
    // Another run starts elsewhere.
    let mut other = Run::new(config(|_| {}), 2);
    connected(&mut other, 0.0);
    other.send_one(S0, 0.0);
    let second: u64 = id_of(&sends(&cmds(&mut other))[0].1).parse().unwrap();
    assert_ne!(first, second);
}

#[test]
fn a_frame_over_the_cap_is_counted_with_its_size_and_only_a_prefix_is_kept() {
    let mut r = run(|_| {});
    let g = connected(&mut r, 0.0)[0];
    r.send_one(S0, 0.0);
    let id = id_of(&sends(&cmds(&mut r))[0].1);
    // A 16 MB reply whose id comes first: still matched, counted as oversized.
    let big = format!(
        r#"{{"type":"chat_response","id":"{id}","data":"{}"}}"#,
        "x".repeat(16 << 20)
    );
    r.on_text(S0, g, &big, 5.0);
    // A 2 MB binary frame, and a 3 MB text frame with no id.
    r.on_binary_data(S0, g, &vec![7u8; 2 << 20], 6.0);
    r.on_text(S0, g, &"y".repeat(3 << 20), 7.0);
    let c = r.counters();
    assert_eq!((c.matched, c.lost, c.oversized, c.received), (1, 0, 3, 3));
    assert_eq!(c.bytes_in as usize, big.len() + (2 << 20) + (3 << 20));
    // The adapter's path: the id read by the browser, the id nowhere in the prefix (a
    // server that writes its keys in alphabetical order puts a huge "echo" first).
    r.send_one(S0, 8.0);
    let id = id_of(&sends(&cmds(&mut r))[0].1);
    let frame = crate::OversizedFrame {
        prefix: br#"{"echo":{"data":"xxxx"#,
        size: 5 << 20,
        binary: false,
        id: Some(&id),
    };
    r.on_oversized(S0, g, frame, 9.0);
    assert_eq!((r.counters().matched, r.counters().oversized), (2, 4));
    // Nothing of the frames beyond the kept prefixes is held.
    let limit = r.config().limits.frame_bytes;
    assert!(r.frames().all(|f| f.payload.len() <= limit));
    let sizes: Vec<usize> = r
        .frames()
        .filter(|f| f.direction == Direction::Receive)
        .map(|f| f.len)
        .collect();
    assert_eq!(
        sizes,
        [big.len(), 2 << 20, 3 << 20, 5 << 20],
        "captured with their sizes"
    );
    let f = LogFilter {
        text: "over the 1048576-byte cap".into(),
        ..Default::default()
    };
    assert_eq!(r.log().filtered(&f).count(), 4);
    assert!(r.invariant_holds());
}
