//! The log as text (F11, F13): one line per entry, tab-separated, for the log export and
//! "copy to clipboard".
//!
//! `2024-01-02T03:04:05.678Z<TAB>+12.345 s<TAB>WARN<TAB>connection<TAB>s3<TAB>text` — the
//! wall-clock time (UTC), the time since the run's origin, the level, the category, the
//! session (`-` for none) and the text with line breaks and tabs escaped, so one entry is
//! one line. Entries are stored with the token already redacted; [`crate::Run::export_log`]
//! redacts once more with every token the run has used.

use crate::Run;
use crate::datetime::iso8601;
use crate::decimal::fixed;
use crate::log::Log;

/// `log` as text. `time_origin_ms` is the Unix time of `now == 0` (the run's
/// `time_origin_ms`). Crate-private: the only way out is [`Run::export_log`], which redacts
/// with every token the run has used — a log entry may predate the token it mentions.
pub(crate) fn log_export(log: &Log, time_origin_ms: f64) -> String {
    let mut out = format!(
        "# ws-console log: {} entries ({} older entries dropped)\n",
        log.len(),
        log.evicted()
    );
    for e in log.entries() {
        let session = e
            .session
            .map_or_else(|| "-".to_string(), |s| format!("s{s}"));
        let text = e
            .text
            .replace('\\', "\\\\")
            .replace('\n', "\\n")
            .replace('\r', "\\r")
            .replace('\t', "\\t");
        out.push_str(&format!(
            "{}\t+{} s\t{}\t{}\t{}\t{}\n",
            iso8601(time_origin_ms + e.t_ms),
            fixed(e.t_ms / 1000.0, 3),
            e.level.as_str().to_ascii_uppercase(),
            e.category.as_str(),
            session,
            text
        ));
    }
    out
}

impl Run {
    /// The log as text (see [`log_export`]), token redacted.
    pub fn export_log(&self) -> String {
        self.redact(&log_export(self.log(), self.config().time_origin_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SessionId;
    use crate::log::{LogCategory, LogLevel};

    #[test]
    fn one_line_per_entry_with_every_column() {
        let mut log = Log::new(10);
        log.push(
            1234.0,
            LogLevel::Warn,
            LogCategory::Connection,
            Some(SessionId(3)),
            "closed:\t1006\nagain".into(),
        );
        log.push(
            2000.0,
            LogLevel::Info,
            LogCategory::Run,
            None,
            "run started".into(),
        );
        let text = log_export(&log, 1_700_000_000_000.0);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("# ws-console log: 2 entries"));
        assert_eq!(
            lines[1],
            "2023-11-14T22:13:21.234Z\t+1.234 s\tWARN\tconnection\ts3\tclosed:\\t1006\\nagain"
        );
        assert!(lines[2].ends_with("\tINFO\trun\t-\trun started"));
    }
}
