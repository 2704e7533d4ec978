//! `testbed`: run the reference WebSocket server from the shell.
//!
//! A thin layer over the library: flags become [`testbed::Options`], and Ctrl-C or SIGTERM lead
//! to the same clean [`testbed::Server::shutdown`] the tests use, so clients see close 1001.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use testbed::{DEFAULT_TOKEN, Options};

/// The reference WebSocket server for ws-console.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// A browser origin allowed besides the testbed's own (http://<addr>, and localhost on
    /// loopback); repeat for several. WebSocket handshakes and /api/faults requests from other
    /// pages get 403; clients that send no Origin (not browsers) are not checked.
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    allow_origins: Vec<String>,
    /// A token accepted on /api/v1/pam/ws/{user_id}; repeat for several [default: dev-token].
    #[arg(long = "token", value_name = "TOKEN")]
    tokens: Vec<String>,
    /// Also accept HS256 JWTs signed with this secret.
    #[arg(long, value_name = "SECRET")]
    jwt_secret: Option<String>,
    /// Refuse a bad token with HTTP 401 before the upgrade instead of closing with 1008.
    #[arg(long = "reject-401")]
    reject_401: bool,
    /// Directory holding the built console (Trunk dist), served at / and /ws-testing.
    #[arg(long, value_name = "DIR")]
    static_dir: Option<PathBuf>,
    /// Directory holding the built Leptos example host (examples/leptos-host, Trunk dist),
    /// served at /leptos-host/; log in at /demo/ first for its tokens.
    #[arg(long, value_name = "DIR")]
    leptos_host_dir: Option<PathBuf>,
    /// Enable fault injection (without it fault parameters are ignored and /api/faults is 404).
    ///
    /// Per connection, query parameters on the WebSocket URL: drop_rate, loss_rate, dup_rate
    /// (0-1), delay_ms, jitter_ms, stop_after, close_code, close_after_ms, seed.
    ///
    /// Server-wide, through /api/faults: POST drop-all, refuse?seconds=T, silent?seconds=T,
    /// rate-limit?per_second=N, reset; GET for the current state.
    #[arg(long)]
    faults: bool,
    /// Serve the demo host app at /demo/ (login form, token endpoint, embedded console),
    /// with this username…
    #[arg(long, value_name = "NAME", requires = "demo_password")]
    demo_user: Option<String>,
    /// …and this password.
    #[arg(long, value_name = "PASSWORD", requires = "demo_user")]
    demo_password: Option<String>,
    /// Lifetime of the demo's JWTs, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    demo_token_ttl: u64,
}

impl From<Cli> for Options {
    fn from(cli: Cli) -> Self {
        let tokens = if cli.tokens.is_empty() {
            vec![DEFAULT_TOKEN.to_owned()]
        } else {
            cli.tokens
        };
        Options {
            addr: cli.addr,
            allow_origins: cli.allow_origins,
            tokens,
            jwt_secret: cli.jwt_secret,
            reject_with_401: cli.reject_401,
            static_dir: cli.static_dir,
            leptos_host_dir: cli.leptos_host_dir,
            faults: cli.faults,
            demo: cli
                .demo_user
                .zip(cli.demo_password)
                .map(|(user, password)| testbed::DemoOptions {
                    user,
                    password,
                    token_ttl_s: cli.demo_token_ttl.max(1),
                }),
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let opts = Options::from(Cli::parse());
    let serves_console = opts.static_dir.is_some();
    let faults = opts.faults;
    let demo = opts.demo.is_some();
    let leptos_host = opts.leptos_host_dir.is_some();
    let server = match testbed::start(opts).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("testbed: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let addr = server.local_addr();
    println!(
        "testbed listening on ws://{addr}/ws (auth: ws://{addr}/api/v1/pam/ws/{{user_id}}?token=…)"
    );
    println!("origins allowed: {}", server.allowed_origins().join(", "));
    if faults {
        println!("faults: enabled (control: http://{addr}/api/faults)");
    }
    if demo {
        println!("demo host: http://{addr}/demo/ (embeds the console from /ws-console/)");
    }
    if leptos_host {
        println!("Leptos example host: http://{addr}/leptos-host/ (log in at /demo/ first)");
    }
    if serves_console {
        println!("console: http://{addr}/ws-testing");
    } else {
        println!("console: http://{addr}/ws-testing (not served: start with --static-dir)");
    }
    if let Err(e) = stop_signal().await {
        eprintln!("testbed: cannot listen for signals ({e}); stopping");
    }
    println!("testbed: shutting down");
    server.shutdown().await;
    ExitCode::SUCCESS
}

/// Resolves on Ctrl-C, or SIGTERM on Unix.
async fn stop_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r,
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Options {
        Options::from(Cli::try_parse_from([&["testbed"], args].concat()).expect("valid flags"))
    }

    #[test]
    fn defaults_match_the_library() {
        let opts = parse(&[]);
        let lib = Options::default();
        assert_eq!(opts.addr, lib.addr);
        assert_eq!(opts.tokens, lib.tokens);
        assert!(!opts.reject_with_401 && !opts.faults);
        assert!(opts.jwt_secret.is_none() && opts.static_dir.is_none());
        assert!(opts.leptos_host_dir.is_none());
        assert!(opts.allow_origins.is_empty());
        assert!(
            opts.addr.ip().is_loopback(),
            "loopback unless told otherwise"
        );
    }

    #[test]
    fn demo_flags_reach_the_options_and_come_in_pairs() {
        let opts = parse(&[
            "--demo-user",
            "qa",
            "--demo-password",
            "pw",
            "--demo-token-ttl",
            "6",
        ]);
        let demo = opts.demo.expect("demo on");
        assert_eq!(
            (demo.user.as_str(), demo.password.as_str(), demo.token_ttl_s),
            ("qa", "pw", 6)
        );
        assert!(parse(&[]).demo.is_none());
        assert!(Cli::try_parse_from(["testbed", "--demo-user", "qa"]).is_err());
    }

    #[test]
    fn every_flag_reaches_the_options() {
        let opts = parse(&[
            "--addr",
            "127.0.0.1:0",
            "--token",
            "a",
            "--token",
            "b",
            "--jwt-secret",
            "s",
            "--reject-401",
            "--static-dir",
            "dist",
            "--leptos-host-dir",
            "host-dist",
            "--faults",
            "--allow-origin",
            "http://127.0.0.1:8081",
            "--allow-origin",
            "http://localhost:3000",
        ]);
        assert_eq!(opts.addr.port(), 0);
        assert_eq!(opts.tokens, ["a", "b"]);
        assert_eq!(opts.jwt_secret.as_deref(), Some("s"));
        assert!(opts.reject_with_401 && opts.faults);
        assert_eq!(opts.static_dir, Some(PathBuf::from("dist")));
        assert_eq!(opts.leptos_host_dir, Some(PathBuf::from("host-dist")));
        assert_eq!(
            opts.allow_origins,
            ["http://127.0.0.1:8081", "http://localhost:3000"]
        );
    }

    #[test]
    fn a_bad_address_is_refused() {
        assert!(Cli::try_parse_from(["testbed", "--addr", "localhost"]).is_err());
    }
}
