//! Message templates (F3).
//!
//! A template is compiled once into literal pieces and placeholders, so rendering a message
//! is one pass of string pushes: no searching, no parsing on the per-message path.
//!
//! `{{cycle:a|b|c}}` takes its values in turn by `{{seq}}`: a session's first message gets
//! `a`, its second `b`, its fourth `a` again. By `seq` rather than a run-wide counter so
//! that every session sends every value, evenly, whatever the number of sessions; with the
//! *Group RTT by* pointer on that field, each value gets its own row of figures.

use std::fmt::Write as _;

/// The values a message is rendered with.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Values {
    /// `{{id}}`: unique per message in the run, from a random 10-digit start per run.
    pub id: u64,
    /// `{{seq}}`: 1, 2, 3 … per session.
    pub seq: u64,
    /// `{{session}}`: the session index.
    pub session: u32,
    /// `{{ts}}`: Unix time in milliseconds.
    pub ts: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Text(String),
    Id,
    Seq,
    Session,
    Ts,
    /// `{{cycle:a|b}}`: the values, taken in turn by `seq`.
    Cycle(Vec<String>),
}

/// A compiled message template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
    size_hint: usize,
}

impl Template {
    /// Compiles `raw`. Unknown `{{name}}` placeholders are an error (a typo would otherwise
    /// be sent verbatim); single braces are plain text, as JSON needs them.
    pub fn parse(raw: &str) -> Result<Template, String> {
        let mut pieces = Vec::new();
        let mut rest = raw;
        let mut text = String::new();
        while let Some(start) = rest.find("{{") {
            text.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                text.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let piece = match after[..end].trim() {
                "id" => Piece::Id,
                "seq" => Piece::Seq,
                "session" => Piece::Session,
                "ts" => Piece::Ts,
                other => match other.strip_prefix("cycle:") {
                    Some(values) if !values.is_empty() => {
                        Piece::Cycle(values.split('|').map(str::to_owned).collect())
                    }
                    _ => {
                        return Err(format!(
                            "Unknown placeholder {{{{{other}}}}}; use {{{{id}}}}, {{{{seq}}}}, {{{{session}}}}, {{{{ts}}}} or {{{{cycle:a|b|c}}}}"
                        ));
                    }
                },
            };
            if !text.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut text)));
            }
            pieces.push(piece);
            rest = &after[end + 2..];
        }
        text.push_str(rest);
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        let size_hint = raw.len() + 16;
        Ok(Template { pieces, size_hint })
    }

    /// Renders into a new string.
    pub fn render(&self, values: &Values) -> String {
        let mut out = String::with_capacity(self.size_hint);
        for piece in &self.pieces {
            // Writing to a String cannot fail.
            let _ = match piece {
                Piece::Text(t) => {
                    out.push_str(t);
                    Ok(())
                }
                Piece::Id => write!(out, "{}", values.id),
                Piece::Seq => write!(out, "{}", values.seq),
                Piece::Session => write!(out, "{}", values.session),
                Piece::Ts => write!(out, "{}", values.ts),
                Piece::Cycle(v) => {
                    out.push_str(&v[(values.seq.wrapping_sub(1) % v.len() as u64) as usize]);
                    Ok(())
                }
            };
        }
        out
    }

    /// Whether the template renders to JSON (checked with sample values). A template that
    /// does not is still allowed: it is sent as raw text (R2), with a notice.
    pub fn renders_json(&self) -> bool {
        let sample = self.render(&Values {
            id: 1,
            seq: 1,
            session: 0,
            ts: 1,
        });
        serde_json::from_str::<serde::de::IgnoredAny>(&sample).is_ok()
    }

    /// The template as text (placeholders written `{{name}}`), for reports.
    pub fn source(&self) -> String {
        let mut out = String::with_capacity(self.size_hint);
        for piece in &self.pieces {
            let name = match piece {
                Piece::Text(t) => t,
                Piece::Id => "{{id}}",
                Piece::Seq => "{{seq}}",
                Piece::Session => "{{session}}",
                Piece::Ts => "{{ts}}",
                Piece::Cycle(v) => {
                    out.push_str("{{cycle:");
                    out.push_str(&v.join("|"));
                    "}}"
                }
            };
            out.push_str(name);
        }
        out
    }

    /// Whether the template contains `{{id}}` (without it replies cannot be correlated).
    pub fn has_id(&self) -> bool {
        self.pieces.contains(&Piece::Id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: Values = Values {
        id: 42,
        seq: 7,
        session: 3,
        ts: 1_700_000_000_123,
    };

    #[test]
    fn renders_all_placeholders() {
        let t = Template::parse(r#"{"id":"{{id}}","seq":{{seq}},"s":{{session}},"ts":{{ts}}}"#)
            .unwrap();
        assert_eq!(
            t.render(&V),
            r#"{"id":"42","seq":7,"s":3,"ts":1700000000123}"#
        );
        assert!(t.renders_json());
        assert!(t.has_id());
        let again = Template::parse(&t.source()).unwrap();
        assert_eq!(again, t);
    }

    #[test]
    fn tolerates_spaces_and_repeats() {
        let t = Template::parse("{{ id }}-{{id}}").unwrap();
        assert_eq!(t.render(&V), "42-42");
    }

    #[test]
    fn plain_text_and_unclosed_braces_are_literal() {
        let t = Template::parse("hello {{ world").unwrap();
        assert_eq!(t.render(&V), "hello {{ world");
        assert!(!t.renders_json());
        assert!(!t.has_id());
        assert_eq!(Template::parse("").unwrap().render(&V), "");
    }

    #[test]
    fn unknown_placeholder_is_an_error() {
        let e = Template::parse("{{user}}").unwrap_err();
        assert!(e.contains("{{user}}"), "{e}");
        // A cycle needs its values.
        let e = Template::parse("{{cycle:}}").unwrap_err();
        assert!(e.contains("{{cycle:a|b|c}}"), "{e}");
    }

    #[test]
    fn cycle_takes_its_values_in_turn_by_seq() {
        let t = Template::parse(
            r#"{"agent":"{{ cycle:Financial Advisor|Error Handler|x }}","n":{{seq}}}"#,
        )
        .unwrap();
        let agent = |seq| t.render(&Values { seq, ..V });
        assert_eq!(agent(1), r#"{"agent":"Financial Advisor","n":1}"#);
        assert_eq!(agent(2), r#"{"agent":"Error Handler","n":2}"#);
        assert_eq!(agent(3), r#"{"agent":"x","n":3}"#);
        assert_eq!(agent(4), r#"{"agent":"Financial Advisor","n":4}"#);
        assert!(t.renders_json());
        // The source round-trips; one value is a constant; empty values are values.
        let again = Template::parse(&t.source()).unwrap();
        assert_eq!(again.pieces, t.pieces);
        let one = Template::parse("{{cycle:solo}}").unwrap();
        assert_eq!(one.render(&Values { seq: 9, ..V }), "solo");
        let gaps = Template::parse("[{{cycle:|b}}]").unwrap();
        assert_eq!(gaps.render(&Values { seq: 1, ..V }), "[]");
        assert_eq!(gaps.render(&Values { seq: 2, ..V }), "[b]");
    }
}
