//! Fixtures shared by the engine's integration tests and its benchmark, which includes this
//! file by path. They drive the engine only through its public API, as the adapter does, so
//! the engine carries no test-only API for them.

use ws_console_engine::{Command, Generation, Run, RunConfig, SessionId};

/// Session 0.
pub const S0: SessionId = SessionId(0);

/// A run of `cfg` with session 0 open (started and opened at 0 ms, the commands drained):
/// the run and the open socket's generation.
pub fn connected(cfg: RunConfig) -> (Run, Generation) {
    let mut run = Run::new(cfg, 1);
    run.start(0.0);
    let g = run
        .drain_commands()
        .find_map(|c| match c {
            Command::Open { generation, .. } => Some(generation),
            _ => None,
        })
        .expect("start opens session 0");
    run.on_open(S0, g, 0.0);
    run.drain_commands().for_each(drop);
    (run, g)
}
