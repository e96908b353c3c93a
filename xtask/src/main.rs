//! `cargo xtask`: the workspace's automation, kept small.
//!
//! - `cargo xtask regen [--check] [--spec-dir DIR]`: regenerate `wink-api/src/generated/` from
//!   the pinned documents (or, with `--check`, fail listing every stale file).
//! - `cargo xtask spec fetch [--from DIR]`: download (or copy) the pinned documents into the
//!   gitignored `openapi/<version>/`, verifying every sha256.
//! - `cargo xtask test`: the whole test suite, as CI runs it.
//! - `cargo xtask deps`: check the workspace's dependency rules.

mod codegen;
mod dependency_policy;
mod document;
mod lock;
mod multipart;
mod operation_cases;
mod passes;
mod regen;
mod schema_walk;
mod spec_source;
mod test_runner;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Result, bail};

use crate::lock::{Lock, Workspace};

const USAGE: &str = "usage:
  cargo xtask regen [--check] [--spec-dir DIR]
  cargo xtask spec fetch [--from DIR]
  cargo xtask test [-- ARGS for cargo test]
  cargo xtask deps";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<ExitCode> {
    let ws = Workspace::current();
    let mut args = args.into_iter();
    match args.next().as_deref() {
        Some("regen") => {
            let (mut check, mut spec_dir) = (false, None);
            while let Some(arg) = args.next() {
                match arg.as_str() {
                    "--check" => check = true,
                    "--spec-dir" => {
                        spec_dir = Some(PathBuf::from(
                            args.next().ok_or_else(|| anyhow::anyhow!("--spec-dir needs a folder"))?,
                        ))
                    }
                    other => bail!("unknown regen argument `{other}`\n{USAGE}"),
                }
            }
            regen(&ws, check, spec_dir)
        }
        Some("spec") => match (args.next().as_deref(), args.next().as_deref(), args.next()) {
            (Some("fetch"), None, None) => fetch(&ws, None),
            (Some("fetch"), Some("--from"), Some(dir)) => fetch(&ws, Some(PathBuf::from(dir))),
            _ => bail!("unknown spec command\n{USAGE}"),
        },
        Some("test") => test_runner::run(&ws, args.skip_while(|a| a == "--").collect()),
        Some("deps") => {
            dependency_policy::check(&ws)?;
            eprintln!("dependency rules hold: no generator crate in wink-api, one reqwest major");
            Ok(ExitCode::SUCCESS)
        }
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        _ => bail!("{USAGE}"),
    }
}

fn regen(ws: &Workspace, check: bool, spec_dir: Option<PathBuf>) -> Result<ExitCode> {
    let started = Instant::now();
    let (lock, rendered) = regen::render_workspace(ws, spec_dir)?;
    if check {
        let stale = regen::compare(&rendered, &ws.root)?;
        if stale.is_empty() {
            eprintln!("generated code is fresh (Wink API {}, {} files)", lock.version, rendered.files.len());
            return Ok(ExitCode::SUCCESS);
        }
        for file in &stale {
            eprintln!("stale: {}\n{}", file.path.display(), file.diff);
        }
        eprintln!(
            "{} generated file(s) are stale; run `cargo xtask regen` and commit the result",
            stale.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    let changed = regen::write(&rendered, &ws.root)?;
    print!("{}", summary(&rendered.report));
    println!("\nWink API {} ({})", lock.version, lock.source);
    for (audience, inventory) in &rendered.inventories {
        println!("- {audience}: {} operations", inventory.lines().count());
    }
    eprintln!(
        "regenerated {} ({} file(s) changed) from Wink API {} in {:.2?}",
        regen::OUTPUT_DIRS.join(" and "),
        changed,
        lock.version,
        started.elapsed()
    );
    Ok(ExitCode::SUCCESS)
}

/// The report without its header comment, for the terminal.
fn summary(report: &str) -> String {
    report.lines().skip(1).map(|l| format!("{l}\n")).collect()
}

fn fetch(ws: &Workspace, from: Option<PathBuf>) -> Result<ExitCode> {
    let lock = Lock::load(&ws.lock_path())?;
    spec_source::fetch_all(ws, &lock, from.as_deref())?;
    Ok(ExitCode::SUCCESS)
}
