//! `cargo xtask test`: the one command that runs the whole test suite from a fresh clone.
//!
//! It exists so that the README and `.ci/run` name a single command while the suite grows:
//! it installs the npm test servers from their committed lockfile (`tests/servers/`), then
//! runs every test of the workspace with all audience features, with `--locked`, and builds
//! the benchmarks.

use std::process::{Command, ExitCode};

use anyhow::{Context, Result};

use crate::lock::Workspace;

pub fn run(ws: &Workspace, extra: Vec<String>) -> Result<ExitCode> {
    // The third-party test servers (oidc-provider, ...), pinned by the committed lockfile.
    // Under CI they are always installed afresh; locally only when missing.
    let servers = ws.root.join("tests").join("servers");
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
    if servers.join("package-lock.json").is_file() && (ci || !servers.join("node_modules").is_dir()) {
        step(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&servers), "npm ci")?;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut test = Command::new(&cargo);
    forget_cargo_run_package(&mut test);
    test.current_dir(&ws.root).args(["test", "--workspace", "--locked", "--all-features"]).args(&extra);
    step(&mut test, "cargo test")?;
    // The benchmarks are built so that they never rot; `cargo xtask perf` runs them.
    let mut benches = Command::new(&cargo);
    forget_cargo_run_package(&mut benches);
    benches.current_dir(&ws.root).args([
        "bench",
        "--locked",
        "--no-run",
        "-p",
        "wink-auth",
        "-p",
        "wink-api",
    ]);
    step(&mut benches, "cargo bench --no-run")?;
    Ok(ExitCode::SUCCESS)
}

/// `cargo run` sets the package variables of xtask itself (`CARGO_MANIFEST_DIR`,
/// `CARGO_PKG_NAME`, ...) in its environment. A nested cargo must not inherit them: build
/// scripts that track them (ring's tracks `CARGO_MANIFEST_DIR`) would see a change between
/// `cargo xtask test` and a plain `cargo test`, and each would rebuild the TLS stack and the
/// whole generated client after the other.
fn forget_cargo_run_package(command: &mut Command) {
    const SET_BY_CARGO_RUN: [&str; 5] =
        ["CARGO_MANIFEST_", "CARGO_PKG_", "CARGO_BIN_", "CARGO_CRATE_", "CARGO_PRIMARY_PACKAGE"];
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(|name| SET_BY_CARGO_RUN.iter().any(|prefix| name.starts_with(prefix))) {
            command.env_remove(name);
        }
    }
}

fn step(command: &mut Command, what: &str) -> Result<()> {
    let status = command.status().with_context(|| format!("cannot start {what}"))?;
    anyhow::ensure!(status.success(), "{what} failed ({status})");
    Ok(())
}
