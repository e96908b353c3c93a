//! The workspace's dependency rules, checked with `cargo tree`.
//!
//! - wink-api's normal dependency tree carries nothing of the generator (progenitor-impl,
//!   typify, openapiv3): services that depend on wink-api do not compile a code generator.
//! - exactly one major version of reqwest in the whole workspace (progenitor-client uses 0.13;
//!   a second one, for example oauth2's default 0.12, would double the HTTP stack).

use std::collections::BTreeSet;
use std::process::Command;

use anyhow::{Context, Result, ensure};

use crate::lock::Workspace;

/// Crates that only the generator may depend on.
const GENERATOR_CRATES: [&str; 5] = ["progenitor-impl", "typify", "typify-impl", "openapiv3", "prettyplease"];

fn cargo_tree(ws: &Workspace, args: &[&str]) -> Result<Vec<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(&ws.root)
        .args(["tree", "--locked", "--prefix", "none", "--format", "{p}"])
        .args(args)
        .output()
        .context("cannot run cargo tree")?;
    ensure!(output.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&output.stderr));
    Ok(String::from_utf8_lossy(&output.stdout).lines().map(str::to_string).collect())
}

/// Checks both rules; the error lists every violation.
pub fn check(ws: &Workspace) -> Result<()> {
    let api = cargo_tree(ws, &["-p", "wink-api", "--all-features", "-e", "normal"])?;
    let leaked: BTreeSet<&str> = api
        .iter()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| GENERATOR_CRATES.contains(name))
        .collect();
    ensure!(leaked.is_empty(), "wink-api's dependency tree includes generator crates: {leaked:?}");

    let all = cargo_tree(ws, &["--workspace", "--all-features", "-e", "normal,build,dev"])?;
    let reqwest: BTreeSet<String> = all
        .iter()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            (words.next() == Some("reqwest")).then(|| words.next().unwrap_or("").to_string())
        })
        .map(|version| version.split('.').take(2).collect::<Vec<_>>().join("."))
        .collect();
    ensure!(reqwest.len() == 1, "expected exactly one reqwest major in the workspace, found {reqwest:?}");
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_workspace_follows_its_dependency_rules() {
        super::check(&crate::lock::Workspace::current()).unwrap();
    }
}
