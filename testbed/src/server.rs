//! Starting and stopping the server as a value, so tests can run many side by side.
//!
//! [`start`] binds before it returns (port 0 allowed, the real address is in
//! [`Server::local_addr`]) so a caller can connect at once without waiting for anything.
//! [`Server::shutdown`] stops accepting, closes every WebSocket with 1001 and waits until all
//! sessions have ended, so when it returns the port is free and no task is left behind.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::Options;
use crate::app;
use crate::origin::OriginPolicy;
use crate::state::Shared;
use crate::static_files::{Bundle, Sites};

/// A running testbed. Dropping it without [`Server::shutdown`] still stops it, but without
/// waiting for sessions to close.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    allowed_origins: Vec<String>,
    shutdown: CancellationToken,
    sessions: TaskTracker,
    serve: JoinHandle<io::Result<()>>,
}

/// Binds `opts.addr` and starts serving in the background; returns as soon as it listens.
///
/// Fails if the address cannot be bound, an allowed origin is not an origin, or
/// `opts.static_dir` or `opts.leptos_host_dir` is not a directory holding a build that can be
/// read whole.
pub async fn start(mut opts: Options) -> io::Result<Server> {
    if opts.demo.is_some() && opts.jwt_secret.is_none() {
        opts.jwt_secret = Some(random_secret());
    }
    let sites = Sites {
        console: opts.static_dir.as_deref().map(Bundle::load).transpose()?,
        leptos_host: opts
            .leptos_host_dir
            .as_deref()
            .map(Bundle::load)
            .transpose()?,
    };
    let listener = TcpListener::bind(opts.addr).await?;
    let addr = listener.local_addr()?;
    let origins = OriginPolicy::new(addr, &opts.allow_origins)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let allowed_origins = origins.allowed().map(str::to_owned).collect();
    // No Nagle: a reply must leave when it is written. With Nagle on, a small reply waits for
    // the ACK of the previous one, which a client with delayed ACKs sends only with its next
    // message, so a round trip would measure the client's send interval (seen: 10 ms at a
    // 10 ms cadence).
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let shutdown = CancellationToken::new();
    let sessions = TaskTracker::new();
    let state = Arc::new(Shared::new(
        &opts,
        origins,
        shutdown.clone(),
        sessions.clone(),
    ));
    let router = app::router(state, sites);
    let serve = tokio::spawn(
        axum::serve(listener, router)
            .with_graceful_shutdown(shutdown.clone().cancelled_owned())
            .into_future(),
    );
    Ok(Server {
        addr,
        allowed_origins,
        shutdown,
        sessions,
        serve,
    })
}

impl Server {
    /// The address actually bound (the real port when started on port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The browser origins allowed to open WebSockets and use the fault control.
    pub fn allowed_origins(&self) -> &[String] {
        &self.allowed_origins
    }

    /// Stops listening, closes every open WebSocket (1001 "server shutting down") and returns
    /// once all of them have ended and the port is free.
    pub async fn shutdown(mut self) {
        self.shutdown.cancel();
        // An error here is the accept loop's, and there is nothing left to do about it.
        let _ = (&mut self.serve).await;
        self.sessions.close();
        self.sessions.wait().await;
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// A secret nobody outside this process knows: 256 bits from keys the OS seeded.
fn random_secret() -> String {
    use std::hash::{BuildHasher, RandomState};
    let keys = RandomState::new();
    (0..4u8)
        .map(|i| format!("{:016x}", keys.hash_one(i)))
        .collect()
}
