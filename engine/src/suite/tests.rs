//! A suite played end to end on the simulated backend: advance, progress, cancel, the
//! overall verdict, the bound, and refused steps.

use super::*;
use crate::config::RawConfig;
use crate::scenario::ScenarioKind;
use crate::sim::{Server, Sim};

fn base() -> RunConfig {
    let raw = RawConfig {
        jitter: false,
        ..RawConfig::default()
    };
    RunConfig::from_raw(&raw, "http://127.0.0.1:8080").unwrap()
}

fn step(kind: ScenarioKind, f: impl FnOnce(&mut RawScenarioParams)) -> RawScenarioParams {
    let mut raw = RawScenarioParams::defaults(kind);
    f(&mut raw);
    raw
}

/// Load 2 s, reliability 3 × 10 messages, ramp-up of 4 in 2 batches: a short suite of three.
fn three() -> SuitePlan {
    SuitePlan {
        steps: vec![
            step(ScenarioKind::Load, |r| {
                r.sessions = "3".into();
                r.interval_ms = "100".into();
                r.duration_s = "2".into();
            }),
            step(ScenarioKind::Reliability, |r| {
                r.sessions = "3".into();
                r.messages = "10".into();
                r.interval_ms = "50".into();
            }),
            step(ScenarioKind::RampUp, |r| {
                r.sessions = "4".into();
                r.batch_size = "2".into();
                r.batch_every_s = "1".into();
                r.hold_s = "1".into();
                r.interval_ms = "100".into();
            }),
        ],
    }
}

/// Plays `sc` as a suite's step on its own fresh backend until it ends; `stop_at` cancels
/// it then.
fn play_step(server: &Server, sc: Scenario, stop_at: Option<Millis>) -> (TestRun, Millis) {
    let mut test = TestRun::suite_step(sc, 7);
    let mut sim = Sim::new(server.clone());
    match stop_at {
        None => sim.play_test(&mut test, 60_000.0),
        Some(at) => {
            test.start(sim.now);
            sim.pump(test.run_mut());
            while sim.now < at {
                sim.step_test(&mut test);
            }
            test.stop(sim.now);
        }
    }
    assert!(test.is_ended());
    (test, sim.now)
}

#[test]
fn a_suite_runs_its_steps_in_order_into_one_report() {
    let mut suite = Suite::new(&three(), &base()).unwrap();
    assert_eq!(suite.progress(0.0), 0.0);
    let mut kinds = Vec::new();
    let mut last = 0.0;
    let mut next = suite.advance(None, 0.0);
    while let Some(sc) = next {
        kinds.push(sc.kind());
        // Halfway through a step, the bar stands between the steps around it; past its plan
        // (a drain) it stops short of the next step, and never goes back.
        let half = suite.progress(sc.planned_ms() / 2.0);
        assert!(half > last && half < 1.0, "{half} after {last}");
        let over = suite.progress(sc.planned_ms() * 5.0);
        assert!(over > half && over < 1.0);
        assert_eq!(over, suite.progress(sc.planned_ms() * 50.0));
        last = over;
        let (mut test, now) = play_step(&Server::default(), sc, None);
        // Still running, the suite hands out nothing new.
        assert!(!suite.is_finished());
        next = suite.advance(Some(&mut test), now);
        // The step's end is recorded once: handed back again, it changes nothing.
        assert!(test.take_step_report(now).is_none());
    }
    assert_eq!(
        kinds,
        [
            ScenarioKind::Load,
            ScenarioKind::Reliability,
            ScenarioKind::RampUp
        ]
    );
    assert!(suite.is_finished());
    assert_eq!(suite.progress(0.0), 1.0);
    let r = suite.report(0.0);
    assert_eq!(
        (r.schema, r.version, r.status),
        (SUITE_SCHEMA, 1, SuiteStatus::Finished)
    );
    assert!(r.to_json().contains(r#""status":"finished""#));
    let steps: Vec<(&str, StepStatus, Grade)> = r
        .steps
        .iter()
        .map(|s| (s.kind, s.status, s.verdict))
        .collect();
    assert_eq!(
        steps,
        [
            ("load", StepStatus::Finished, Grade::Pass),
            ("reliability", StepStatus::Finished, Grade::Pass),
            ("ramp-up", StepStatus::Finished, Grade::Pass),
        ]
    );
    assert_eq!(r.verdict, Grade::Pass);
    assert!(r.steps.iter().all(|s| s.duration_ms.unwrap() > 0.0));
    let json: serde_json::Value = serde_json::from_str(&crate::compact::checked(&r)).unwrap();
    assert_eq!(json["schema"], "ws-console/suite");
    assert_eq!(
        json["steps"][1]["report"]["scenario"]["kind"],
        "reliability"
    );
    assert_eq!(json["verdict"], "PASS");
    let summary = suite.summary(0.0);
    let seen: Vec<(&str, StepStatus, Grade)> = summary
        .steps
        .iter()
        .map(|(k, s, g)| (k.as_str(), *s, *g))
        .collect();
    assert_eq!(seen, steps);
    assert_eq!(
        (summary.status, summary.verdict, summary.progress),
        (SuiteStatus::Finished, r.verdict, 1.0)
    );
    let junit = crate::junit::junit_xml(suite.reports());
    assert_eq!(junit.matches("<testsuite ").count(), 3);
}

#[test]
fn the_overall_verdict_is_the_worst_step() {
    let mut suite = Suite::new(&three(), &base()).unwrap();
    let lossy = Server {
        lose_every: Some(3),
        ..Server::default()
    };
    let mut next = suite.advance(None, 0.0);
    let mut n = 0;
    while let Some(sc) = next {
        n += 1;
        // The second step meets a backend that loses a third of its replies.
        let server = if n == 2 { &lossy } else { &Server::default() };
        let (mut test, now) = play_step(server, sc, None);
        next = suite.advance(Some(&mut test), now);
    }
    let r = suite.report(0.0);
    assert_eq!(r.steps[0].verdict, Grade::Pass);
    assert_eq!(r.steps[1].verdict, Grade::Fail);
    assert_eq!(r.verdict, Grade::Fail);
}

#[test]
fn cancel_ends_the_running_step_and_skips_the_rest() {
    let mut suite = Suite::new(&three(), &base()).unwrap();
    let sc = suite.advance(None, 0.0).unwrap();
    let (mut test, now) = play_step(&Server::default(), sc, None);
    let sc = suite.advance(Some(&mut test), now).unwrap();
    // A step handed back again is not recorded twice: the suite waits for its next step.
    assert!(suite.advance(Some(&mut test), now).is_none());
    assert!(!suite.is_finished());
    let (mut test, now) = play_step(&Server::default(), sc, Some(100.0));
    assert!(suite.advance(Some(&mut test), now).is_none());
    assert!(suite.is_finished());
    let r = suite.report(0.0);
    let status: Vec<StepStatus> = r.steps.iter().map(|s| s.status).collect();
    assert_eq!(
        status,
        [
            StepStatus::Finished,
            StepStatus::Cancelled,
            StepStatus::Skipped
        ]
    );
    assert_eq!(r.status, SuiteStatus::Cancelled);
    assert!(r.to_json().contains(r#""status":"cancelled""#));
    assert_eq!(r.steps[2].verdict, Grade::Skip);
    assert!(r.steps[2].report.is_none());
    // The cancelled step (at least its completion WARN) reaches the overall verdict.
    assert!(r.steps[1].verdict >= Grade::Warn);
    assert_eq!(r.verdict, r.steps[1].verdict.max(r.steps[0].verdict));
    // Cancelled before any step started: everything is skipped.
    let mut idle = Suite::new(&three(), &base()).unwrap();
    idle.cancel();
    assert!(idle.advance(None, 0.0).is_none());
    assert!(idle.is_finished());
    assert_eq!(idle.report(0.0).verdict, Grade::Skip);
}

#[test]
fn a_suite_is_bounded_and_not_empty() {
    let mut plan = SuitePlan::default();
    assert_eq!(Suite::new(&plan, &base()).err().unwrap()[0].step, 0);
    for _ in 0..MAX_SUITE_STEPS {
        plan.push(RawScenarioParams::default()).unwrap();
    }
    assert!(
        plan.push(RawScenarioParams::default())
            .unwrap_err()
            .contains('8')
    );
    assert_eq!(plan.steps.len(), MAX_SUITE_STEPS);
    assert!(Suite::new(&plan, &base()).is_ok());
    plan.steps.push(RawScenarioParams::default());
    let e = Suite::new(&plan, &base()).err().unwrap();
    assert!(e[0].message.contains("at most 8"), "{e:?}");
    plan.remove(0);
    plan.remove(99);
    assert_eq!(plan.steps.len(), MAX_SUITE_STEPS);
}

#[test]
fn a_step_with_bad_parameters_is_refused_by_name() {
    let mut plan = three();
    plan.steps[2].sessions = "abc".into();
    let e = Suite::new(&plan, &base()).err().unwrap();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].step, 3);
    assert!(
        e[0].message.starts_with("Step 3 (Ramp-up): "),
        "{}",
        e[0].message
    );
}

#[test]
fn a_plan_round_trips_through_json_without_the_invalid_token() {
    let mut plan = three();
    let mut auth = RawScenarioParams::defaults(ScenarioKind::Auth);
    auth.invalid_token = "n0t-v4lid-s3cret".into();
    plan.push(auth).unwrap();
    let json = serde_json::to_string(&plan).unwrap();
    assert!(!json.contains("n0t-v4lid-s3cret"));
    let back = SuitePlan::from_json(&json).unwrap();
    assert_eq!(back.steps.len(), 4);
    assert_eq!(back.steps[..3], plan.steps[..3]);
    assert_eq!(back.steps[3].kind, ScenarioKind::Auth);
    assert_ne!(back.steps[3].invalid_token, "n0t-v4lid-s3cret");
    // Not a suite, a step that is not a form, or too many steps: refused.
    assert_eq!(SuitePlan::from_json("[]"), None);
    assert_eq!(SuitePlan::from_json(r#"{"steps":[{"kind":"nope"}]}"#), None);
    let nine = format!(r#"{{"steps":[{}]}}"#, ["{}"; 9].join(","));
    assert_eq!(SuitePlan::from_json(&nine), None);
    let eight = format!(r#"{{"steps":[{}]}}"#, ["{}"; 8].join(","));
    assert_eq!(SuitePlan::from_json(&eight).unwrap().steps.len(), 8);
}
