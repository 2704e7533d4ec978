//! Serving the built console, so one process is both the backend and the page under test.
//!
//! The same build is served at the root and under `/ws-testing`, so the console works whether
//! Trunk built it with a public URL of `/` or `/ws-testing/`; `/`, `/ws-testing` and
//! `/ws-testing/` all give `index.html`. Content types come from the file extension (`.wasm`
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

use crate::app::AppState;
use bundle::Variant;

/// Where the console is served besides the root: the standalone page, and the bundle for
/// host pages (`/ws-console/embed.js`).
const PREFIXES: [&str; 2] = ["/ws-testing", "/ws-console"];
/// Largest CSP report read; a real one is about 1 KB.
const MAX_REPORT_BYTES: usize = 64 << 10;
/// Reports printed to stderr (all are counted); enough to see what broke, bounded against a
/// page that violates in a loop.
const MAX_REPORTS_LOGGED: u32 = 20;

/// Adds the console's routes to `router`, behind every explicit route.
pub(crate) fn mount(router: Router<AppState>, console: Bundle) -> Router<AppState> {
    let console = Arc::new(console);
    router
        .route(
            csp::REPORT_PATH,
            post(csp_report).layer(DefaultBodyLimit::max(MAX_REPORT_BYTES)),
        )
        .fallback(move |method: Method, uri: Uri, headers: HeaderMap| {
            let console = console.clone();
            async move { serve(&console, &method, uri.path(), &headers) }
        })
}

fn serve(console: &Bundle, method: &Method, path: &str, request: &HeaderMap) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let allow = [(header::ALLOW, HeaderValue::from_static("GET, HEAD"))];
        return (StatusCode::METHOD_NOT_ALLOWED, allow).into_response();
    }
    let Some(asset) = file_key(path).and_then(|key| console.get(&key)) else {
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
    let rest = PREFIXES
        .iter()
        .filter_map(|p| path.strip_prefix(p))
        .find(|rest| rest.is_empty() || rest.starts_with('/'))
        .unwrap_or(path);
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let mut key = percent_decode(rest)?;
    if key.is_empty() || key.ends_with('/') {
        key.push_str("index.html");
    }
    Some(key)
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
