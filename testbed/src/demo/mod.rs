//! `/demo/`: a host app with its own login that embeds the console (F14), built from real
//! parts so the end-to-end tests exercise what a product team would ship.
//!
//! A person logs in through a form (`--demo-user` / `--demo-password`) and gets an HttpOnly,
//! SameSite=Strict session cookie. The app page is plain HTML with its own header, nav and
//! deliberately heavy-handed global styles, under a strict CSP (`script-src 'self'
//! 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'`: no inline script or style), and
//! mounts the console through `/ws-console/embed.js` from an external bootstrap. The console's
//! token provider calls `/demo/api/token`, which hands the logged-in user a short-lived HS256
//! JWT (`--demo-token-ttl`) carrying the login session (`sid`) and a serial (`jti`).
//!
//! The authenticated WebSocket endpoint accepts that JWT (signature and `exp` checked) or, for
//! the console's cookie mode, the session cookie itself. Logging out ends the session: its
//! JWTs and cookie are refused from then on, and its open WebSockets are closed with 4001.
//! `/demo/api/tokens` tells the tests which tokens were issued and which the server saw.

mod pages;

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, RandomState};
use std::sync::Mutex;

use axum::Router;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::auth::{Identity, sign_jwt};
use crate::state::{AppState, json_response, unix_ms};

/// The session cookie's name.
pub(crate) const COOKIE: &str = "wsc_demo";
/// The close code for WebSockets of a session that logged out (a no-retry code).
pub(crate) const LOGGED_OUT: u16 = 4001;

/// The demo's settings (`--demo-user`, `--demo-password`, `--demo-token-ttl`).
#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub user: String,
    pub password: String,
    /// Lifetime of the JWTs `/demo/api/token` issues, in seconds.
    pub token_ttl_s: u64,
}

/// A logged-in session.
#[derive(Debug)]
struct Login {
    user: String,
    /// Cancelled at logout; every WebSocket of the session watches it.
    ended: CancellationToken,
}

#[derive(Debug, Default)]
struct Book {
    logins: HashMap<String, Login>,
    next_sid: u64,
    next_jti: u64,
    issued: Vec<String>,
    seen: HashSet<String>,
    /// WebSocket handshakes refused because their session had ended or never was.
    refused: u64,
    /// Handshakes of each login session, ended or not.
    handshakes: HashMap<String, u64>,
}

/// The demo host's state: its settings, logins and token book.
#[derive(Debug)]
pub(crate) struct Demo {
    opts: DemoOptions,
    secret: String,
    keys: RandomState,
    book: Mutex<Book>,
}

impl Demo {
    pub fn new(opts: DemoOptions, secret: String) -> Self {
        Self {
            opts,
            secret,
            keys: RandomState::new(),
            book: Mutex::new(Book::default()),
        }
    }

    fn book(&self) -> std::sync::MutexGuard<'_, Book> {
        self.book.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// An unguessable session id: 128 bits from keys the OS seeded.
    fn new_sid(&self, n: u64) -> String {
        let a = self.keys.hash_one((n, unix_ms(), 1u8));
        let b = self.keys.hash_one((n, unix_ms(), 2u8));
        format!("{a:016x}{b:016x}")
    }

    fn login_of(&self, headers: &HeaderMap) -> Option<(String, String)> {
        let sid = cookie(headers, COOKIE)?;
        let book = self.book();
        book.logins.get(&sid).map(|l| (sid.clone(), l.user.clone()))
    }

    /// Who a WebSocket handshake's session cookie names, if it is a live login.
    pub fn cookie_identity(&self, headers: &HeaderMap) -> Option<Identity> {
        let (sid, user) = self.login_of(headers)?;
        Some(Identity {
            subject: Some(user),
            token_id: None,
            session: Some(sid),
        })
    }

    /// Checks an authenticated handshake against the logins: a JWT or cookie of an ended
    /// session is refused. Returns what to watch for the session's end.
    pub fn admit(&self, identity: &Identity) -> Result<Option<CancellationToken>, ()> {
        let Some(sid) = &identity.session else {
            return Ok(None);
        };
        let mut book = self.book();
        *book.handshakes.entry(sid.clone()).or_default() += 1;
        let ended = match book.logins.get(sid) {
            Some(login) => login.ended.clone(),
            None => {
                book.refused += 1;
                return Err(());
            }
        };
        if let Some(jti) = &identity.token_id {
            book.seen.insert(jti.clone());
        }
        Ok(Some(ended))
    }
}

/// Reads cookie `name` from the request.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The demo's routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/demo", get(|| async { Redirect::to("/demo/") }))
        .route("/demo/", get(index))
        .route("/demo/login", get(login_page).post(login))
        .route("/demo/logout", axum::routing::post(logout))
        .route("/demo/app", get(app_page))
        .route("/demo/api/token", get(token))
        .route("/demo/api/tokens", get(tokens))
        .route(
            "/demo/assets/app.js",
            get(|| async { asset("text/javascript", pages::APP_JS) }),
        )
        .route(
            "/demo/assets/demo.css",
            get(|| async { asset("text/css", pages::DEMO_CSS) }),
        )
}

fn demo(state: &AppState) -> Option<&Demo> {
    state.demo.as_ref()
}

fn not_enabled() -> Response {
    json_response(
        StatusCode::NOT_FOUND,
        json!({ "error": "the demo host is off: start the testbed with --demo-user" }),
    )
}

/// The policy of every demo page: the console must work under it as it is.
const PAGE_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; worker-src blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'; report-uri /api/csp-report";

fn page(status: StatusCode, html: String) -> Response {
    let headers = [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CONTENT_SECURITY_POLICY, PAGE_CSP),
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            header::HeaderName::from_static("cross-origin-embedder-policy"),
            "require-corp",
        ),
    ];
    (status, headers, html).into_response()
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let headers = [
        (header::CONTENT_TYPE, content_type),
        (header::CACHE_CONTROL, "no-cache"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    (headers, body).into_response()
}

async fn index(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match demo(&state) {
        None => not_enabled(),
        Some(d) if d.login_of(&headers).is_some() => Redirect::to("/demo/app").into_response(),
        Some(_) => Redirect::to("/demo/login").into_response(),
    }
}

async fn login_page(State(state): State<AppState>) -> Response {
    match demo(&state) {
        None => not_enabled(),
        Some(_) => page(StatusCode::OK, pages::login(None)),
    }
}

#[derive(Deserialize)]
struct Credentials {
    username: String,
    password: String,
}

/// A form POST from another site is refused: the login and logout change who is signed in.
fn foreign_post(state: &AppState, headers: &HeaderMap) -> bool {
    state.origins.check_upgrade(headers).is_err()
}

async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<Credentials>,
) -> Response {
    let Some(d) = demo(&state) else {
        return not_enabled();
    };
    if foreign_post(&state, &headers) {
        return StatusCode::FORBIDDEN.into_response();
    }
    if form.username != d.opts.user || form.password != d.opts.password {
        return page(
            StatusCode::UNAUTHORIZED,
            pages::login(Some("Wrong username or password.")),
        );
    }
    let sid = {
        let mut book = d.book();
        book.next_sid += 1;
        let sid = d.new_sid(book.next_sid);
        book.logins.insert(
            sid.clone(),
            Login {
                user: form.username,
                ended: CancellationToken::new(),
            },
        );
        sid
    };
    let cookie = format!("{COOKIE}={sid}; Path=/; HttpOnly; SameSite=Strict");
    let mut response = Redirect::to("/demo/app").into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(d) = demo(&state) else {
        return not_enabled();
    };
    if foreign_post(&state, &headers) {
        return StatusCode::FORBIDDEN.into_response();
    }
    if let Some(sid) = cookie(&headers, COOKIE)
        && let Some(login) = d.book().logins.remove(&sid)
    {
        login.ended.cancel();
    }
    let mut response = Redirect::to("/demo/login").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("wsc_demo=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    response
}

async fn app_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(d) = demo(&state) else {
        return not_enabled();
    };
    match d.login_of(&headers) {
        Some((_, user)) => page(StatusCode::OK, pages::app(&user)),
        None => Redirect::to("/demo/login").into_response(),
    }
}

async fn token(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(d) = demo(&state) else {
        return not_enabled();
    };
    let Some((sid, user)) = d.login_of(&headers) else {
        return json_response(
            StatusCode::UNAUTHORIZED,
            json!({ "error": "not logged in" }),
        );
    };
    let now_s = unix_ms() / 1000;
    let jti = {
        let mut book = d.book();
        book.next_jti += 1;
        let jti = book.next_jti.to_string();
        book.issued.push(jti.clone());
        jti
    };
    let jwt = sign_jwt(
        &d.secret,
        &json!({ "sub": user, "sid": sid, "jti": jti, "iat": now_s, "exp": now_s + d.opts.token_ttl_s }),
    );
    let mut response = json_response(
        StatusCode::OK,
        json!({ "token": jwt, "expires_in": d.opts.token_ttl_s }),
    );
    // A token is the caller's alone: no shared cache, no other origin may read it.
    let h = response.headers_mut();
    h.remove(header::ACCESS_CONTROL_ALLOW_ORIGIN);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// What the tests compare the console's view with: tokens issued and seen, refusals,
/// handshakes per login session. No token is in it, only serials.
async fn tokens(State(state): State<AppState>) -> Response {
    let Some(d) = demo(&state) else {
        return not_enabled();
    };
    let book = d.book();
    let mut seen: Vec<&String> = book.seen.iter().collect();
    seen.sort_by_key(|s| s.parse::<u64>().unwrap_or(u64::MAX));
    json_response(
        StatusCode::OK,
        json!({
            "issued": book.issued,
            "seen": seen,
            "refused": book.refused,
            "logins": book.logins.len(),
            "handshakes": book.handshakes.values().collect::<Vec<_>>(),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_read_by_exact_name() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; wsc_demo_x=2; wsc_demo=abc"),
        );
        assert_eq!(cookie(&h, COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "b"), None);
    }

    #[test]
    fn ended_or_unknown_sessions_are_refused() {
        let d = Demo::new(
            DemoOptions {
                user: "qa".into(),
                password: "pw".into(),
                token_ttl_s: 5,
            },
            "k".into(),
        );
        let id = |sid: &str| Identity {
            subject: Some("qa".into()),
            token_id: Some("1".into()),
            session: Some(sid.into()),
        };
        assert!(d.admit(&id("nope")).is_err());
        d.book().logins.insert(
            "s1".into(),
            Login {
                user: "qa".into(),
                ended: CancellationToken::new(),
            },
        );
        assert!(d.admit(&id("s1")).unwrap().is_some());
        assert!(
            d.admit(&Identity::default()).unwrap().is_none(),
            "static tokens pass"
        );
        d.book().logins.remove("s1");
        assert!(d.admit(&id("s1")).is_err());
        assert_eq!(d.book().refused, 2);
        assert_eq!(d.new_sid(1).len(), 32);
        assert_ne!(d.new_sid(1), d.new_sid(2));
    }
}
