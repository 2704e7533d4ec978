//! Serving the built console, so one process is both the backend and the page under test.
//!
//! The same directory is mounted at the root and under `/ws-testing`, so the console works
//! whether Trunk built it with a public URL of `/` or `/ws-testing/`; `/`, `/ws-testing` and
//! `/ws-testing/` all give `index.html`. Content types come from the file extension (`.wasm`
//! is `application/wasm`, which streaming compilation requires). Missing files are 404.

use std::path::Path;

use axum::Router;
use tower_http::services::ServeDir;

use crate::app::AppState;

/// Adds the static routes for `dir` to `router`, behind every explicit route.
pub(crate) fn mount(router: Router<AppState>, dir: &Path) -> Router<AppState> {
    router
        .nest_service("/ws-testing", ServeDir::new(dir))
        .fallback_service(ServeDir::new(dir))
}
