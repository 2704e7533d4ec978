//! The CSV export (F13): a header row, then one row per session.
//!
//! RFC 4180: fields are separated by commas, records end with CRLF, and a field holding a
//! comma, a double quote, CR or LF is enclosed in double quotes with inner quotes doubled.
//! Text that came from a server (a close reason) and starts with `=`, `+`, `-` or `@` is
//! prefixed with `'` so a spreadsheet shows it instead of evaluating it as a formula.

use super::{Report, SessionRow};

type Column = (&'static str, fn(&SessionRow) -> String);

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(String::new, |v| v.to_string())
}

/// The columns, in order: the JSON session row, with the RTT summary spread out.
const COLUMNS: &[Column] = &[
    ("session", |r| r.session.to_string()),
    ("endpoint", |r| r.endpoint.to_string()),
    ("state", |r| r.state.to_string()),
    ("state_detail", |r| text(&r.state_detail)),
    ("generation", |r| r.generation.to_string()),
    ("sent", |r| r.sent.to_string()),
    ("matched", |r| r.matched.to_string()),
    ("lost", |r| r.lost.to_string()),
    ("pending", |r| r.pending.to_string()),
    ("received", |r| r.received.to_string()),
    ("pushes", |r| r.pushes.to_string()),
    ("duplicates", |r| r.duplicates.to_string()),
    ("out_of_order", |r| r.out_of_order.to_string()),
    ("unsolicited", |r| r.unsolicited.to_string()),
    ("late", |r| r.late.to_string()),
    ("foreign", |r| r.foreign.to_string()),
    ("foreign_duplicates", |r| r.foreign_duplicates.to_string()),
    ("queued", |r| r.queued.to_string()),
    ("queue_overflow", |r| r.queue_overflow.to_string()),
    ("queued_now", |r| r.queued_now.to_string()),
    ("connects", |r| r.connects.to_string()),
    ("connect_failures", |r| r.connect_failures.to_string()),
    ("drops", |r| r.drops.to_string()),
    ("reconnects", |r| r.reconnects.to_string()),
    ("errors", |r| r.errors.to_string()),
    ("client_errors", |r| r.client_errors.to_string()),
    ("last_close_code", |r| opt(r.last_close_code)),
    ("last_close_reason", |r| {
        text(r.last_close_reason.as_deref().unwrap_or(""))
    }),
    ("last_close_at", |r| opt(r.last_close_at)),
    ("connect_time_ms", |r| opt(r.connect_time_ms)),
    ("first_message_ms", |r| opt(r.first_message_ms)),
    ("last_recovery_ms", |r| opt(r.last_recovery_ms)),
    ("bytes_out", |r| r.bytes_out.to_string()),
    ("bytes_in", |r| r.bytes_in.to_string()),
    ("rtt_count", |r| r.rtt_ms.count.to_string()),
    ("rtt_mean_ms", |r| opt(r.rtt_ms.mean)),
    ("rtt_p50_ms", |r| opt(r.rtt_ms.p50)),
    ("rtt_p95_ms", |r| opt(r.rtt_ms.p95)),
    ("rtt_p99_ms", |r| opt(r.rtt_ms.p99)),
    ("rtt_max_ms", |r| opt(r.rtt_ms.max)),
];

/// Server text, defused for spreadsheets.
fn text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

/// One field, quoted when RFC 4180 requires it.
pub(crate) fn field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn record(out: &mut String, fields: impl Iterator<Item = String>) {
    let mut first = true;
    for f in fields {
        if !first {
            out.push(',');
        }
        first = false;
        out.push_str(&field(&f));
    }
    out.push_str("\r\n");
}

impl Report {
    /// The sessions as CSV: a header row, then one row per session (RFC 4180).
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        record(&mut out, COLUMNS.iter().map(|(h, _)| (*h).to_owned()));
        for row in &self.sessions {
            record(&mut out, COLUMNS.iter().map(|(_, f)| f(row)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_follows_rfc_4180() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\r\nlines"), "\"two\r\nlines\"");
        assert_eq!(field(""), "");
    }

    #[test]
    fn formulas_are_defused() {
        assert_eq!(text("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(text("going away"), "going away");
    }

    #[test]
    fn header_names_are_unique() {
        let mut names: Vec<&str> = COLUMNS.iter().map(|c| c.0).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), COLUMNS.len());
    }
}
