//! How the testbed is configured.
//!
//! One plain struct shared by the library (tests start servers with it) and the CLI (which
//! only fills it in), so there is a single place that says what the server can be asked to do.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

/// The token accepted when none is configured.
pub const DEFAULT_TOKEN: &str = "dev-token";

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Options {
    /// Address to listen on; port 0 picks a free port. Defaults to `127.0.0.1:8080`: loopback,
    /// so a testbed (which drops connections on request) is never reachable from the network
    /// unless asked.
    pub addr: SocketAddr,
    /// Browser origins allowed besides the testbed's own (`http://<addr>`, and `localhost` for
    /// loopback), e.g. `http://127.0.0.1:8081`. WebSocket handshakes and fault-control requests
    /// from other pages get 403; clients that send no `Origin` (not browsers) are not checked.
    pub allow_origins: Vec<String>,
    /// Tokens accepted on the authenticated endpoint and by first-message auth.
    pub tokens: Vec<String>,
    /// When set, HS256 JWTs signed with this secret (and not expired) are accepted too.
    pub jwt_secret: Option<String>,
    /// Refuse a bad token with HTTP 401 before the upgrade instead of closing with 1008.
    pub reject_with_401: bool,
    /// Directory holding the built console (Trunk `dist`), served at `/` and `/ws-testing`.
    pub static_dir: Option<PathBuf>,
    /// Directory holding the built Leptos example host (`examples/leptos-host`, its Trunk
    /// `dist` built with the public URL `/leptos-host/`), served at `/leptos-host/` under the
    /// same per-page CSP as the console. Its token provider asks the demo host
    /// ([`Options::demo`]) for tokens.
    pub leptos_host_dir: Option<PathBuf>,
    /// Enables fault injection: per-connection faults from query parameters on the WebSocket
    /// URL and server-wide ones through `/api/faults`. Off, fault parameters are ignored and
    /// `/api/faults` answers 404, so an ordinary backend never misbehaves by accident.
    pub faults: bool,
    /// The demo host at `/demo/` (F14): off unless set. Without a [`Options::jwt_secret`]
    /// a random one is made at start, so the demo's tokens are accepted.
    pub demo: Option<crate::demo::DemoOptions>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 8080)),
            allow_origins: Vec::new(),
            tokens: vec![DEFAULT_TOKEN.to_owned()],
            jwt_secret: None,
            reject_with_401: false,
            static_dir: None,
            leptos_host_dir: None,
            faults: false,
            demo: None,
        }
    }
}
