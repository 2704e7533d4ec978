//! A minimal HTTP GET for reading the backend's JSON endpoints (no TLS, loopback only).

use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// GETs `url` and parses the body as JSON; panics with the URL on any failure.
pub async fn get_json(url: &str) -> serde_json::Value {
    let client: Client<_, String> = Client::builder(TokioExecutor::new()).build_http();
    let response = client
        .get(url.parse().expect("valid URL"))
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let body = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap_or_else(|e| panic!("GET {url} body: {e}"))
        .to_bytes();
    serde_json::from_slice(&body).unwrap_or_else(|e| panic!("GET {url}: not JSON ({e})"))
}
