//! `cargo xtask`: the workspace's automation, kept small.
//!
//! - `cargo xtask regen [--check] [--spec-dir DIR]`: regenerate `wink-api/src/generated/` from
//!   the pinned documents (or, with `--check`, fail listing every stale file).
//! - `cargo xtask spec fetch [--from DIR]`: download (or copy) the pinned documents into the
//!   gitignored `openapi/<version>/`, verifying every sha256.
//! - `cargo xtask spec bump (--from DIR | --url-template URL)`: pin a new version's documents
//!   and print the change report.
//! - `cargo xtask spec diff OLD NEW`: the classified change report between two folders or
//!   versions.
//! - `cargo xtask test`: the whole test suite, as CI runs it (benchmarks built, not run).
//! - `cargo xtask perf [--compile]`: every benchmark, printed as the README's table.
//! - `cargo xtask deps`: check the workspace's dependency rules.

mod codegen;
mod dependency_policy;
mod document;
mod lock;
mod multipart;
mod operation_cases;
mod passes;
mod perf;
mod production_hosts;
mod regen;
mod schema_walk;
mod spec_bump;
mod spec_diff;
mod spec_source;
mod spring_pages;
mod test_runner;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Result, bail};

use crate::lock::{Lock, Workspace};

const USAGE: &str = "usage:
  cargo xtask regen [--check] [--spec-dir DIR] [--allow-non-production-hosts]
  cargo xtask spec fetch [--from DIR]
  cargo xtask spec bump (--from DIR | --url-template URL) [--url-template URL] [--source TEXT] [--allow-non-production-hosts]
  cargo xtask spec diff OLD NEW   (each a folder of documents or a version)
  cargo xtask test [-- ARGS for cargo test]
  cargo xtask perf [--compile]
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
            let (mut check, mut spec_dir, mut allow_hosts) = (false, None, false);
            while let Some(arg) = args.next() {
                match arg.as_str() {
                    "--check" => check = true,
                    "--allow-non-production-hosts" => allow_hosts = true,
                    "--spec-dir" => {
                        spec_dir = Some(PathBuf::from(
                            args.next().ok_or_else(|| anyhow::anyhow!("--spec-dir needs a folder"))?,
                        ))
                    }
                    other => bail!("unknown regen argument `{other}`\n{USAGE}"),
                }
            }
            regen(&ws, check, spec_dir, allow_hosts)
        }
        Some("spec") => {
            let rest: Vec<String> = args.collect();
            let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
            match rest.as_slice() {
                ["fetch"] => fetch(&ws, None),
                ["fetch", "--from", dir] => fetch(&ws, Some(PathBuf::from(dir))),
                ["diff", old, new] => {
                    let (old, new) = (
                        spec_diff::DocumentSet::locate(&ws, old)?,
                        spec_diff::DocumentSet::locate(&ws, new)?,
                    );
                    print!("{}", spec_diff::report(&old, &new, &spec_diff::diff(&old, &new)));
                    Ok(ExitCode::SUCCESS)
                }
                ["bump", options @ ..] => {
                    let mut source = spec_bump::BumpSource {
                        from: None,
                        url_template: None,
                        allow_non_production_hosts: false,
                        source: None,
                    };
                    let mut options = options.iter();
                    while let Some(option) = options.next() {
                        let mut value = || {
                            options
                                .next()
                                .map(|v| v.to_string())
                                .ok_or_else(|| anyhow::anyhow!("{option} needs a value"))
                        };
                        match *option {
                            "--from" => source.from = Some(PathBuf::from(value()?)),
                            "--url-template" => source.url_template = Some(value()?),
                            "--source" => source.source = Some(value()?),
                            "--allow-non-production-hosts" => source.allow_non_production_hosts = true,
                            other => bail!("unknown spec bump argument `{other}`\n{USAGE}"),
                        }
                    }
                    spec_bump::run(&ws, &source)?;
                    Ok(ExitCode::SUCCESS)
                }
                _ => bail!("unknown spec command\n{USAGE}"),
            }
        }
        Some("test") => test_runner::run(&ws, args.skip_while(|a| a == "--").collect()),
        Some("perf") => match args.next().as_deref() {
            None => perf::run(&ws, false),
            Some("--compile") => perf::run(&ws, true),
            Some(other) => bail!("unknown perf argument `{other}`\n{USAGE}"),
        },
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

fn regen(ws: &Workspace, check: bool, spec_dir: Option<PathBuf>, allow_hosts: bool) -> Result<ExitCode> {
    let started = Instant::now();
    let (lock, docs, rendered) = regen::render_workspace(ws, spec_dir, allow_hosts)?;
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
    let previous = regen::generated_version(&ws.root).filter(|v| *v != lock.version);
    let changed = regen::write(&rendered, &ws.root)?;
    if let Some(previous) = previous {
        print_bump_summary(ws, &previous, &lock.version, &docs);
    }
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

/// The pinned version changed since the last regen: the change report's summary line.
fn print_bump_summary(ws: &Workspace, previous: &str, version: &str, docs: &[spec_source::VerifiedDocument]) {
    let mut documents = std::collections::BTreeMap::new();
    for doc in docs {
        if let Ok(json) = document::parse_json(&doc.pin.file, &doc.bytes) {
            documents.insert(doc.pin.file.trim_end_matches(".json").to_string(), json);
        }
    }
    let new = spec_diff::DocumentSet { label: version.to_string(), documents };
    match spec_diff::DocumentSet::locate(ws, previous) {
        Ok(old) => println!(
            "\nWink API {previous} → {version}: {}\n(the full report: `cargo xtask spec diff {previous} {version}`)",
            spec_diff::summary(&spec_diff::diff(&old, &new))
        ),
        Err(e) => println!("\nWink API {previous} → {version}; no change report: {e:#}"),
    }
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
