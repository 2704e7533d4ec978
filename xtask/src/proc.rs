//! Child processes that are always stopped, and commands whose test counts are read.
//!
//! A test server or a browser left running would keep a port bound or a Chromium orphaned on
//! the next run, so every long-lived child lives in a [`Guard`] that kills its whole process
//! group when dropped, on success, failure or panic alike.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub type Result<T> = std::result::Result<T, String>;

/// Cargo's target directory (`CARGO_TARGET_DIR`, else `target/` in the workspace).
pub fn target_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), Into::into)
}

/// The workspace root (the parent of `xtask/`).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
}

/// A `Command` in the workspace root with the project's tool folders first on `PATH`.
pub fn cmd(program: &str) -> Command {
    let mut c = Command::new(program);
    c.current_dir(root())
        .env("PATH", crate::paths::path_with_tools());
    c
}

/// Runs a command to completion, inheriting output; an error names the command.
pub fn run(c: &mut Command) -> Result<()> {
    let status = c
        .status()
        .map_err(|e| format!("could not start {c:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{} failed ({status})", describe(c)))
    }
}

/// Runs a command, echoing its output, and returns how many tests its runner reported passed
/// (`test result: ok. N passed` lines from cargo test and wasm-bindgen-test-runner).
pub fn run_counting(c: &mut Command) -> Result<TestCount> {
    c.stdout(Stdio::piped()).stderr(Stdio::inherit());
    let mut child = c
        .spawn()
        .map_err(|e| format!("could not start {c:?}: {e}"))?;
    let mut count = TestCount::default();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines() {
            let line = line.map_err(|e| e.to_string())?;
            println!("{line}");
            count.add_line(&line);
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if status.success() {
        Ok(count)
    } else {
        Err(format!(
            "{} failed ({status}); {} passed, {} failed",
            describe(c),
            count.passed,
            count.failed
        ))
    }
}

fn describe(c: &Command) -> String {
    let args: Vec<_> = c.get_args().map(|a| a.to_string_lossy()).collect();
    format!("`{} {}`", c.get_program().to_string_lossy(), args.join(" "))
}

/// Passed and failed tests summed over a runner's `test result:` lines.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TestCount {
    pub passed: u64,
    pub failed: u64,
}

impl TestCount {
    /// Adds the counts of one `test result: ok. 3 passed; 0 failed; …` line; other lines are ignored.
    pub fn add_line(&mut self, line: &str) {
        let Some(rest) = line.trim().strip_prefix("test result: ") else {
            return;
        };
        for part in rest.split([';', '.']) {
            let mut words = part.split_whitespace();
            if let (Some(Ok(n)), Some(what)) = (words.next().map(str::parse::<u64>), words.next()) {
                match what {
                    "passed" => self.passed += n,
                    "failed" => self.failed += n,
                    _ => {}
                }
            }
        }
    }
}

/// A child process (and its process group) that is killed when the guard is dropped.
pub struct Guard {
    child: Child,
    name: String,
}

impl Guard {
    /// Spawns `c` in a process group of its own.
    pub fn spawn(name: &str, c: &mut Command) -> Result<Guard> {
        c.process_group(0);
        let child = c
            .spawn()
            .map_err(|e| format!("could not start {name}: {e}"))?;
        Ok(Guard {
            child,
            name: name.to_string(),
        })
    }

    /// Whether the child has already exited (a server that died at start-up).
    pub fn exited(&mut self) -> Option<String> {
        match self.child.try_wait() {
            Ok(Some(status)) => Some(format!("{} exited early ({status})", self.name)),
            _ => None,
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            // Negative pid: the whole group, so grandchildren (browsers) go too.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", self.child.id())])
                .stderr(Stdio::null())
                .status();
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// A free TCP port on 127.0.0.1 (bound and released; good enough for a child to take next).
pub fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(l.local_addr().map_err(|e| e.to_string())?.port())
}

/// Waits until something accepts connections on `port`, or `guard` exits, or 60 s pass.
pub fn wait_for_port(port: u16, guard: &mut Guard) -> Result<()> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        if let Some(e) = guard.exited() {
            return Err(e);
        }
        if std::time::Instant::now() > deadline {
            return Err(format!("nothing listened on 127.0.0.1:{port} within 60 s"));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_cargo_and_wasm_runner_result_lines() {
        let mut c = TestCount::default();
        c.add_line("test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s");
        c.add_line("test result: FAILED. 3 passed; 2 failed; 0 ignored");
        c.add_line("running 5 tests");
        c.add_line(
            "   test result: ok. 1 passed; 0 failed; 0 ignored; 0 filtered out; finished in 2.01s",
        );
        assert_eq!(
            c,
            TestCount {
                passed: 16,
                failed: 2
            }
        );
    }

    #[test]
    fn guard_kills_its_child_on_drop() {
        let mut c = Command::new("sleep");
        c.arg("300");
        let g = Guard::spawn("sleep", &mut c).unwrap();
        let pid = g.child.id();
        drop(g);
        let alive = Command::new("kill")
            .args(["-0", &pid.to_string()])
            .stderr(Stdio::null())
            .status()
            .unwrap()
            .success();
        assert!(!alive, "child {pid} still alive after drop");
    }
}
