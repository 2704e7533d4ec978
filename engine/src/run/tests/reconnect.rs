//! Reconnection: backoff, jitter, give-up codes, stability (F6).

use super::*;

/// Starts `r` and drops its session `times` times with `code`, each time `up_ms` after it
/// opened (`None`: before it opened), returning when it reconnects: the backoff delays,
/// the last socket's generation and the time.
fn backoffs(
    r: &mut Run,
    times: usize,
    up_ms: Option<Millis>,
    code: u16,
) -> (Vec<Millis>, Generation, Millis) {
    r.start(0.0);
    let mut g = opens(&cmds(r))[0].1;
    let mut now = 0.0;
    let mut delays = Vec::new();
    for _ in 0..times {
        if let Some(up) = up_ms {
            r.on_open(S0, g, now);
            now += up;
        }
        r.on_close(S0, g, code, "", now);
        let SessionState::Reconnecting { next_in, .. } = state(r, S0, now) else {
            panic!("closed with {code}, not reconnecting")
        };
        delays.push(next_in);
        now += next_in;
        r.tick(now);
        g = opens(&cmds(r))[0].1;
    }
    (delays, g, now)
}

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
    let (delays, g, mut now) = backoffs(&mut r, 7, None, 1006);
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
    // Accepted, then closed 100 ms later: an open is no sign of health.
    let (delays, _, now) = backoffs(&mut r, 5, Some(100.0), 1011);
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
    let reconnection = r
        .verdicts(2_050.0)
        .into_iter()
        .find(|v| v.measure == Measure::Reconnection);
    assert_eq!(reconnection.unwrap().level, Level::Good);
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

#[test]
fn the_network_coming_back_cuts_a_backoff_short_but_not_the_count() {
    let mut r = run(|c| c.sessions = "2".into());
    let g = connected(&mut r, 0.0);
    cmds(&mut r);
    r.on_close(S0, g[0], 1006, "", 100.0);
    assert!(matches!(
        state(&r, S0, 100.0),
        SessionState::Reconnecting { attempt: 1, .. }
    ));
    assert!(opens(&cmds(&mut r)).is_empty(), "waiting out its backoff");
    r.on_network_back("online", 150.0);
    let o = opens(&cmds(&mut r));
    assert_eq!(o.len(), 1, "only the session that waits: {o:?}");
    assert_eq!((o[0].0, o[0].1), (S0, Generation(2)));
    assert!(r.log().entries().any(|e| {
        e.text
            .contains("online: 1 session(s) waiting to reconnect try now")
    }));
    // Failing again backs off one step further: the count stood.
    r.on_close(S0, Generation(2), 1006, "", 200.0);
    assert!(matches!(
        state(&r, S0, 200.0),
        SessionState::Reconnecting { attempt: 2, .. }
    ));
    // Stopped, nothing is retried.
    r.stop(300.0);
    cmds(&mut r);
    r.on_network_back("pageshow", 400.0);
    assert!(opens(&cmds(&mut r)).is_empty());
}
