//! The run log (F11): a bounded ring of entries with millisecond timestamps.
//!
//! Text from the server is stored as it came (the view renders it as text, never as HTML),
//! except that the token is redacted and very long messages are cut, so one 1 MB frame
//! cannot pin a megabyte of wasm memory for the rest of the session (P5). Redaction comes
//! before the cut, so a token the cut would split is still redacted whole.

use std::collections::VecDeque;

use crate::ids::{Millis, SessionId};
use crate::url::Redactor;

/// Severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LogLevel {
    /// Traffic detail.
    Debug,
    /// Normal events.
    Info,
    /// Something worth a look.
    Warn,
    /// Something failed.
    Error,
}

impl LogLevel {
    /// Every level, least severe first.
    pub const ALL: [LogLevel; 4] = [
        LogLevel::Debug,
        LogLevel::Info,
        LogLevel::Warn,
        LogLevel::Error,
    ];

    /// The level named `name` (as [`LogLevel::as_str`] writes it), if any.
    pub fn from_name(name: &str) -> Option<LogLevel> {
        Self::ALL.into_iter().find(|l| l.as_str() == name)
    }

    /// CSS-friendly name.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
            LogLevel::Error => "error",
        }
    }
}

/// What an entry is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LogCategory {
    /// Start, stop, configuration.
    Run,
    /// Opens, closes, timeouts, reconnects.
    Connection,
    /// Outgoing messages.
    Sent,
    /// Incoming messages.
    Received,
    /// Pings and pongs.
    Heartbeat,
    /// Lost, late, duplicate, unsolicited replies.
    Correlation,
    /// Offline queue.
    Queue,
    /// Tokens and auth.
    Auth,
    /// Page visibility, heap.
    Browser,
    /// Scenario phases and fault injection.
    Scenario,
}

impl LogCategory {
    /// CSS-friendly name.
    pub fn as_str(self) -> &'static str {
        match self {
            LogCategory::Run => "run",
            LogCategory::Connection => "connection",
            LogCategory::Sent => "sent",
            LogCategory::Received => "received",
            LogCategory::Heartbeat => "heartbeat",
            LogCategory::Correlation => "correlation",
            LogCategory::Queue => "queue",
            LogCategory::Auth => "auth",
            LogCategory::Browser => "browser",
            LogCategory::Scenario => "scenario",
        }
    }
}

/// One log line.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct LogEntry {
    /// Monotonic number, unique in the run: a stable key for the view.
    pub seq: u64,
    /// When (ms, same origin as every `now`).
    pub t_ms: Millis,
    /// Severity.
    pub level: LogLevel,
    /// Category.
    pub category: LogCategory,
    /// The session, if the entry is about one.
    pub session: Option<SessionId>,
    /// The text, token redacted; server text verbatim otherwise. Render it as text.
    pub text: String,
}

/// A view filter: every set criterion must match.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LogFilter {
    /// Case-insensitive substring of the text (empty = any).
    pub text: String,
    /// Minimum level.
    pub min_level: Option<LogLevel>,
    /// Only this session.
    pub session: Option<SessionId>,
    /// Only this category.
    pub category: Option<LogCategory>,
}

impl LogFilter {
    /// Whether `e` passes.
    pub fn matches(&self, e: &LogEntry) -> bool {
        self.min_level.is_none_or(|l| e.level >= l)
            && self.session.is_none_or(|s| e.session == Some(s))
            && self.category.is_none_or(|c| e.category == c)
            && (self.text.is_empty() || contains_ignore_case(&e.text, &self.text))
    }
}

/// Case folds ASCII letters only: Unicode case mapping would bring core's case tables (about
/// 24 KB) into the wasm for one filter box; other characters must match as typed.
fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    let n = needle.as_bytes();
    haystack
        .as_bytes()
        .windows(n.len())
        .any(|w| w.eq_ignore_ascii_case(n))
}

/// The bounded log.
#[derive(Clone, Debug)]
pub struct Log {
    entries: VecDeque<LogEntry>,
    capacity: usize,
    next_seq: u64,
    evicted: u64,
}

impl Log {
    /// An empty log of at most `capacity` (≥ 1) entries.
    pub fn new(capacity: usize) -> Self {
        // Claimed whole at the start: a deque that doubles as it fills would leave the
        // smaller blocks behind in wasm memory, which never shrinks (P5).
        Self {
            entries: VecDeque::with_capacity(capacity.max(1)),
            capacity: capacity.max(1),
            next_seq: 0,
            evicted: 0,
        }
    }

    /// Appends an entry, evicting the oldest when full.
    pub fn push(
        &mut self,
        t_ms: Millis,
        level: LogLevel,
        category: LogCategory,
        session: Option<SessionId>,
        text: String,
    ) {
        if self.entries.len() >= self.capacity {
            self.entries.pop_front();
            self.evicted += 1;
        }
        self.entries.push_back(LogEntry {
            seq: self.next_seq,
            t_ms,
            level,
            category,
            session,
            text,
        });
        self.next_seq += 1;
    }

    /// All entries, oldest first.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &LogEntry> + ExactSizeIterator {
        self.entries.iter()
    }

    /// Entries passing `filter`, oldest first.
    pub fn filtered<'a>(
        &'a self,
        filter: &'a LogFilter,
    ) -> impl DoubleEndedIterator<Item = &'a LogEntry> + 'a {
        self.entries.iter().filter(move |e| filter.matches(e))
    }

    /// Entries with `seq >= from`: what is new since the view last looked.
    pub fn since(&self, from: u64) -> impl Iterator<Item = &LogEntry> {
        let skip = from.saturating_sub(self.entries.front().map_or(0, |e| e.seq)) as usize;
        self.entries.iter().skip(skip)
    }

    /// Number of entries held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the log is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Maximum number of entries.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Entries dropped to stay within capacity.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    /// The `seq` the next entry will get.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }
}

/// `text` with every token redacted, then cut to at most `max` bytes, saying how long it
/// was. In that order: cut first, a token crossing the cut would show its first characters.
pub(crate) fn redact_and_clip(redactor: &Redactor, text: &str, max: usize) -> String {
    match redactor.redact_head(text, max) {
        (kept, false) => kept,
        (kept, true) => format!("{kept}… ({} bytes)", text.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_level_is_found_by_its_name_and_only_by_it() {
        for l in LogLevel::ALL {
            assert_eq!(LogLevel::from_name(l.as_str()), Some(l));
        }
        assert!(
            LogLevel::ALL.windows(2).all(|w| w[0] < w[1]),
            "least severe first"
        );
        assert_eq!(LogLevel::from_name(""), None);
        assert_eq!(LogLevel::from_name("Warn"), None);
    }

    fn log_with(n: usize, cap: usize) -> Log {
        let mut log = Log::new(cap);
        for i in 0..n {
            let level = if i % 3 == 0 {
                LogLevel::Warn
            } else {
                LogLevel::Info
            };
            log.push(
                i as f64,
                level,
                LogCategory::Received,
                Some(SessionId((i % 2) as u32)),
                format!("msg {i}"),
            );
        }
        log
    }

    #[test]
    fn bounded_ring_keeps_newest() {
        let log = log_with(10, 4);
        assert_eq!(log.len(), 4);
        assert_eq!(log.evicted(), 6);
        let seqs: Vec<u64> = log.entries().map(|e| e.seq).collect();
        assert_eq!(seqs, vec![6, 7, 8, 9]);
        assert_eq!(log.since(8).map(|e| e.seq).collect::<Vec<_>>(), vec![8, 9]);
        assert_eq!(log.since(0).count(), 4);
        assert_eq!(log.since(99).count(), 0);
    }

    #[test]
    fn filters_by_text_level_session_category() {
        let log = log_with(10, 100);
        let f = LogFilter {
            text: "MSG 1".into(),
            ..Default::default()
        };
        assert_eq!(log.filtered(&f).count(), 1);
        let f = LogFilter {
            min_level: Some(LogLevel::Warn),
            ..Default::default()
        };
        assert_eq!(log.filtered(&f).count(), 4);
        let f = LogFilter {
            session: Some(SessionId(1)),
            ..Default::default()
        };
        assert_eq!(log.filtered(&f).count(), 5);
        let f = LogFilter {
            category: Some(LogCategory::Auth),
            ..Default::default()
        };
        assert_eq!(log.filtered(&f).count(), 0);
        let f = LogFilter {
            text: "é".into(),
            ..Default::default()
        };
        assert_eq!(log.filtered(&f).count(), 0);
    }

    #[test]
    fn text_filter_folds_ascii_case_and_matches_other_letters_as_typed() {
        let mut log = Log::new(4);
        log.push(
            0.0,
            LogLevel::Info,
            LogCategory::Received,
            None,
            "Café OPEN".into(),
        );
        let count = |text: &str| {
            let f = LogFilter {
                text: text.into(),
                ..Default::default()
            };
            log.filtered(&f).count()
        };
        assert_eq!(count("café open"), 1);
        assert_eq!(count("CAFé"), 1);
        assert_eq!(count("CAFÉ"), 0);
        assert_eq!(count(""), 1);
    }

    #[test]
    fn html_is_stored_verbatim() {
        let mut log = Log::new(2);
        log.push(
            0.0,
            LogLevel::Info,
            LogCategory::Received,
            None,
            "<img src=x onerror=alert(1)>".into(),
        );
        assert_eq!(
            log.entries().next().unwrap().text,
            "<img src=x onerror=alert(1)>"
        );
    }

    #[test]
    fn clip_respects_char_boundaries() {
        let none = Redactor::default();
        assert_eq!(redact_and_clip(&none, "short", 10), "short");
        let long = "é".repeat(100);
        let c = redact_and_clip(&none, &long, 5);
        assert!(c.starts_with("éé") && c.ends_with("(200 bytes)"), "{c}");
    }

    #[test]
    fn a_token_crossing_the_cut_shows_none_of_its_characters() {
        let mut r = Redactor::default();
        r.add("TOPSECRET");
        let text = format!("{}TOPSECRET and more", "x".repeat(95));
        let c = redact_and_clip(&r, &text, 100);
        assert!(!c.contains("TOP"), "{c}");
        assert!(c.ends_with(&format!("… ({} bytes)", text.len())), "{c}");
    }
}
