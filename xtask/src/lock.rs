//! The committed pin of Wink's OpenAPI documents (`openapi/wink.lock.toml`).
//!
//! The JSON documents are never committed; this lock says which ones wink-api is generated
//! from: the API version, and per document its audience module, cargo feature, file name,
//! sha256 and upstream URL. Everything that reads or fetches a document goes through it.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

/// The parsed lock file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    /// Wink API version, also the name of the folder the documents live in.
    pub version: String,
    /// Free-text provenance (repository, commit, date).
    #[serde(default)]
    pub source: String,
    /// One entry per audience document.
    #[serde(rename = "document")]
    pub documents: Vec<PinnedDocument>,
}

/// One pinned document.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PinnedDocument {
    /// Audience name as Wink publishes it (`affiliate`, `supplier`, ...).
    pub name: String,
    /// Rust module in wink-api (`wink_api::<module>`).
    pub module: String,
    /// Cargo feature of wink-api that compiles the module.
    pub feature: String,
    /// File name inside the version folder.
    pub file: String,
    /// Expected sha256 of the file, lowercase hex.
    pub sha256: String,
    /// Where the file can be downloaded from.
    pub url: String,
    /// Accept servers and token URLs that are not production hosts (see
    /// `production_hosts`); off by default.
    #[serde(default, skip_serializing_if = "is_false")]
    pub allow_non_production_hosts: bool,
    /// Generate one conformance and wire-snapshot case per operation into
    /// `tests/tests/operations/generated/<module>.rs`; off by default.
    #[serde(default, skip_serializing_if = "is_false")]
    pub operation_cases: bool,
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// The comment at the top of the lock file, kept when `spec bump` rewrites it.
const LOCK_HEADER: &str = "\
# Pins the Wink OpenAPI documents that `cargo xtask regen` generates wink-api from.
# The documents themselves are not committed; see openapi/README.md for where they come from.
# Each [[document]] is one audience: its module and cargo feature in wink-api, the file
# name, its sha256, the upstream URL it can be fetched from, and per-document options
# (`operation_cases`, `allow_non_production_hosts`). `cargo xtask spec bump` rewrites it.
";

impl Lock {
    /// Reads and validates the lock file at `path`.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the spec lock {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("invalid spec lock {}", path.display()))
    }

    /// Parses and validates lock text.
    pub fn parse(text: &str) -> Result<Self> {
        let lock: Lock = toml::from_str(text)?;
        lock.validate()?;
        Ok(lock)
    }

    /// The lock as TOML, with its header comment: what `spec bump` writes.
    pub fn to_toml(&self) -> Result<String> {
        self.validate()?;
        Ok(format!("{LOCK_HEADER}\n{}", toml::to_string(self)?))
    }

    fn validate(&self) -> Result<()> {
        if self.documents.is_empty() {
            bail!("the lock pins no document");
        }
        let mut seen = std::collections::BTreeSet::new();
        for doc in &self.documents {
            for (what, value) in [("name", &doc.name), ("module", &doc.module), ("feature", &doc.feature)] {
                if !seen.insert((what, value.clone())) {
                    bail!("document {what} `{value}` appears twice");
                }
            }
            if !is_rust_identifier(&doc.module) {
                bail!("document `{}`: module `{}` is not a lowercase Rust identifier", doc.name, doc.module);
            }
            if doc.sha256.len() != 64
                || !doc.sha256.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            {
                bail!("document `{}`: sha256 must be 64 lowercase hex digits", doc.name);
            }
            if doc.file.contains(['/', '\\']) || doc.file.starts_with('.') {
                bail!("document `{}`: file `{}` must be a plain file name", doc.name, doc.file);
            }
        }
        Ok(())
    }
}

fn is_rust_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z' | '_')) && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

/// Paths of the workspace, resolved from the xtask crate's location.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The workspace root.
    pub root: PathBuf,
}

impl Workspace {
    /// The workspace this xtask binary was built in.
    pub fn current() -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("xtask lives one level below the workspace root")
            .to_path_buf();
        Self { root }
    }

    /// `openapi/wink.lock.toml`.
    pub fn lock_path(&self) -> PathBuf {
        self.root.join("openapi").join("wink.lock.toml")
    }

    /// The gitignored local copy of a version's documents, `openapi/<version>/`.
    pub fn local_spec_dir(&self, version: &str) -> PathBuf {
        self.root.join("openapi").join(version)
    }

    /// The shared read-only copy beside the checkout, `../shared/openapi/<version>/`.
    pub fn shared_spec_dir(&self, version: &str) -> PathBuf {
        self.root.join("..").join("shared").join("openapi").join(version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = r#"
version = "1.0.0"
[[document]]
name = "affiliate"
module = "affiliate"
feature = "affiliate"
file = "affiliate.json"
sha256 = "ddf8d34dab7e689ccc114c688f2e67b7483d6db06a169001c6140db344b9fbff"
url = "http://127.0.0.1/affiliate.json"
"#;

    #[test]
    fn the_committed_lock_parses() {
        let lock = Lock::load(&Workspace::current().lock_path()).unwrap();
        assert_eq!(lock.version, "30.49.0");
        let names: Vec<_> = lock.documents.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["affiliate", "account", "common", "consumer", "partner", "supplier"]);
    }

    #[test]
    fn a_lock_written_by_to_toml_reads_back_the_same() {
        let lock = Lock::load(&Workspace::current().lock_path()).unwrap();
        let text = lock.to_toml().unwrap();
        assert!(text.starts_with(LOCK_HEADER), "{text}");
        let again = Lock::parse(&text).unwrap();
        assert_eq!(format!("{again:?}"), format!("{lock:?}"));
        assert!(again.documents.iter().all(|d| d.operation_cases), "every audience has operation cases");
        let committed = std::fs::read_to_string(Workspace::current().lock_path()).unwrap();
        assert_eq!(committed, text, "the committed lock is in the form `spec bump` writes");
    }

    #[test]
    fn a_valid_lock_parses() {
        assert_eq!(Lock::parse(ONE).unwrap().documents[0].module, "affiliate");
    }

    #[test]
    fn bad_locks_are_refused_with_a_reason() {
        let cases = [
            (ONE.replace("ddf8", "DDF8"), "sha256 must be 64 lowercase hex"),
            (
                ONE.replace("module = \"affiliate\"", "module = \"Affiliate-x\""),
                "not a lowercase Rust identifier",
            ),
            (ONE.replace("affiliate.json\"\nsha", "../x.json\"\nsha"), "plain file name"),
            (format!("{ONE}{}", &ONE[ONE.find("[[document]]").unwrap()..]), "appears twice"),
            ("version = \"1\"\ndocument = []\n".to_string(), "pins no document"),
        ];
        for (text, expected) in cases {
            let err = format!("{:#}", Lock::parse(&text).unwrap_err());
            assert!(err.contains(expected), "{err:?} should contain {expected:?}");
        }
    }
}
