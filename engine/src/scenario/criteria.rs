//! Verdicts per criterion (F12): a target, the measured value, and PASS / WARN / FAIL.
//!
//! Criteria that F10 covers are judged by its thresholds and mapped like this: good → PASS;
//! fair and warning → WARN (the measure missed its good band); critical → FAIL. A criterion
//! with no data is FAIL when the scenario exists to measure it (a load test that matched
//! no reply failed), and SKIP when it is a side measure (the heap in a browser without
//! `performance.memory`). The overall verdict is the worst judged criterion; SKIP counts
//! for nothing.

use crate::run::Run;
use crate::thresholds::{Level, Measure, Verdict};
use crate::{Millis, Thresholds};

/// The judgement of one criterion, or of a whole scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Grade {
    /// Not judged (nothing to measure here, e.g. no heap figures in this browser).
    Skip,
    /// Met the target.
    Pass,
    /// Missed the target, within the warning band.
    Warn,
    /// Failed.
    Fail,
}

impl Grade {
    /// CSS-friendly name (`wsc-verdict--{as_str}`).
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::Skip => "skip",
            Grade::Pass => "pass",
            Grade::Warn => "warn",
            Grade::Fail => "fail",
        }
    }

    /// What the verdict badge shows: `PASS`, `WARN`, `FAIL` or `SKIP`.
    pub fn label(self) -> &'static str {
        match self {
            Grade::Skip => "SKIP",
            Grade::Pass => "PASS",
            Grade::Warn => "WARN",
            Grade::Fail => "FAIL",
        }
    }

    /// An F10 level as a grade; `required` decides what "no data" means.
    pub fn from_level(level: Level, required: bool) -> Grade {
        match level {
            Level::Good => Grade::Pass,
            Level::Fair | Level::Warning => Grade::Warn,
            Level::Critical => Grade::Fail,
            Level::NoData if required => Grade::Fail,
            Level::NoData => Grade::Skip,
        }
    }

    /// The worst judged grade of `grades`; SKIP when none was judged.
    pub fn overall(grades: impl IntoIterator<Item = Grade>) -> Grade {
        grades
            .into_iter()
            .filter(|g| *g != Grade::Skip)
            .max()
            .unwrap_or(Grade::Skip)
    }
}

/// One judged criterion.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Criterion {
    /// Stable id, e.g. `message-success`, `recovery-time`.
    pub id: &'static str,
    /// Human label.
    pub label: &'static str,
    /// What passes, as text (e.g. "> 95 %").
    pub target: String,
    /// What was measured, as text (e.g. "97.2 %", "no data").
    pub measured: String,
    /// The measured value as a number, when there is one (unit as in `measured`).
    pub value: Option<f64>,
    /// The judgement.
    pub grade: Grade,
}

impl Criterion {
    pub(crate) fn new(
        id: &'static str,
        label: &'static str,
        target: impl Into<String>,
        measured: impl Into<String>,
        value: Option<f64>,
        grade: Grade,
    ) -> Criterion {
        Criterion {
            id,
            label,
            target: target.into(),
            measured: measured.into(),
            value,
            grade,
        }
    }

    /// An F10 verdict as a criterion.
    pub(crate) fn from_verdict(v: &Verdict, required: bool) -> Criterion {
        let grade = Grade::from_level(v.level, required);
        let measured = if v.level == Level::NoData && required {
            "no data: nothing was measured".to_string()
        } else {
            v.measured.clone()
        };
        Criterion::new(
            v.measure.as_str(),
            v.measure.label(),
            v.target.clone(),
            measured,
            v.value,
            grade,
        )
    }
}

/// Reads the run's F10 verdicts once and hands them out as criteria.
pub(crate) struct F10 {
    verdicts: Vec<Verdict>,
}

impl F10 {
    pub(crate) fn of(run: &Run, now: Millis) -> F10 {
        F10 {
            verdicts: run.verdicts(now),
        }
    }

    pub(crate) fn get(&self, measure: Measure, required: bool) -> Criterion {
        let v = self
            .verdicts
            .iter()
            .find(|v| v.measure == measure)
            .cloned()
            .unwrap_or(Verdict {
                measure,
                level: Level::NoData,
                target: String::new(),
                measured: "no data".into(),
                value: None,
            });
        Criterion::from_verdict(&v, required)
    }
}

/// The heap trend. Without a trend it is SKIP — or WARN when `required`: the scenario
/// could not judge what it exists for, but a browser without `performance.memory` is no
/// failure of the system under test.
pub(crate) fn heap(f10: &F10, run: &Run, required: bool) -> Criterion {
    let c = f10.get(Measure::Heap, false);
    if c.grade != Grade::Skip {
        return c;
    }
    let coarse = run.heap_trend().is_some_and(|t| t.coarse);
    // The JS heap reading never moved: judge the console's own (exact) wasm memory instead,
    // and say so.
    if coarse && let Some(w) = run.wasm_trend() {
        let (level, word) = run.config().thresholds.heap_level(Some(&w));
        if level != crate::thresholds::Level::NoData {
            return Criterion {
                measured: format!(
                    "wasm memory {word} ({:+.2} MB/min); the JS heap reading never moved (coarse in this browser)",
                    w.mb_per_min
                ),
                value: Some(w.mb_per_min),
                grade: Grade::from_level(level, required),
                ..c
            };
        }
    }
    let measured = if coarse {
        "no data: the JS heap reading never moved (coarse in this browser)"
    } else if run.heap_available() {
        "no data: less than a minute of heap samples"
    } else {
        "not available: heap figures need Chromium's performance.memory"
    };
    Criterion {
        measured: measured.into(),
        grade: if required { Grade::Warn } else { Grade::Skip },
        ..c
    }
}

/// A count that must be zero: PASS at 0, else `bad`.
pub(crate) fn zero(
    id: &'static str,
    label: &'static str,
    n: u64,
    what: &str,
    bad: Grade,
) -> Criterion {
    Criterion::new(
        id,
        label,
        "0",
        format!("{n} {what}"),
        Some(n as f64),
        if n == 0 { Grade::Pass } else { bad },
    )
}

/// A ratio judged with the F10 success-rate bands; "no data" when `of` is 0.
pub(crate) fn ratio(
    th: &Thresholds,
    id: &'static str,
    label: &'static str,
    ok: u64,
    of: u64,
    required: bool,
) -> Criterion {
    let target = format!("> {} %", th.success_good_pct);
    if of == 0 {
        let grade = Grade::from_level(Level::NoData, required);
        return Criterion::new(
            id,
            label,
            target,
            "no data: nothing was measured",
            None,
            grade,
        );
    }
    let pct = (ok as f64 * 100.0 / of as f64).min(100.0);
    Criterion::new(
        id,
        label,
        target,
        format!("{pct:.1} % ({ok} of {of})"),
        Some(pct),
        Grade::from_level(th.success_level(pct), required),
    )
}

/// A latency judged with the F10 average-RTT bands.
pub(crate) fn latency(
    th: &Thresholds,
    id: &'static str,
    label: &'static str,
    mean: Option<f64>,
    required: bool,
) -> Criterion {
    let target = format!("< {} ms", th.rtt_good_ms);
    match mean {
        None => Criterion::new(
            id,
            label,
            target,
            "no data: nothing was measured",
            None,
            Grade::from_level(Level::NoData, required),
        ),
        Some(ms) => Criterion::new(
            id,
            label,
            target,
            format!("{ms:.1} ms"),
            Some(ms),
            Grade::from_level(th.rtt_level(ms), required),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_map_to_grades() {
        assert_eq!(Grade::from_level(Level::Good, true), Grade::Pass);
        assert_eq!(Grade::from_level(Level::Fair, true), Grade::Warn);
        assert_eq!(Grade::from_level(Level::Warning, false), Grade::Warn);
        assert_eq!(Grade::from_level(Level::Critical, false), Grade::Fail);
        assert_eq!(Grade::from_level(Level::NoData, true), Grade::Fail);
        assert_eq!(Grade::from_level(Level::NoData, false), Grade::Skip);
    }

    #[test]
    fn overall_is_the_worst_judged() {
        use Grade::*;
        assert_eq!(Grade::overall([Pass, Skip, Pass]), Pass);
        assert_eq!(Grade::overall([Pass, Warn, Skip]), Warn);
        assert_eq!(Grade::overall([Fail, Warn, Pass]), Fail);
        assert_eq!(Grade::overall([Skip]), Skip);
        assert_eq!(Grade::overall([]), Skip);
        assert_eq!(serde_json::to_string(&Fail).unwrap(), "\"FAIL\"");
    }

    #[test]
    fn ratio_and_latency_follow_f10() {
        let th = Thresholds::default();
        assert_eq!(ratio(&th, "x", "X", 99, 100, true).grade, Grade::Pass);
        assert_eq!(ratio(&th, "x", "X", 92, 100, true).grade, Grade::Warn);
        assert_eq!(ratio(&th, "x", "X", 50, 100, true).grade, Grade::Fail);
        assert_eq!(ratio(&th, "x", "X", 0, 0, true).grade, Grade::Fail);
        assert_eq!(ratio(&th, "x", "X", 0, 0, false).grade, Grade::Skip);
        assert_eq!(latency(&th, "l", "L", Some(3.0), true).grade, Grade::Pass);
        assert_eq!(latency(&th, "l", "L", Some(700.0), true).grade, Grade::Warn);
        assert_eq!(
            latency(&th, "l", "L", Some(1700.0), true).grade,
            Grade::Fail
        );
        assert_eq!(
            zero("d", "D", 2, "duplicates", Grade::Fail).grade,
            Grade::Fail
        );
    }
}
