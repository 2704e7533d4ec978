//! What must be true of the console after anything at all (SPEC R1, R4): it did not panic,
//! `sent = matched + lost + pending` holds, every queued message is delivered, still queued or
//! reported, and memory is bounded — the log at or under its capacity, the captured frames
//! at or under theirs, wasm linear memory under a sane ceiling.
//!
//! One reading ([`HEALTH_JS`], a single script so the report, the log count and the panic
//! banner are taken at the same moment) and one judgement ([`Health::problems`]) shared by
//! the end-to-end tests, which fail on any problem, and the bench's soak, which reports them
//! in its table. The judgement returns problems rather than panicking, so the bench can keep
//! going.

use crate::console::whole;
use serde_json::Value;

/// Run in the page: the report, the panic banner's text (the panic hook's
/// `data-testid="panic"`, or null) and the log panel's count line.
pub const HEALTH_JS: &str = "\
    const panic = document.querySelector('[data-testid=\"panic\"]');\
    const log = document.querySelector('[data-testid=\"log-count\"]');\
    return {\
        report: window.wsConsole ? window.wsConsole.report() : null,\
        panic: panic ? panic.textContent : null,\
        log_count: log ? log.textContent : null,\
    };";

/// A ceiling for wasm linear memory: the console runs in about 2 MB, the bench's 30-minute
/// soak stays flat near 4 MB, and 1.1 MB frames each way (clipped to 64 KB when captured, to
/// 1,000 characters in the log) take it to about 6 MB. Linear memory never shrinks, so any
/// unbounded spike on the way stays visible here.
pub const WASM_CEILING_BYTES: u64 = 16 << 20;

/// The console's state as [`HEALTH_JS`] read it.
#[derive(Debug, Clone)]
pub struct Health {
    /// The report (`window.wsConsole.report()`).
    pub report: Value,
    /// The panic banner's text, if the console panicked.
    pub panic: Option<String>,
    /// The log panel's count line: "N matching of M kept[ · K older entries let go …]".
    pub log_count: Option<String>,
}

impl Health {
    /// Takes apart what [`HEALTH_JS`] returned.
    pub fn from_page(v: &Value) -> Health {
        Health {
            report: v["report"].clone(),
            panic: v["panic"].as_str().map(str::to_owned),
            log_count: v["log_count"].as_str().map(str::to_owned),
        }
    }

    /// Log entries kept, from the count line.
    pub fn log_kept(&self) -> Result<u64, String> {
        let line = self
            .log_count
            .as_deref()
            .ok_or("no log count on the page")?;
        line.split(" of ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| format!("log count not understood: {line:?}"))
    }

    /// Everything wrong with the console's state; empty when all is well.
    pub fn problems(&self, wasm_ceiling: u64) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(text) = &self.panic {
            out.push(format!("the console panicked: {text}"));
        }
        if !self.report.is_object() {
            out.push(format!("no report from window.wsConsole: {}", self.report));
            return out;
        }
        for check in [
            Self::invariant,
            Self::queues,
            Self::log_bound,
            Self::frames_bound,
        ] {
            if let Err(e) = check(self) {
                out.push(e);
            }
        }
        if let Err(e) = self.wasm_bound(wasm_ceiling) {
            out.push(e);
        }
        out
    }

    /// `sent = matched + lost + pending` in `invariant`, in the totals (which must equal it),
    /// and for every session row; and `invariant.holds`.
    fn invariant(&self) -> Result<(), String> {
        let r = &self.report;
        let inv = &r["invariant"];
        if inv["holds"] != Value::Bool(true) {
            return Err(format!("invariant.holds is not true: {inv}"));
        }
        let four = |v: &Value| -> Result<[u64; 4], String> {
            Ok([
                whole(v, "/sent")?,
                whole(v, "/matched")?,
                whole(v, "/lost")?,
                whole(v, "/pending")?,
            ])
        };
        let sums = |[s, m, l, p]: [u64; 4]| s == m + l + p;
        let i = four(inv)?;
        let t = four(&r["totals"]["counters"])?;
        if !sums(i) || t != i {
            return Err(format!(
                "sent = matched + lost + pending fails: invariant {i:?}, totals {t:?}"
            ));
        }
        let rows = r["sessions"]
            .as_array()
            .ok_or("no sessions[] in the report")?;
        for (n, row) in rows.iter().enumerate() {
            let c = four(row)?;
            if !sums(c) {
                return Err(format!(
                    "session {n}: sent = matched + lost + pending fails: {c:?}"
                ));
            }
        }
        Ok(())
    }

    /// Every queued message is still queued or was flushed (`queued = queue_flushed +
    /// queued_now`), and every flushed one was answered, reported lost or is still pending
    /// (all of them answered or lost once nothing is pending).
    fn queues(&self) -> Result<(), String> {
        let c = &self.report["totals"]["counters"];
        let queued = whole(c, "/queued")?;
        let flushed = whole(c, "/queue_flushed")?;
        let now = whole(&self.report, "/totals/queued_now")?;
        let resolved = whole(c, "/queue_delivered")? + whole(c, "/queue_lost")?;
        let pending = whole(c, "/pending")?;
        if queued != flushed + now {
            return Err(format!(
                "queued messages unaccounted for: queued {queued} ≠ flushed {flushed} + still \
                 queued {now}"
            ));
        }
        if resolved > flushed || (pending == 0 && resolved != flushed) {
            return Err(format!(
                "flushed messages unaccounted for: flushed {flushed}, delivered + lost \
                 {resolved}, pending {pending}"
            ));
        }
        Ok(())
    }

    fn log_bound(&self) -> Result<(), String> {
        let cap = whole(&self.report, "/configuration/log_capacity")?;
        let kept = self.log_kept()?;
        if kept > cap {
            return Err(format!(
                "the log keeps {kept} entries, over its capacity {cap}"
            ));
        }
        Ok(())
    }

    fn frames_bound(&self) -> Result<(), String> {
        let cap = ws_console_engine::Limits::default().frames as u64;
        let held = whole(&self.report, "/run/frames_captured")?;
        if held > cap {
            return Err(format!("{held} frames captured, over the cap of {cap}"));
        }
        Ok(())
    }

    fn wasm_bound(&self, ceiling: u64) -> Result<(), String> {
        let bytes = whole(&self.report, "/totals/heap/wasm_bytes")
            .map_err(|e| format!("no wasm memory reading: {e}"))?;
        if bytes > ceiling {
            return Err(format!(
                "wasm memory {:.1} MB, over the ceiling of {:.0} MB",
                bytes as f64 / 1048576.0,
                ceiling as f64 / 1048576.0
            ));
        }
        Ok(())
    }
}
