//! The console's release build: Trunk, with the standard library compiled for size.
//!
//! Why: the standard library a toolchain ships is compiled for speed (opt-level 3), and link-time
//! optimisation keeps its code as it was built. Rebuilt with the console (cargo's `build-std`),
//! it is compiled at the console's opt-level `"z"` and with its `optimize_for_size` feature
//! (smaller sorts, formatting and collections): 11 KB gzip less (376.4 → 365.1 KB for the wasm
//! and JS, see `docs/size.md`). Panics still reach the console's panic hook with their message:
//! `panic = "abort"` as before, not the immediate abort that would take them away.
//!
//! Source locations are left out of the build too (`-Zlocation-detail=none`): every call that can
//! panic carries one (file, line, column), and together they cost 23 KB of the wasm, 7.5 KB
//! gzip. A panic still shows its message (the hook in `src/browser/panic.rs` then names no
//! place); the debug builds keep the locations.
//!
//! Leptos' views are built type-erased (`--cfg erase_components`, a cfg that leptos, tachys and
//! leptos_macro read): every component returns an `AnyView`, an element's children are one
//! `Vec` and its attributes another, and every `{move || …}` child goes through one shared
//! `Render` per output type, rather than a nested state type, and its build and drop code, per
//! view tree and per closure. Same views, same DOM: 20.1 KB gzip less (353.6 → 333.6 KB, see
//! `docs/size.md`), at the price of a box and a dynamic call per erased node, work done when a
//! view is built, not per message. Both shapes are tested: the wasm tests build the views as
//! they are (debug, like a host app that embeds the console without the cfg), the end-to-end
//! tests drive this erased release build.
//!
//! `build-std` and `-Z` flags are unstable: `RUSTC_BOOTSTRAP=1` lets the pinned stable toolchain
//! use them, for these two Trunk builds only (clippy, the host tests and the wasm tests use the prebuilt
//! library). It needs the toolchain's `rust-src` (`rust-toolchain.toml` lists it) and the
//! library's own dependencies (`dlmalloc`, …) in cargo's cache before Trunk runs cargo offline.

use crate::paths::WASM_TARGET;
use crate::proc::{Result, cmd, run};
use std::path::Path;
use std::process::Command;

/// The environment that has cargo build the standard library with the crate, both without
/// source locations, and Leptos' views erased. Cargo passes `RUSTFLAGS` to the target's crates
/// only, as Trunk names the target: build scripts and proc macros are built as usual.
fn std_for_size(c: &mut Command) -> &mut Command {
    let flags = std::env::var("RUSTFLAGS").unwrap_or_default();
    c.env("RUSTC_BOOTSTRAP", "1")
        .env(
            "RUSTFLAGS",
            format!("{flags} -Zlocation-detail=none --cfg erase_components").trim_start(),
        )
        .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
        .env("CARGO_UNSTABLE_BUILD_STD_FEATURES", "optimize_for_size")
}

/// `trunk build --release` in `dir` (the workspace root for the console, or the Leptos example
/// host's folder), the standard library compiled for size.
pub fn trunk_release(dir: &Path) -> Result<()> {
    // The workspace's crates for every platform (build scripts and proc macros run on the host),
    // then the standard library's for the wasm target: Trunk's cargo is offline.
    run(cmd("cargo").args(["fetch", "--quiet"]))?;
    run(std_for_size(cmd("cargo").args([
        "fetch",
        "--quiet",
        "--target",
        WASM_TARGET,
    ])))?;
    run(std_for_size(
        cmd("trunk").args(["build", "--release"]).current_dir(dir),
    ))
}
