//! Host integration tests: a real tokio-tungstenite client against a real testbed on port 0.
//!
//! One test binary (rather than one per file) so the shared helpers in `common` are compiled
//! once and every one of them is used. Nothing waits with a bare sleep: each wait is for a
//! condition, under [`common::DEADLINE`].

mod auth;
mod common;
mod demo;
mod faults;
mod http;
mod lifecycle;
mod load;
mod origin;
mod protocol;
mod pushes;
mod serving;
