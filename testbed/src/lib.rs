//! The reference WebSocket server the console is tested against (SPEC F17).
//!
//! It speaks the console's default protocol, keeps exact counts of everything it receives and
//! sends (`/api/ws/stats`), and serves the built console, so one process is enough for manual
//! testing and every end-to-end test. Start it from code with [`start`] or from the shell with
//! the `testbed` binary.
//!
//! The modules follow the life of a connection: [`Options`] say what to do; `app` routes HTTP;
//! `origin` keeps foreign browser pages out; `upgrade` checks the token during the handshake
//! (`auth`); `session` runs the protocol (`protocol`), fans broadcasts out (`hub`) and counts
//! (`stats`); `faults` makes it misbehave on request (started with [`Options::faults`]:
//! per-connection query parameters and the `/api/faults` control endpoint); `static_files`
//! serves the console (compressed, cached, under a CSP); `demo` is a host app with a login
//! that embeds it ([`Options::demo`]).

mod app;
mod auth;
mod demo;
mod faults;
mod hub;
mod options;
mod origin;
mod protocol;
mod pushes;
mod server;
mod session;
mod state;
mod static_files;
mod stats;
mod upgrade;

pub use auth::sign_jwt;
pub use demo::DemoOptions;
pub use options::{DEFAULT_TOKEN, Options};
pub use server::{Server, start};
pub use stats::CLOSED_HISTORY;
