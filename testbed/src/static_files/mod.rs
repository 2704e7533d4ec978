//! Serving the built console, so one process is both the backend and the page under test.
//!
//! The same build is served at the root and under `/ws-testing`, so the console works whether
//! Trunk built it with a public URL of `/` or `/ws-testing/`; `/`, `/ws-testing` and
//! `/ws-testing/` all give `index.html`. The Leptos example host, a build of its own, is
//! served under `/leptos-host/` alone (Trunk builds it with that public URL) and gets every
//! header below, its page a CSP of its own. Content types come from the file extension (`.wasm`
//! is `application/wasm`, which streaming compilation requires). Missing files are 404.
//!
//! What each answer carries, and why:
//! - `Content-Encoding: gzip` when the client accepts it and the file compresses (`Vary:
//!   Accept-Encoding`): the release wasm goes out at less than half its size (SPEC P4 counts
//!   gzip bytes).
//! - `Cache-Control`: `public, max-age=31536000, immutable` for Trunk's content-hashed files,
//!   `no-cache` for pages and everything else, with an ETag so a revalidation costs a 304
//!   (see [`bundle`]).
//! - `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy:
//!   require-corp`, which make the page cross-origin isolated: the browser's `performance.now()`
//!   is then precise to 5 µs instead of 100 µs, and the console's round trips are measured with
//!   it. WebSockets and same-origin assets are not affected by these policies.
//! - `X-Content-Type-Options: nosniff`, so a file is only ever used as its declared type.
//! - On pages, a Content-Security-Policy computed from the page (see [`csp`]); its violation
//!   reports are counted at `/api/csp-report`.

mod bundle;
mod csp;

pub(crate) use bundle::Bundle;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use crate::state::AppState;
use bundle::{Asset, Variant};

/// Where the console is served besides the root: the standalone page, and the bundle for
/// host pages (`/ws-console/embed.js`).
const PREFIXES: [&str; 2] = ["/ws-testing", "/ws-console"];
/// Where the Leptos example host's build is served (its Trunk `public_url`).
const LEPTOS_HOST_PREFIX: &str = "/leptos-host";
/// Largest CSP report read; a real one is about 1 KB.
const MAX_REPORT_BYTES: usize = 64 << 10;
/// Reports printed to stderr (all are counted); enough to see what broke, bounded against a
/// page that violates in a loop.
const MAX_REPORTS_LOGGED: u32 = 20;

/// The builds the server serves: the console (`--static-dir`) and the Leptos example host
/// (`--leptos-host-dir`), each when given.
#[derive(Debug, Default)]
pub(crate) struct Sites {
    pub console: Option<Bundle>,
    pub leptos_host: Option<Bundle>,
}

impl Sites {
    pub fn is_empty(&self) -> bool {
        self.console.is_none() && self.leptos_host.is_none()
    }

    /// The file a request path names: under [`LEPTOS_HOST_PREFIX`] from the example host's
    /// build, anywhere else from the console's.
    fn get(&self, path: &str) -> Option<&Asset> {
        match under(path, LEPTOS_HOST_PREFIX) {
            Some(rest) => self.leptos_host.as_ref()?.get(&file_key(rest)?),
            None => self.console.as_ref()?.get(&file_key(path)?),
        }
    }
}

/// Adds the routes of `sites` to `router`, behind every explicit route.
pub(crate) fn mount(router: Router<AppState>, sites: Sites) -> Router<AppState> {
    let sites = Arc::new(sites);
    router
        .route(
            csp::REPORT_PATH,
            post(csp_report).layer(DefaultBodyLimit::max(MAX_REPORT_BYTES)),
        )
        .fallback(move |method: Method, uri: Uri, headers: HeaderMap| {
            let sites = sites.clone();
            async move { serve(&sites, &method, uri.path(), &headers) }
        })
}

fn serve(sites: &Sites, method: &Method, path: &str, request: &HeaderMap) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let allow = [(header::ALLOW, HeaderValue::from_static("GET, HEAD"))];
        return (StatusCode::METHOD_NOT_ALLOWED, allow).into_response();
    }
    let Some(asset) = sites.get(path) else {
        return (StatusCode::NOT_FOUND, common_headers()).into_response();
    };
    let gzip = asset.gzip.as_ref().filter(|_| accepts_gzip(request));
    let variant: &Variant = gzip.unwrap_or(&asset.identity);
    let mut headers = common_headers();
    headers.insert(header::CONTENT_TYPE, asset.content_type.clone());
    headers.insert(header::CACHE_CONTROL, asset.cache_control.clone());
    headers.insert(header::ETAG, variant.etag.clone());
    if asset.gzip.is_some() {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    if gzip.is_some() {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    if let Some(csp) = &asset.csp {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp.clone());
    }
    if matches_etag(request, &variant.etag) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    // For HEAD, hyper keeps the length and leaves the body out.
    (headers, variant.body.clone()).into_response()
}

/// The headers every static answer carries, found or not.
fn common_headers() -> HeaderMap {
    [
        ("cross-origin-opener-policy", "same-origin"),
        ("cross-origin-embedder-policy", "require-corp"),
        ("x-content-type-options", "nosniff"),
    ]
    .into_iter()
    .map(|(n, v)| (HeaderName::from_static(n), HeaderValue::from_static(v)))
    .collect()
}

/// The build's file for a request path: under the root or one of [`PREFIXES`], `index.html` for a
/// directory, percent-escapes decoded. `None` for what cannot name a file.
fn file_key(path: &str) -> Option<String> {
    let rest = PREFIXES.iter().find_map(|p| under(path, p)).unwrap_or(path);
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let mut key = percent_decode(rest)?;
    if key.is_empty() || key.ends_with('/') {
        key.push_str("index.html");
    }
    Some(key)
}

/// What follows `prefix` in `path` when `path` is `prefix` or lies below it.
fn under<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    path.strip_prefix(prefix)
        .filter(|rest| rest.is_empty() || rest.starts_with('/'))
}

fn percent_decode(s: &str) -> Option<String> {
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hex = [bytes.next()?, bytes.next()?];
            out.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
        } else {
            out.push(b);
        }
    }
    String::from_utf8(out).ok()
}

/// Whether `Accept-Encoding` admits gzip (by name or `*`, with a q-value above 0).
fn accepts_gzip(request: &HeaderMap) -> bool {
    let (mut gzip, mut any) = (None, None);
    for value in request.get_all(header::ACCEPT_ENCODING) {
        for item in value.to_str().unwrap_or_default().split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(1.0, |q| q.trim().parse::<f32>().unwrap_or(0.0));
            match name.as_str() {
                "gzip" | "x-gzip" => gzip = Some(q),
                "*" => any = Some(q),
                _ => {}
            }
        }
    }
    gzip.or(any).is_some_and(|q| q > 0.0)
}

/// Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks for GET).
fn matches_etag(request: &HeaderMap, etag: &HeaderValue) -> bool {
    let ours = etag.to_str().unwrap_or_default();
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim())
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == ours)
}

/// `POST /api/csp-report`: counts the violation; prints the first few.
async fn csp_report(State(state): State<AppState>, body: String) -> StatusCode {
    static LOGGED: AtomicU32 = AtomicU32::new(0);
    state.stats.csp_violation();
    if LOGGED.fetch_add(1, Ordering::Relaxed) < MAX_REPORTS_LOGGED {
        eprintln!("testbed: CSP violation reported by a served page: {body}");
    }
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_files_under_both_roots() {
        for (path, key) in [
            ("/", "index.html"),
            ("/ws-testing", "index.html"),
            ("/ws-testing/", "index.html"),
            ("/ws-testing/a_bg.wasm", "a_bg.wasm"),
            ("/public/", "public/index.html"),
            ("/ws-testingx", "ws-testingx"),
            ("/ws-console/embed.js", "embed.js"),
            ("/my%20file.txt", "my file.txt"),
        ] {
            assert_eq!(file_key(path).as_deref(), Some(key), "{path}");
        }
        assert_eq!(file_key("/bad%2"), None);
        assert_eq!(file_key("/bad%zz"), None);
    }

    #[test]
    fn the_leptos_host_is_served_from_its_own_build_under_its_prefix_only() {
        let dir = |files: &[(&str, &str)]| {
            let dir = std::env::temp_dir().join(format!(
                "testbed-sites-{}-{}",
                std::process::id(),
                files[0].1
            ));
            std::fs::create_dir_all(&dir).unwrap();
            for (name, body) in files {
                std::fs::write(dir.join(name), body).unwrap();
            }
            let bundle = Bundle::load(&dir).unwrap();
            std::fs::remove_dir_all(&dir).unwrap();
            bundle
        };
        let body = |sites: &Sites, path: &str| {
            sites
                .get(path)
                .map(|a| String::from_utf8_lossy(&a.identity.body).into_owned())
        };
        let sites = Sites {
            console: Some(dir(&[("index.html", "console"), ("a.js", "console js")])),
            leptos_host: Some(dir(&[("index.html", "host"), ("b.js", "host js")])),
        };
        for (path, expected) in [
            ("/leptos-host/", Some("host")),
            ("/leptos-host", Some("host")),
            ("/leptos-host/b.js", Some("host js")),
            ("/leptos-host/a.js", None),
            ("/leptos-hostx", None),
            ("/ws-testing/", Some("console")),
            ("/a.js", Some("console js")),
            ("/b.js", None),
        ] {
            assert_eq!(body(&sites, path).as_deref(), expected, "{path}");
        }
        assert!(
            sites.get("/leptos-host/").unwrap().csp.is_some(),
            "a page's CSP"
        );
        let console_only = Sites {
            leptos_host: None,
            ..sites
        };
        assert_eq!(body(&console_only, "/leptos-host/"), None);
        assert!(!console_only.is_empty() && Sites::default().is_empty());
    }

    fn accept(value: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
        h
    }

    #[test]
    fn gzip_is_sent_only_when_accepted() {
        assert!(accepts_gzip(&accept("gzip, deflate, br, zstd")));
        assert!(accepts_gzip(&accept("br;q=1.0, GZIP;q=0.5")));
        assert!(accepts_gzip(&accept("*")));
        assert!(!accepts_gzip(&HeaderMap::new()));
        assert!(!accepts_gzip(&accept("br")));
        assert!(!accepts_gzip(&accept("gzip;q=0, *")));
        assert!(!accepts_gzip(&accept("identity")));
    }

    #[test]
    fn etags_match_weakly_and_in_lists() {
        let etag = HeaderValue::from_static("\"abc\"");
        let mut h = HeaderMap::new();
        assert!(!matches_etag(&h, &etag));
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"x\", W/\"abc\""),
        );
        assert!(matches_etag(&h, &etag));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"abcd\""));
        assert!(!matches_etag(&h, &etag));
    }
}
