//! Deciding whether a token is good.
//!
//! The testbed accepts either one of the configured static tokens or, when a secret is set, an
//! HS256 JWT signed with it. JWTs are checked by hand (HMAC-SHA256 over `header.payload`, then
//! `exp`/`nbf`) rather than through a JWT crate: one algorithm is all a test server needs, and it
//! keeps the dependency tree free of crypto back ends we would never use.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

use crate::Options;

type HmacSha256 = Hmac<Sha256>;

/// Who a valid token says the caller is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Identity {
    /// The JWT `sub` claim, when the token was a JWT that carried one.
    pub subject: Option<String>,
    /// The JWT `jti` claim: which token this was (the demo host counts the ones it sees).
    pub token_id: Option<String>,
    /// The JWT `sid` claim, or the demo login session of a cookie: logging out ends it.
    pub session: Option<String>,
}

/// Checks tokens against the configured static list and optional JWT secret.
#[derive(Debug, Clone)]
pub(crate) struct Authenticator {
    tokens: Vec<String>,
    jwt_secret: Option<Vec<u8>>,
}

impl Authenticator {
    pub fn new(opts: &Options) -> Self {
        Self {
            tokens: opts.tokens.clone(),
            jwt_secret: opts.jwt_secret.as_ref().map(|s| s.as_bytes().to_vec()),
        }
    }

    /// Returns the identity behind `token`, or `None` when it is not accepted.
    /// `now_s` is the current Unix time in seconds (passed in so tests control expiry).
    pub fn check(&self, token: &str, now_s: u64) -> Option<Identity> {
        if token.is_empty() {
            return None;
        }
        if self.tokens.iter().any(|t| t == token) {
            return Some(Identity::default());
        }
        let secret = self.jwt_secret.as_deref()?;
        verify_hs256(token, secret, now_s)
    }
}

/// Verifies an HS256 JWT: algorithm, signature, then `exp` and `nbf` when present.
fn verify_hs256(token: &str, secret: &[u8], now_s: u64) -> Option<Identity> {
    let (signing_input, signature) = token.rsplit_once('.')?;
    let (header, payload) = signing_input.split_once('.')?;
    if payload.contains('.') {
        return None;
    }
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
    if header.get("alg").and_then(Value::as_str) != Some("HS256") {
        return None;
    }
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    let mut mac = HmacSha256::new_from_slice(secret).ok()?;
    mac.update(signing_input.as_bytes());
    mac.verify_slice(&signature).ok()?;

    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    let claims = claims.as_object()?;
    let now = now_s as f64;
    if let Some(exp) = claims.get("exp")
        && exp.as_f64()? <= now
    {
        return None;
    }
    if let Some(nbf) = claims.get("nbf")
        && nbf.as_f64()? > now
    {
        return None;
    }
    let text = |name: &str| match claims.get(name) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    Some(Identity {
        subject: text("sub"),
        token_id: text("jti"),
        session: text("sid"),
    })
}

/// Signs `claims` as an HS256 JWT with `secret`.
///
/// For tests and tools that need a token this server accepts when started with
/// [`Options::jwt_secret`](crate::Options::jwt_secret).
pub fn sign_jwt(secret: &str, claims: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{header}.{payload}");
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key");
    mac.update(signing_input.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{signing_input}.{signature}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: u64 = 1_700_000_000;

    fn auth(secret: Option<&str>) -> Authenticator {
        Authenticator::new(&Options {
            tokens: vec!["dev-token".into()],
            jwt_secret: secret.map(str::to_owned),
            ..Options::default()
        })
    }

    #[test]
    fn static_tokens_match_exactly() {
        let a = auth(None);
        assert_eq!(a.check("dev-token", NOW), Some(Identity::default()));
        assert_eq!(a.check("dev-token ", NOW), None);
        assert_eq!(a.check("", NOW), None);
    }

    #[test]
    fn jwt_signed_with_the_secret_is_accepted_and_names_its_subject() {
        let token = sign_jwt("s3cret", &json!({"sub": "alice", "exp": NOW + 60}));
        let got = auth(Some("s3cret")).check(&token, NOW);
        assert_eq!(
            got,
            Some(Identity {
                subject: Some("alice".into()),
                ..Identity::default()
            })
        );
    }

    #[test]
    fn jwt_is_refused_without_a_secret_or_with_another_one() {
        let token = sign_jwt("s3cret", &json!({"sub": "alice"}));
        assert_eq!(auth(None).check(&token, NOW), None);
        assert_eq!(auth(Some("other")).check(&token, NOW), None);
    }

    #[test]
    fn expired_or_not_yet_valid_jwt_is_refused() {
        let a = auth(Some("k"));
        assert_eq!(a.check(&sign_jwt("k", &json!({"exp": NOW})), NOW), None);
        assert_eq!(a.check(&sign_jwt("k", &json!({"nbf": NOW + 1})), NOW), None);
        assert_eq!(a.check(&sign_jwt("k", &json!({"exp": "soon"})), NOW), None);
        assert!(a.check(&sign_jwt("k", &json!({"nbf": NOW})), NOW).is_some());
    }

    #[test]
    fn tampered_or_malformed_jwt_is_refused() {
        let a = auth(Some("k"));
        let token = sign_jwt("k", &json!({"sub": "alice"}));
        let forged_payload = URL_SAFE_NO_PAD.encode(r#"{"sub":"mallory"}"#);
        let mut parts: Vec<&str> = token.split('.').collect();
        parts[1] = &forged_payload;
        assert_eq!(a.check(&parts.join("."), NOW), None);
        for bad in ["a.b", "a.b.c.d", "!!.!!.!!", "..", &format!("{token}x")] {
            assert_eq!(a.check(bad, NOW), None, "{bad}");
        }
    }

    #[test]
    fn jwt_with_another_algorithm_is_refused() {
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#);
        let payload = URL_SAFE_NO_PAD.encode(r#"{"sub":"alice"}"#);
        assert_eq!(
            auth(Some("k")).check(&format!("{header}.{payload}."), NOW),
            None
        );
    }
}
