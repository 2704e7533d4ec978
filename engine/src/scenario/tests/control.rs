//! What every scenario shares: progress, cancel, its log lines and the fault commands' URL.

use super::*;

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
    let json: serde_json::Value = serde_json::from_str(&crate::compact::checked(&report)).unwrap();
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
