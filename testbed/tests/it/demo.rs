//! The demo host app (`/demo/`): login, the session cookie, the token endpoint, and what the
//! authenticated WebSocket endpoint does with its JWTs and cookie, before and after logout.

use std::time::Duration;

use serde_json::Value;
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

use crate::common::*;

fn demo_options(ttl_s: u64) -> testbed::Options {
    testbed::Options {
        demo: Some(testbed::DemoOptions {
            user: "qa".into(),
            password: "pw".into(),
            token_ttl_s: ttl_s,
        }),
        ..options()
    }
}

const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

/// Logs in; returns the `name=value` of the session cookie.
async fn log_in(addr: std::net::SocketAddr) -> String {
    let r = http_with_body(
        addr,
        "POST",
        "/demo/login",
        &[FORM],
        "username=qa&password=pw",
    )
    .await;
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/demo/app"));
    let cookie = r.header("set-cookie").expect("a session cookie").to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    cookie.split(';').next().unwrap().to_owned()
}

async fn token(addr: std::net::SocketAddr, cookie: &str) -> Response {
    http(addr, "GET", "/demo/api/token", &[("cookie", cookie)]).await
}

async fn ws_with_cookie(addr: std::net::SocketAddr, cookie: &str) -> Ws {
    let mut request = format!("ws://{addr}/api/v1/pam/ws/qa")
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("cookie", HeaderValue::from_str(cookie).unwrap());
    within("handshake", connect_async(request))
        .await
        .expect("upgrade")
        .0
}

#[tokio::test]
async fn without_a_session_the_app_redirects_and_the_token_endpoint_refuses() {
    let server = start(demo_options(60)).await;
    let addr = server.local_addr();
    let app = get(addr, "/demo/app").await;
    assert_eq!(
        (app.status, app.header("location")),
        (303, Some("/demo/login"))
    );
    assert_eq!(get(addr, "/demo/api/token").await.status, 401);
    let wrong = http_with_body(
        addr,
        "POST",
        "/demo/login",
        &[FORM],
        "username=qa&password=no",
    )
    .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.header("set-cookie").is_none());
    let login = get(addr, "/demo/login").await;
    let csp = login.header("content-security-policy").unwrap();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'") && csp.contains("style-src 'self'")
    );
    // A form posted from another site does not log anyone in.
    let foreign = http_with_body(
        addr,
        "POST",
        "/demo/login",
        &[FORM, ("origin", "http://evil.example")],
        "username=qa&password=pw",
    )
    .await;
    assert_eq!(foreign.status, 403);
    server.shutdown().await;
}

#[tokio::test]
async fn a_session_gets_short_lived_jwts_the_endpoint_accepts_until_logout() {
    let server = start(demo_options(60)).await;
    let addr = server.local_addr();
    let cookie = log_in(addr).await;
    let app = http(addr, "GET", "/demo/app", &[("cookie", &cookie)]).await;
    assert_eq!(app.status, 200);
    assert!(String::from_utf8_lossy(&app.body).contains("/demo/assets/app.js"));
    let answer = token(addr, &cookie).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    let jwt = answer.json()["token"].as_str().unwrap().to_owned();
    let (mut by_jwt, welcome) =
        connect_welcomed(addr, &format!("/api/v1/pam/ws/qa?token={jwt}")).await;
    assert_eq!(welcome["authenticated"], true);
    let mut by_cookie = ws_with_cookie(addr, &cookie).await;
    assert_eq!(next_json(&mut by_cookie).await["authenticated"], true);
    let book = get(addr, "/demo/api/tokens").await.json();
    assert_eq!(book["issued"], serde_json::json!(["1"]));
    assert_eq!(book["seen"], serde_json::json!(["1"]));

    let out = http(addr, "POST", "/demo/logout", &[("cookie", &cookie)]).await;
    assert_eq!(out.status, 303);
    assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
    // Both sockets of the ended session are closed with 4001; nothing of it is accepted again.
    assert_eq!(expect_close(&mut by_jwt).await.0, 4001);
    assert_eq!(expect_close(&mut by_cookie).await.0, 4001);
    assert_eq!(token(addr, &cookie).await.status, 401);
    let (mut again, _) =
        connect_with_protocols(addr, &format!("/api/v1/pam/ws/qa?token={jwt}"), "x").await;
    assert_eq!(
        expect_close(&mut again).await.0,
        1008,
        "a logged-out session's JWT"
    );
    let mut cookie_again = ws_with_cookie(addr, &cookie).await;
    assert_eq!(
        expect_close(&mut cookie_again).await.0,
        1008,
        "a logged-out cookie"
    );
    // The JWT named a session that has ended; the cookie names none any more.
    let book: Value = get(addr, "/demo/api/tokens").await.json();
    assert_eq!(book["refused"], 1);
    assert_eq!(stats(addr).await["totals"]["rejected_auth"], 2);
    server.shutdown().await;
}

#[tokio::test]
async fn an_expired_demo_jwt_is_refused() {
    let server = start(demo_options(1)).await;
    let addr = server.local_addr();
    let cookie = log_in(addr).await;
    let jwt = token(addr, &cookie).await.json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    // The token's exp is a whole second; wait until it has certainly passed.
    within("the token to expire", async {
        loop {
            let path = format!("/api/v1/pam/ws/qa?token={jwt}");
            let (mut ws, _) = connect_with_protocols(addr, &path, "x").await;
            match next_frame(&mut ws).await {
                tokio_tungstenite::tungstenite::Message::Close(Some(f))
                    if u16::from(f.code) == 1008 =>
                {
                    return;
                }
                _ => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
    })
    .await;
    server.shutdown().await;
}
