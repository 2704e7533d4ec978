//! `cargo xtask serve`: the console, built in release mode, served by the test backend; with
//! `--leptos-host`, the Leptos example host too (`/leptos-host/`, behind the demo's login).

use crate::proc::{Result, cmd, root, run, target_dir};
use std::path::PathBuf;

/// Where the console is served by default; the README names it.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// Builds the console with Trunk (release, see [`crate::release`]) into `dist/`.
pub fn build_console() -> Result<PathBuf> {
    crate::release::trunk_release(root())?;
    Ok(root().join("dist"))
}

/// The Leptos example host's crate, which Trunk builds from its own folder.
pub const LEPTOS_HOST_DIR: &str = "examples/leptos-host";
/// `cargo xtask serve`'s own flag: also build and serve the Leptos example host.
const LEPTOS_HOST_FLAG: &str = "--leptos-host";

/// Builds the Leptos example host with Trunk (release, public URL `/leptos-host/`) into
/// `target/leptos-host-dist` (its Trunk.toml's `dist`). Cheap after [`build_console`]: the
/// two share the target folder, so only the example's crate and the final link are new.
pub fn build_leptos_host() -> Result<PathBuf> {
    crate::release::trunk_release(&root().join(LEPTOS_HOST_DIR))?;
    Ok(root().join("target/leptos-host-dist"))
}

/// Builds the test backend and returns the path of its binary.
pub fn build_testbed() -> Result<PathBuf> {
    run(cmd("cargo").args(["build", "--quiet", "-p", "testbed"]))?;
    Ok(target_dir().join("debug/testbed"))
}

/// Sets up, builds, and runs the test backend in the foreground; extra arguments go to it.
pub fn serve(extra: &[String]) -> Result<()> {
    crate::tools::ensure_all()?;
    let dist = build_console()?;
    let bin = build_testbed()?;
    let mut args: Vec<String> = extra
        .iter()
        .filter(|a| *a != LEPTOS_HOST_FLAG)
        .cloned()
        .collect();
    let leptos_host = args.len() < extra.len();
    if leptos_host {
        args.push("--leptos-host-dir".into());
        args.push(build_leptos_host()?.to_string_lossy().into_owned());
    }
    let addr = match extra.iter().position(|a| a == "--addr") {
        Some(i) => extra.get(i + 1).cloned().unwrap_or_default(),
        None => {
            args.extend(["--addr".to_string(), DEFAULT_ADDR.to_string()]);
            DEFAULT_ADDR.to_string()
        }
    };
    println!("serve: the console is at http://{addr}/ws-testing (Ctrl-C stops)");
    if leptos_host {
        println!(
            "serve: the Leptos example host is at http://{addr}/leptos-host/?user=NAME (log in at /demo/ first)"
        );
    }
    // In the foreground process group, so that Ctrl-C reaches the server too.
    run(cmd(bin.to_str().unwrap_or("testbed"))
        .arg("--static-dir")
        .arg(dist)
        .args(&args))
}
