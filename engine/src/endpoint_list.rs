//! Several endpoints in one run (issue 13): the endpoint field holds one URL template per
//! line, and the sessions are spread over them.
//!
//! The spread is round-robin and fixed: session `i` uses line `i mod n` (blank lines do
//! not count), for its first socket and every reconnect, so a session's figures always
//! belong to one endpoint. A single line behaves exactly as the one-endpoint field did:
//! saved and shared configurations keep working, and the error messages are the same.
//! The list is bounded ([`MAX_ENDPOINTS`]) so the per-endpoint breakdown is too.

use crate::auth_mode::AuthMode;
use crate::ids::SessionId;
use crate::url::Endpoint;

/// Most endpoint lines in one run.
pub const MAX_ENDPOINTS: usize = 16;

/// A validated, non-empty list of endpoint templates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints(Vec<Endpoint>);

impl Endpoints {
    /// Validates every non-blank line of `raw` against `page_origin`. The error is a
    /// sentence for the user; with several lines it names the first bad one.
    pub fn parse(raw: &str, page_origin: &str) -> Result<Endpoints, String> {
        let lines: Vec<&str> = raw.lines().filter(|l| !l.trim().is_empty()).collect();
        if lines.len() > MAX_ENDPOINTS {
            return Err(format!(
                "At most {MAX_ENDPOINTS} endpoints, one per line ({} given)",
                lines.len()
            ));
        }
        if lines.len() < 2 {
            return Endpoint::parse(lines.first().unwrap_or(&""), page_origin)
                .map(|e| Endpoints(vec![e]));
        }
        let mut list = Vec::with_capacity(lines.len());
        for (i, line) in raw.lines().enumerate() {
            if !line.trim().is_empty() {
                list.push(
                    Endpoint::parse(line, page_origin)
                        .map_err(|m| format!("Line {}: {m}", i + 1))?,
                );
            }
        }
        Ok(Endpoints(list))
    }

    /// How many endpoints (1 to [`MAX_ENDPOINTS`]).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: a list holds at least one endpoint.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every endpoint, in the order of the lines.
    pub fn iter(&self) -> impl Iterator<Item = &Endpoint> {
        self.0.iter()
    }

    /// The index of session `s`'s endpoint: `s mod n`.
    pub fn index_of(&self, s: SessionId) -> usize {
        s.index() % self.0.len()
    }

    /// Session `s`'s endpoint.
    pub fn of(&self, s: SessionId) -> &Endpoint {
        &self.0[self.index_of(s)]
    }

    /// The normalised templates, one per line.
    pub fn template(&self) -> String {
        let mut out = String::new();
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(e.template());
        }
        out
    }

    /// Session `session`'s URL to connect to ([`Endpoint::fill`] of its endpoint).
    pub fn fill(&self, user_id: &str, token: &str, session: u32, mode: AuthMode) -> String {
        self.of(SessionId(session))
            .fill(user_id, token, session, mode)
    }

    /// The HTTP origin of the first endpoint, where the test backend's fault control is
    /// asked (faults are run-wide).
    pub fn http_origin(&self) -> String {
        self.0[0].http_origin()
    }

    /// The first endpoint host not on `page_origin`, if any ([`Endpoint::foreign_host`]):
    /// a token is sent to every endpoint, so every one is checked (R3).
    pub fn foreign_host(&self, page_origin: &str) -> Option<String> {
        self.0.iter().find_map(|e| e.foreign_host(page_origin))
    }

    /// Whether any template contains `{user_id}`.
    pub fn uses_user_id(&self) -> bool {
        self.0.iter().any(Endpoint::uses_user_id)
    }

    /// Whether any template contains `{token}`.
    pub fn uses_token(&self) -> bool {
        self.0.iter().any(Endpoint::uses_token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: &str = "http://127.0.0.1:8080";

    #[test]
    fn one_line_is_the_old_field() {
        let e = Endpoints::parse("  /ws  \n\n", ORIGIN).unwrap();
        assert_eq!(e.len(), 1);
        assert_eq!(e.template(), "ws://127.0.0.1:8080/ws");
        assert_eq!(
            Endpoints::parse("", ORIGIN).unwrap_err(),
            Endpoint::parse("", ORIGIN).unwrap_err()
        );
        assert_eq!(
            Endpoints::parse("ftp://h/ws", ORIGIN).unwrap_err(),
            Endpoint::parse("ftp://h/ws", ORIGIN).unwrap_err()
        );
    }

    #[test]
    fn sessions_are_spread_round_robin() {
        let e = Endpoints::parse("/a\n\n/b?s={session}\n/c\n", ORIGIN).unwrap();
        assert_eq!(e.len(), 3);
        assert_eq!(
            e.template(),
            "ws://127.0.0.1:8080/a\nws://127.0.0.1:8080/b?s={session}\nws://127.0.0.1:8080/c"
        );
        let idx: Vec<usize> = (0..7).map(|i| e.index_of(SessionId(i))).collect();
        assert_eq!(idx, [0, 1, 2, 0, 1, 2, 0]);
        assert_eq!(
            e.fill("", "", 4, AuthMode::Query),
            "ws://127.0.0.1:8080/b?s=4"
        );
    }

    #[test]
    fn a_bad_line_is_named() {
        let err = Endpoints::parse("/a\n\nnope\n/c", ORIGIN).unwrap_err();
        assert!(err.starts_with("Line 3: "), "{err}");
        assert!(err.contains("has no scheme"), "{err}");
    }

    #[test]
    fn the_list_is_bounded() {
        let ok = "/ws\n".repeat(MAX_ENDPOINTS);
        assert_eq!(Endpoints::parse(&ok, ORIGIN).unwrap().len(), MAX_ENDPOINTS);
        let err = Endpoints::parse(&format!("{ok}/ws"), ORIGIN).unwrap_err();
        assert_eq!(err, "At most 16 endpoints, one per line (17 given)");
    }

    #[test]
    fn every_endpoint_counts_for_the_token_and_user_id() {
        let e = Endpoints::parse("/a\nws://elsewhere.example/ws/{user_id}", ORIGIN).unwrap();
        assert_eq!(e.foreign_host(ORIGIN).as_deref(), Some("elsewhere.example"));
        assert!(e.uses_user_id());
        assert!(!e.uses_token());
        assert_eq!(e.http_origin(), ORIGIN);
    }
}
