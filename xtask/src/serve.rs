//! `cargo xtask serve`: the console, built in release mode, served by the test backend.

use crate::proc::{Result, cmd, root, run};
use std::path::PathBuf;

/// Where the console is served by default; the README names it.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// Builds the console with Trunk (release) into `dist/`.
pub fn build_console() -> Result<PathBuf> {
    run(cmd("trunk").args(["build", "--release"]))?;
    Ok(root().join("dist"))
}

/// Builds the test backend and returns the path of its binary.
pub fn build_testbed() -> Result<PathBuf> {
    run(cmd("cargo").args(["build", "--quiet", "-p", "testbed"]))?;
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from);
    Ok(target.join("debug/testbed"))
}

/// Sets up, builds, and runs the test backend in the foreground; extra arguments go to it.
pub fn serve(extra: &[String]) -> Result<()> {
    crate::tools::ensure_all()?;
    let dist = build_console()?;
    let bin = build_testbed()?;
    let mut args: Vec<String> = extra.to_vec();
    let addr = match extra.iter().position(|a| a == "--addr") {
        Some(i) => extra.get(i + 1).cloned().unwrap_or_default(),
        None => {
            args.extend(["--addr".to_string(), DEFAULT_ADDR.to_string()]);
            DEFAULT_ADDR.to_string()
        }
    };
    println!("serve: the console is at http://{addr}/ws-testing (Ctrl-C stops)");
    // In the foreground process group, so that Ctrl-C reaches the server too.
    run(cmd(bin.to_str().unwrap_or("testbed"))
        .arg("--static-dir")
        .arg(dist)
        .args(&args))
}
