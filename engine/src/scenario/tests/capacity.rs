//! The capacity finder through the simulated backend: where it stops, what it reports, and
//! that the console's own shortfall is never taken for the server's capacity.

use super::*;
use crate::sim::{Server, Sim};

/// The finder with `f` applied over its defaults (5 sessions, steps of 3 s).
fn finder(f: impl FnOnce(&mut RawScenarioParams)) -> RawScenarioParams {
    params(ScenarioKind::Capacity, |r| {
        r.step_s = "3".into();
        f(r);
    })
}

fn found(p: &Played) -> CapacityResult {
    p.sc.capacity()
        .expect("the capacity finder reports its steps")
}

fn outcomes(r: &CapacityResult) -> Vec<(f64, StepOutcome)> {
    r.steps
        .iter()
        .map(|s| (s.target_per_s, s.outcome))
        .collect()
}

#[test]
fn rates_rise_by_factor_and_increment_up_to_the_max_and_the_step_bound() {
    let p = |start, factor, inc, max, steps| CapacityParams {
        start_rate_per_s: start,
        rate_factor: factor,
        rate_increment_per_s: inc,
        max_rate_per_s: max,
        max_steps: steps,
        ..CapacityParams::default()
    };
    assert_eq!(
        p(10.0, 2.0, 0.0, 50.0, 20).rates(),
        [10.0, 20.0, 40.0, 50.0]
    );
    assert_eq!(p(10.0, 1.0, 15.0, 40.0, 20).rates(), [10.0, 25.0, 40.0]);
    assert_eq!(p(10.0, 1.1, 0.0, 2000.0, 3).rates(), [10.0, 11.0, 12.1]);
    // However slowly it rises, never more than the bound.
    let slow = p(0.1, 1.0, 0.1, MAX_CAPACITY_RATE, 1000).rates();
    assert_eq!(slow.len(), MAX_CAPACITY_STEPS as usize);
    assert_eq!(p(5.0, 2.0, 0.0, 5.0, 20).rates(), [5.0]);
    // Typed parameters the form would refuse still give a bounded, usable plan.
    assert_eq!(p(10.0, 2.0, 0.0, 50.0, 0).rates(), [10.0]);
    assert_eq!(p(0.0, 2.0, 0.0, 0.4, 20).rates(), [0.1, 0.2, 0.4]);
    assert_eq!(p(f64::NAN, f64::NAN, 0.0, f64::NAN, 20).rates(), [0.1]);
    let huge = p(10.0, 10.0, 0.0, 1e12, 100).rates();
    assert_eq!(huge.last(), Some(&MAX_CAPACITY_RATE));
}

#[test]
fn the_form_checks_that_the_rate_rises_and_stays_bounded() {
    let errs = |f: fn(&mut RawScenarioParams)| {
        ScenarioParams::from_raw(&finder(f))
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.message))
            .collect::<Vec<_>>()
    };
    let e = errs(|r| {
        r.rate_factor = "1".into();
        r.rate_increment_per_s = "0".into();
    });
    assert_eq!(e[0].0, ParamField::RateFactor);
    assert!(e[0].1.contains("must rise"), "{e:?}");
    let e = errs(|r| {
        r.start_rate_per_s = "100".into();
        r.max_rate_per_s = "50".into();
    });
    assert_eq!(e[0].0, ParamField::MaxRate, "{e:?}");
    assert_eq!(
        errs(|r| r.max_steps = "101".into())[0].0,
        ParamField::MaxSteps
    );
    assert_eq!(
        errs(|r| r.max_rate_per_s = "20001".into())[0].0,
        ParamField::MaxRate
    );
    assert_eq!(
        errs(|r| r.hold_pct = "101".into())[0].0,
        ParamField::HoldPct
    );
    assert_eq!(errs(|r| r.step_s = "0.5".into())[0].0, ParamField::StepS);
    assert_eq!(
        errs(|r| r.rtt_limit_ms = "-1".into())[0].0,
        ParamField::RttLimitMs
    );
}

#[test]
fn it_stops_at_the_first_step_the_server_cannot_carry_and_reports_the_one_before() {
    let server = Server {
        capacity_per_s: Some(300.0),
        ..Server::default()
    };
    let raw = finder(|r| {
        r.start_rate_per_s = "50".into();
        r.rate_factor = "2".into();
    });
    let p = play(server, raw, base(|_| {}), 120_000.0);
    let r = found(&p);
    assert_eq!(
        outcomes(&r),
        [
            (50.0, StepOutcome::Held),
            (100.0, StepOutcome::Held),
            (200.0, StepOutcome::Held),
            (400.0, StepOutcome::NotHeld),
        ]
    );
    assert_eq!(r.stopped, Some(CapacityStop::ServerLimit));
    assert_eq!(r.rate_per_s, Some(200.0));
    let best = &r.steps[2];
    assert!((best.matched_per_s - 200.0).abs() < 10.0, "{best:?}");
    assert!(best.rtt_ms.p95.is_some_and(|p| p < 50.0), "{best:?}");
    assert_eq!(
        (best.lost, best.errors, best.drops, best.schedule_skipped),
        (0, 0, 0, 0)
    );
    let over = &r.steps[3];
    assert!(over.why.contains("answered"), "{over:?}");
    assert!(over.matched_per_s < 320.0, "{over:?}");
    // The curve: RTT rises with the rate.
    assert!(over.rtt_ms.p95 > best.rtt_ms.p95, "{r:?}");
    assert_eq!(p.grade("capacity"), Grade::Pass, "{}", p.explain());
    let c = &p.criteria()[0];
    assert_eq!(c.value, Some(200.0));
    assert!(c.measured.starts_with("200.0 msgs/s held"), "{c:?}");
    assert!(c.measured.contains("400.0 msgs/s did not hold"), "{c:?}");
    assert_eq!(
        p.phase_names(),
        [
            "connect",
            "step 1: 50.0 msgs/s",
            "step 2: 100.0 msgs/s",
            "step 3: 200.0 msgs/s",
            "step 4: 400.0 msgs/s",
            "drain"
        ]
    );
    // Stopped by itself, with every reply in.
    assert_eq!(p.sc.status(), ScenarioStatus::Finished);
    assert_eq!(p.run.counters().pending, 0);
}

#[test]
fn a_healthy_server_holds_up_to_the_max_rate_or_the_last_step() {
    let raw = finder(|r| {
        r.rate_factor = "2".into();
        r.max_rate_per_s = "50".into();
    });
    let p = play(Server::default(), raw, base(|_| {}), 60_000.0);
    let r = found(&p);
    let rates: Vec<f64> = r.steps.iter().map(|s| s.target_per_s).collect();
    assert_eq!(rates, [10.0, 20.0, 40.0, 50.0]);
    assert!(
        r.steps.iter().all(|s| s.outcome == StepOutcome::Held),
        "{r:?}"
    );
    assert_eq!(
        (r.stopped, r.rate_per_s),
        (Some(CapacityStop::MaxRate), Some(50.0))
    );
    assert_eq!(p.grade("capacity"), Grade::Pass);
    assert!(
        p.criteria()[0]
            .measured
            .contains("still holding at the max rate")
    );

    let raw = finder(|r| r.max_steps = "2".into());
    let p = play(Server::default(), raw, base(|_| {}), 60_000.0);
    let r = found(&p);
    assert_eq!(r.steps.len(), 2, "bounded by max steps");
    assert_eq!(
        (r.stopped, r.rate_per_s),
        (Some(CapacityStop::MaxSteps), Some(15.0))
    );
}

#[test]
fn the_consoles_own_shortfall_is_a_console_limit_never_the_servers_capacity() {
    let raw = finder(|r| r.rate_factor = "2".into());
    let cfg = base(|_| {});
    let mut sc = Scenario::from_raw(&raw, &cfg).unwrap();
    let mut run = sc.new_run(7);
    let mut sim = Sim::new(Server::default());
    sc.start(&mut run, 0.0);
    sim.pump(&mut run);
    while sc.capacity().unwrap().steps.len() < 2 && sim.now < 60_000.0 {
        sim.step(&mut run, Some(&mut sc));
    }
    // From the third step on, the page's timer comes every 400 ms (a busy or throttled tab):
    // sends due longer ago than the catch-up window are skipped.
    sim.tick_ms = 400.0;
    while !sc.is_finished() && sim.now < 60_000.0 {
        sim.step(&mut run, Some(&mut sc));
    }
    let r = sc.capacity().unwrap();
    assert_eq!(
        outcomes(&r),
        [
            (10.0, StepOutcome::Held),
            (20.0, StepOutcome::Held),
            (40.0, StepOutcome::ConsoleLimit),
        ]
    );
    assert!(r.steps[2].schedule_skipped > 0, "{r:?}");
    assert_eq!(
        (r.stopped, r.rate_per_s),
        (Some(CapacityStop::ConsoleLimit), Some(20.0))
    );
    let c = &sc.criteria(&run, sim.now)[0];
    assert_eq!(c.grade, Grade::Warn, "{c:?}");
    assert!(
        c.measured
            .starts_with("console limit reached at 40.0 msgs/s"),
        "{c:?}"
    );
    assert!(c.measured.contains("capacity is at least that"), "{c:?}");
}

#[test]
fn too_few_messages_is_insufficient_data_never_a_rate_held() {
    // One session at 1, 2 and 4 msgs/s for 3 s: at most 12 messages a step, fewer than 20.
    let raw = finder(|r| {
        r.sessions = "1".into();
        r.start_rate_per_s = "1".into();
        r.rate_factor = "2".into();
        r.max_rate_per_s = "4".into();
    });
    let p = play(Server::default(), raw, base(|_| {}), 60_000.0);
    let r = found(&p);
    assert_eq!(r.steps.len(), 3);
    assert!(
        r.steps
            .iter()
            .all(|s| s.outcome == StepOutcome::InsufficientData),
        "{r:?}"
    );
    assert_eq!(r.rate_per_s, None);
    assert_eq!(p.grade("capacity"), Grade::Warn);
    assert!(p.criteria()[0].measured.starts_with("insufficient data"));
}

#[test]
fn a_server_that_cannot_carry_the_first_step_fails() {
    // Too slow: RTT over the limit.
    let server = Server {
        reply_ms: 30.0,
        ..Server::default()
    };
    let p = play(
        server,
        finder(|r| r.rtt_limit_ms = "20".into()),
        base(|_| {}),
        60_000.0,
    );
    let r = found(&p);
    assert_eq!(outcomes(&r), [(10.0, StepOutcome::NotHeld)]);
    assert!(r.steps[0].why.contains("RTT p95"), "{r:?}");
    assert_eq!(r.rtt_p95_limit_ms, 20.0);
    assert_eq!(p.grade("capacity"), Grade::Fail);
    // Dropped connections do not hold either, whatever else was answered.
    let server = Server {
        close_after: Some((4000.0, 1)),
        ..Server::default()
    };
    let p = play(server, finder(|_| {}), base(|_| {}), 60_000.0);
    let r = found(&p);
    assert_eq!(
        outcomes(&r),
        [(10.0, StepOutcome::Held), (15.0, StepOutcome::NotHeld)]
    );
    assert!(r.steps[1].why.contains("dropped"), "{r:?}");
    // The RTT limit defaults to the thresholds' warning band.
    assert_eq!(r.rtt_p95_limit_ms, 500.0);
}

#[test]
fn the_report_carries_the_steps_and_a_cancel_says_so() {
    let cfg = base(|_| {});
    let sc = Scenario::from_raw(&finder(|_| {}), &cfg).unwrap();
    let mut test = crate::TestRun::of_scenario(sc, 7);
    let mut sim = Sim::new(Server::default());
    test.start(0.0);
    sim.pump(test.run_mut());
    while sim.now < 7000.0 {
        sim.step_test(&mut test);
    }
    test.stop(sim.now);
    let report = test.report(sim.now);
    let cap = report.capacity.as_ref().unwrap();
    assert_eq!(cap.stopped, Some(CapacityStop::Cancelled));
    assert_eq!(cap.steps.len(), 2);
    let json: serde_json::Value = serde_json::from_str(&crate::compact::checked(&report)).unwrap();
    let step = &json["capacity"]["steps"][0];
    assert_eq!(step["outcome"], "held");
    assert_eq!(step["target_per_s"], 10.0);
    assert!(step["rtt_ms"]["p99"].is_number(), "{step}");
    assert_eq!(json["capacity"]["stopped"], "cancelled");
    assert_eq!(json["capacity"]["rate_per_s"], 15.0);
    assert_eq!(json["scenario"]["params"]["rate_factor"], 1.5);
    assert!(
        test.run().report(sim.now).capacity.is_none(),
        "a manual run has none"
    );
}

#[test]
fn replies_still_in_flight_as_a_step_ends_do_not_fail_it() {
    // 2 sessions at 10 msgs/s for 2 s: the last send leaves as the step ends, its reply a
    // moment later. Even a 100 % hold share must not count that against the server.
    let raw = finder(|r| {
        r.sessions = "2".into();
        r.step_s = "2".into();
        r.max_rate_per_s = "10".into();
        r.hold_pct = "100".into();
    });
    let p = play(Server::default(), raw, base(|_| {}), 30_000.0);
    let r = found(&p);
    assert_eq!(outcomes(&r), [(10.0, StepOutcome::Held)], "{r:?}");
    assert_eq!(r.stopped, Some(CapacityStop::MaxRate));
}
