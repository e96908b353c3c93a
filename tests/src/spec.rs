//! Where the tests find Wink's pinned OpenAPI documents, the same places `cargo xtask` looks.
//!
//! The documents are not committed (see `openapi/README.md`); `openapi/wink.lock.toml` pins
//! their version and hashes. Tests that need a document itself (Prism serves one, the
//! operation tests enumerate one) read it from the first of these folders, in order:
//!
//! 1. the environment variable `WINK_OPENAPI_DIR`, if set (and then only there, as in the
//!    xtask: a folder given explicitly never silently falls back to another);
//! 2. `openapi/<version>/` in the workspace, the local copy;
//! 3. `../shared/openapi/<version>/`, a read-only copy beside the checkout.
//!
//! Unlike the xtask, nothing here downloads or checks the sha256 pinned in the lock: the
//! xtask verifies the documents whenever it reads them (`cargo xtask test` included), so the
//! harness trusts the folder it finds.

use std::path::{Path, PathBuf};

/// The workspace root (where `Cargo.toml`, `openapi/` and `target/` are).
pub(crate) fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is inside the workspace").to_path_buf()
}

/// The lock's path and text.
fn read_lock() -> (PathBuf, String) {
    let lock = workspace_dir().join("openapi").join("wink.lock.toml");
    let text =
        std::fs::read_to_string(&lock).unwrap_or_else(|e| panic!("cannot read {}: {e}", lock.display()));
    (lock, text)
}

/// The wink-api module of every `[[document]]` in `openapi/wink.lock.toml`, in lock order:
/// the audiences a test must cover.
pub fn pinned_modules() -> Vec<String> {
    pinned_documents().into_iter().map(|(module, _)| module).collect()
}

/// `(module, file)` of every `[[document]]` of the lock.
fn pinned_documents() -> Vec<(String, String)> {
    let (lock, text) = read_lock();
    documents_in_lock(&text).unwrap_or_else(|e| panic!("{}: {e}", lock.display()))
}

/// The `module` and `file` of each `[[document]]` of a lock file.
fn documents_in_lock(text: &str) -> Result<Vec<(String, String)>, String> {
    let lock: toml::Table = text.parse().map_err(|e| format!("not TOML: {e}"))?;
    let Some(toml::Value::Array(documents)) = lock.get("document") else {
        return Err("no [[document]] entries".into());
    };
    let field = |doc: &toml::Value, key: &str| match doc.get(key) {
        Some(toml::Value::String(value)) => Ok(value.clone()),
        _ => Err(format!("a [[document]] without `{key} = \"...\"`")),
    };
    documents.iter().map(|doc| Ok((field(doc, "module")?, field(doc, "file")?))).collect()
}

/// The top-level `version` string of a lock file.
fn version_in_lock(text: &str) -> Result<String, String> {
    let lock: toml::Table = text.parse().map_err(|e| format!("not TOML: {e}"))?;
    match lock.get("version") {
        Some(toml::Value::String(version)) => Ok(version.clone()),
        _ => Err("no top-level `version = \"...\"`".into()),
    }
}

/// The folders searched for the documents, in order (see the module documentation).
fn candidate_dirs(env_dir: Option<PathBuf>, version: &str) -> Vec<PathBuf> {
    match env_dir {
        Some(dir) => vec![dir],
        None => {
            let workspace = workspace_dir();
            vec![
                workspace.join("openapi").join(version),
                workspace.join("..").join("shared").join("openapi").join(version),
            ]
        }
    }
}

/// Where the original document of `audience` (its wink-api module, such as `"affiliate"`;
/// the lock names its file) is; panics with every place it looked when it is nowhere, or if
/// the lock has no such module.
pub fn document_path(audience: &str) -> PathBuf {
    let (lock, text) = read_lock();
    // The pinned version is the lock's (equal to `wink_api::api_version()`, which a test
    // checks; read from the lock so the harness does not depend on the generated client).
    let (documents, version) = match (documents_in_lock(&text), version_in_lock(&text)) {
        (Ok(documents), Ok(version)) => (documents, version),
        (Err(e), _) | (_, Err(e)) => panic!("{}: {e}", lock.display()),
    };
    let Some((_, file)) = documents.iter().find(|(module, _)| module == audience) else {
        panic!("openapi/wink.lock.toml has no document with module `{audience}`: {documents:?}")
    };
    let env_dir = std::env::var_os("WINK_OPENAPI_DIR").filter(|dir| !dir.is_empty()).map(PathBuf::from);
    let from_env = env_dir.is_some();
    let candidates: Vec<PathBuf> =
        candidate_dirs(env_dir, &version).into_iter().map(|dir| dir.join(file)).collect();
    if let Some(found) = candidates.iter().find(|path| path.is_file()) {
        return found.clone();
    }
    let looked: Vec<String> = candidates.iter().map(|path| format!("  {}", path.display())).collect();
    panic!(
        "the Wink OpenAPI document {file} (version {version}) is not where the tests look{}:\n{}\n\
         fetch the pinned documents with `cargo xtask spec fetch`, or point WINK_OPENAPI_DIR at a folder holding them",
        if from_env { " (WINK_OPENAPI_DIR is set, so only there)" } else { "" },
        looked.join("\n")
    )
}

/// The original (unpatched) pinned OpenAPI document of `audience` (its module, such as
/// `"affiliate"`), parsed. Panics with where it looked if it is missing, or if it is not JSON.
pub fn original_document(audience: &str) -> serde_json::Value {
    let path = document_path(audience);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_version_is_read_from_the_top_level_only() {
        let lock =
            "# comment\nversion = \"30.49.0\" # trailing\nsource = \"x\"\n\n[[document]]\nversion = \"1\"\n";
        assert_eq!(version_in_lock(lock).as_deref(), Ok("30.49.0"));
        assert!(version_in_lock("[[document]]\nversion = \"1\"\n").is_err());
        assert!(version_in_lock("version = 3").is_err());
        assert!(version_in_lock("version = ").unwrap_err().starts_with("not TOML"));
    }

    #[test]
    fn the_lock_modules_and_files_are_read_from_each_document() {
        let lock = "version = \"1\"\n[[document]]\nmodule = \"a_b\"\nfile = \"a-b.json\"\n\
                    [[document]]\nmodule = \"c\"\nfile = \"c.json\"\n";
        let pair = |module: &str, file: &str| (module.to_string(), file.to_string());
        assert_eq!(documents_in_lock(lock), Ok(vec![pair("a_b", "a-b.json"), pair("c", "c.json")]));
        assert!(documents_in_lock("version = \"1\"\n").is_err());
        assert_eq!(
            documents_in_lock("[[document]]\nfile = \"a.json\"\n"),
            Err("a [[document]] without `module = \"...\"`".to_string())
        );
    }

    /// The top-level `version` of `openapi/wink.lock.toml`.
    fn pinned_version() -> String {
        version_in_lock(&read_lock().1).unwrap()
    }

    #[test]
    fn the_lock_version_is_the_clients_api_version() {
        assert_eq!(pinned_version(), wink_api::api_version());
    }

    #[test]
    fn an_explicit_folder_is_the_only_candidate() {
        assert_eq!(
            candidate_dirs(Some(PathBuf::from("/somewhere")), "1.2.3"),
            vec![PathBuf::from("/somewhere")]
        );
        let defaults = candidate_dirs(None, "1.2.3");
        assert_eq!(defaults.len(), 2);
        assert!(defaults[0].ends_with("openapi/1.2.3"), "{defaults:?}");
        assert!(defaults[1].ends_with("shared/openapi/1.2.3"), "{defaults:?}");
    }

    #[test]
    fn the_affiliate_document_is_found_and_is_the_pinned_version() {
        let document = original_document("affiliate");
        assert_eq!(document["info"]["version"], pinned_version().as_str());
    }
}
