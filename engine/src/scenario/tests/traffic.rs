//! Traffic scenarios through the simulated backend: load, soak, reliability and broadcast, each
//! passing on a healthy backend and warning or failing on a faulty one.

use super::*;

#[test]
fn load_passes_on_a_healthy_backend() {
    let p = play(Server::default(), load(|_| {}), base(|_| {}), 30_000.0);
    assert_eq!(p.verdict(), Grade::Pass, "{}", p.explain());
    assert_eq!(p.phase_names(), vec!["connect", "load", "drain"]);
    let c = p.run.counters();
    // 3 sessions × 5 s / 100 ms, give or take the stagger.
    assert!((140..=153).contains(&c.sent), "{}", c.sent);
    assert_eq!((c.matched, c.lost, c.pending), (c.sent, 0, 0));
    let phases = p.sc.phases();
    assert!(phases.iter().all(|ph| ph.ended_at.is_some()));
    let (start, end) = p.sc.span();
    assert_eq!(start, Some(0.0));
    assert!(end.unwrap() >= 5000.0 && end.unwrap() < 5100.0, "{end:?}");
    assert_eq!(p.sc.status(), ScenarioStatus::Finished);
}

#[test]
fn load_with_one_message_in_flight_sends_as_fast_as_the_replies_come() {
    let server = Server {
        reply_ms: 20.0,
        ..Server::default()
    };
    let p = play(
        server,
        load(|r| r.interval_ms = "0".into()),
        base(|_| {}),
        30_000.0,
    );
    assert_eq!(p.verdict(), Grade::Pass, "{}", p.explain());
    let c = p.run.counters();
    // 3 sessions × 5 s, one 20 ms round trip at a time (the simulator's clock steps add a
    // little to each).
    assert!((450..=753).contains(&c.sent), "{}", c.sent);
    assert_eq!((c.matched, c.lost, c.pending), (c.sent, 0, 0));
    let refused =
        Scenario::from_raw(&load(|r| r.interval_ms = "5".into()), &base(|_| {})).unwrap_err();
    assert!(
        refused[0].message.contains("0 for one message in flight"),
        "{refused:?}"
    );
}

#[test]
fn load_fails_on_a_slow_or_lossy_backend() {
    let slow = Server {
        reply_ms: 1500.0,
        ..Server::default()
    };
    let p = play(slow, load(|_| {}), base(|_| {}), 30_000.0);
    assert_eq!(p.grade("avg-rtt"), Grade::Fail, "{}", p.explain());
    assert_eq!(p.grade("message-success"), Grade::Pass);
    assert_eq!(p.verdict(), Grade::Fail);

    let lossy = Server {
        lose_every: Some(10),
        ..Server::default()
    };
    let p = play(
        lossy,
        load(|_| {}),
        base(|c| c.reply_timeout_ms = "500".into()),
        30_000.0,
    );
    assert_eq!(p.grade("message-success"), Grade::Warn, "{}", p.explain());
    let c = p.run.counters();
    assert!(c.lost > 0 && c.pending == 0);
}

#[test]
fn load_against_a_dead_server_fails_every_criterion() {
    let dead = Server {
        down_from: Some(0.0),
        ..Server::default()
    };
    let p = play(dead, load(|_| {}), base(|_| {}), 30_000.0);
    assert_eq!(p.grade("connection-success"), Grade::Fail);
    assert_eq!(p.grade("message-success"), Grade::Fail);
    assert_eq!(p.grade("avg-rtt"), Grade::Fail);
}

fn soak(seconds: &str) -> RawScenarioParams {
    params(ScenarioKind::Soak, |r| {
        r.sessions = "4".into();
        r.duration_s = seconds.into();
    })
}

#[test]
fn soak_turns_heartbeats_on_and_passes_when_held() {
    let server = Server {
        heap: Some((40.0, 0.0)),
        ..Server::default()
    };
    let p = play(
        server,
        soak("90"),
        base(|c| c.heartbeat_enabled = false),
        200_000.0,
    );
    assert!(p.run.config().heartbeat.is_some());
    assert_eq!(p.phase_names(), vec!["connect", "hold", "drain"]);
    assert!(p.run.counters().pongs >= 4 * 4, "{:?}", p.run.counters());
    assert_eq!(p.grade("connections-held"), Grade::Pass);
    assert_eq!(p.grade("reconnection"), Grade::Skip);
    assert_eq!(p.grade("heap"), Grade::Pass, "{}", p.explain());
    assert_eq!(p.verdict(), Grade::Pass, "{}", p.explain());
}

#[test]
fn soak_with_drops_warns() {
    let flaky = Server {
        close_after: Some((20_000.0, 1)),
        ..Server::default()
    };
    let p = play(flaky, soak("60"), base(|_| {}), 200_000.0);
    assert_eq!(p.grade("connections-held"), Grade::Warn, "{}", p.explain());
    assert_eq!(p.grade("reconnection"), Grade::Pass);
    assert_eq!(p.grade("heap"), Grade::Skip);
    assert_eq!(p.verdict(), Grade::Warn);
}

fn reliability() -> RawScenarioParams {
    params(ScenarioKind::Reliability, |r| {
        r.sessions = "3".into();
        r.messages = "40".into();
        r.interval_ms = "20".into();
    })
}

#[test]
fn reliability_sends_exactly_k_per_session_and_passes() {
    let p = play(
        Server::default(),
        reliability(),
        base(|c| c.auto_send = true),
        60_000.0,
    );
    assert_eq!(p.phase_names(), vec!["connect", "send", "drain"]);
    for s in p.run.sessions(p.now()) {
        assert_eq!(s.counters.sent, 40);
        assert_eq!(s.counters.matched, 40);
    }
    assert_eq!(p.verdict(), Grade::Pass, "{}", p.explain());
}

#[test]
fn reliability_catches_duplicates_reordering_and_loss() {
    let dup = Server {
        duplicate_every: Some(7),
        ..Server::default()
    };
    let p = play(dup, reliability(), base(|_| {}), 60_000.0);
    assert_eq!(p.grade("duplicates"), Grade::Fail, "{}", p.explain());
    assert_eq!(p.verdict(), Grade::Fail);

    let shuffled = Server {
        reorder: true,
        reply_ms: 15.0,
        ..Server::default()
    };
    let p = play(shuffled, reliability(), base(|_| {}), 60_000.0);
    assert_eq!(p.grade("out-of-order"), Grade::Warn, "{}", p.explain());
    assert_eq!(p.grade("delivered"), Grade::Pass);

    let lossy = Server {
        lose_every: Some(3),
        ..Server::default()
    };
    let p = play(
        lossy,
        reliability(),
        base(|c| c.reply_timeout_ms = "300".into()),
        60_000.0,
    );
    assert_eq!(p.grade("delivered"), Grade::Fail, "{}", p.explain());
}

pub(super) fn broadcast() -> RawScenarioParams {
    params(ScenarioKind::Broadcast, |r| {
        r.sessions = "4".into();
        r.rate_per_s = "10".into();
        r.duration_s = "3".into();
    })
}

#[test]
fn broadcast_is_delivered_to_every_other_session() {
    let p = play(Server::default(), broadcast(), base(|_| {}), 30_000.0);
    assert_eq!(p.phase_names(), vec!["connect", "broadcast", "drain"]);
    let c = p.run.counters();
    assert_eq!(c.sent, 30);
    assert_eq!(c.foreign, 90);
    assert_eq!(c.matched, 30, "the sender gets its own copy");
    let lat = p.run.totals(p.now()).foreign_latency;
    assert!((lat.mean.unwrap() - 4.0).abs() < 0.5, "{lat:?}");
    assert_eq!(p.verdict(), Grade::Pass, "{}", p.explain());
    // Every session sent its share.
    for s in p.run.sessions(p.now()) {
        assert!(s.counters.sent >= 7, "{:?}", s.counters.sent);
    }
}

#[test]
fn broadcast_fails_when_slow_or_not_fanned_out() {
    let slow = Server {
        fanout_ms: 1200.0,
        ..Server::default()
    };
    let p = play(slow, broadcast(), base(|_| {}), 30_000.0);
    assert_eq!(p.grade("delivery-latency"), Grade::Fail, "{}", p.explain());
    assert_eq!(p.grade("delivery"), Grade::Pass);
    let silent = Server {
        fanout: false,
        ..Server::default()
    };
    let p = play(
        silent,
        broadcast(),
        base(|c| c.reply_timeout_ms = "500".into()),
        30_000.0,
    );
    assert_eq!(p.grade("delivery"), Grade::Fail, "{}", p.explain());
}

#[test]
fn a_broadcast_delivered_twice_counts_once_and_is_reported() {
    let twice = Server {
        duplicate_every: Some(3),
        ..Server::default()
    };
    let p = play(twice, broadcast(), base(|_| {}), 30_000.0);
    let c = p.run.counters();
    // 30 broadcasts, 3 other receivers each: 90 deliveries, never more.
    assert_eq!(c.foreign, 90, "each (broadcast, receiver) pair once");
    assert_eq!(
        c.foreign_duplicate, 30,
        "every third broadcast twice to 3 receivers"
    );
    assert_eq!(p.grade("delivery"), Grade::Pass, "{}", p.explain());
    assert_eq!(p.grade("delivery-duplicates"), Grade::Warn);
    let dup = p
        .criteria()
        .into_iter()
        .find(|c| c.id == "delivery-duplicates")
        .unwrap();
    assert_eq!(dup.measured, "30 repeated deliveries");
    assert_eq!(p.verdict(), Grade::Warn);
}
