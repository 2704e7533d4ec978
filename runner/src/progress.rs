//! Progress while the scenario runs, one line at a time on stderr, as k6 prints its own.
//!
//! A CI log that stays silent for the length of a soak looks like a hung job, and jobs that
//! look hung get killed. So every few seconds the runner reads the console's report through
//! its handle and prints how far the scenario is, what it has sent and matched, and how many
//! sessions are open. stdout is left for the summary, so a pipeline can still capture it.

use serde_json::Value;
use std::time::Duration;

/// `0m05.0s`, k6's way of writing an elapsed time.
fn clock(elapsed: Duration) -> String {
    let tenths = elapsed.as_millis() / 100;
    let (minutes, rest) = (tenths / 600, tenths % 600);
    format!("{minutes}m{:02}.{}s", rest / 10, rest % 10)
}

/// The lines of one run. The console's fraction is an estimate that can step back (a drain
/// adds its reply timeout to what remains); a log that reads 69 % then 23 % looks broken, so
/// the line shows the furthest point reached, and the phase says what is under way.
#[derive(Default)]
pub struct Progress {
    furthest: f64,
}

impl Progress {
    /// The line for `report` (the console's report JSON, read while it runs) at `elapsed`.
    pub fn line(&mut self, elapsed: Duration, report: &Value) -> String {
        let fraction = report["scenario"]["progress"].as_f64().unwrap_or(0.0);
        self.furthest = self.furthest.max(fraction.clamp(0.0, 1.0));
        line(elapsed, report, self.furthest)
    }
}

fn line(elapsed: Duration, report: &Value, fraction: f64) -> String {
    let percent = (fraction * 100.0).floor();
    // The phase under way is the last one without an end; after the end, the status.
    let phase = report["phases"]
        .as_array()
        .and_then(|phases| phases.iter().rev().find(|p| p["ended_at"].is_null()))
        .and_then(|p| p["name"].as_str())
        .or(report["status"].as_str())
        .unwrap_or("-");
    let totals = &report["totals"];
    let n = &totals["counters"];
    format!(
        "running ({}), {}/{} sessions open, {} [{percent:>3.0}% ] {phase}, sent={} matched={} lost={}",
        clock(elapsed),
        totals["active"],
        totals["sessions"],
        report["scenario"]["kind"].as_str().unwrap_or("?"),
        n["sent"],
        n["matched"],
        n["lost"],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn says_how_far_what_went_through_and_what_is_open() {
        let mut report = json!({
            "scenario": {"kind": "load", "progress": 0.4266},
            "phases": [
                {"name": "connect", "ended_at": 1.0},
                {"name": "send", "ended_at": null},
            ],
            "totals": {"sessions": 5, "active": 4,
                "counters": {"sent": 120, "matched": 118, "lost": 1}},
        });
        let mut progress = Progress::default();
        assert_eq!(
            progress.line(Duration::from_millis(65_290), &report),
            "running (1m05.2s), 4/5 sessions open, load [ 42% ] send, sent=120 matched=118 lost=1"
        );
        // The drain's estimate steps back; the line does not.
        report["scenario"]["progress"] = json!(0.2);
        report["phases"][1]["ended_at"] = json!(2.0);
        report["phases"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "drain", "ended_at": null}));
        let l = progress.line(Duration::from_secs(66), &report);
        assert!(l.contains("load [ 42% ] drain,"), "{l}");
    }

    #[test]
    fn a_report_without_an_open_phase_names_its_status() {
        let report = json!({
            "status": "finished",
            "scenario": {"kind": "auth", "progress": 1.0},
            "phases": [],
            "totals": {"sessions": 2, "active": 0, "counters": {"sent": 0, "matched": 0, "lost": 0}},
        });
        let l = Progress::default().line(Duration::from_secs(3), &report);
        assert!(
            l.starts_with("running (0m03.0s), 0/2 sessions open, auth [100% ] finished,"),
            "{l}"
        );
    }
}
