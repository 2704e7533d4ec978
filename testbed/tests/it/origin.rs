//! Which pages may talk to the testbed: WebSocket handshakes and the fault control are checked
//! against the origin allow-list; clients that are not browsers (no `Origin`) pass.

use serde_json::json;

use crate::common::*;

/// A page of another origin that the tests allow explicitly, like the wasm test runner's.
const RUNNER: &str = "http://127.0.0.1:1";

fn allowing_runner() -> testbed::Options {
    testbed::Options {
        allow_origins: vec![RUNNER.into()],
        faults: true,
        ..options()
    }
}

#[tokio::test]
async fn the_testbed_listens_on_loopback_unless_told_otherwise() {
    let defaults = testbed::Options::default();
    assert!(defaults.addr.ip().is_loopback(), "{}", defaults.addr);
    assert!(defaults.allow_origins.is_empty());
}

#[tokio::test]
async fn websockets_from_its_own_origin_allowed_ones_and_non_browsers_open() {
    let server = start(allowing_runner()).await;
    let addr = server.local_addr();
    let own = format!("http://{addr}");
    let localhost = format!("http://localhost:{}", addr.port());
    assert_eq!(
        server.allowed_origins(),
        [RUNNER.to_owned(), own.clone(), localhost.clone()]
    );
    let origins = [Some(own.as_str()), Some(&localhost), Some(RUNNER), None];
    for origin in origins {
        for path in ["/ws", "/api/v1/pam/ws/u1?token=dev-token"] {
            let mut ws = try_connect_from(addr, path, origin)
                .await
                .unwrap_or_else(|e| panic!("{origin:?} {path}: refused {e:?}"));
            assert_eq!(next_json(&mut ws).await["type"], "connected");
            close(ws).await;
        }
    }
    assert_eq!(stats(addr).await["totals"]["rejected_origin"], 0);
    server.shutdown().await;
}

#[tokio::test]
async fn websockets_from_foreign_pages_are_refused_with_403_and_counted() {
    let server = start(allowing_runner()).await;
    let addr = server.local_addr();
    let other_port = format!("http://127.0.0.1:{}", addr.port() ^ 1);
    let https = format!("https://{addr}");
    let foreign = ["http://evil.example", "null", other_port.as_str(), &https];
    for origin in foreign {
        for path in ["/ws", "/api/v1/pam/ws/u1?token=dev-token"] {
            let Err((status, body)) = try_connect_from(addr, path, Some(origin)).await else {
                panic!("{origin} {path}: a foreign page got a WebSocket");
            };
            assert_eq!(status, 403, "{origin} {path}");
            let body: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert_eq!(body["error"], "origin_not_allowed");
            assert_eq!(body["origin"], origin);
        }
    }
    let totals = &stats(addr).await["totals"];
    assert_eq!(totals["rejected_origin"], 8);
    assert_eq!(totals["accepted"], 0);
    assert_eq!(
        totals["rejected_auth"], 0,
        "refused before the token is read"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_fault_control_refuses_cross_site_requests_and_does_nothing() {
    let (server, mut ws) = serve_welcomed(allowing_runner(), "/ws").await;
    let addr = server.local_addr();
    let refused: [&[(&str, &str)]; 4] = [
        &[
            ("Origin", "http://evil.example"),
            ("Sec-Fetch-Site", "cross-site"),
        ],
        &[("Origin", "null")],
        &[("Sec-Fetch-Site", "cross-site")],
        &[("Sec-Fetch-Site", "same-site")],
    ];
    for headers in refused {
        for (method, path) in [
            ("POST", "/api/faults/drop-all"),
            ("POST", "/api/faults/refuse?seconds=60"),
            ("GET", "/api/faults"),
            ("OPTIONS", "/api/faults/reset"),
        ] {
            let response = http(addr, method, path, headers).await;
            assert_eq!(response.status, 403, "{method} {path} {headers:?}");
            assert_eq!(response.json()["error"], "origin_not_allowed");
        }
    }
    // Nothing happened: the session still answers, new ones are not refused.
    assert_eq!(
        request(&mut ws, &json!({"type":"ping","id":1})).await["type"],
        "pong"
    );
    let (second, _) = connect_welcomed(addr, "/ws").await;
    assert_eq!(stats(addr).await["totals"]["faults"]["dropped"], 0);
    close(second).await;
    close_and_stop(ws, server).await;
}

#[tokio::test]
async fn the_fault_control_serves_its_own_page_and_allowed_ones() {
    let server = start(allowing_runner()).await;
    let addr = server.local_addr();
    let own = format!("http://{addr}");
    // A same-origin GET from the page carries no Origin, only fetch metadata.
    let response = http(
        addr,
        "GET",
        "/api/faults",
        &[("Sec-Fetch-Site", "same-origin")],
    )
    .await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("access-control-allow-origin"), None);
    // A same-origin POST carries its Origin, and gets it back.
    let headers = [("Origin", own.as_str()), ("Sec-Fetch-Site", "same-origin")];
    let response = http(
        addr,
        "POST",
        "/api/faults/rate-limit?per_second=5",
        &headers,
    )
    .await;
    assert_eq!(response.status, 200, "{:?}", response.json());
    assert_eq!(response.json()["rate_limit"], 5);
    assert_eq!(
        response.header("access-control-allow-origin"),
        Some(own.as_str())
    );
    // An allowed page of another origin works through CORS.
    let headers = [("Origin", RUNNER), ("Sec-Fetch-Site", "same-site")];
    let response = http(addr, "POST", "/api/faults/reset", &headers).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json()["rate_limit"], serde_json::Value::Null);
    assert_eq!(response.header("access-control-allow-origin"), Some(RUNNER));
    server.shutdown().await;
}

#[tokio::test]
async fn an_allowed_origin_that_is_not_an_origin_stops_the_start() {
    let result = testbed::start(testbed::Options {
        allow_origins: vec!["127.0.0.1:8081".into()],
        ..options()
    })
    .await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("--allow-origin"), "{err}");
}
