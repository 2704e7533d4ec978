//! The bookkeeping every scenario shares: status, phases with their times, the planned
//! end for the progress bar, and the final drain.

use crate::ScenarioKind;
use crate::config::RunConfig;
use crate::ids::Millis;
use crate::log::LogLevel;
use crate::run::Run;

/// Where a scenario is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScenarioStatus {
    /// Built, not started.
    Ready,
    /// Running.
    Running,
    /// Ran to the end.
    Finished,
    /// Cancelled by the user.
    Cancelled,
}

impl ScenarioStatus {
    /// CSS-friendly name.
    pub fn as_str(self) -> &'static str {
        match self {
            ScenarioStatus::Ready => "ready",
            ScenarioStatus::Running => "running",
            ScenarioStatus::Finished => "finished",
            ScenarioStatus::Cancelled => "cancelled",
        }
    }
}

/// One phase of a scenario (e.g. `connect`, `load`, `outage 2`, `drain`).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ScenarioPhase {
    /// Its name.
    pub name: String,
    /// When it began (ms, same origin as every `now`).
    pub started_at: Millis,
    /// When it ended; `None` while it runs.
    pub ended_at: Option<Millis>,
}

/// What the progress bar shows.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Progress {
    /// Done so far, 0 to 1.
    pub fraction: f64,
    /// Since the start, ms.
    pub elapsed_ms: Millis,
    /// Expected until the end, ms (an estimate while a phase waits on the network).
    pub remaining_ms: Millis,
    /// The current (or last) phase's name; empty before the start.
    pub phase: String,
    /// The scenario's status.
    pub status: ScenarioStatus,
}

/// Phases are few (a memory-leak run of 1000 cycles has 2000); keep a hard bound anyway.
const MAX_PHASES: usize = 4096;

#[derive(Debug)]
pub(crate) struct Core {
    pub kind: ScenarioKind,
    pub status: ScenarioStatus,
    pub started_at: Option<Millis>,
    pub ended_at: Option<Millis>,
    pub phases: Vec<ScenarioPhase>,
    planned_ms: Millis,
    planned_end: Option<Millis>,
    drain_until: Option<Millis>,
    reply_timeout_ms: Millis,
}

impl Core {
    pub(crate) fn new(kind: ScenarioKind, cfg: &RunConfig, planned_ms: Millis) -> Core {
        Core {
            kind,
            status: ScenarioStatus::Ready,
            started_at: None,
            ended_at: None,
            phases: Vec::new(),
            planned_ms,
            planned_end: None,
            drain_until: None,
            reply_timeout_ms: cfg.reply_timeout_ms,
        }
    }

    pub(crate) fn begin(&mut self, run: &mut Run, now: Millis) {
        self.status = ScenarioStatus::Running;
        self.started_at = Some(now);
        self.planned_end = Some(now + self.planned_ms);
        run.note(
            now,
            LogLevel::Info,
            &format!("scenario {} started", self.kind.label()),
        );
    }

    /// Ends the current phase and begins `name`.
    pub(crate) fn enter(&mut self, name: impl Into<String>, run: &mut Run, now: Millis) {
        let name = name.into();
        if let Some(last) = self.phases.last_mut() {
            last.ended_at.get_or_insert(now);
        }
        if self.phases.len() >= MAX_PHASES {
            self.phases.remove(0);
        }
        run.note(now, LogLevel::Info, &format!("scenario phase: {name}"));
        self.phases.push(ScenarioPhase {
            name,
            started_at: now,
            ended_at: None,
        });
    }

    /// How long the scenario was planned to take when it was built.
    pub(crate) fn planned_ms(&self) -> Millis {
        self.planned_ms
    }

    /// The current phase's name.
    pub(crate) fn phase(&self) -> &str {
        self.phases.last().map_or("", |p| p.name.as_str())
    }

    /// Moves the expected end (a phase learned how long it will take).
    pub(crate) fn plan_end(&mut self, at: Millis) {
        self.planned_end = Some(at);
    }

    /// Stops sending and waits for the last replies (at most one reply timeout).
    pub(crate) fn drain(&mut self, run: &mut Run, now: Millis) {
        run.set_auto_send(false, now);
        self.enter("drain", run, now);
        let until = now + self.reply_timeout_ms + 1.0;
        self.drain_until = Some(until);
        self.planned_end = Some(until);
    }

    pub(crate) fn draining(&self) -> bool {
        self.drain_until.is_some()
    }

    /// Whether the drain is over: nothing pending, queued or held back, or the timeout passed.
    pub(crate) fn drained(&self, run: &Run, now: Millis) -> bool {
        let quiet = run.counters().pending == 0 && run.queued_now() == 0 && run.held_now() == 0;
        quiet || self.drain_until.is_some_and(|t| now >= t)
    }

    /// Closes the last phase, stops the run and records the end.
    pub(crate) fn close(&mut self, run: &mut Run, now: Millis, status: ScenarioStatus) {
        if let Some(last) = self.phases.last_mut() {
            last.ended_at.get_or_insert(now);
        }
        self.status = status;
        self.ended_at = Some(now);
        let how = if status == ScenarioStatus::Cancelled {
            "cancelled"
        } else {
            "finished"
        };
        run.halt(now, &format!("scenario {} {how}", self.kind.label()));
    }

    pub(crate) fn progress(&self, now: Millis) -> Progress {
        let phase = self.phase().to_owned();
        let Some(start) = self.started_at else {
            return Progress {
                fraction: 0.0,
                elapsed_ms: 0.0,
                remaining_ms: self.planned_ms,
                phase,
                status: self.status,
            };
        };
        if let Some(end) = self.ended_at {
            return Progress {
                fraction: 1.0,
                elapsed_ms: end - start,
                remaining_ms: 0.0,
                phase,
                status: self.status,
            };
        }
        let elapsed = (now - start).max(0.0);
        let remaining = self.planned_end.map_or(0.0, |e| (e - now).max(0.0));
        let fraction = if elapsed + remaining > 0.0 {
            // Never 1 before the end: a phase may still be waiting on the network.
            (elapsed / (elapsed + remaining)).min(0.99)
        } else {
            0.0
        };
        Progress {
            fraction,
            elapsed_ms: elapsed,
            remaining_ms: remaining,
            phase,
            status: self.status,
        }
    }
}
