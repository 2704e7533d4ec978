//! Every scenario driven through the simulated backend: its phases, a PASS on a healthy
//! backend, and a WARN or FAIL on a faulty one.

use super::*;
use crate::config::RawConfig;
use crate::sim::{Server, Sim};
use crate::{Command, FaultRequest, LogFilter};

const ORIGIN: &str = "http://127.0.0.1:8080";
const TIME_ORIGIN: f64 = 1_700_000_000_000.0;

pub(super) fn base(f: impl FnOnce(&mut RawConfig)) -> RunConfig {
    // Exact backoff steps, so recovery times are known; jitter has its own tests.
    let mut raw = RawConfig {
        jitter: false,
        ..RawConfig::default()
    };
    f(&mut raw);
    RunConfig::from_raw(&raw, ORIGIN).unwrap()
}

pub(super) fn params(
    kind: ScenarioKind,
    f: impl FnOnce(&mut RawScenarioParams),
) -> RawScenarioParams {
    let mut raw = RawScenarioParams::defaults(kind);
    f(&mut raw);
    raw
}

pub(super) struct Played {
    pub(super) sim: Sim,
    pub(super) run: Run,
    pub(super) sc: Scenario,
}

impl Played {
    pub(super) fn now(&self) -> Millis {
        self.sim.now
    }

    pub(super) fn criteria(&self) -> Vec<Criterion> {
        self.sc.criteria(&self.run, self.now())
    }

    pub(super) fn grade(&self, id: &str) -> Grade {
        let all = self.criteria();
        all.iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("no criterion {id} in {all:#?}"))
            .grade
    }

    pub(super) fn verdict(&self) -> Grade {
        self.sc.verdict(&self.run, self.now())
    }

    pub(super) fn phase_names(&self) -> Vec<&str> {
        self.sc.phases().iter().map(|p| p.name.as_str()).collect()
    }

    pub(super) fn explain(&self) -> String {
        format!("{:#?}", self.criteria())
    }
}

pub(super) fn play(
    server: Server,
    raw: RawScenarioParams,
    cfg: RunConfig,
    limit_ms: Millis,
) -> Played {
    let mut sc = Scenario::from_raw(&raw, &cfg).unwrap();
    let mut run = sc.new_run(7);
    run.set_time_origin(TIME_ORIGIN);
    let mut sim = Sim::new(server);
    sim.play(&mut run, &mut sc, limit_ms);
    assert!(
        sc.is_finished(),
        "did not finish by {limit_ms} ms: {:?}",
        sc.progress(sim.now)
    );
    assert!(run.invariant_holds());
    assert!(!run.is_running(), "the scenario stops the run at its end");
    Played { sim, run, sc }
}

fn load(f: impl FnOnce(&mut RawScenarioParams)) -> RawScenarioParams {
    params(ScenarioKind::Load, |r| {
        r.sessions = "3".into();
        r.interval_ms = "100".into();
        r.duration_s = "5".into();
        f(r);
    })
}

// ---- load ----

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

// ---- soak ----

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

// ---- reliability ----

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

// ---- recovery ----

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

// ---- memory leak ----

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

// ---- ramp-up ----

fn ramp() -> RawScenarioParams {
    params(ScenarioKind::RampUp, |r| {
        r.sessions = "10".into();
        r.batch_size = "3".into();
        r.batch_every_s = "1".into();
        r.hold_s = "2".into();
        r.interval_ms = "500".into();
    })
}

#[test]
fn ramp_up_opens_in_batches_and_passes() {
    let mut sc = Scenario::from_raw(&ramp(), &base(|_| {})).unwrap();
    let mut run = sc.new_run(1);
    let mut sim = Sim::new(Server::default());
    sc.start(&mut run, 0.0);
    sim.pump(&mut run);
    let mut open_at = Vec::new();
    while !sc.is_finished() && sim.now < 30_000.0 {
        sim.step(&mut run, Some(&mut sc));
        let n = run.totals(sim.now).counters.connect_attempts;
        if open_at.last().is_none_or(|(_, m)| *m != n) {
            open_at.push((sim.now, n));
        }
    }
    let attempts: Vec<u64> = open_at.iter().map(|x| x.1).collect();
    assert_eq!(attempts, vec![3, 6, 9, 10]);
    assert!(
        (open_at[1].0 - open_at[0].0 - 1000.0).abs() <= 20.0,
        "{open_at:?}"
    );
    let p = Played { sim, run, sc };
    assert_eq!(p.phase_names(), vec!["ramp", "hold", "drain"]);
    assert_eq!(p.verdict(), Grade::Pass, "{}", p.explain());
}

#[test]
fn ramp_up_fails_when_the_server_caps_connections() {
    let capped = Server {
        max_connections: Some(6),
        ..Server::default()
    };
    let p = play(
        capped,
        ramp(),
        base(|c| c.max_attempts = "2".into()),
        60_000.0,
    );
    assert_eq!(p.grade("sessions-open"), Grade::Fail, "{}", p.explain());
    assert_eq!(p.grade("connection-success"), Grade::Fail);
}

// ---- broadcast ----

fn broadcast() -> RawScenarioParams {
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

// ---- auth ----

fn auth_base(token: &str, f: impl FnOnce(&mut RawConfig)) -> RunConfig {
    base(|c| {
        c.endpoint = "/api/v1/pam/ws/{user_id}?token={token}".into();
        c.user_id = "u1".into();
        c.token = token.into();
        f(c);
    })
}

fn auth() -> RawScenarioParams {
    params(ScenarioKind::Auth, |r| {
        r.sessions = "2".into();
        r.hold_s = "1".into();
        r.observe_s = "3".into();
    })
}

fn checks_token() -> Server {
    Server {
        valid_token: Some("good42".into()),
        ..Server::default()
    }
}

#[test]
fn auth_valid_connects_invalid_is_refused_once_fresh_reconnects() {
    let p = play(
        checks_token(),
        auth(),
        auth_base("good42", |_| {}),
        60_000.0,
    );
    assert_eq!(
        p.phase_names(),
        vec!["valid-token", "invalid-token", "fresh-token", "drain"]
    );
    assert_eq!(p.verdict(), Grade::Pass, "{}", p.explain());
    let close_1008 = p.run.counters().errors.close_codes.get(&1008).copied();
    assert_eq!(close_1008, Some(2));
}

#[test]
fn auth_with_first_message_and_a_quick_token_provider_passes() {
    let server = Server {
        token_provider: Some(("good42".into(), 50.0)),
        ..checks_token()
    };
    let cfg = auth_base("good42", |c| {
        c.endpoint = "/ws".into();
        c.auth_mode = crate::AuthMode::FirstMessage;
    });
    let p = play(server, auth(), cfg, 60_000.0);
    // The provider's fresh token reconnects at once: not a retry with the invalid one.
    assert_eq!(p.grade("not-retried"), Grade::Pass, "{}", p.explain());
    assert_eq!(p.verdict(), Grade::Pass, "{}", p.explain());
}

#[test]
fn auth_fails_when_the_invalid_token_is_accepted_or_retried() {
    let p = play(
        Server::default(),
        auth(),
        auth_base("good42", |_| {}),
        60_000.0,
    );
    assert_eq!(
        p.grade("invalid-token-refused"),
        Grade::Fail,
        "{}",
        p.explain()
    );
    assert!(p.explain().contains("2 accepted by the server"));

    // HTTP 401 before the upgrade reads as 1006 in a browser: the engine retries.
    let http_401 = Server {
        reject_with_401: true,
        ..checks_token()
    };
    let p = play(http_401, auth(), auth_base("good42", |_| {}), 60_000.0);
    assert_eq!(p.grade("not-retried"), Grade::Fail, "{}", p.explain());
    assert_eq!(p.verdict(), Grade::Fail);
}

#[test]
fn auth_needs_a_token_and_a_mode_that_sends_it() {
    let e = Scenario::from_raw(&auth(), &base(|_| {})).unwrap_err();
    assert_eq!(e[0].field, ParamField::Config(crate::Field::Token));
    let e = Scenario::from_raw(
        &auth(),
        &base(|c| {
            c.token = "good42".into();
            c.auth_mode = crate::AuthMode::Cookie;
        }),
    )
    .unwrap_err();
    assert_eq!(e[0].field, ParamField::Config(crate::Field::AuthMode));
    let mut same = auth();
    same.invalid_token = "good42".into();
    let e = Scenario::from_raw(&same, &auth_base("good42", |_| {})).unwrap_err();
    assert_eq!(e[0].field, ParamField::InvalidToken);
    assert!(!e[0].message.contains("good42"));
}

#[test]
fn traffic_scenarios_need_a_correlatable_template() {
    let raw_text = base(|c| c.message_template = "hello".into());
    let e = Scenario::from_raw(&load(|_| {}), &raw_text).unwrap_err();
    assert_eq!(
        e[0].field,
        ParamField::Config(crate::Field::MessageTemplate)
    );
    // Broadcast brings its own message.
    assert!(Scenario::from_raw(&broadcast(), &raw_text).is_ok());
}

// ---- progress and cancel ----

#[test]
fn progress_moves_forward_and_cancel_ends_everything() {
    let mut sc = Scenario::from_raw(&load(|r| r.duration_s = "10".into()), &base(|_| {})).unwrap();
    let mut run = sc.new_run(1);
    let mut sim = Sim::new(Server::default());
    let before = sc.progress(0.0);
    assert_eq!((before.fraction, before.remaining_ms), (0.0, 10_000.0));
    assert_eq!(before.status, ScenarioStatus::Ready);
    sc.start(&mut run, 0.0);
    sim.pump(&mut run);
    let mut last = 0.0;
    while sim.now < 4000.0 {
        sim.step(&mut run, Some(&mut sc));
        let p = sc.progress(sim.now);
        assert!(p.fraction >= last && p.fraction < 1.0);
        last = p.fraction;
    }
    let p = sc.progress(sim.now);
    assert!((p.fraction - 0.4).abs() < 0.01, "{p:?}");
    assert!((p.remaining_ms - 6000.0).abs() <= 20.0, "{p:?}");
    assert_eq!(p.phase, "load");
    sc.cancel(&mut run, sim.now);
    sim.pump(&mut run);
    assert!(sc.is_finished());
    assert_eq!(sc.status(), ScenarioStatus::Cancelled);
    assert!(!run.is_running());
    assert_eq!(run.totals(sim.now).sessions.active, 0);
    let criteria = sc.criteria(&run, sim.now);
    let done = criteria.iter().find(|c| c.id == "completion").unwrap();
    assert_eq!(done.grade, Grade::Warn);
    assert_eq!(sc.verdict(&run, sim.now), Grade::Warn);
    assert_eq!(sc.progress(sim.now).fraction, 1.0);
    // Later ticks change nothing, and the frozen criteria stay.
    let frozen = sc.criteria(&run, sim.now);
    for _ in 0..100 {
        sim.step(&mut run, Some(&mut sc));
    }
    assert_eq!(sc.criteria(&run, sim.now), frozen);
    let report = crate::TestRun::from_parts(run, sc).report(sim.now);
    assert_eq!(report.status, "cancelled");
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["status"], "cancelled");
}

#[test]
fn only_the_scenario_log_lines_are_scenario_category() {
    let p = play(Server::default(), load(|_| {}), base(|_| {}), 30_000.0);
    let f = LogFilter {
        category: Some(crate::LogCategory::Scenario),
        ..Default::default()
    };
    let lines: Vec<String> = p.run.log().filtered(&f).map(|e| e.text.clone()).collect();
    assert_eq!(
        lines,
        vec![
            "scenario Load started",
            "scenario phase: connect",
            "scenario phase: load",
            "scenario phase: drain"
        ]
    );
}

#[test]
fn fault_commands_carry_the_control_url() {
    let mut run = Run::new(base(|_| {}), 1);
    run.request_fault(FaultRequest::Refuse { seconds: 5 }, 0.0);
    let c: Vec<Command> = run.drain_commands().collect();
    assert_eq!(
        c,
        vec![Command::Fault {
            request: FaultRequest::Refuse { seconds: 5 },
            url: "http://127.0.0.1:8080/api/faults/refuse?seconds=5".into()
        }]
    );
    run.on_fault_result(FaultRequest::DropAll, Err("404".into()), 1.0);
    assert_eq!(run.fault_failures(), 1);
}

// ---- readiness ----

fn readiness_played(server: Server, f: impl FnOnce(&mut RawScenarioParams)) -> Played {
    let raw = params(ScenarioKind::Readiness, f);
    let cfg = auth_base("good42", |_| {});
    play(server, raw, cfg, 60_000.0)
}

fn checklist(p: &Played) -> Checklist {
    p.sc.checklist(&p.run, p.now())
        .expect("readiness has a checklist")
}

fn status(list: &Checklist, id: &str) -> (CheckStatus, String) {
    let c = list
        .groups
        .iter()
        .flat_map(|g| &g.checks)
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no check {id} in {list:#?}"));
    (c.status, c.detail.clone())
}

fn strict() -> Server {
    Server {
        token_required: true,
        ..checks_token()
    }
}

#[test]
fn readiness_passes_on_a_healthy_backend_and_never_grades_header_auth() {
    let p = readiness_played(strict(), |_| {});
    let list = checklist(&p);
    let groups: Vec<&str> = list.groups.iter().map(|g| g.name).collect();
    assert_eq!(
        groups,
        ["Endpoints", "Connections", "Auth", "Messages", "Production"]
    );
    for id in [
        "health",
        "stats",
        "plain",
        "authenticated",
        "auth-query",
        "auth-first-message",
        "auth-subprotocol",
        "invalid-refused",
        "invalid-not-retried",
        "ping",
        "message",
        "unknown",
    ] {
        assert_eq!(status(&list, id).0, CheckStatus::Pass, "{id}: {list:#?}");
    }
    let (header, why) = status(&list, "auth-header");
    assert_eq!(header, CheckStatus::NotPossible);
    assert!(why.contains("cannot set headers"), "{why}");
    // The simulated server refuses a socket with no credentials, as the testbed does
    // without a login: cookie auth is skipped with the reason, not failed.
    let (cookie, why) = status(&list, "auth-cookie");
    assert_eq!(cookie, CheckStatus::Skip, "{why}");
    assert!(why.contains("session cookie"), "{why}");
    assert_eq!(status(&list, "rate-limit").0, CheckStatus::Skip);
    // ws:// on an unknown page, and a welcome without user or capabilities: warnings.
    assert_eq!(status(&list, "tls").0, CheckStatus::Warn);
    assert_eq!(status(&list, "welcome").0, CheckStatus::Warn);
    let auth = &list.groups[2];
    assert_eq!((auth.passed, auth.graded), (5, 5), "{auth:#?}");
    assert_eq!(auth.rate_pct, Some(100.0));
    assert_eq!(
        list.graded,
        list.groups.iter().map(|g| g.graded).sum::<u32>()
    );
    assert_eq!(p.verdict(), Grade::Warn, "{}", p.explain());
    let header = p.criteria().into_iter().find(|c| c.id == "auth-header");
    assert_eq!(header.unwrap().grade, Grade::Skip);
    let now = p.now();
    let json = serde_json::to_value(crate::TestRun::from_parts(p.run, p.sc).report(now)).unwrap();
    assert_eq!(json["readiness"]["groups"][2]["name"], "Auth");
    assert_eq!(
        json["readiness"]["groups"][2]["checks"][4]["status"],
        "not-possible"
    );
    assert!(!json.to_string().contains("invalid-token"), "redacted");
}

#[test]
fn readiness_fails_without_a_health_endpoint_or_when_an_invalid_token_is_accepted() {
    let server = Server {
        http_missing: vec!["/health"],
        ..Server::default()
    };
    let p = readiness_played(server, |_| {});
    let list = checklist(&p);
    let (health, why) = status(&list, "health");
    assert_eq!(health, CheckStatus::Fail);
    assert!(why.contains("404"), "{why}");
    assert_eq!(status(&list, "stats").0, CheckStatus::Pass);
    let (invalid, why) = status(&list, "invalid-refused");
    assert_eq!(invalid, CheckStatus::Fail);
    assert!(why.contains("accepted an invalid token"), "{why}");
    assert_eq!(p.verdict(), Grade::Fail);
    assert_eq!(list.groups[0].rate_pct, Some(50.0));
    assert_eq!(status(&list, "auth-header").0, CheckStatus::NotPossible);
}

#[test]
fn readiness_rate_limit_probe_is_bounded_and_reports_no_limit_as_a_warning() {
    let p = readiness_played(strict(), |r| r.rate_limit = true);
    let list = checklist(&p);
    let (limit, why) = status(&list, "rate-limit");
    assert_eq!(limit, CheckStatus::Warn, "{why}");
    assert!(why.contains("up to 320"), "{why}");
    // Every rate for a second at most: the probe's socket sent no more than their sum.
    let cap: u32 = readiness::RATES.iter().sum();
    let sent = p
        .run
        .session(crate::SessionId(6), p.now())
        .unwrap()
        .counters
        .bytes_out;
    assert!(sent > 0);
    let pings = p
        .run
        .frames()
        .filter(|f| f.session == crate::SessionId(6) && f.direction == crate::Direction::Send)
        .count() as u32;
    assert!(pings <= cap, "{pings} > {cap}");
}

#[test]
fn readiness_needs_a_token() {
    let raw = params(ScenarioKind::Readiness, |_| {});
    let e = Scenario::from_raw(&raw, &base(|_| {})).unwrap_err();
    assert_eq!(e[0].field, ParamField::Config(Field::Token));
}

#[test]
fn readiness_tls_follows_the_page() {
    for (secure, want) in [(true, CheckStatus::Fail), (false, CheckStatus::Skip)] {
        let raw = params(ScenarioKind::Readiness, |_| {});
        let mut sc = Scenario::from_raw(&raw, &auth_base("good42", |_| {})).unwrap();
        sc.set_page_secure(secure);
        let mut run = sc.new_run(7);
        let mut sim = Sim::new(strict());
        sim.play(&mut run, &mut sc, 60_000.0);
        assert!(sc.is_finished());
        let list = sc.checklist(&run, sim.now).unwrap();
        let (tls, why) = status(&list, "tls");
        assert_eq!(tls, want, "{why}");
        assert!(why.contains("mixed content"), "{why}");
    }
}
