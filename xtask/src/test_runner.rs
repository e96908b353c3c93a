//! `cargo xtask test`: the one command that runs the whole test suite from a fresh clone.
//!
//! It exists so that the README and `.ci/run` name a single command while the suite grows
//! (test servers installed from the committed npm lockfile come with later work): it installs
//! what the tests need, then runs every test of the workspace with all audience features,
//! with `--locked`.

use std::process::{Command, ExitCode};

use anyhow::{Context, Result};

use crate::lock::Workspace;

pub fn run(ws: &Workspace, extra: Vec<String>) -> Result<ExitCode> {
    if ws.root.join("package-lock.json").is_file() && !ws.root.join("node_modules").is_dir() {
        step(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&ws.root), "npm ci")?;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut test = Command::new(&cargo);
    test.current_dir(&ws.root).args(["test", "--workspace", "--locked", "--all-features"]).args(&extra);
    step(&mut test, "cargo test")?;
    Ok(ExitCode::SUCCESS)
}

fn step(command: &mut Command, what: &str) -> Result<()> {
    let status = command.status().with_context(|| format!("cannot start {what}"))?;
    anyhow::ensure!(status.success(), "{what} failed ({status})");
    Ok(())
}
