//! Suites (issue 13): several scenarios run one after the other — e.g. ramp-up → broadcast
//! → load → recovery — with one progress bar and one combined report.
//!
//! A suite is a plan of scenario forms ([`SuitePlan`], saved and shared like a
//! configuration, never with a token) and, once validated against the configuration, a
//! [`Suite`]: every step is built as a [`Scenario`] up front, so a bad step is refused
//! before anything starts, with a message naming it. The suite never runs anything itself:
//! the adapter takes the next step's scenario from [`Suite::advance`], runs it on a fresh
//! run exactly as a single scenario ([`TestRun::suite_step`]), and hands it back when it
//! has ended. A cancelled step ends the suite; the steps after it are reported as skipped.
//!
//! The combined report ([`SuiteReport`], schema `ws-console/suite` version 1) holds each
//! step's full scenario report, so every per-scenario export (JUnit: one testsuite per
//! step) works on it too, and an overall verdict: the worst step's.

use crate::config::RunConfig;
use crate::ids::Millis;
use crate::report::Report;
use crate::scenario::{
    Grade, ParamError, RawScenarioParams, Scenario, ScenarioKind, ScenarioStatus,
};
use crate::test_run::TestRun;

#[cfg(test)]
mod tests;

/// The most steps a suite holds: a suite is a test plan to read at a glance, and every
/// step's report is kept until the suite's report is made.
pub const MAX_SUITE_STEPS: usize = 8;
/// The combined report's `schema` field.
pub const SUITE_SCHEMA: &str = "ws-console/suite";
/// The combined report's `version` field.
pub const SUITE_VERSION: u32 = 1;

/// The steps as typed: what is saved, shared and exported (no invalid token: the form's
/// `Serialize` skips it).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct SuitePlan {
    /// Each step's scenario form, in order.
    pub steps: Vec<RawScenarioParams>,
}

impl SuitePlan {
    /// Appends a step; refused beyond [`MAX_SUITE_STEPS`].
    pub fn push(&mut self, step: RawScenarioParams) -> Result<(), String> {
        if self.steps.len() >= MAX_SUITE_STEPS {
            return Err(format!("A suite holds at most {MAX_SUITE_STEPS} scenarios"));
        }
        self.steps.push(step);
        Ok(())
    }

    /// Removes step `index` (0-based) if there is one.
    pub fn remove(&mut self, index: usize) {
        if index < self.steps.len() {
            self.steps.remove(index);
        }
    }
}

/// Where a step stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepStatus {
    /// Not started yet.
    Pending,
    /// Running now.
    Running,
    /// Ran to its end.
    Finished,
    /// Cancelled by the user while it ran.
    Cancelled,
    /// Never ran: the suite was cancelled before it.
    Skipped,
}

/// Where the suite as a whole is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SuiteStatus {
    /// A step is running or still to run.
    Running,
    /// Every step ran.
    Finished,
    /// The user cancelled it.
    Cancelled,
}

impl SuiteStatus {
    /// CSS- and attribute-friendly name (as in the report).
    pub fn as_str(self) -> &'static str {
        match self {
            SuiteStatus::Running => "running",
            SuiteStatus::Finished => "finished",
            SuiteStatus::Cancelled => "cancelled",
        }
    }
}

impl StepStatus {
    /// CSS- and attribute-friendly name.
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Pending => "pending",
            StepStatus::Running => "running",
            StepStatus::Finished => "finished",
            StepStatus::Cancelled => "cancelled",
            StepStatus::Skipped => "skipped",
        }
    }
}

struct Step {
    /// Taken by [`Suite::advance`] when the step starts.
    scenario: Option<Scenario>,
    kind: ScenarioKind,
    planned_ms: Millis,
    status: StepStatus,
    /// Its report's index in [`Suite::reports`], once it has ended.
    report: Option<usize>,
}

/// A validated suite in progress (or done).
pub struct Suite {
    steps: Vec<Step>,
    /// The step running now.
    current: Option<usize>,
    /// The user cancelled it.
    cancelled: bool,
    /// The reports of the steps that ended, in order.
    reports: Vec<Report>,
}

/// One step of the suite in the combined report.
#[derive(Debug, serde::Serialize)]
pub struct SuiteStepReport<'a> {
    /// 1-based position.
    pub step: usize,
    /// The scenario's name (`load`, `ramp-up` …).
    pub kind: &'static str,
    /// Its label.
    pub label: &'static str,
    /// pending, running, finished, cancelled or skipped.
    pub status: StepStatus,
    /// The scenario's verdict (SKIP until it has ended, and for a skipped step).
    pub verdict: Grade,
    /// How long it ran, ms (once it has ended).
    pub duration_ms: Option<Millis>,
    /// Its full scenario report (once it has ended).
    pub report: Option<&'a Report>,
}

/// The combined report: what the suite's JSON export and `wsConsole.runSuite()` give.
/// It borrows the steps' reports from the suite (a report is as big as its run's
/// configuration, and wasm memory never shrinks).
#[derive(Debug, serde::Serialize)]
pub struct SuiteReport<'a> {
    /// [`SUITE_SCHEMA`].
    pub schema: &'static str,
    /// [`SUITE_VERSION`].
    pub version: u32,
    /// running, finished or cancelled.
    pub status: SuiteStatus,
    /// Done so far, 0 to 1 (steps weighted by their planned durations).
    pub progress: f64,
    /// Every step, in order.
    pub steps: Vec<SuiteStepReport<'a>>,
    /// The worst step verdict (SKIP when none was judged).
    pub verdict: Grade,
}

impl SuiteReport<'_> {
    /// The report as compact JSON (indented by the page on download).
    pub fn to_json(&self) -> String {
        crate::compact::to_json(self).expect("a suite report always serialises")
    }
}

/// What the view shows of a suite, cheap to make and compare at every repaint.
#[derive(Clone, Debug, PartialEq)]
pub struct SuiteSummary {
    /// running, finished or cancelled.
    pub status: SuiteStatus,
    /// Done so far, 0 to 1.
    pub progress: f64,
    /// Each step's scenario, status and verdict.
    pub steps: Vec<(ScenarioKind, StepStatus, Grade)>,
    /// The worst step verdict.
    pub verdict: Grade,
}

/// A step that cannot run as given.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct StepError {
    /// 1-based position; 0 for the suite as a whole (empty, too long).
    pub step: usize,
    /// A sentence for the user, naming the step; never contains a token.
    pub message: String,
}

impl Suite {
    /// Validates every step of `plan` on `base` (the user's validated configuration);
    /// nothing starts while one is refused.
    pub fn new(plan: &SuitePlan, base: &RunConfig) -> Result<Suite, Vec<StepError>> {
        let whole = |message: String| Err(vec![StepError { step: 0, message }]);
        if plan.steps.is_empty() {
            return whole("Add at least one scenario to the suite".into());
        }
        if plan.steps.len() > MAX_SUITE_STEPS {
            return whole(format!(
                "A suite holds at most {MAX_SUITE_STEPS} scenarios; this one has {}",
                plan.steps.len()
            ));
        }
        let mut steps = Vec::with_capacity(plan.steps.len());
        let mut errors = Vec::new();
        for (i, raw) in plan.steps.iter().enumerate() {
            match Scenario::from_raw(raw, base) {
                Ok(sc) => steps.push(Step {
                    kind: sc.kind(),
                    planned_ms: sc.planned_ms().max(1.0),
                    scenario: Some(sc),
                    status: StepStatus::Pending,
                    report: None,
                }),
                Err(e) => errors.push(StepError {
                    step: i + 1,
                    message: step_message(i + 1, raw, &e),
                }),
            }
        }
        if errors.is_empty() {
            Ok(Suite {
                steps,
                current: None,
                cancelled: false,
                reports: Vec::with_capacity(plan.steps.len()),
            })
        } else {
            Err(errors)
        }
    }

    /// Moves the suite on: records the current step's end once `test` (the step, started as
    /// [`TestRun::suite_step`]) has ended, then hands out the next step's scenario to start,
    /// if any. Call it after every change; it does nothing while the current step runs.
    pub fn advance(&mut self, test: Option<&mut TestRun>, now: Millis) -> Option<Scenario> {
        if let Some(i) = self.current {
            let (status, report) = test.and_then(|t| t.take_step_report(now))?;
            let step = &mut self.steps[i];
            step.status = if status == ScenarioStatus::Cancelled {
                StepStatus::Cancelled
            } else {
                StepStatus::Finished
            };
            step.report = Some(self.reports.len());
            self.reports.push(report);
            self.current = None;
            if step.status == StepStatus::Cancelled {
                self.cancel();
            }
        }
        if self.cancelled {
            return None;
        }
        let i = self
            .steps
            .iter()
            .position(|s| s.status == StepStatus::Pending)?;
        self.current = Some(i);
        self.steps[i].status = StepStatus::Running;
        self.steps[i].scenario.take()
    }

    /// The user's Cancel: every step not yet started is skipped. (The running step is
    /// cancelled by the adapter, and recorded by the next [`Suite::advance`].)
    pub fn cancel(&mut self) {
        self.cancelled = true;
        for s in &mut self.steps {
            if s.status == StepStatus::Pending {
                s.status = StepStatus::Skipped;
                s.scenario = None;
            }
        }
    }

    /// Whether every step has ended or was skipped.
    pub fn is_finished(&self) -> bool {
        self.current.is_none()
            && self
                .steps
                .iter()
                .all(|s| !matches!(s.status, StepStatus::Pending | StepStatus::Running))
    }

    /// Done so far, 0 to 1: steps done plus the running step's time, each weighted by its
    /// planned duration. `elapsed_ms` is how long the running step has run. Time, not the
    /// step's own fraction, because that one steps back when a drain extends the plan; a
    /// step that overruns its plan stays just short of its share until it ends.
    pub fn progress(&self, elapsed_ms: Millis) -> f64 {
        if self.is_finished() {
            return 1.0;
        }
        let total: Millis = self.steps.iter().map(|s| s.planned_ms).sum();
        let done: Millis = self
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| match s.status {
                StepStatus::Pending => 0.0,
                StepStatus::Running if Some(i) == self.current => {
                    elapsed_ms.clamp(0.0, s.planned_ms * 0.99)
                }
                _ => s.planned_ms,
            })
            .sum();
        (done / total).min(0.99)
    }

    /// The combined report; `elapsed_ms` is how long the running step has run.
    pub fn report(&self, elapsed_ms: Millis) -> SuiteReport<'_> {
        let steps: Vec<SuiteStepReport> = self
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let report = s.report.map(|r| &self.reports[r]);
                SuiteStepReport {
                    step: i + 1,
                    kind: s.kind.as_str(),
                    label: s.kind.label(),
                    status: s.status,
                    verdict: report.map_or(Grade::Skip, |r| r.verdict),
                    duration_ms: report.map(|r| r.run.duration_ms),
                    report,
                }
            })
            .collect();
        SuiteReport {
            schema: SUITE_SCHEMA,
            version: SUITE_VERSION,
            status: self.status(),
            progress: self.progress(elapsed_ms),
            verdict: Grade::overall(steps.iter().map(|s| s.verdict)),
            steps,
        }
    }

    /// What the view shows; `elapsed_ms` is how long the running step has run.
    pub fn summary(&self, elapsed_ms: Millis) -> SuiteSummary {
        let steps: Vec<(ScenarioKind, StepStatus, Grade)> = self
            .steps
            .iter()
            .map(|s| {
                let verdict = s.report.map_or(Grade::Skip, |r| self.reports[r].verdict);
                (s.kind, s.status, verdict)
            })
            .collect();
        SuiteSummary {
            status: self.status(),
            progress: self.progress(elapsed_ms),
            verdict: Grade::overall(steps.iter().map(|s| s.2)),
            steps,
        }
    }

    /// The reports of the steps that ran, in order (for the JUnit export: a testsuite each).
    pub fn reports(&self) -> &[Report] {
        &self.reports
    }

    fn status(&self) -> SuiteStatus {
        if !self.is_finished() {
            SuiteStatus::Running
        } else if self.cancelled {
            SuiteStatus::Cancelled
        } else {
            SuiteStatus::Finished
        }
    }
}

/// "Step 2 (Ramp-up): …" for every message of a refused step.
fn step_message(n: usize, raw: &RawScenarioParams, errors: &[ParamError]) -> String {
    let why: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    format!("Step {n} ({}): {}", raw.kind.label(), why.join("; "))
}
