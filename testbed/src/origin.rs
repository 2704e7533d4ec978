//! Which browser pages may talk to the testbed: an allow-list of origins.
//!
//! Why: a browser lets any page open a WebSocket to any host, and send a simple POST anywhere (a
//! form, or `fetch` in `no-cors` mode). Without a check, any site the tester happens to visit
//! could open sessions on the testbed running on their machine, or drop every connection through
//! the fault control (cross-site WebSocket hijacking, cross-site request forgery). A browser
//! names the page's origin in the `Origin` header of every WebSocket handshake, every POST and
//! every cross-origin request, and a page cannot change it, so that is what is checked.
//!
//! Allowed by default: the testbed's own origin, `http://<addr>` as bound (the console it serves
//! lives there), and its `localhost` spelling when it listens on loopback (both spellings of
//! loopback when it listens on every interface; other names of the machine must be added).
//! [`Options::allow_origins`](crate::Options::allow_origins) (`--allow-origin`, repeatable) adds
//! more: the wasm-bindgen test runner's page, `trunk serve` (its proxy passes the page's
//! `Origin` on), or a host app that embeds the console.
//!
//! No `Origin` header at all means the client is not a browser: tokio-tungstenite tests, k6,
//! curl. Those are allowed. Refusing them would protect nothing — a program can send any
//! `Origin` it likes — and would break every non-browser client. `Origin: null` (a sandboxed
//! frame, a `file:` or `data:` page) is a browser page without an origin to trust: refused.
//!
//! The fault control (`/api/faults`) is same-origin only. A same-origin `GET` from a page
//! carries no `Origin`, so there the browser's `Sec-Fetch-Site` decides: `same-origin`, `none`
//! (typed into the address bar) or absent (not a browser) pass; `same-site` and `cross-site`
//! do not. Refusals are HTTP 403 with a JSON body that names the flag to use.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Mutex, PoisonError};

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::state::json_response;

/// How many refused origins are remembered so each is logged once (the header is client
/// input, so the memory is bounded).
const MAX_LOGGED: usize = 64;

/// The origins a browser page may come from.
#[derive(Debug)]
pub(crate) struct OriginPolicy {
    allowed: BTreeSet<String>,
    logged: Mutex<BTreeSet<String>>,
}

/// A request from a page whose origin is not allowed: answered with 403.
#[derive(Debug)]
pub(crate) struct Refusal {
    origin: String,
}

impl OriginPolicy {
    /// The testbed's own origins for `addr` (as bound), plus `extra` (each must be an origin:
    /// `scheme://host[:port]`, nothing after it).
    pub fn new(addr: SocketAddr, extra: &[String]) -> Result<Self, String> {
        let mut allowed = BTreeSet::new();
        for host in own_hosts(addr.ip()) {
            allowed.insert(normalize(&format!("http://{host}:{}", addr.port()))?);
        }
        for origin in extra {
            allowed.insert(normalize(origin).map_err(|e| format!("--allow-origin: {e}"))?);
        }
        Ok(Self {
            allowed,
            logged: Mutex::default(),
        })
    }

    /// Every allowed origin, sorted.
    pub fn allowed(&self) -> impl Iterator<Item = &str> {
        self.allowed.iter().map(String::as_str)
    }

    /// A WebSocket handshake: allowed without `Origin` (not a browser) or from an allowed one.
    pub fn check_upgrade(&self, headers: &HeaderMap) -> Result<(), Refusal> {
        match headers.get(header::ORIGIN) {
            None => Ok(()),
            Some(origin) => self.check(origin).map(drop),
        }
    }

    /// A fault-control request: same-origin or allowed pages only. `Ok` carries the origin to
    /// name in `Access-Control-Allow-Origin`, if the request had one.
    pub fn check_control(&self, headers: &HeaderMap) -> Result<Option<HeaderValue>, Refusal> {
        if let Some(origin) = headers.get(header::ORIGIN) {
            return self.check(origin).map(Some);
        }
        let site = headers
            .get("sec-fetch-site")
            .map(|v| v.to_str().unwrap_or("?"));
        match site {
            None | Some("same-origin" | "none") => Ok(None),
            Some(other) => Err(self.refuse(&format!("(no Origin; Sec-Fetch-Site: {other})"))),
        }
    }

    fn check(&self, origin: &HeaderValue) -> Result<HeaderValue, Refusal> {
        let text = origin.to_str().unwrap_or("(not text)");
        match normalize(text) {
            Ok(o) if self.allowed.contains(&o) => Ok(origin.clone()),
            _ => Err(self.refuse(text)),
        }
    }

    /// Logs the first refusal of each origin (so a tester sees which flag is missing) and
    /// builds the answer.
    fn refuse(&self, origin: &str) -> Refusal {
        let mut logged = self.logged.lock().unwrap_or_else(PoisonError::into_inner);
        if logged.len() < MAX_LOGGED && logged.insert(origin.to_owned()) {
            eprintln!(
                "testbed: refused a request from origin {origin}; allowed: {}; add one with \
                 --allow-origin",
                self.allowed.iter().cloned().collect::<Vec<_>>().join(", ")
            );
        }
        Refusal {
            origin: origin.to_owned(),
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        json_response(
            StatusCode::FORBIDDEN,
            json!({
                "error": "origin_not_allowed",
                "origin": self.origin,
                "message": "this page's origin may not use the testbed: start it with \
                            --allow-origin <origin> (Options::allow_origins)",
            }),
        )
    }
}

/// The host names under which a page served by this address sees it.
fn own_hosts(ip: IpAddr) -> Vec<String> {
    let v4 = Ipv4Addr::LOCALHOST.to_string();
    let v6 = format!("[{}]", Ipv6Addr::LOCALHOST);
    let localhost = "localhost".to_owned();
    match ip {
        ip if ip.is_unspecified() => vec![v4, v6, localhost],
        IpAddr::V4(ip) if ip.is_loopback() => vec![ip.to_string(), localhost],
        IpAddr::V6(ip) if ip.is_loopback() => vec![v6, localhost],
        IpAddr::V4(ip) => vec![ip.to_string()],
        IpAddr::V6(ip) => vec![format!("[{ip}]")],
    }
}

/// An origin as a browser serialises it: lower case, no default port, no trailing slash.
pub(crate) fn normalize(origin: &str) -> Result<String, String> {
    let lower = origin.trim().to_ascii_lowercase();
    let lower = lower.strip_suffix('/').unwrap_or(&lower);
    let bad = || {
        format!("{origin:?} is not an origin (scheme://host[:port], e.g. http://127.0.0.1:8081)")
    };
    let (scheme, authority) = lower.split_once("://").ok_or_else(bad)?;
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    let authority_ok =
        !authority.is_empty() && !authority.contains(['/', '?', '#', '@', ' ', '\\']);
    if !scheme_ok || !authority_ok {
        return Err(bad());
    }
    let default_port = match scheme {
        "http" | "ws" => Some(":80"),
        "https" | "wss" => Some(":443"),
        _ => None,
    };
    let authority = default_port
        .and_then(|p| authority.strip_suffix(p))
        .unwrap_or(authority);
    Ok(format!("{scheme}://{authority}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(addr: &str, extra: &[&str]) -> OriginPolicy {
        let extra: Vec<String> = extra.iter().map(|s| (*s).to_owned()).collect();
        OriginPolicy::new(addr.parse().unwrap(), &extra).unwrap()
    }

    #[test]
    fn loopback_allows_both_spellings_of_its_own_origin() {
        let p = policy("127.0.0.1:8080", &[]);
        let all: Vec<&str> = p.allowed().collect();
        assert_eq!(all, ["http://127.0.0.1:8080", "http://localhost:8080"]);
    }

    #[test]
    fn every_interface_allows_the_loopback_spellings() {
        let p = policy("0.0.0.0:9000", &[]);
        let all: Vec<&str> = p.allowed().collect();
        assert_eq!(
            all,
            [
                "http://127.0.0.1:9000",
                "http://[::1]:9000",
                "http://localhost:9000"
            ]
        );
        let p = policy("[::1]:80", &[]);
        let all: Vec<&str> = p.allowed().collect();
        assert_eq!(all, ["http://[::1]", "http://localhost"]);
    }

    #[test]
    fn origins_are_compared_as_browsers_write_them() {
        assert_eq!(
            normalize("HTTP://Example.COM:80/").as_deref(),
            Ok("http://example.com")
        );
        assert_eq!(
            normalize("https://a.test:443").as_deref(),
            Ok("https://a.test")
        );
        assert_eq!(
            normalize("http://127.0.0.1:8081").as_deref(),
            Ok("http://127.0.0.1:8081")
        );
        for bad in [
            "",
            "null",
            "127.0.0.1:8081",
            "http://",
            "http://a/b",
            "1http://a",
        ] {
            assert!(normalize(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_bad_extra_origin_is_refused() {
        let err = OriginPolicy::new("127.0.0.1:1".parse().unwrap(), &["localhost:3000".into()]);
        assert!(err.unwrap_err().contains("--allow-origin"));
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (n, v) in pairs {
            h.insert(*n, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn upgrades_need_an_allowed_origin_or_none() {
        let p = policy("127.0.0.1:8080", &["http://127.0.0.1:8081"]);
        assert!(p.check_upgrade(&headers(&[])).is_ok());
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:8080",
            "http://127.0.0.1:8081",
        ] {
            assert!(p.check_upgrade(&headers(&[("origin", ok)])).is_ok(), "{ok}");
        }
        for refused in [
            "http://evil.test",
            "null",
            "http://127.0.0.1:8082",
            "https://127.0.0.1:8080",
        ] {
            assert!(
                p.check_upgrade(&headers(&[("origin", refused)])).is_err(),
                "{refused}"
            );
        }
    }

    #[test]
    fn control_is_same_origin_by_origin_or_fetch_metadata() {
        let p = policy("127.0.0.1:8080", &[]);
        let own = headers(&[("origin", "http://127.0.0.1:8080")]);
        assert_eq!(
            p.check_control(&own).unwrap(),
            Some(HeaderValue::from_static("http://127.0.0.1:8080"))
        );
        for site in [None, Some("same-origin"), Some("none")] {
            let h = site.map_or_else(HeaderMap::new, |s| headers(&[("sec-fetch-site", s)]));
            assert_eq!(p.check_control(&h).unwrap(), None, "{site:?}");
        }
        for site in ["same-site", "cross-site"] {
            assert!(
                p.check_control(&headers(&[("sec-fetch-site", site)]))
                    .is_err()
            );
        }
        let foreign = headers(&[
            ("origin", "http://evil.test"),
            ("sec-fetch-site", "cross-site"),
        ]);
        assert!(p.check_control(&foreign).is_err());
    }
}
