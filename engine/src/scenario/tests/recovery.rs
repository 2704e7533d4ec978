//! Recovery and the memory-leak scenario through the simulated backend: drops on the server or
//! the client, a server that never comes back, a heap that grows.

use super::*;

fn recovery(f: impl FnOnce(&mut RawScenarioParams)) -> RawScenarioParams {
    params(ScenarioKind::Recovery, |r| {
        r.sessions = "3".into();
        r.interval_ms = "200".into();
        r.warmup_s = "2".into();
        r.duration_s = "8".into();
        r.recovery_timeout_s = "20".into();
        f(r);
    })
}

#[test]
fn recovery_through_backend_faults_passes_and_resets_them() {
    let p = play(
        Server::default(),
        recovery(|r| r.outage_s = "1".into()),
        base(|_| {}),
        60_000.0,
    );
    assert_eq!(
        p.sim.faults,
        vec![
            FaultRequest::Refuse { seconds: 1 },
            FaultRequest::DropAll,
            FaultRequest::Reset
        ]
    );
    assert_eq!(
        p.phase_names(),
        vec!["warm-up", "outage 1", "steady 1", "drain"]
    );
    let c = p.run.counters();
    assert_eq!(c.drops, 3);
    assert!(c.queued >= 3 && c.queue_delivered == c.queued, "{c:?}");
    assert_eq!(p.verdict(), Grade::Pass, "{}", p.explain());
    // Recovery includes the refused second: 1 s backoff, refused, 2 s backoff.
    let recovery = p
        .criteria()
        .into_iter()
        .find(|c| c.id == "recovery-time")
        .unwrap();
    assert!(recovery.value.unwrap() > 1000.0, "{recovery:?}");
}

#[test]
fn recovery_falls_back_to_client_side_drops_without_fault_control() {
    let no_control = Server {
        fault_control: false,
        ..Server::default()
    };
    let p = play(no_control, recovery(|_| {}), base(|_| {}), 60_000.0);
    assert_eq!(p.sim.faults, vec![FaultRequest::DropAll]);
    assert_eq!(p.run.counters().drops, 3);
    assert_eq!(p.verdict(), Grade::Pass, "{}", p.explain());
    let f = LogFilter {
        text: "dropping them client-side".into(),
        ..Default::default()
    };
    assert_eq!(p.run.log().filtered(&f).count(), 1);
}

#[test]
fn recovery_client_side_repeats_drops() {
    let p = play(
        Server::default(),
        recovery(|r| {
            r.use_backend_faults = false;
            r.drop_every_s = "3".into();
            r.duration_s = "10".into();
        }),
        base(|_| {}),
        60_000.0,
    );
    assert!(p.sim.faults.is_empty());
    assert_eq!(
        p.phase_names(),
        vec![
            "warm-up", "outage 1", "steady 1", "outage 2", "steady 2", "outage 3", "steady 3",
            "drain"
        ]
    );
    assert_eq!(p.run.counters().drops, 9);
    assert_eq!(p.verdict(), Grade::Pass, "{}", p.explain());
}

#[test]
fn recovery_fails_when_the_server_never_comes_back() {
    let gone = Server {
        never_back: true,
        ..Server::default()
    };
    let p = play(gone, recovery(|_| {}), base(|_| {}), 120_000.0);
    assert_eq!(p.grade("recovery-time"), Grade::Fail, "{}", p.explain());
    assert_eq!(p.grade("queued-delivered"), Grade::Fail);
    // 1 + 2 + 4 + 8 s of backoff within 20 s: several attempts in a row.
    assert_eq!(p.grade("reconnection"), Grade::Warn);
    assert_eq!(p.verdict(), Grade::Fail);
    let text = p
        .criteria()
        .into_iter()
        .find(|c| c.id == "recovery-time")
        .unwrap();
    assert!(
        text.measured
            .contains("3 of 3 session(s) not back after 20 s"),
        "{text:?}"
    );
}

#[test]
fn recovery_that_is_slow_warns() {
    let refused_4_s = |target: &str| {
        play(
            Server::default(),
            recovery(|r| {
                r.outage_s = "4".into();
                r.recovery_target_s = target.into();
            }),
            base(|_| {}),
            60_000.0,
        )
    };
    // Refused for 4 s: back on the third attempt, after 1 + 2 + 4 s of backoff. 7 s is past
    // twice a 3 s target (FAIL) and within twice a 5 s one (WARN).
    let p = refused_4_s("3");
    assert_eq!(p.grade("recovery-time"), Grade::Fail, "{}", p.explain());
    let p = refused_4_s("5");
    assert_eq!(p.grade("recovery-time"), Grade::Warn, "{}", p.explain());
}

fn leak(cycles: &str) -> RawScenarioParams {
    params(ScenarioKind::MemoryLeak, |r| {
        r.sessions = "3".into();
        r.cycles = cycles.into();
        r.open_s = "10".into();
        r.closed_s = "5".into();
    })
}

#[test]
fn memory_leak_cycles_sessions_and_passes_on_a_flat_heap() {
    let flat = Server {
        heap: Some((30.0, 0.0)),
        ..Server::default()
    };
    let p = play(flat, leak("6"), base(|_| {}), 200_000.0);
    let names = p.phase_names();
    assert_eq!(names.len(), 13, "{names:?}");
    assert_eq!(&names[..3], &["open 1/6", "closed 1/6", "open 2/6"]);
    assert_eq!(p.run.counters().connects, 18);
    assert_eq!(p.run.counters().lost, 0, "replies drain before each close");
    assert_eq!(p.verdict(), Grade::Pass, "{}", p.explain());
}

#[test]
fn memory_leak_fails_on_steady_growth_and_warns_without_heap_figures() {
    let leaking = Server {
        heap: Some((30.0, 4.0)),
        ..Server::default()
    };
    let p = play(leaking, leak("21"), base(|_| {}), 400_000.0);
    assert_eq!(p.grade("heap"), Grade::Fail, "{}", p.explain());
    let p = play(Server::default(), leak("2"), base(|_| {}), 100_000.0);
    assert_eq!(p.grade("heap"), Grade::Warn, "{}", p.explain());
    assert!(p.explain().contains("performance.memory"));
}
