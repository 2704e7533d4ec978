//! Token handling (F8): read a JWT's `exp` without verifying it.
//!
//! The console only needs to know *when* to ask for a fresh token; the server is the one
//! that checks signatures.

/// Expiry of a JWT in Unix milliseconds, read from the payload's `exp` claim (seconds).
/// `None` when the token is not a JWT or has no numeric `exp`.
pub fn jwt_exp_ms(token: &str) -> Option<f64> {
    let mut parts = token.split('.');
    let (_header, payload, _sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = base64url_decode(payload)?;
    // Read as text (JSON is UTF-8): the page's only JSON reader is the one over `&str`, and a
    // second one over bytes would add its own copy of the parser to the wasm.
    let value: serde_json::Value = serde_json::from_str(std::str::from_utf8(&bytes).ok()?).ok()?;
    let exp = value.get("exp")?.as_f64()?;
    exp.is_finite().then_some(exp * 1000.0)
}

/// Decodes base64url (padding optional; the standard alphabet's `+` and `/` accepted too).
fn base64url_decode(input: &str) -> Option<Vec<u8>> {
    let input = input.trim_end_matches('=');
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for c in input.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // A single leftover sextet cannot encode a byte.
    (bits < 6).then_some(out)
}

#[cfg(test)]
pub(crate) fn base64url_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |a, b| (a << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// A test JWT with the given `exp` (seconds); the signature is junk, as the engine never checks it.
#[cfg(test)]
pub(crate) fn test_jwt(exp_s: u64) -> String {
    let header = base64url_encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = base64url_encode(format!(r#"{{"sub":"qa","exp":{exp_s}}}"#).as_bytes());
    format!("{header}.{payload}.c2lnbmF0dXJl")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_exp_from_a_jwt() {
        assert_eq!(
            jwt_exp_ms(&test_jwt(1_700_000_000)),
            Some(1_700_000_000_000.0)
        );
    }

    #[test]
    fn opaque_tokens_have_no_expiry() {
        for t in [
            "",
            "abc",
            "a.b",
            "a.b.c.d",
            "a.!!!.c",
            "x.eyJzdWIiOiJxYSJ9.y",
        ] {
            assert_eq!(jwt_exp_ms(t), None, "{t}");
        }
    }

    #[test]
    fn a_payload_that_is_not_utf8_has_no_expiry() {
        let mut payload = br#"{"exp":1700000000,"n":""#.to_vec();
        payload.extend_from_slice(&[0xff, 0xfe, b'"', b'}']);
        let jwt = format!("e30.{}.c2ln", base64url_encode(&payload));
        assert_eq!(jwt_exp_ms(&jwt), None);
        let valid = format!(
            "e30.{}.c2ln",
            base64url_encode(br#"{"exp":1700000000,"n":"\u00ff"}"#)
        );
        assert_eq!(jwt_exp_ms(&valid), Some(1_700_000_000_000.0));
    }

    #[test]
    fn base64url_round_trips() {
        for len in 0..20 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            assert_eq!(base64url_decode(&base64url_encode(&bytes)).unwrap(), bytes);
        }
    }

    #[test]
    fn padded_and_standard_alphabet_accepted() {
        assert_eq!(base64url_decode("aGk=").unwrap(), b"hi");
        assert_eq!(base64url_decode("+/8").unwrap(), vec![0xfb, 0xff]);
    }
}
