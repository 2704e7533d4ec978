//! JSON written as text for the script's `CONFIG` and `options`: one member a line, so the
//! exported script reads well, and no JSON tree builder ships in the console for it.

use std::fmt::Display;
use std::fmt::Write as _;

/// A JSON object being written; `indent` is its nesting depth.
pub(super) struct Obj {
    out: String,
    indent: usize,
    empty: bool,
}

impl Obj {
    pub(super) fn new(indent: usize) -> Obj {
        Obj {
            out: String::from("{"),
            indent,
            empty: true,
        }
    }

    /// A member whose value is already JSON text.
    pub(super) fn raw(mut self, key: &str, value: impl Display) -> Obj {
        self.out.push_str(if self.empty { "\n" } else { ",\n" });
        self.empty = false;
        let pad = "  ".repeat(self.indent + 1);
        let _ = write!(self.out, "{pad}{}: {value}", quote(key));
        self
    }

    pub(super) fn str(self, key: &str, value: &str) -> Obj {
        self.raw(key, quote(value))
    }

    pub(super) fn num(self, key: &str, value: f64) -> Obj {
        self.raw(key, num(value))
    }

    pub(super) fn end(mut self) -> String {
        if !self.empty {
            self.out.push('\n');
            self.out.push_str(&"  ".repeat(self.indent));
        }
        self.out.push('}');
        self.out
    }
}

/// A JSON string literal.
pub(super) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Valid in JSON, but line terminators in older JavaScript string literals.
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON number: whole values without a fraction; anything not finite is `null`.
pub(super) fn num(v: f64) -> String {
    if !v.is_finite() {
        "null".into()
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        (v as i64).to_string()
    } else {
        v.to_string()
    }
}

pub(super) fn opt_num(v: Option<f64>) -> String {
    v.map_or_else(|| "null".into(), num)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_json_that_parses_back_to_the_same_values() {
        let text = Obj::new(0)
            .str("s", "a\"b\\c\nd\u{1}é</script>\u{2028}")
            .num("whole", 250.0)
            .num("frac", 0.85)
            .num("nan", f64::NAN)
            .raw("nested", Obj::new(1).raw("n", 3).end())
            .raw("empty", Obj::new(1).end())
            .end();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["s"], "a\"b\\c\nd\u{1}é</script>\u{2028}");
        assert!(!text.contains('\u{2028}'));
        assert_eq!(v["whole"], 250);
        assert_eq!(v["frac"], 0.85);
        assert!(v["nan"].is_null());
        assert_eq!(v["nested"]["n"], 3);
        assert_eq!(v["empty"], serde_json::json!({}));
        assert!(text.contains("\n  \"whole\": 250,\n"));
    }
}
