//! Tokens typed into the endpoint (R3).
//!
//! People paste whole URLs, `wss://api/ws?token=eyJ…` included. A token there would be
//! stored, shared, logged and shown like any other part of the URL, because only the Token
//! field is treated as a secret. So the endpoint is searched for values that are secrets: the
//! value of a query parameter named like one (`token`, `access_token`, `auth` …), and any
//! query value or path segment that looks like a JWT. Validation refuses such an endpoint;
//! the console first offers to move the value into the Token field, leaving `{token}` in its
//! place, which sends exactly the same URL.

use std::ops::Range;

/// Query parameters whose value is a credential.
const SECRET_PARAMS: [&str; 9] = [
    "token",
    "access_token",
    "auth",
    "auth_token",
    "id_token",
    "jwt",
    "bearer",
    "api_key",
    "apikey",
];

/// A secret found in a typed endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmbeddedToken {
    /// Where the value is in the typed endpoint (bytes).
    pub range: Range<usize>,
    /// The value, percent-decoded: what belongs in the Token field.
    pub value: String,
    /// Where it was, for messages: `"token="`, or `"the path"` for a JWT there.
    pub place: String,
}

/// Every secret in `endpoint`, in order. Placeholders (`{token}`) are not secrets. The field
/// holds one URL per line: each line is read as its own URL, so a token on a later line is
/// found as surely as one on the first.
pub fn embedded_tokens(endpoint: &str) -> Vec<EmbeddedToken> {
    let mut found = Vec::new();
    let mut offset = 0;
    for line in endpoint.split('\n') {
        for mut t in line_tokens(line.trim_end_matches('\r')) {
            t.range = offset + t.range.start..offset + t.range.end;
            found.push(t);
        }
        offset += line.len() + 1;
    }
    found
}

/// Every secret in one URL.
fn line_tokens(endpoint: &str) -> Vec<EmbeddedToken> {
    let end = endpoint.find('#').unwrap_or(endpoint.len());
    let (path_end, query_start) = match endpoint[..end].find('?') {
        Some(q) => (q, q + 1),
        None => (end, end),
    };
    let mut found = Vec::new();
    let mut at = 0;
    for segment in endpoint[..path_end].split('/') {
        let value = percent_decode(segment);
        if looks_like_jwt(&value) {
            found.push(EmbeddedToken {
                range: at..at + segment.len(),
                value,
                place: "the path".into(),
            });
        }
        at += segment.len() + 1;
    }
    let mut at = query_start;
    for pair in endpoint[query_start..end].split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let start = at + name.len() + 1;
        at += pair.len() + 1;
        if value.is_empty() || value.contains('{') {
            continue;
        }
        let name = percent_decode(name).to_ascii_lowercase();
        let decoded = percent_decode(value);
        if SECRET_PARAMS.contains(&name.as_str()) || looks_like_jwt(&decoded) {
            found.push(EmbeddedToken {
                range: start..start + value.len(),
                value: decoded,
                place: format!("{name}="),
            });
        }
    }
    found
}

/// `endpoint` with every secret replaced by `{token}`: what may be stored or shared.
pub fn without_embedded_tokens(endpoint: &str) -> String {
    let mut out = endpoint.to_owned();
    for t in embedded_tokens(endpoint).iter().rev() {
        out.replace_range(t.range.clone(), "{token}");
    }
    out
}

/// Whether `value` has a JWT's shape: three base64url parts, the first a JSON object
/// (`eyJ` is base64 for `{"`). The signature may be empty (an unsigned token).
pub fn looks_like_jwt(value: &str) -> bool {
    let b64 = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'='))
    };
    let parts: Vec<&str> = value.split('.').collect();
    parts.len() == 3
        && parts[0].len() >= 10
        && parts[0].starts_with("eyJ")
        && !parts[1].is_empty()
        && parts.iter().all(|p| b64(p))
}

/// `%XX` decoded (invalid sequences kept as they are; bytes that are not UTF-8 replaced).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJxYSJ9.c2lnbmF0dXJl";

    fn values(endpoint: &str) -> Vec<String> {
        embedded_tokens(endpoint)
            .into_iter()
            .map(|t| t.value)
            .collect()
    }

    #[test]
    fn named_parameters_are_secrets() {
        assert_eq!(values("/ws?token=abc"), ["abc"]);
        assert_eq!(values("wss://h/ws?x=1&ACCESS_TOKEN=a%2Fb&y=2"), ["a/b"]);
        assert_eq!(values("/ws?auth=k1&api_key=k2"), ["k1", "k2"]);
        let t = &embedded_tokens("/ws?x=1&token=abc")[0];
        assert_eq!((t.range.clone(), t.place.as_str()), (14..17, "token="));
    }

    #[test]
    fn every_endpoint_line_is_read_as_its_own_url() {
        let field = format!("/ws?a=1\r\n/api?token=sekret\n\n/ws/{JWT}");
        assert_eq!(values(&field), ["sekret", JWT]);
        assert_eq!(
            without_embedded_tokens(&field),
            "/ws?a=1\r\n/api?token={token}\n\n/ws/{token}"
        );
    }

    #[test]
    fn jwt_shaped_values_are_secrets_wherever_they_are() {
        assert_eq!(values(&format!("/ws?session_key={JWT}")), [JWT]);
        assert_eq!(values(&format!("/ws/{JWT}/x")), [JWT]);
        assert_eq!(embedded_tokens(&format!("/ws/{JWT}"))[0].place, "the path");
    }

    #[test]
    fn placeholders_and_ordinary_values_are_not() {
        for clean in [
            "/ws",
            "/ws?token={token}",
            "/ws?token=",
            "/ws?auth=Bearer%20{token}",
            "/api/v1/pam/ws/{user_id}?token={token}&x=1",
            "/ws?suite=reload&drop_rate=0.1",
            "wss://api.example.com:8443/ws/v1.2.3",
        ] {
            assert!(embedded_tokens(clean).is_empty(), "{clean}");
        }
    }

    #[test]
    fn secrets_are_replaced_by_the_placeholder() {
        assert_eq!(
            without_embedded_tokens(&format!("/ws/{JWT}?a=1&token=x%2By&b=2")),
            "/ws/{token}?a=1&token={token}&b=2"
        );
        assert_eq!(without_embedded_tokens("/ws?a=1"), "/ws?a=1");
    }

    #[test]
    fn jwt_shape() {
        assert!(looks_like_jwt(JWT));
        assert!(looks_like_jwt("eyJhbGciOiJub25lIn0.eyJhIjoxfQ."));
        assert!(!looks_like_jwt("eyJhbGciOiJIUzI1NiJ9.eyJz"));
        assert!(!looks_like_jwt("a.b.c"));
        assert!(!looks_like_jwt("eyJhbGciOiJIUzI1NiJ9..sig"));
        assert!(!looks_like_jwt("eyJhbGci OiJIUzI1NiJ9.eyJz.sig"));
    }
}
