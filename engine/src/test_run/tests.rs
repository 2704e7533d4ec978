//! A plain run, a scenario and a suite's step through the one [`TestRun`], on the simulated
//! backend: start, tick, stop, settled, the report and every export.

use super::*;
use crate::config::RawConfig;
use crate::scenario::{Grade, RawScenarioParams, ScenarioKind};
use crate::sim::{Server, Sim};
use serde_json::Value;

fn config() -> RunConfig {
    let raw = RawConfig {
        endpoint: "/ws".into(),
        sessions: "2".into(),
        send_interval_ms: "100".into(),
        jitter: false,
        ..RawConfig::default()
    };
    RunConfig::from_raw(&raw, "http://127.0.0.1:8080").unwrap()
}

/// A load of 3 sessions for 2 s, a message every 100 ms: enough to be judged.
fn load() -> Scenario {
    let mut raw = RawScenarioParams::defaults(ScenarioKind::Load);
    raw.sessions = "3".into();
    raw.interval_ms = "100".into();
    raw.duration_s = "2".into();
    Scenario::from_raw(&raw, &config()).unwrap()
}

/// Starts `test` and plays it until `until` (synthetic ms).
fn started(mut test: TestRun, until: Millis) -> (TestRun, Sim) {
    let mut sim = Sim::new(Server::default());
    test.start(sim.now);
    sim.pump(test.run_mut());
    while sim.now < until {
        sim.step_test(&mut test);
    }
    (test, sim)
}

fn settle(test: &mut TestRun, sim: &mut Sim) {
    sim.pump(test.run_mut());
    while !test.is_settled() && sim.now < 60_000.0 {
        sim.step_test(test);
    }
    assert!(
        test.is_settled(),
        "not settled: {:?}",
        test.run().next_deadline()
    );
}

#[test]
fn a_plain_run_runs_until_stop_then_settles_and_reports_as_manual() {
    let (mut test, mut sim) = started(TestRun::plain(config(), 1), 1000.0);
    assert!(test.scenario().is_none());
    assert!(test.run().is_running());
    assert!(!test.is_ended() && !test.is_settled());
    assert!(
        test.run().counters().matched >= 10,
        "{:?}",
        test.run().counters()
    );
    assert_eq!(test.scenario_elapsed_ms(sim.now), 0.0);
    assert_eq!(test.report(sim.now).status, "running");
    test.stop(sim.now);
    assert!(test.is_ended());
    settle(&mut test, &mut sim);
    let report = test.report(sim.now);
    assert_eq!((report.scenario.kind, report.status), ("manual", "stopped"));
    assert_eq!(report, test.run().report(sim.now));
    assert!(report.phases.is_empty());
    assert!(report.invariant.holds);
    assert_eq!(report.invariant.pending, 0);
    // Not a suite's step: there is nothing to hand over.
    assert!(test.take_step_report(sim.now).is_none());
}

#[test]
fn a_scenario_drives_its_run_to_the_end_and_reports_its_verdict() {
    let (mut test, mut sim) = started(TestRun::of_scenario(load(), 1), 500.0);
    assert_eq!(
        test.scenario().map(Scenario::kind),
        Some(ScenarioKind::Load)
    );
    assert!(!test.is_ended() && !test.is_settled());
    assert!(test.scenario_elapsed_ms(sim.now) > 0.0);
    let early = test.report(sim.now);
    assert_eq!((early.scenario.kind, early.status), ("load", "running"));
    while !test.is_ended() && sim.now < 60_000.0 {
        sim.step_test(&mut test);
    }
    assert!(test.is_ended());
    // The scenario stopped its run when it ended.
    assert!(!test.run().is_running());
    settle(&mut test, &mut sim);
    let report = test.report(sim.now);
    assert_eq!(report.status, "finished");
    assert_eq!(report.scenario.progress, 1.0);
    assert!(report.scenario.params.is_some());
    assert!(!report.phases.is_empty());
    assert!(!report.criteria.is_empty());
    assert_eq!(report.verdict, Grade::Pass, "{:#?}", report.criteria);
    assert_eq!(report.invariant.pending, 0);
    // Stop after the end changes nothing: the verdict stays the scenario's.
    test.stop(sim.now);
    assert_eq!(test.report(sim.now).status, "finished");
}

#[test]
fn stop_cancels_a_running_scenario_and_its_report_says_so() {
    let (mut test, mut sim) = started(TestRun::of_scenario(load(), 1), 500.0);
    test.stop(sim.now);
    assert!(test.is_ended());
    assert!(!test.run().is_running());
    settle(&mut test, &mut sim);
    let report = test.report(sim.now);
    assert_eq!(report.status, "cancelled");
    let done = report.criteria.iter().find(|c| c.id == "completion");
    assert_eq!(done.map(|c| c.grade), Some(Grade::Warn));
}

#[test]
fn every_export_is_made_from_the_run_and_its_report() {
    let (mut test, mut sim) = started(TestRun::of_scenario(load(), 1), 60_000.0);
    settle(&mut test, &mut sim);
    let now = sim.now;
    let json: Value = serde_json::from_str(&test.export(ExportKind::Json, now)).unwrap();
    assert_eq!(json["schema"], "ws-console/report");
    assert_eq!(json["scenario"]["kind"], "load");
    assert_eq!(json["totals"]["sessions"], 3);
    let csv = test.export(ExportKind::Csv, now);
    assert_eq!(csv.lines().count(), 1 + 3, "a header and a row per session");
    let log = test.export(ExportKind::Log, now);
    assert!(log.contains("scenario Load started"), "{log}");
    let har: Value = serde_json::from_str(&test.export(ExportKind::Har, now)).unwrap();
    assert!(har["log"]["entries"].is_array());
    let junit = test.export(ExportKind::Junit, now);
    assert_eq!(junit.matches("<testsuite ").count(), 1);
    assert!(junit.contains("Load"), "{junit}");
}

#[test]
fn a_suite_step_hands_its_report_over_once_it_has_ended() {
    let (mut test, mut sim) = started(TestRun::suite_step(load(), 1), 500.0);
    assert!(test.take_step_report(sim.now).is_none(), "still running");
    while !test.is_ended() && sim.now < 60_000.0 {
        sim.step_test(&mut test);
    }
    let (status, report) = test.take_step_report(sim.now).unwrap();
    assert_eq!(status, ScenarioStatus::Finished);
    assert_eq!((report.scenario.kind, report.status), ("load", "finished"));
    assert!(test.take_step_report(sim.now).is_none(), "handed over once");
}
