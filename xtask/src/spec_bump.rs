//! `cargo xtask spec bump`: pin a new set of Wink documents in one step.
//!
//! It reads the new documents (every `*.json` of `--from DIR`, or each file of the current
//! lock downloaded from `--url-template`), takes the version from their `info.version` (all
//! must agree), refuses non-production hosts, rewrites `openapi/wink.lock.toml` (names,
//! sha256s, URLs; a document keeps its module, feature and options by name, a new one gets
//! its file stem), copies the documents into the gitignored `openapi/<version>/` so that
//! `regen` finds them, and prints the change report against the previous version. The old
//! lock stays in git; `regen` reads the new one alone.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::lock::{Lock, PinnedDocument, Workspace};
use crate::spec_diff::{self, DocumentSet};
use crate::{document, production_hosts, spec_source};

/// Where the new documents come from.
pub struct BumpSource {
    /// A folder holding them.
    pub from: Option<PathBuf>,
    /// `https://.../{file}`: where each is published (`{file}` and `{version}` are replaced).
    pub url_template: Option<String>,
    /// Accept documents whose hosts are not production hosts.
    pub allow_non_production_hosts: bool,
    /// The lock's free-text provenance (default: the command's arguments).
    pub source: Option<String>,
}

/// A new document read for the bump.
struct Incoming {
    file: String,
    bytes: Vec<u8>,
    json: Value,
}

/// The new lock for `incoming`, keeping what `old` says of documents with the same name.
fn new_lock(
    old: &Lock,
    incoming: &[Incoming],
    version: &str,
    source: &str,
    url_template: &str,
) -> Result<Lock> {
    let by_name: BTreeMap<&str, &PinnedDocument> =
        old.documents.iter().map(|d| (d.name.as_str(), d)).collect();
    let mut documents: Vec<PinnedDocument> = Vec::new();
    for doc in incoming {
        let name = doc.file.trim_end_matches(".json").to_string();
        let url = url_template.replace("{file}", &doc.file).replace("{version}", version);
        let sha256 = spec_source::sha256_hex(&doc.bytes);
        documents.push(match by_name.get(name.as_str()) {
            Some(previous) => PinnedDocument { file: doc.file.clone(), sha256, url, ..(*previous).clone() },
            None => PinnedDocument {
                module: name.replace('-', "_").to_lowercase(),
                feature: name.clone(),
                name,
                file: doc.file.clone(),
                sha256,
                url,
                allow_non_production_hosts: false,
                // Every audience is in the conformance suite: its completeness test fails
                // until the new document's generated cases are included.
                operation_cases: true,
            },
        });
    }
    // Documents the old lock had keep their order; new ones follow.
    let position =
        |d: &PinnedDocument| old.documents.iter().position(|o| o.name == d.name).unwrap_or(usize::MAX);
    documents.sort_by(|a, b| position(a).cmp(&position(b)).then(a.name.cmp(&b.name)));
    let lock = Lock { version: version.to_string(), source: source.to_string(), documents };
    lock.to_toml().context("the new lock is invalid")?;
    Ok(lock)
}

fn read_incoming(old: &Lock, source: &BumpSource) -> Result<Vec<Incoming>> {
    // Sorted by file name either way: a folder is read sorted, downloads are sorted here.
    let raw: Vec<(String, Vec<u8>)> = match (&source.from, &source.url_template) {
        (Some(dir), _) => crate::spec_diff::read_json_files(dir)?,
        (None, Some(template)) => {
            let mut raw = Vec::new();
            for pin in &old.documents {
                let url = template.replace("{file}", &pin.file);
                let bytes =
                    spec_source::download(&url).with_context(|| format!("cannot download {}", pin.file))?;
                raw.push((pin.file.clone(), bytes));
            }
            raw.sort_by(|a, b| a.0.cmp(&b.0));
            raw
        }
        (None, None) => bail!("spec bump needs --from DIR or --url-template URL"),
    };
    let mut incoming = Vec::new();
    for (file, bytes) in raw {
        let json = document::parse_json(&file, &bytes)?;
        let by_name = old.documents.iter().find(|d| d.file == file);
        let allowed =
            source.allow_non_production_hosts || by_name.is_some_and(|d| d.allow_non_production_hosts);
        if !allowed {
            let urls = production_hosts::non_production_urls(&json);
            anyhow::ensure!(urls.is_empty(), "{}", production_hosts::refusal(&file, &urls));
        }
        incoming.push(Incoming { file, bytes, json });
    }
    Ok(incoming)
}

/// The one `info.version` of every document.
fn common_version(incoming: &[Incoming]) -> Result<String> {
    let mut versions: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for doc in incoming {
        let version = doc.json.pointer("/info/version").and_then(Value::as_str).unwrap_or("(none)");
        versions.entry(version.to_string()).or_default().push(&doc.file);
    }
    match versions.len() {
        1 => Ok(versions.into_keys().next().unwrap_or_default()),
        _ => {
            let listed: Vec<String> =
                versions.iter().map(|(v, files)| format!("{v}: {}", files.join(", "))).collect();
            bail!("the documents disagree on info.version ({})", listed.join("; "))
        }
    }
}

/// Runs the bump in workspace `ws`.
pub fn run(ws: &Workspace, source: &BumpSource) -> Result<()> {
    let old = Lock::load(&ws.lock_path())?;
    let Some(template) = source.url_template.as_deref() else {
        bail!(
            "pass --url-template so the lock says where the documents are published, e.g. \
             https://raw.githubusercontent.com/wink-travel/docs/<commit>/schemas/{{file}}"
        )
    };
    let incoming = read_incoming(&old, source)?;
    let version = common_version(&incoming)?;
    let origin = match &source.from {
        _ if source.source.is_some() => source.source.clone().unwrap_or_default(),
        Some(dir) => format!("bumped with --from {} --url-template {template}", dir.display()),
        None => format!("bumped with --url-template {template}"),
    };
    let lock = new_lock(&old, &incoming, &version, &origin, template)?;

    let dir = ws.local_spec_dir(&version);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for doc in &incoming {
        let path = dir.join(&doc.file);
        std::fs::write(&path, &doc.bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let lock_path = ws.lock_path();
    std::fs::write(&lock_path, lock.to_toml()?)
        .with_context(|| format!("cannot write {}", lock_path.display()))?;
    eprintln!("pinned Wink API {version} ({} documents) in {}", lock.documents.len(), lock_path.display());

    let new_set = DocumentSet {
        label: version.clone(),
        documents: incoming
            .iter()
            .map(|d| (d.file.trim_end_matches(".json").to_string(), d.json.clone()))
            .collect(),
    };
    match DocumentSet::locate(ws, &old.version) {
        Ok(old_set) => {
            println!("{}", spec_diff::report(&old_set, &new_set, &spec_diff::diff(&old_set, &new_set)))
        }
        Err(e) => eprintln!("no change report: the {} documents are not here ({e:#})", old.version),
    }
    if let Err(e) = crate::regen::check_features(&lock, &ws.root.join("wink-api").join("Cargo.toml")) {
        eprintln!("before regen: {e:#}");
    }
    eprintln!("next: `cargo xtask regen`, review the diff, `cargo xtask test`");
    Ok(())
}

/// The lock `spec bump` would write for `files` (name, bytes), without touching the disk.
#[cfg(test)]
pub(crate) fn lock_for(old: &Lock, files: &[(&str, Vec<u8>)], template: &str) -> Result<Lock> {
    let incoming: Vec<Incoming> = files
        .iter()
        .map(|(file, bytes)| {
            Ok(Incoming {
                file: file.to_string(),
                bytes: bytes.clone(),
                json: document::parse_json(file, bytes)?,
            })
        })
        .collect::<Result<_>>()?;
    let version = common_version(&incoming)?;
    new_lock(old, &incoming, &version, "test", template)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn old_lock() -> Lock {
        Lock::load(&Workspace::current().lock_path()).unwrap()
    }

    fn doc(version: &str) -> Vec<u8> {
        serde_json::to_vec(
            &serde_json::json!({"openapi": "3.1.0", "info": {"version": version}, "paths": {}}),
        )
        .unwrap()
    }

    #[test]
    fn a_bump_keeps_modules_and_options_by_name_and_names_new_documents_after_their_file() {
        let lock = lock_for(
            &old_lock(),
            &[("affiliate.json", doc("31.0.0")), ("booking-engine.json", doc("31.0.0"))],
            "https://example.com/{version}/{file}",
        )
        .unwrap();
        assert_eq!(lock.version, "31.0.0");
        let names: Vec<(&str, &str, &str)> =
            lock.documents.iter().map(|d| (d.name.as_str(), d.module.as_str(), d.feature.as_str())).collect();
        assert_eq!(
            names,
            [("affiliate", "affiliate", "affiliate"), ("booking-engine", "booking_engine", "booking-engine")]
        );
        assert!(lock.documents[0].operation_cases, "affiliate keeps its options");
        assert!(lock.documents[1].operation_cases, "a new document gets conformance cases");
        assert_eq!(lock.documents[1].url, "https://example.com/31.0.0/booking-engine.json");
        assert_eq!(lock.documents[0].sha256, spec_source::sha256_hex(&doc("31.0.0")));
    }

    #[test]
    fn documents_that_disagree_on_the_version_are_refused_naming_them() {
        let err = lock_for(&old_lock(), &[("a.json", doc("1")), ("b.json", doc("2"))], "{file}").unwrap_err();
        assert_eq!(format!("{err:#}"), "the documents disagree on info.version (1: a.json; 2: b.json)");
    }

    #[test]
    fn an_invalid_document_is_refused_with_its_location() {
        let err = lock_for(&old_lock(), &[("a.json", b"{\"info\": ".to_vec())], "{file}").unwrap_err();
        assert!(format!("{err:#}").contains("a.json"), "{err:#}");
    }

    #[test]
    fn a_folder_bump_writes_the_lock_and_the_local_copy() {
        let root = std::env::temp_dir().join(format!("wink-bump-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("openapi")).unwrap();
        std::fs::copy(Workspace::current().lock_path(), root.join("openapi").join("wink.lock.toml")).unwrap();
        let from = root.join("new");
        std::fs::create_dir_all(&from).unwrap();
        let mut affiliate: Value = serde_json::from_slice(
            &std::fs::read(Workspace::current().shared_spec_dir("30.49.0").join("affiliate.json")).unwrap(),
        )
        .unwrap();
        affiliate["info"]["version"] = "30.50.0".into();
        std::fs::write(from.join("affiliate.json"), serde_json::to_vec(&affiliate).unwrap()).unwrap();
        let ws = Workspace { root: root.clone() };
        let source = BumpSource {
            from: Some(from.clone()),
            url_template: Some("https://example.com/{file}".into()),
            allow_non_production_hosts: false,
            source: None,
        };
        run(&ws, &source).unwrap();
        let lock = Lock::load(&ws.lock_path()).unwrap();
        assert_eq!(lock.version, "30.50.0");
        assert_eq!(lock.documents.len(), 1);
        assert!(root.join("openapi/30.50.0/affiliate.json").is_file());

        // The development hosts Wink once published are refused, and nothing is written.
        affiliate["servers"] = serde_json::json!([{"url": "https://dev-api.wink.travel:8443"}]);
        affiliate["info"]["version"] = "30.51.0".into();
        std::fs::write(from.join("affiliate.json"), serde_json::to_vec(&affiliate).unwrap()).unwrap();
        let err = run(&ws, &source).unwrap_err();
        assert!(format!("{err:#}").contains("dev-api.wink.travel"), "{err:#}");
        assert_eq!(Lock::load(&ws.lock_path()).unwrap().version, "30.50.0");
        let _ = std::fs::remove_dir_all(&root);
    }
}
