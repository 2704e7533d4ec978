//! A minimal HTTP client for the backend's JSON endpoints (no TLS, loopback only).

use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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

/// POSTs an empty body to `url` (`http://host:port/path?query`, as the console's fault
/// requests do) and parses the answer as JSON; panics on any failure or a status other than
/// 2xx.
pub async fn post_json(url: &str) -> serde_json::Value {
    let (status, head, body) = post(url, "", "").await;
    assert!(
        (200..300).contains(&status),
        "POST {url} answered {status}: {body}"
    );
    assert!(
        !head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked"),
        "POST {url}: chunked answers are not supported here: {head}"
    );
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("POST {url}: not JSON ({e}): {body}"))
}

/// POSTs `form` (`application/x-www-form-urlencoded`) to `url`, as a login form does, and
/// returns the status and the head (where `Set-Cookie` and `Location` are).
pub async fn post_form(url: &str, form: &str) -> (u16, String) {
    let (status, head, _) = post(url, "application/x-www-form-urlencoded", form).await;
    (status, head)
}

/// Plain HTTP/1.1 over one connection, closed after the answer: (status, head, body).
async fn post(url: &str, content_type: &str, body: &str) -> (u16, String, String) {
    let rest = url
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("POST {url}: only http:// URLs"));
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let mut stream = tokio::net::TcpStream::connect(host)
        .await
        .unwrap_or_else(|e| panic!("POST {url}: {e}"));
    let content_type = if content_type.is_empty() {
        String::new()
    } else {
        format!("Content-Type: {content_type}\r\n")
    };
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\n{content_type}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .await
        .unwrap_or_else(|e| panic!("POST {url}: {e}"));
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .await
        .unwrap_or_else(|e| panic!("POST {url}: {e}"));
    let answer = String::from_utf8_lossy(&answer);
    let (head, body) = answer
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("POST {url}: not an HTTP answer: {answer}"));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("POST {url}: no status in {head}"));
    (status, head.to_owned(), body.to_owned())
}
