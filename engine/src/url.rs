//! Endpoint URLs (F2) and token redaction (R3).
//!
//! One field holds the whole URL template with `{user_id}`, `{token}` and `{session}`
//! placeholders. It is normalised once, at validation: `http(s)://` becomes `ws(s)://` and a
//! relative value resolves against the page origin, so what the adapter gets is always an
//! absolute WebSocket URL. The token never reaches a display path unredacted: every string
//! shown or exported goes through [`redact`].

use crate::auth_mode::AuthMode;
pub(crate) use crate::redact::Redactor;
pub use crate::redact::{REDACTED, redact};

const PLACEHOLDERS: [&str; 3] = ["{user_id}", "{token}", "{session}"];

/// A validated endpoint template: an absolute `ws://` or `wss://` URL with placeholders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    template: String,
}

impl Endpoint {
    /// Validates and normalises `raw` against `page_origin` (e.g. `http://127.0.0.1:8080`).
    /// The error is a sentence for the user.
    pub fn parse(raw: &str, page_origin: &str) -> Result<Endpoint, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("Enter an endpoint URL, e.g. /ws or wss://host/ws".into());
        }
        if raw.chars().any(char::is_whitespace) {
            return Err("The endpoint URL cannot contain spaces".into());
        }
        if raw.contains('#') {
            return Err("WebSocket URLs cannot have a #fragment".into());
        }
        check_placeholders(raw)?;
        let template = if let Some(rest) = raw.strip_prefix("//") {
            let (scheme, _) = origin_parts(page_origin)?;
            format!("{scheme}://{rest}")
        } else if raw.starts_with('/') {
            let (scheme, authority) = origin_parts(page_origin)?;
            format!("{scheme}://{authority}{raw}")
        } else if let Some((scheme, rest)) = raw.split_once("://") {
            format!("{}://{rest}", ws_scheme(scheme)?)
        } else {
            return Err(format!(
                "\"{raw}\" has no scheme; start it with ws://, wss://, http://, https:// or / (this page's server)"
            ));
        };
        check_authority(&template)?;
        Ok(Endpoint { template })
    }

    /// The normalised template, placeholders included.
    pub fn template(&self) -> &str {
        &self.template
    }

    /// The HTTP origin of the server behind the endpoint (`ws://h:1/x` → `http://h:1`),
    /// where the test backend's control endpoints live.
    pub fn http_origin(&self) -> String {
        let (scheme, rest) = self.template.split_once("://").unwrap_or(("ws", ""));
        let authority = rest.split(['/', '?']).next().unwrap_or("");
        let http = if scheme == "wss" { "https" } else { "http" };
        format!("{http}://{authority}")
    }

    /// The endpoint's host (`host:port`) when it is not on `page_origin`, the origin of the
    /// page running the console; `None` when both are the same origin. Schemes compare as
    /// their HTTP twins (`ws` ↔ `http`, `wss` ↔ `https`), hosts without case, and a default
    /// port equals no port. A token sent to another origin goes to someone else (R3).
    pub fn foreign_host(&self, page_origin: &str) -> Option<String> {
        let (scheme, rest) = self.template.split_once("://").unwrap_or(("ws", ""));
        let authority = rest.split(['/', '?']).next().unwrap_or("");
        let mine = normal_origin(if scheme == "wss" { "https" } else { "http" }, authority);
        let page = page_origin
            .trim()
            .split_once("://")
            .map(|(s, r)| normal_origin(s, r.split(['/', '?', '#']).next().unwrap_or("")));
        (page.as_ref() != Some(&mine)).then(|| authority.to_owned())
    }

    /// Whether the template contains `{user_id}`.
    pub fn uses_user_id(&self) -> bool {
        self.template.contains("{user_id}")
    }

    /// Whether the template contains `{token}`.
    pub fn uses_token(&self) -> bool {
        self.template.contains("{token}")
    }

    /// The URL to connect to: placeholders filled (percent-encoded) and, in query auth mode
    /// without a `{token}` placeholder, `token=…` appended when there is a token.
    pub fn fill(&self, user_id: &str, token: &str, session: u32, mode: AuthMode) -> String {
        let mut url = self
            .template
            .replace("{user_id}", &percent_encode(user_id))
            .replace("{token}", &percent_encode(token))
            .replace("{session}", &session.to_string());
        if mode == AuthMode::Query && !self.uses_token() && !token.is_empty() {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str("token=");
            url.push_str(&percent_encode(token));
        }
        url
    }

    /// The filled-in URL with the token redacted: what the environment panel shows.
    pub fn display(&self, user_id: &str, token: &str, session: u32, mode: AuthMode) -> String {
        redact(&self.fill(user_id, token, session, mode), token)
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub(crate) fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `scheme://host:port` in lower case, without the scheme's default port.
fn normal_origin(scheme: &str, authority: &str) -> String {
    let scheme = scheme.to_ascii_lowercase();
    let authority = authority.to_ascii_lowercase();
    let default = if scheme == "https" { ":443" } else { ":80" };
    let authority = authority.strip_suffix(default).unwrap_or(&authority);
    format!("{scheme}://{authority}")
}

fn ws_scheme(scheme: &str) -> Result<&'static str, String> {
    match scheme.to_ascii_lowercase().as_str() {
        "ws" | "http" => Ok("ws"),
        "wss" | "https" => Ok("wss"),
        other => Err(format!(
            "{other}:// is not a WebSocket scheme; use ws://, wss://, http:// or https://"
        )),
    }
}

/// The WebSocket scheme and the authority of the page origin.
fn origin_parts(page_origin: &str) -> Result<(&'static str, &str), String> {
    let no_origin = || {
        "A relative endpoint needs the page's origin; enter a full ws:// or wss:// URL".to_string()
    };
    let (scheme, rest) = page_origin.trim().split_once("://").ok_or_else(no_origin)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() {
        return Err(no_origin());
    }
    Ok((ws_scheme(scheme).map_err(|_| no_origin())?, authority))
}

fn check_placeholders(raw: &str) -> Result<(), String> {
    let mut rest = raw;
    while let Some(start) = rest.find('{') {
        let tail = &rest[start..];
        match PLACEHOLDERS.iter().find(|p| tail.starts_with(*p)) {
            Some(p) => rest = &tail[p.len()..],
            None => {
                let name = tail.split_inclusive('}').next().unwrap_or(tail);
                return Err(format!(
                    "Unknown placeholder {name}; use {{user_id}}, {{token}} or {{session}}"
                ));
            }
        }
    }
    Ok(())
}

fn check_authority(url: &str) -> Result<(), String> {
    let rest = url.split_once("://").map_or("", |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    if authority.is_empty() {
        return Err("The endpoint URL has no host".into());
    }
    if authority.contains('@') {
        return Err("Browsers do not send user:password@ credentials on a WebSocket; use an auth mode instead".into());
    }
    let host_port = authority.rsplit_once(']').map_or(authority, |(_, p)| p);
    if let Some((host, port)) = host_port.rsplit_once(':') {
        if host.is_empty() && !authority.starts_with('[') {
            return Err("The endpoint URL has no host".into());
        }
        if port.parse::<u16>().is_err() {
            return Err(format!("\"{port}\" is not a port number (1–65535)"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: &str = "http://127.0.0.1:8080";

    fn parse(raw: &str) -> Result<String, String> {
        Endpoint::parse(raw, ORIGIN).map(|e| e.template().to_owned())
    }

    #[test]
    fn relative_resolves_against_origin() {
        assert_eq!(parse("/ws").unwrap(), "ws://127.0.0.1:8080/ws");
        assert_eq!(
            Endpoint::parse("/ws", "https://qa.example.com/ws-testing")
                .unwrap()
                .template(),
            "wss://qa.example.com/ws"
        );
        assert_eq!(parse("//other:9000/ws").unwrap(), "ws://other:9000/ws");
    }

    #[test]
    fn schemes_are_kept_or_converted() {
        assert_eq!(parse("ws://h/ws").unwrap(), "ws://h/ws");
        assert_eq!(parse("wss://h/ws").unwrap(), "wss://h/ws");
        assert_eq!(parse("http://h/ws").unwrap(), "ws://h/ws");
        assert_eq!(parse("HTTPS://h/ws").unwrap(), "wss://h/ws");
    }

    #[test]
    fn bad_urls_get_specific_messages() {
        assert!(parse("").unwrap_err().contains("Enter an endpoint"));
        assert!(parse("   ").unwrap_err().contains("Enter an endpoint"));
        assert_eq!(
            parse("ftp://h/ws").unwrap_err(),
            "ftp:// is not a WebSocket scheme; use ws://, wss://, http:// or https://"
        );
        assert!(
            parse("localhost:8080/ws")
                .unwrap_err()
                .contains("no scheme")
        );
        assert!(parse("ws:///ws").unwrap_err().contains("no host"));
        assert!(parse("ws://h/ws#x").unwrap_err().contains("fragment"));
        assert!(parse("ws://h:99999/ws").unwrap_err().contains("port"));
        assert!(parse("ws://a b/ws").unwrap_err().contains("spaces"));
        assert!(parse("ws://u:p@h/ws").unwrap_err().contains("credentials"));
        assert!(parse("ws://h/{who}").unwrap_err().contains("{who}"));
        assert!(Endpoint::parse("/ws", "").unwrap_err().contains("origin"));
    }

    #[test]
    fn http_origin_of_the_endpoint() {
        let e = Endpoint::parse(
            "wss://api.example.com:8443/ws/{user_id}?token={token}",
            ORIGIN,
        );
        assert_eq!(e.unwrap().http_origin(), "https://api.example.com:8443");
        let e = Endpoint::parse("/ws", ORIGIN).unwrap();
        assert_eq!(e.http_origin(), "http://127.0.0.1:8080");
    }

    #[test]
    fn ipv6_hosts_accepted() {
        assert_eq!(parse("ws://[::1]:8080/ws").unwrap(), "ws://[::1]:8080/ws");
    }

    #[test]
    fn placeholders_are_filled_and_encoded() {
        let e = Endpoint::parse(
            "wss://api/pam/ws/{user_id}?token={token}&s={session}",
            ORIGIN,
        )
        .unwrap();
        assert!(e.uses_user_id() && e.uses_token());
        assert_eq!(
            e.fill("a b", "t/k", 3, AuthMode::Query),
            "wss://api/pam/ws/a%20b?token=t%2Fk&s=3"
        );
    }

    #[test]
    fn query_mode_appends_token_when_no_placeholder() {
        let e = Endpoint::parse("/ws", ORIGIN).unwrap();
        assert_eq!(
            e.fill("", "abc", 0, AuthMode::Query),
            "ws://127.0.0.1:8080/ws?token=abc"
        );
        assert_eq!(e.fill("", "", 0, AuthMode::Query), "ws://127.0.0.1:8080/ws");
        assert_eq!(
            e.fill("", "abc", 0, AuthMode::Cookie),
            "ws://127.0.0.1:8080/ws"
        );
        let q = Endpoint::parse("/ws?x=1", ORIGIN).unwrap();
        assert_eq!(
            q.fill("", "abc", 0, AuthMode::Query),
            "ws://127.0.0.1:8080/ws?x=1&token=abc"
        );
    }

    #[test]
    fn display_redacts_token() {
        let e = Endpoint::parse("/ws/{user_id}?token={token}", ORIGIN).unwrap();
        let shown = e.display("u1", "s3cr+t", 0, AuthMode::Query);
        assert_eq!(shown, "ws://127.0.0.1:8080/ws/u1?token=[redacted]");
    }

    #[test]
    fn foreign_host_compares_origins() {
        let e = |raw: &str| Endpoint::parse(raw, ORIGIN).unwrap();
        assert_eq!(e("/ws").foreign_host(ORIGIN), None);
        assert_eq!(e("ws://127.0.0.1:8080/x?y=1").foreign_host(ORIGIN), None);
        assert_eq!(
            e("WS://127.0.0.1:8080/x").foreign_host("HTTP://127.0.0.1:8080/"),
            None
        );
        assert_eq!(
            e("ws://localhost:8080/ws").foreign_host(ORIGIN).as_deref(),
            Some("localhost:8080")
        );
        assert_eq!(
            e("wss://127.0.0.1:8080/ws").foreign_host(ORIGIN).as_deref(),
            Some("127.0.0.1:8080"),
            "another scheme is another origin"
        );
        assert_eq!(
            e("wss://a.example/ws").foreign_host("https://a.example:443"),
            None
        );
        assert_eq!(
            e("ws://a.example:80/ws").foreign_host("http://a.example"),
            None
        );
        assert!(e("wss://evil.example/ws").foreign_host("").is_some());
    }
}
