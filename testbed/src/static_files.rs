//! Serving the built console, so one process is both the backend and the page under test.
//!
//! The same directory is mounted at the root and under `/ws-testing`, so the console works
//! whether Trunk built it with a public URL of `/` or `/ws-testing/`; `/`, `/ws-testing` and
//! `/ws-testing/` all give `index.html`. Content types come from the file extension (`.wasm`
//! is `application/wasm`, which streaming compilation requires). Missing files are 404.
//!
//! Every static response carries `Cross-Origin-Opener-Policy: same-origin` and
//! `Cross-Origin-Embedder-Policy: require-corp`, which make the page cross-origin isolated:
//! the browser's `performance.now()` is then precise to 5 µs instead of 100 µs, and the
//! console's round trips are measured with it. WebSockets and same-origin assets are not
//! affected by these policies.

use std::path::Path;

use axum::Router;
use axum::http::{HeaderName, HeaderValue};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeader;

use crate::app::AppState;

/// Adds the static routes for `dir` to `router`, behind every explicit route.
pub(crate) fn mount(router: Router<AppState>, dir: &Path) -> Router<AppState> {
    router
        .nest_service("/ws-testing", isolated(dir))
        .fallback_service(isolated(dir))
}

type Isolated<S> = SetResponseHeader<S, HeaderValue>;

/// `dir` served with the cross-origin isolation headers (and no MIME sniffing).
fn isolated(dir: &Path) -> Isolated<Isolated<Isolated<ServeDir>>> {
    let set = |name: &'static str, value: &'static str| {
        (
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        )
    };
    let (coop, coop_v) = set("cross-origin-opener-policy", "same-origin");
    let (coep, coep_v) = set("cross-origin-embedder-policy", "require-corp");
    let (nosniff, nosniff_v) = set("x-content-type-options", "nosniff");
    let inner = SetResponseHeader::overriding(ServeDir::new(dir), nosniff, nosniff_v);
    let inner = SetResponseHeader::overriding(inner, coep, coep_v);
    SetResponseHeader::overriding(inner, coop, coop_v)
}
