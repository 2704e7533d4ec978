//! Token redaction (R3): the token never reaches a display, log or export path.
//!
//! A token does not only appear as typed. A URL carries it percent-encoded (`%2F` or `%2f`), a
//! JSON document may escape it (`\/` for `/`, `\u0041` for `A`, surrogate pairs above the BMP),
//! and a server may mix these within one value. Registering a fixed list of spellings always
//! misses one, so the matcher decodes as it compares: each character of the token matches its
//! literal bytes, a `%XX` per byte, or a JSON escape. The same matcher works on bytes, so binary
//! frames are redacted too, whether or not they are UTF-8.
//!
//! Text without `%` or `\` can only hold the literal spelling, so that common case is a plain
//! substring replace (the per-message path stays cheap, P6).

/// What replaces the token wherever text is displayed, logged or exported.
pub const REDACTED: &str = "[redacted]";

/// Replaces every occurrence of `token` in `text` — raw, percent-encoded or JSON-escaped —
/// with `[redacted]`. An empty token redacts nothing.
pub fn redact(text: &str, token: &str) -> String {
    let mut r = Redactor::default();
    r.add(token);
    r.redact(text)
}

/// Every secret the run has used, so text mentioning an older token is redacted too.
/// Bounded: the oldest are forgotten first.
#[derive(Clone, Debug, Default)]
pub(crate) struct Redactor {
    /// Longest first, so a secret that contains another is redacted whole.
    secrets: Vec<String>,
    /// Order of arrival, for forgetting the oldest.
    arrival: Vec<String>,
}

impl Redactor {
    const MAX_SECRETS: usize = 16;

    /// Remembers `secret` (ignored when empty).
    pub(crate) fn add(&mut self, secret: &str) {
        if secret.is_empty() || self.arrival.iter().any(|s| s == secret) {
            return;
        }
        self.arrival.push(secret.to_owned());
        if self.arrival.len() > Self::MAX_SECRETS {
            let oldest = self.arrival.remove(0);
            if let Some(i) = self.secrets.iter().position(|s| *s == oldest) {
                self.secrets.remove(i);
            }
        }
        // Kept in order as it grows (after every secret at least as long) rather than sorted:
        // the list is short, and a sort would add its own copy of the sort code to the wasm.
        let at = self.secrets.partition_point(|s| s.len() >= secret.len());
        self.secrets.insert(at, secret.to_owned());
    }

    /// `text` with every remembered secret, in any spelling, replaced by `[redacted]`.
    pub(crate) fn redact(&self, text: &str) -> String {
        if self.secrets.is_empty() {
            return text.to_owned();
        }
        let mut out: Option<String> = None;
        // A byte scan: `str::contains` with a `[char]` pattern decodes every character, and
        // this runs on every logged and captured message (P6).
        let plain = !text.bytes().any(|b| b == b'%' || b == b'\\');
        for secret in &self.secrets {
            let current = out.as_deref().unwrap_or(text);
            if plain {
                if current.contains(secret.as_str()) {
                    out = Some(current.replace(secret.as_str(), REDACTED));
                }
            } else if let Some(bytes) = replace_all(current.as_bytes(), secret.as_bytes()) {
                // Matches start on a character (or an ASCII escape) and end after one, so
                // the result is UTF-8; lossy conversion is only a guard.
                out = Some(
                    String::from_utf8(bytes)
                        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
                );
            }
        }
        out.unwrap_or_else(|| text.to_owned())
    }

    /// The longest spelling any remembered secret can take: every byte written as a
    /// six-byte `\u00XX` escape.
    fn longest_spelling(&self) -> usize {
        self.secrets.first().map_or(0, |s| 6 * s.len())
    }

    /// The first `max` bytes (on a character boundary) of `text` once redacted, and whether
    /// anything was cut. Only a head of `text` is redacted — a 1 MB frame is not copied
    /// whole to keep 64 KB of it — yet a head long enough that no secret crossing the cut
    /// can leave its first characters: the head grows until what follows `max` in its
    /// redacted form is longer than any spelling of a secret.
    pub(crate) fn redact_head(&self, text: &str, max: usize) -> (String, bool) {
        let margin = self.longest_spelling();
        let mut h = max.saturating_add(margin);
        loop {
            let mut end = h.min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let mut r = self.redact(&text[..end]);
            if end == text.len() || r.len() >= max.saturating_add(margin) {
                if r.len() <= max {
                    return (r, end < text.len());
                }
                let mut cut = max;
                while !r.is_char_boundary(cut) {
                    cut -= 1;
                }
                r.truncate(cut);
                return (r, true);
            }
            h = h.saturating_mul(2);
        }
    }

    /// [`Redactor::redact_head`] for bytes.
    pub(crate) fn redact_head_bytes(&self, data: &[u8], max: usize) -> Vec<u8> {
        let margin = self.longest_spelling();
        let mut h = max.saturating_add(margin);
        loop {
            let end = h.min(data.len());
            let mut r = self.redact_bytes(&data[..end]);
            if end == data.len() || r.len() >= max.saturating_add(margin) {
                r.truncate(max);
                return r;
            }
            h = h.saturating_mul(2);
        }
    }

    /// `data` with every remembered secret replaced by `[redacted]`: for binary frames,
    /// which may hold the token whether or not they are UTF-8.
    pub(crate) fn redact_bytes(&self, data: &[u8]) -> Vec<u8> {
        let mut out = data.to_vec();
        for secret in &self.secrets {
            if let Some(next) = replace_all(&out, secret.as_bytes()) {
                out = next;
            }
        }
        out
    }
}

/// `text` with every spelling of `secret` replaced, or `None` when there was none.
fn replace_all(text: &[u8], secret: &[u8]) -> Option<Vec<u8>> {
    let first = *secret.first()?;
    let mut out: Option<Vec<u8>> = None;
    let (mut i, mut copied) = (0, 0);
    while i < text.len() {
        let b = text[i];
        let candidate = b == first || b == b'%' || b == b'\\';
        match candidate.then(|| match_at(text, i, secret, 0)).flatten() {
            Some(end) => {
                let o = out.get_or_insert_with(|| Vec::with_capacity(text.len()));
                o.extend_from_slice(&text[copied..i]);
                o.extend_from_slice(REDACTED.as_bytes());
                i = end;
                copied = end;
            }
            None => i += 1,
        }
    }
    let mut o = out?;
    o.extend_from_slice(&text[copied..]);
    Some(o)
}

/// Where a spelling of `secret[j..]` that starts at `text[p]` ends, if one does.
fn match_at(text: &[u8], mut p: usize, secret: &[u8], mut j: usize) -> Option<usize> {
    while j < secret.len() {
        let literal = text.get(p) == Some(&secret[j]);
        match (literal, escaped(text, p, secret, j)) {
            (true, Some((p2, j2))) => {
                // A token holding `%` or `\`: both readings are possible; try the literal one.
                if let Some(end) = match_at(text, p + 1, secret, j + 1) {
                    return Some(end);
                }
                (p, j) = (p2, j2);
            }
            (true, None) => (p, j) = (p + 1, j + 1),
            (false, Some((p2, j2))) => (p, j) = (p2, j2),
            (false, None) => return None,
        }
    }
    Some(p)
}

/// An escape at `text[p]` that spells the secret's next byte or character: `(text, secret)`
/// positions after it.
fn escaped(text: &[u8], p: usize, secret: &[u8], j: usize) -> Option<(usize, usize)> {
    let want = secret[j];
    match *text.get(p)? {
        b'%' => (hex(text.get(p + 1..p + 3)?)? == u32::from(want)).then_some((p + 3, j + 1)),
        b'\\' => {
            let short = match *text.get(p + 1)? {
                b @ (b'"' | b'\\' | b'/') => Some(b),
                b'b' => Some(0x08),
                b'f' => Some(0x0c),
                b'n' => Some(b'\n'),
                b'r' => Some(b'\r'),
                b't' => Some(b'\t'),
                _ => None,
            };
            if let Some(b) = short {
                return (b == want).then_some((p + 2, j + 1));
            }
            let (c, len) = next_char(&secret[j..])?;
            let unit = u_escape(text, p)?;
            if unit == c {
                return Some((p + 6, j + len));
            }
            // Above the BMP, JSON writes a surrogate pair.
            let c = c.checked_sub(0x1_0000)?;
            let (high, low) = (0xD800 + (c >> 10), 0xDC00 + (c & 0x3FF));
            (unit == high && u_escape(text, p + 6)? == low).then_some((p + 12, j + len))
        }
        _ => None,
    }
}

/// The code unit of a `\uXXXX` escape at `text[p]`.
fn u_escape(text: &[u8], p: usize) -> Option<u32> {
    if text.get(p..p + 2)? != b"\\u" {
        return None;
    }
    hex(text.get(p + 2..p + 6)?)
}

fn hex(digits: &[u8]) -> Option<u32> {
    digits
        .iter()
        .try_fold(0u32, |acc, d| Some(acc * 16 + char::from(*d).to_digit(16)?))
}

/// The character at the start of `bytes` (UTF-8) and its length.
fn next_char(bytes: &[u8]) -> Option<(u32, usize)> {
    let len = match bytes.first()? {
        b if *b < 0x80 => 1,
        b if *b >= 0xF0 => 4,
        b if *b >= 0xE0 => 3,
        _ => 2,
    };
    let c = std::str::from_utf8(bytes.get(..len)?)
        .ok()?
        .chars()
        .next()?;
    Some((u32::from(c), len))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::percent_encode;

    fn redactor(secrets: &[&str]) -> Redactor {
        let mut r = Redactor::default();
        for s in secrets {
            r.add(s);
        }
        r
    }

    #[test]
    fn raw_encoded_and_empty() {
        assert_eq!(redact("a tok b tok", "tok"), "a [redacted] b [redacted]");
        assert_eq!(redact("x=a%2Fb", "a/b"), "x=[redacted]");
        assert_eq!(redact("x=a%2fb", "a/b"), "x=[redacted]");
        assert_eq!(redact("nothing", ""), "nothing");
        let r = redactor(&["old", "new/x", ""]);
        assert_eq!(
            r.redact("old new/x new%2Fx none"),
            "[redacted] [redacted] [redacted] none"
        );
    }

    #[test]
    fn json_escaped_spellings_are_matched() {
        let token = "ab/c+d\"e\\f";
        // serde_json's own escaping (quotes and backslashes).
        let json = serde_json::to_string(&serde_json::json!({ "t": token })).unwrap();
        assert!(!redact(&json, token).contains("ab"), "{json}");
        // `\/`, as PHP and others write a slash.
        assert_eq!(
            redact(r#"{"t":"ab\/c+d\"e\\f"}"#, token),
            r#"{"t":"[redacted]"}"#
        );
        // `\u00XX` for any character, any case of hex digit, mixed with literal ones.
        assert_eq!(
            redact(r#"{"t":"\u0061b\u002Fc\u002bd\u0022e\u005cf"}"#, token),
            r#"{"t":"[redacted]"}"#
        );
        // A partly escaped token that is not the token stays.
        assert_eq!(redact(r#"ab\/x"#, token), r#"ab\/x"#);
    }

    #[test]
    fn non_ascii_tokens_in_every_spelling() {
        let token = "clé-😀";
        for spelling in [
            token.to_string(),
            percent_encode(token),
            r"cl\u00e9-\ud83d\ude00".to_string(),
            r"cl\u00E9-\uD83D\uDE00".to_string(),
        ] {
            assert_eq!(redact(&format!("<{spelling}>"), token), "<[redacted]>");
        }
    }

    #[test]
    fn a_secret_containing_another_is_redacted_whole() {
        let r = redactor(&["abc", "xxabcxx"]);
        assert_eq!(r.redact("1 xxabcxx 2 abc"), "1 [redacted] 2 [redacted]");
    }

    #[test]
    fn bytes_that_are_not_utf8_are_redacted_too() {
        let r = redactor(&["s3cr/t"]);
        let mut data = vec![0xff, 0x00, 0xfe];
        data.extend_from_slice(b"s3cr/t");
        data.extend_from_slice(&[0x80, b'|']);
        data.extend_from_slice(b"s3cr%2Ft");
        let out = r.redact_bytes(&data);
        assert_eq!(out, b"\xff\x00\xfe[redacted]\x80|[redacted]".to_vec());
    }

    #[test]
    fn tokens_holding_escape_characters() {
        // The literal reading and the escaped one are both tried.
        assert_eq!(redact("k=%25x and %x", "%x"), "k=[redacted] and [redacted]");
        assert_eq!(redact(r"a\\b a\b", r"a\b"), "[redacted] [redacted]");
    }

    #[test]
    fn only_the_sixteen_newest_secrets_are_kept() {
        let mut r = Redactor::default();
        for i in 0..20 {
            r.add(&format!("secret-{i:02}"));
        }
        assert_eq!(r.redact("secret-00"), "secret-00");
        assert_eq!(r.redact("secret-19"), REDACTED);
        assert_eq!(r.secrets.len(), 16);
    }

    #[test]
    fn secrets_stay_longest_first_as_they_come_and_go() {
        let mut r = redactor(&["xxabcxx", "abc"]);
        assert_eq!(r.redact("1 xxabcxx 2 abc"), "1 [redacted] 2 [redacted]");
        for i in 0..30 {
            r.add(&"k".repeat(1 + (i * 7) % 11));
            r.add(&format!("s{}", "q".repeat((i * 5) % 9)));
            let lens: Vec<usize> = r.secrets.iter().map(String::len).collect();
            assert!(lens.windows(2).all(|w| w[0] >= w[1]), "{lens:?}");
            let mut kept = r.secrets.clone();
            let mut newest = r.arrival.clone();
            kept.sort();
            newest.sort();
            assert_eq!(kept, newest);
            assert!(r.secrets.len() <= Redactor::MAX_SECRETS);
        }
    }

    /// What `redact_head` must equal: the whole text redacted, then cut.
    fn redact_then_cut(r: &Redactor, text: &str, max: usize) -> String {
        let mut all = r.redact(text);
        let mut end = max.min(all.len());
        while !all.is_char_boundary(end) {
            end -= 1;
        }
        all.truncate(end);
        all
    }

    #[test]
    fn only_a_head_is_redacted_yet_a_token_across_the_cut_never_shows() {
        let r = redactor(&["Tk9-secret"]);
        // Tokens packed before the cut shrink nothing here ("[redacted]" is as long as the
        // token) — and a short token grows; both ways the head must reach far enough.
        let short = redactor(&["ab"]);
        let escaped = "\\u0054k9-secret";
        for text in [
            format!("{}Tk9-secret{}", "x".repeat(60), "y".repeat(200)),
            "Tk9-secret".repeat(40),
            format!("{}{escaped}", "x".repeat(58)),
            format!("{}{}", "z".repeat(1 << 20), "Tk9-secret"),
        ] {
            for max in [0, 5, 60, 64, 65, 70, 99, 100, 1000] {
                assert_eq!(r.redact_head(&text, max).0, redact_then_cut(&r, &text, max));
            }
        }
        let text = "ab".repeat(100);
        for max in [0, 3, 10, 11, 55, 500] {
            assert_eq!(
                short.redact_head(&text, max).0,
                redact_then_cut(&short, &text, max)
            );
        }
        assert_eq!(r.redact_head("short", 100), ("short".to_string(), false));
        assert!(r.redact_head(&"y".repeat(200), 100).1, "cut");
        assert_eq!(
            r.redact_head_bytes(
                &[b'x'; 70]
                    .iter()
                    .chain(b"Tk9-secret")
                    .copied()
                    .collect::<Vec<_>>(),
                75
            ),
            [&[b'x'; 70][..], b"[reda"].concat()
        );
    }

    proptest::proptest! {
        #[test]
        fn the_head_redacted_is_the_whole_redacted_then_cut(
            pre in "[a-z]{0,80}",
            token in "[a-zA-Z0-9]{2,12}",
            reps in 0usize..6,
            max in 0usize..200,
        ) {
            let r = redactor(&[&token]);
            let text = format!("{pre}{}", format!("{token}-").repeat(reps));
            proptest::prop_assert_eq!(r.redact_head(&text, max).0, redact_then_cut(&r, &text, max));
        }

        #[test]
        fn any_token_in_any_spelling_is_gone(token in "[ -~é😀]{4,20}", pre in "[a-z ]{0,8}") {
            let spellings = [
                token.clone(),
                percent_encode(&token),
                {
                    let quoted = serde_json::to_string(&token).unwrap();
                    quoted[1..quoted.len() - 1].to_string()
                },
                token.chars().map(|c| {
                    let mut units = [0u16; 2];
                    c.encode_utf16(&mut units).iter().map(|u| format!("\\u{u:04x}")).collect::<String>()
                }).collect(),
            ];
            for s in spellings {
                let out = redact(&format!("{pre}{s}{pre}"), &token);
                proptest::prop_assert!(out.contains(REDACTED), "{s} → {out}");
                proptest::prop_assert!(!out.contains(&s), "{s} → {out}");
            }
        }
    }
}
