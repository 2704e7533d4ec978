//! The readiness checklist's shape: a status per check, checks in groups, and the pass
//! rates — passed / graded, where a skipped check and one a browser cannot make are not
//! graded. Kept apart from the driver, as the report and the view read only this.

use crate::ids::Millis;
use crate::scenario::Grade;

/// How a check came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckStatus {
    /// Met.
    Pass,
    /// Missed.
    Fail,
    /// Met with a reservation.
    Warn,
    /// Not run (switched off, or nothing to check); not graded.
    Skip,
    /// A browser cannot do it (header auth); not graded.
    NotPossible,
}

impl CheckStatus {
    /// What the table shows, and the `data-status` value.
    pub fn label(self) -> &'static str {
        match self {
            CheckStatus::Pass => "PASS",
            CheckStatus::Fail => "FAIL",
            CheckStatus::Warn => "WARN",
            CheckStatus::Skip => "SKIP",
            CheckStatus::NotPossible => "not possible from a browser",
        }
    }

    fn graded(self) -> bool {
        matches!(
            self,
            CheckStatus::Pass | CheckStatus::Fail | CheckStatus::Warn
        )
    }

    pub(super) fn grade(self) -> Grade {
        match self {
            CheckStatus::Pass => Grade::Pass,
            CheckStatus::Fail => Grade::Fail,
            CheckStatus::Warn => Grade::Warn,
            CheckStatus::Skip | CheckStatus::NotPossible => Grade::Skip,
        }
    }
}

/// One row of the checklist.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Check {
    /// Stable id, e.g. `auth-header`.
    pub id: &'static str,
    /// What is checked.
    pub name: &'static str,
    /// How it came out.
    pub status: CheckStatus,
    /// How long it took (a request, a connect, a reply), ms.
    pub time_ms: Option<Millis>,
    /// What was seen, or why not (token redacted).
    pub detail: String,
}

/// A group of checks with its pass rate.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CheckGroup {
    /// The group's name.
    pub name: &'static str,
    /// Checks that passed.
    pub passed: u32,
    /// Checks graded (skipped and not-possible ones are not).
    pub graded: u32,
    /// passed / graded, %; `None` when nothing was graded.
    pub rate_pct: Option<f64>,
    /// Its checks, in order.
    pub checks: Vec<Check>,
}

/// The whole checklist: groups, and the overall pass rate.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Checklist {
    /// The groups, in order.
    pub groups: Vec<CheckGroup>,
    /// Checks passed, in all.
    pub passed: u32,
    /// Checks graded, in all.
    pub graded: u32,
    /// passed / graded, %.
    pub rate_pct: Option<f64>,
}

fn rate(passed: u32, graded: u32) -> Option<f64> {
    (graded > 0).then(|| f64::from(passed) * 100.0 / f64::from(graded))
}

impl Checklist {
    /// Groups `rows` (group name, check) in order of first appearance and counts the rates.
    pub(crate) fn of(rows: Vec<(&'static str, Check)>) -> Checklist {
        let mut list = Checklist::default();
        for (group, check) in rows {
            let g = match list.groups.iter_mut().position(|g| g.name == group) {
                Some(i) => &mut list.groups[i],
                None => {
                    list.groups.push(CheckGroup {
                        name: group,
                        passed: 0,
                        graded: 0,
                        rate_pct: None,
                        checks: Vec::new(),
                    });
                    list.groups.last_mut().expect("just pushed")
                }
            };
            g.graded += u32::from(check.status.graded());
            g.passed += u32::from(check.status == CheckStatus::Pass);
            g.checks.push(check);
        }
        for g in &mut list.groups {
            g.rate_pct = rate(g.passed, g.graded);
            list.passed += g.passed;
            list.graded += g.graded;
        }
        list.rate_pct = rate(list.passed, list.graded);
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(id: &'static str, status: CheckStatus) -> Check {
        Check {
            id,
            name: id,
            status,
            time_ms: None,
            detail: String::new(),
        }
    }

    #[test]
    fn rates_count_only_graded_checks() {
        let list = Checklist::of(vec![
            ("A", check("a1", CheckStatus::Pass)),
            ("B", check("b1", CheckStatus::NotPossible)),
            ("A", check("a2", CheckStatus::Fail)),
            ("A", check("a3", CheckStatus::Skip)),
            ("B", check("b2", CheckStatus::Pass)),
            ("C", check("c1", CheckStatus::Skip)),
        ]);
        let names: Vec<_> = list.groups.iter().map(|g| g.name).collect();
        assert_eq!(names, ["A", "B", "C"]);
        let a = &list.groups[0];
        assert_eq!((a.passed, a.graded, a.rate_pct), (1, 2, Some(50.0)));
        let b = &list.groups[1];
        assert_eq!((b.passed, b.graded, b.rate_pct), (1, 1, Some(100.0)));
        assert_eq!(list.groups[2].rate_pct, None);
        assert_eq!((list.passed, list.graded), (2, 3));
        assert!((list.rate_pct.unwrap() - 66.666).abs() < 0.01);
    }
}
