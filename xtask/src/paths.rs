//! Where the project's tools live: the tool cache outside the work tree (every clone shares
//! it) and the `PATH` that puts them first. A leaf: the process helpers and the installers
//! both read it.

use std::path::PathBuf;

/// The target the console compiles to: set up by `tools`, built for by `release` and the wasm
/// tests.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The binaryen npm package wasm-opt comes from (`shared/TOOLCHAIN.md` says why this one).
pub const BINARYEN_VERSION: &str = "132";

/// Where npm puts binaryen: outside the work tree so every clone shares it.
pub fn binaryen_dir() -> PathBuf {
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("/tmp"), PathBuf::from);
    home.join(".cache/ws-console")
        .join(format!("binaryen-{BINARYEN_VERSION}"))
}

fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_default()
        .join("bin")
}

/// `PATH` with npm's wasm-opt and cargo's binaries first.
pub fn path_with_tools() -> String {
    let mut parts = vec![
        binaryen_dir()
            .join("node_modules/.bin")
            .display()
            .to_string(),
        cargo_bin().display().to_string(),
    ];
    if let Ok(p) = std::env::var("PATH") {
        parts.push(p);
    }
    parts.join(":")
}
