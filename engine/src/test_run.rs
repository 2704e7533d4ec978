//! One test run as the adapter and the view see it: a [`Run`], and the [`Scenario`] driving
//! it if there is one.
//!
//! A plain run (Start), a scenario and a suite's step differ in how they start, stop, tick,
//! end and report. [`TestRun`] makes that choice once, here, so the browser driver and the
//! view never branch on it: they call [`TestRun::start`], [`TestRun::tick`],
//! [`TestRun::stop`], read [`TestRun::is_settled`] and [`TestRun::report`], and export with
//! [`TestRun::export`]. It is also where a report is put together from a run and its
//! scenario's verdicts, so that neither the scenario module nor the report module needs the
//! other's controller.
//!
//! Like the rest of the engine it is pure: every call takes `now`.

use crate::config::RunConfig;
use crate::ids::Millis;
use crate::junit::junit_xml;
use crate::report::{Report, ScenarioPart};
use crate::run::Run;
use crate::scenario::{Scenario, ScenarioStatus};

#[cfg(test)]
mod tests;

/// What an export writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    /// The report as JSON (F13).
    Json,
    /// A row per session.
    Csv,
    /// The log as text, token redacted.
    Log,
    /// The captured frames as HAR.
    Har,
    /// The report's criteria as JUnit XML.
    Junit,
}

/// Whether the run is a suite's step, and whether the suite has taken its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    /// Not a suite's step.
    Alone,
    /// A suite's step whose end the suite has not taken yet.
    Pending,
    /// A suite's step whose end the suite has recorded.
    Taken,
}

/// A run and the scenario driving it, if any; see the module documentation.
#[derive(Debug)]
pub struct TestRun {
    run: Run,
    scenario: Option<Scenario>,
    step: Step,
}

impl TestRun {
    /// A plain run of `config` (Start). `seed` drives the reconnect jitter.
    pub fn plain(config: RunConfig, seed: u64) -> TestRun {
        TestRun {
            run: Run::new(config, seed),
            scenario: None,
            step: Step::Alone,
        }
    }

    /// `scenario` on a run of its own.
    pub fn of_scenario(scenario: Scenario, seed: u64) -> TestRun {
        TestRun {
            run: scenario.new_run(seed),
            scenario: Some(scenario),
            step: Step::Alone,
        }
    }

    /// `scenario` as a suite's step: once it has ended, [`TestRun::take_step_report`] hands
    /// its report to the suite, once.
    pub fn suite_step(scenario: Scenario, seed: u64) -> TestRun {
        TestRun {
            step: Step::Pending,
            ..TestRun::of_scenario(scenario, seed)
        }
    }

    /// The run, to read.
    pub fn run(&self) -> &Run {
        &self.run
    }

    /// The run, for what the adapter reports (socket events, the user's sends, tokens).
    pub fn run_mut(&mut self) -> &mut Run {
        &mut self.run
    }

    /// The scenario driving the run, if any.
    pub fn scenario(&self) -> Option<&Scenario> {
        self.scenario.as_ref()
    }

    /// Tells the scenario whether the page runs under https (before [`TestRun::start`]).
    pub fn set_page_secure(&mut self, secure: bool) {
        if let Some(sc) = self.scenario.as_mut() {
            sc.set_page_secure(secure);
        }
    }

    /// Starts the run, or the scenario on it. Called once.
    pub fn start(&mut self, now: Millis) {
        match self.scenario.as_mut() {
            Some(sc) => sc.start(&mut self.run, now),
            None => self.run.start(now),
        }
    }

    /// The user's Stop: a scenario still going is cancelled (its report says so), else the
    /// run stops.
    pub fn stop(&mut self, now: Millis) {
        match self.scenario.as_mut().filter(|sc| !sc.is_finished()) {
            Some(sc) => sc.cancel(&mut self.run, now),
            None => self.run.stop(now),
        }
    }

    /// Time passes: the run, then its scenario, move on.
    pub fn tick(&mut self, now: Millis) {
        self.run.tick(now);
        if let Some(sc) = self.scenario.as_mut() {
            sc.tick(&mut self.run, now);
        }
    }

    /// Whether it has ended: the scenario finished or was cancelled, or the plain run was
    /// stopped. Its report is final from then on.
    pub fn is_ended(&self) -> bool {
        match &self.scenario {
            Some(sc) => sc.is_finished(),
            None => !self.run.is_running(),
        }
    }

    /// Whether nothing is left to wait for: it has ended and no reply or timer is pending
    /// (the adapter's timer may stop).
    pub fn is_settled(&self) -> bool {
        !self.run.is_running() && self.run.next_deadline().is_none() && self.is_ended()
    }

    /// How long the scenario has run, ms (a suite weighs its running step by it); 0 for a
    /// plain run.
    pub fn scenario_elapsed_ms(&self, now: Millis) -> Millis {
        self.scenario
            .as_ref()
            .map_or(0.0, |sc| sc.progress(now).elapsed_ms)
    }

    /// The report (F12, F13): the scenario's, or the manual run's.
    pub fn report(&self, now: Millis) -> Report {
        let run = &self.run;
        match &self.scenario {
            None => Report::manual(run, now),
            Some(sc) => Report::for_scenario(
                run,
                ScenarioPart {
                    status: sc.status(),
                    kind: sc.kind(),
                    params: sc.params(),
                    progress: sc.progress(now).fraction,
                    phases: sc.phases(),
                    ended_at: sc.span().1,
                    criteria: sc.criteria(run, now),
                    readiness: sc.checklist(run, now),
                    capacity: sc.capacity(),
                },
                now,
            ),
        }
    }

    /// The text of an export; everything in it is redacted.
    pub fn export(&self, kind: ExportKind, now: Millis) -> String {
        match kind {
            ExportKind::Json => self.report(now).to_json(),
            ExportKind::Csv => self.report(now).to_csv(),
            ExportKind::Log => self.run.export_log(),
            ExportKind::Har => self.run.har(),
            ExportKind::Junit => junit_xml(&[self.report(now)]),
        }
    }

    /// A suite's step that has ended: how (finished or cancelled), and its report; handed
    /// out once. `None` while it runs, after it was taken, and for a run that is not a step.
    pub fn take_step_report(&mut self, now: Millis) -> Option<(ScenarioStatus, Report)> {
        let status = self.scenario.as_ref().map(Scenario::status)?;
        if self.step != Step::Pending || !self.is_ended() {
            return None;
        }
        self.step = Step::Taken;
        Some((status, self.report(now)))
    }

    /// A scenario and the run it was played on (by hand, in a test).
    #[cfg(test)]
    pub(crate) fn from_parts(run: Run, scenario: Scenario) -> TestRun {
        TestRun {
            run,
            scenario: Some(scenario),
            step: Step::Alone,
        }
    }
}
