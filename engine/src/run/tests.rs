//! Unit tests of the run's rules, driven exactly as the adapter drives it: the shared helpers
//! here, one module per feature below.

use super::*;
use crate::config::RawConfig;
use crate::log::LogFilter;
use crate::session::SessionState;
use crate::thresholds::{Level, Measure};

const ORIGIN: &str = "http://127.0.0.1:8080";
const S0: SessionId = SessionId(0);
const S1: SessionId = SessionId(1);

fn config(f: impl FnOnce(&mut RawConfig)) -> RunConfig {
    let mut raw = RawConfig {
        sessions: "1".into(),
        auto_send: false,
        heartbeat_enabled: false,
        // The schedule's exact steps; jitter has its own tests.
        jitter: false,
        ..Default::default()
    };
    f(&mut raw);
    RunConfig::from_raw(&raw, ORIGIN).unwrap()
}

fn run(f: impl FnOnce(&mut RawConfig)) -> Run {
    Run::new(config(f), 1)
}

fn cmds(r: &mut Run) -> Vec<Command> {
    r.drain_commands().collect()
}

fn opens(c: &[Command]) -> Vec<(SessionId, Generation, String, Vec<String>)> {
    c.iter()
        .filter_map(|c| match c {
            Command::Open {
                session,
                generation,
                url,
                protocols,
            } => Some((*session, *generation, url.clone(), protocols.clone())),
            _ => None,
        })
        .collect()
}

/// The correlation keys of the test messages in `c`, in order.
fn keys(c: &[Command]) -> Vec<u64> {
    c.iter()
        .filter_map(|c| match c {
            Command::Send { key: Some(k), .. } => Some(*k),
            _ => None,
        })
        .collect()
}

fn sends(c: &[Command]) -> Vec<(SessionId, String)> {
    c.iter()
        .filter_map(|c| match c {
            Command::Send {
                session,
                frame: Frame::Text(t),
                ..
            } => Some((*session, t.clone())),
            _ => None,
        })
        .collect()
}

fn closes(c: &[Command]) -> Vec<(SessionId, Generation, u16)> {
    c.iter()
        .filter_map(|c| match c {
            Command::Close {
                session,
                generation,
                code,
                ..
            } => Some((*session, *generation, *code)),
            _ => None,
        })
        .collect()
}

/// The `seq` of each sent test message, in order.
fn seqs(sent: &[(SessionId, String)]) -> Vec<u64> {
    sent.iter()
        .map(|(_, t)| {
            serde_json::from_str::<serde_json::Value>(t).unwrap()["seq"]
                .as_u64()
                .unwrap()
        })
        .collect()
}

fn id_of(text: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    v["id"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| v["id"].to_string())
}

/// Sends one test message from session 0 at `now` and drains the commands; returns the
/// message's id.
fn send_id(r: &mut Run, now: Millis) -> String {
    r.send_one(S0, now);
    id_of(&sends(&cmds(r))[0].1)
}

/// Starts and opens every session; returns their generations.
fn connected(r: &mut Run, now: Millis) -> Vec<Generation> {
    r.start(now);
    let gens: Vec<Generation> = opens(&cmds(r)).into_iter().map(|o| o.1).collect();
    for (i, g) in gens.iter().enumerate() {
        r.on_open(SessionId(i as u32), *g, now);
    }
    gens
}

fn state(r: &Run, s: SessionId, now: Millis) -> SessionState {
    r.session_state(s, now).unwrap()
}

fn echo(r: &mut Run, s: SessionId, g: Generation, text: &str, now: Millis) {
    r.on_text(s, g, text, now);
}

/// A server's reply to the test message `id`.
fn reply(id: &str) -> String {
    format!(r#"{{"type":"chat_response","id":"{id}","request_id":"{id}"}}"#)
}

fn with_heartbeat(c: &mut RawConfig) {
    c.heartbeat_enabled = true;
}

mod adapter;
mod auth;
mod breakdown;
mod classification;
mod correlation;
mod endpoints;
mod flow;
mod heartbeat;
mod in_flight;
mod lifecycle;
mod metrics;
mod probe;
mod provider;
mod queue;
mod quiet;
mod reconnect;
mod templates;
