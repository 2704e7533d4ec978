//! Serving the built console: paths, content types, compression, caching and the security
//! headers, on a throwaway build laid out as Trunk lays out a release.

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::common::*;

/// Trunk's bootstrap, inline in the page.
const BOOTSTRAP: &str = "\nimport init from '/app-0123456789abcdef.js';\nawait init({ module_or_path: '/app-0123456789abcdef_bg.wasm' });\n";
const WASM: &str = "app-0123456789abcdef_bg.wasm";
const JS: &str = "app-0123456789abcdef.js";

/// A wasm-like body that compresses (as real wasm does, to about a third).
fn wasm_bytes() -> Vec<u8> {
    let mut bytes = b"\0asm\x01\0\0\0".to_vec();
    for i in 0..4000u32 {
        bytes.extend_from_slice(&(i % 97).to_le_bytes());
    }
    bytes
}

fn page() -> String {
    format!("<html><head><script type=\"module\">{BOOTSTRAP}</script></head><body></body></html>")
}

/// A throwaway build in a folder of its own (tests run side by side).
fn dist(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("testbed-dist-{}-{name}", std::process::id()));
    std::fs::create_dir_all(dir.join("public")).unwrap();
    std::fs::write(dir.join("index.html"), page()).unwrap();
    std::fs::write(dir.join(WASM), wasm_bytes()).unwrap();
    std::fs::write(
        dir.join(JS),
        "export default function init() {}\n".repeat(40),
    )
    .unwrap();
    std::fs::write(
        dir.join("public/README.txt"),
        "copied as it is\n".repeat(40),
    )
    .unwrap();
    dir
}

async fn serving(name: &str) -> (testbed::Server, SocketAddr, PathBuf) {
    let dir = dist(name);
    let server = start(testbed::Options {
        static_dir: Some(dir.clone()),
        ..options()
    })
    .await;
    let addr = server.local_addr();
    (server, addr, dir)
}

async fn stop(server: testbed::Server, dir: PathBuf) {
    server.shutdown().await;
    std::fs::remove_dir_all(dir).unwrap();
}

fn gunzip(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(body)
        .read_to_end(&mut out)
        .expect("valid gzip");
    out
}

#[tokio::test]
async fn the_console_is_served_at_the_root_and_under_ws_testing() {
    let (server, addr, dir) = serving("paths").await;
    for path in ["/", "/ws-testing", "/ws-testing/", "/index.html"] {
        let response = get(addr, path).await;
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.body, page().as_bytes(), "{path}");
        assert_eq!(response.header("content-type"), Some("text/html"), "{path}");
    }
    for path in [
        "/app-0123456789abcdef_bg.wasm",
        "/ws-testing/app-0123456789abcdef_bg.wasm",
    ] {
        let response = get(addr, path).await;
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.header("content-type"), Some("application/wasm"));
        assert_eq!(response.body, wasm_bytes(), "{path}");
    }
    assert_eq!(get(addr, "/public/README.txt").await.status, 200);
    assert_eq!(get(addr, "/missing.js").await.status, 404);
    assert_eq!(get(addr, "/../Cargo.toml").await.status, 404);
    assert_eq!(get(addr, "/%2e%2e/Cargo.toml").await.status, 404);
    assert_eq!(post(addr, "/index.html").await.status, 405);
    // API routes win over the console.
    assert_eq!(get(addr, "/health").await.json()["status"], "ok");
    stop(server, dir).await;
}

#[tokio::test]
async fn text_and_wasm_are_gzipped_for_clients_that_accept_it() {
    let (server, addr, dir) = serving("gzip").await;
    let chromium = [("Accept-Encoding", "gzip, deflate, br, zstd")];
    for (path, raw) in [
        (format!("/{WASM}"), wasm_bytes()),
        (format!("/{JS}"), std::fs::read(dir.join(JS)).unwrap()),
        ("/ws-testing".to_owned(), page().into_bytes()),
    ] {
        let zipped = http(addr, "GET", &path, &chromium).await;
        assert_eq!(zipped.status, 200, "{path}");
        assert_eq!(zipped.header("content-encoding"), Some("gzip"), "{path}");
        assert_eq!(zipped.header("vary"), Some("accept-encoding"), "{path}");
        assert!(
            zipped.body.len() < raw.len(),
            "{path}: {} ≥ {}",
            zipped.body.len(),
            raw.len()
        );
        assert_eq!(gunzip(&zipped.body), raw, "{path}");
        let plain = get(addr, &path).await;
        assert_eq!(plain.header("content-encoding"), None, "{path}");
        assert_eq!(plain.header("vary"), Some("accept-encoding"), "{path}");
        assert_eq!(plain.body, raw, "{path}");
        assert_ne!(plain.header("etag"), zipped.header("etag"), "{path}");
    }
    let refused = [("Accept-Encoding", "gzip;q=0, br")];
    let response = http(addr, "GET", &format!("/{WASM}"), &refused).await;
    assert_eq!(response.header("content-encoding"), None);
    stop(server, dir).await;
}

#[tokio::test]
async fn hashed_files_are_immutable_and_the_rest_revalidates() {
    let (server, addr, dir) = serving("cache").await;
    for path in [format!("/{WASM}"), format!("/ws-testing/{JS}")] {
        let response = get(addr, &path).await;
        assert_eq!(
            response.header("cache-control"),
            Some("public, max-age=31536000, immutable"),
            "{path}"
        );
    }
    for path in ["/ws-testing", "/index.html", "/public/README.txt"] {
        let response = get(addr, path).await;
        assert_eq!(response.header("cache-control"), Some("no-cache"), "{path}");
        // Revalidating costs a 304 without a body.
        let etag = response.header("etag").expect("an ETag").to_owned();
        let again = http(addr, "GET", path, &[("If-None-Match", &etag)]).await;
        assert_eq!(again.status, 304, "{path}");
        assert!(again.body.is_empty());
        let changed = http(addr, "GET", path, &[("If-None-Match", "\"other\"")]).await;
        assert_eq!(changed.status, 200, "{path}");
    }
    stop(server, dir).await;
}

#[tokio::test]
async fn every_answer_is_isolated_and_unsniffed_and_pages_carry_a_csp() {
    let (server, addr, dir) = serving("headers").await;
    for path in ["/ws-testing", &format!("/{WASM}"), "/missing.js"] {
        let response = get(addr, path).await;
        // Cross-origin isolated, so the page's clock is precise to 5 µs (SPEC: browser facts).
        assert_eq!(
            response.header("cross-origin-opener-policy"),
            Some("same-origin"),
            "{path}"
        );
        assert_eq!(
            response.header("cross-origin-embedder-policy"),
            Some("require-corp"),
            "{path}"
        );
        assert_eq!(
            response.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
    }
    let csp = get(addr, "/ws-testing").await;
    let csp = csp.header("content-security-policy").expect("a CSP");
    let digest = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(BOOTSTRAP));
    assert!(
        csp.contains(&format!(
            "script-src 'self' 'wasm-unsafe-eval' 'sha256-{digest}';"
        )),
        "{csp}"
    );
    for directive in [
        "default-src 'self'",
        "style-src 'self';",
        "connect-src 'self' ws: wss: http: https:",
        "object-src 'none'",
        "report-uri /api/csp-report",
    ] {
        assert!(csp.contains(directive), "{directive} in {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let wasm = get(addr, &format!("/{WASM}")).await;
    assert_eq!(wasm.header("content-security-policy"), None);
    stop(server, dir).await;
}

#[tokio::test]
async fn csp_violation_reports_are_counted() {
    let (server, addr, dir) = serving("report").await;
    assert_eq!(stats(addr).await["totals"]["csp_violations"], 0);
    let report = [("Content-Type", "application/csp-report")];
    let response = http(addr, "POST", "/api/csp-report", &report).await;
    assert_eq!(response.status, 204);
    assert_eq!(stats(addr).await["totals"]["csp_violations"], 1);
    stop(server, dir).await;
}

#[tokio::test]
async fn head_gives_the_length_without_the_body() {
    let (server, addr, dir) = serving("head").await;
    let response = http(addr, "HEAD", &format!("/{WASM}"), &[]).await;
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("content-length"),
        Some(wasm_bytes().len().to_string().as_str())
    );
    assert!(response.body.is_empty());
    stop(server, dir).await;
}

#[tokio::test]
async fn without_static_dir_pages_are_404() {
    let server = start(options()).await;
    assert_eq!(get(server.local_addr(), "/ws-testing").await.status, 404);
    server.shutdown().await;
}

#[tokio::test]
async fn a_missing_static_dir_is_an_error_at_start() {
    let result = testbed::start(testbed::Options {
        static_dir: Some(PathBuf::from("/definitely/not/here")),
        ..options()
    })
    .await;
    assert_eq!(result.unwrap_err().kind(), std::io::ErrorKind::NotFound);
}
