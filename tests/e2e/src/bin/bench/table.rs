//! The bench's output: one row per target measurement, printed as a table and written to
//! `target/bench/bench.json` and `target/bench/bench.md` (pasteable into the README).
//!
//! A row keeps its figures as text for people and as numbers for tools, and its verdict is
//! computed here from the numbers, so the table cannot say PASS for a figure it does not show.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Row {
    /// SPEC target: P1, P2, P3, P5, P6.
    pub id: &'static str,
    pub workload: String,
    pub reference: String,
    pub console: String,
    /// console / reference, where the target is a ratio or both sides have the figure.
    pub ratio: Option<f64>,
    pub target: String,
    /// `None`: not measured (FAIL with the note, or "n/a" when the figure does not exist).
    pub pass: Option<bool>,
    pub note: String,
    /// The raw numbers behind the figures.
    pub data: Value,
    /// A figure the SPEC sets no target for: shown, never judged.
    pub informational: bool,
}

impl Row {
    pub fn new(id: &'static str, workload: impl Into<String>, target: impl Into<String>) -> Row {
        Row {
            id,
            workload: workload.into(),
            reference: "—".into(),
            console: "—".into(),
            ratio: None,
            target: target.into(),
            pass: None,
            note: String::new(),
            data: Value::Null,
            informational: false,
        }
    }

    /// A figure recorded without a target (result "info", not counted among the targets).
    pub fn informational(id: &'static str, workload: impl Into<String>) -> Row {
        Row {
            informational: true,
            ..Row::new(id, workload, "— (no target)")
        }
    }

    /// A workload that could not be measured: FAIL, with the reason.
    pub fn failed(id: &'static str, workload: &str, target: &str, reason: &str) -> Row {
        let mut row = Row::new(id, workload, target);
        row.console = "error".into();
        row.note = reason.to_string();
        row
    }

    pub fn verdict(&self) -> &'static str {
        match self.pass {
            Some(true) => "PASS",
            Some(false) => "FAIL",
            // Nothing to judge (e.g. the report lacks the figure): not a pass.
            None if self.console == "n/a" => "n/a",
            None if self.informational && self.console != "error" => "info",
            None => "FAIL",
        }
    }

    fn cells(&self) -> [String; 7] {
        [
            self.id.to_string(),
            self.workload.clone(),
            self.reference.clone(),
            self.console.clone(),
            self.ratio.map_or("—".into(), |r| format!("{r:.2}")),
            self.target.clone(),
            self.verdict().to_string(),
        ]
    }
}

/// Milliseconds with a precision that suits their size.
pub fn ms(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.2} ms")
    } else if v < 1000.0 {
        format!("{v:.1} ms")
    } else {
        format!("{:.2} s", v / 1000.0)
    }
}

/// A whole number with thousands separators.
pub fn int(v: f64) -> String {
    let s = format!("{:.0}", v.max(0.0));
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

const HEADER: [&str; 7] = [
    "target",
    "workload",
    "reference",
    "console",
    "ratio",
    "target value",
    "result",
];

pub fn print(rows: &[Row]) {
    let cells: Vec<[String; 7]> = rows.iter().map(Row::cells).collect();
    let mut width = HEADER.map(|h| h.chars().count());
    for r in &cells {
        for (w, c) in width.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |r: &[String]| {
        let padded: Vec<String> = r
            .iter()
            .zip(width)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
            .collect();
        println!("{}", padded.join("  ").trim_end());
    };
    println!();
    line(&HEADER.map(String::from));
    line(&width.map(|w| "-".repeat(w)));
    for r in &cells {
        line(r);
    }
    for r in rows.iter().filter(|r| !r.note.is_empty()) {
        println!("  {} {}: {}", r.id, r.workload, r.note);
    }
    let passed = rows.iter().filter(|r| r.pass == Some(true)).count();
    let judged = rows.iter().filter(|r| !r.informational).count();
    println!("\n{passed} of {judged} targets met");
}

fn markdown(rows: &[Row]) -> String {
    let mut md = format!("| {} |\n|{}\n", HEADER.join(" | "), " --- |".repeat(7));
    for r in rows {
        let cells = r.cells().map(|c| c.replace('|', "\\|"));
        md.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    let notes: Vec<&Row> = rows.iter().filter(|r| !r.note.is_empty()).collect();
    if !notes.is_empty() {
        md.push('\n');
        for r in notes {
            md.push_str(&format!("- {} {}: {}\n", r.id, r.workload, r.note));
        }
    }
    md
}

/// Writes `bench.json` and `bench.md` into `dir`; returns the JSON path.
pub fn write(rows: &[Row], dir: &Path, context: Value) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let rows_json: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "target": r.id, "workload": r.workload, "reference": r.reference,
                "console": r.console, "ratio": r.ratio, "target_value": r.target,
                "result": r.verdict(), "note": r.note, "data": r.data,
            })
        })
        .collect();
    let doc = json!({ "schema": "ws-console/bench", "version": 1, "context": context, "rows": rows_json });
    let path = dir.join("bench.json");
    std::fs::write(&path, serde_json::to_string_pretty(&doc)? + "\n")?;
    std::fs::write(dir.join("bench.md"), markdown(rows))?;
    Ok(path)
}

/// P6 from criterion's `per_message/on_text_match` estimates (run by `cargo xtask bench`
/// before this binary). Says how old the estimate is, so a stale file is not mistaken for news.
pub fn engine_row(criterion_dir: &Path) -> Row {
    let mut row = Row::new("P6", "engine on_text_match per message", "≤ 2 µs");
    let path = criterion_dir.join("per_message/on_text_match/new/estimates.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            row.console = "n/a".into();
            row.note = format!(
                "{}: {e} (run `cargo bench -p ws-console-engine`)",
                path.display()
            );
            return row;
        }
    };
    let v: Value = serde_json::from_str(&text).unwrap_or_default();
    let estimate = |name: &str| {
        v.pointer(&format!("/{name}/point_estimate"))
            .and_then(Value::as_f64)
    };
    // Criterion reports the slope where it has one (iter_custom's linear sampling), else the mean.
    let Some(ns) = estimate("slope").or_else(|| estimate("mean")) else {
        row.note = format!("{}: no estimate", path.display());
        return row;
    };
    let age = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .map_or(0, |d| d.as_secs());
    row.console = if ns < 100.0 {
        format!("{ns:.1} ns")
    } else {
        format!("{:.2} µs", ns / 1000.0)
    };
    let mut notes = Vec::new();
    if ns < 50.0 {
        // Parsing a reply alone takes longer: the benchmark is not doing the work it names.
        notes.push("implausibly fast: the benchmark probably measures nothing".to_string());
    } else {
        row.pass = Some(ns <= 2000.0);
    }
    if age > 3600 {
        notes.push(format!("criterion estimate is {} min old", age / 60));
    }
    row.note = notes.join("; ");
    row.data = json!({
        "estimate_ns": ns, "mean_ns": estimate("mean"), "median_ns": estimate("median"), "age_s": age,
    });
    row
}
