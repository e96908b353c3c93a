//! Finding, fetching and verifying the pinned OpenAPI documents.
//!
//! The documents are not committed, so every command that needs them looks in a fixed order:
//! an explicit folder (`--spec-dir` or `WINK_OPENAPI_DIR`), the gitignored local copy
//! `openapi/<version>/`, the shared copy `../shared/openapi/<version>/`, and finally the pinned
//! upstream URL (downloaded into the local copy). Every document's sha256 is checked against
//! the lock before anything reads it, wherever it came from.

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::lock::{Lock, PinnedDocument, Workspace};

/// Environment variable naming a folder that holds the pinned documents.
pub const SPEC_DIR_ENV: &str = "WINK_OPENAPI_DIR";

/// The largest document a download accepts (the biggest one, supplier, is about 2 MB).
const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

/// Why a pinned document could not be obtained.
#[derive(Debug, thiserror::Error)]
pub enum SpecSourceError {
    /// The bytes found do not hash to the pinned sha256.
    #[error("{path}: sha256 mismatch: expected {expected}, actual {actual}")]
    HashMismatch {
        /// File (or URL) whose bytes were hashed.
        path: String,
        /// The pinned hash.
        expected: String,
        /// The hash of what was found.
        actual: String,
    },
    /// No candidate folder has the file and downloading it failed too.
    #[error("{file} (Wink API {version}) not found; looked in:\n{looked}and the download failed: {download}")]
    NotFound {
        /// Document file name.
        file: String,
        /// Pinned version.
        version: String,
        /// One line per candidate folder.
        looked: String,
        /// What the download attempt said.
        download: String,
    },
    /// An explicitly named folder lacks the file (no fallback: the caller asked for that folder).
    #[error("{file} is not in {dir} (named by {origin})")]
    MissingInExplicitDir {
        /// Document file name.
        file: String,
        /// The folder.
        dir: String,
        /// `--spec-dir` or the environment variable.
        origin: &'static str,
    },
    /// Reading a file failed.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// A document whose bytes have been verified against the lock.
#[derive(Debug, Clone)]
pub struct VerifiedDocument {
    /// Its pin.
    pub pin: PinnedDocument,
    /// Where its bytes came from (file path or URL).
    pub origin: String,
    /// The verified bytes.
    pub bytes: Vec<u8>,
}

/// Where to look for documents.
#[derive(Debug, Clone)]
pub struct SpecSearch {
    /// An explicit folder, and who named it. When set, nothing else is tried.
    pub explicit: Option<(PathBuf, &'static str)>,
    /// Candidate folders, in order.
    pub candidates: Vec<PathBuf>,
    /// Folder downloads are written into.
    pub download_dir: PathBuf,
    /// Whether downloading is allowed at all.
    pub allow_download: bool,
}

impl SpecSearch {
    /// The standard search order for `lock`, honouring `--spec-dir` and `WINK_OPENAPI_DIR`.
    pub fn standard(ws: &Workspace, lock: &Lock, spec_dir: Option<PathBuf>) -> Self {
        let explicit = spec_dir.map(|d| (d, "--spec-dir")).or_else(|| {
            std::env::var_os(SPEC_DIR_ENV).filter(|v| !v.is_empty()).map(|d| (PathBuf::from(d), SPEC_DIR_ENV))
        });
        Self {
            explicit,
            candidates: vec![ws.local_spec_dir(&lock.version), ws.shared_spec_dir(&lock.version)],
            download_dir: ws.local_spec_dir(&lock.version),
            allow_download: true,
        }
    }

    /// Finds, verifies and returns every document of `lock`.
    pub fn load_all(&self, lock: &Lock) -> Result<Vec<VerifiedDocument>, SpecSourceError> {
        lock.documents.iter().map(|pin| self.load(lock, pin)).collect()
    }

    /// Finds, verifies and returns one document.
    pub fn load(&self, lock: &Lock, pin: &PinnedDocument) -> Result<VerifiedDocument, SpecSourceError> {
        if let Some((dir, origin)) = &self.explicit {
            let path = dir.join(&pin.file);
            if !path.is_file() {
                return Err(SpecSourceError::MissingInExplicitDir {
                    file: pin.file.clone(),
                    dir: dir.display().to_string(),
                    origin,
                });
            }
            return read_verified(pin, &path);
        }
        let mut looked = String::new();
        for dir in &self.candidates {
            let path = dir.join(&pin.file);
            if path.is_file() {
                return read_verified(pin, &path);
            }
            let _ = writeln!(looked, "  - {} (absent)", path.display());
        }
        let download = if self.allow_download {
            match fetch_into(pin, &self.download_dir) {
                Ok(doc) => return Ok(doc),
                Err(e) => e.to_string(),
            }
        } else {
            "downloads are disabled".to_string()
        };
        Err(SpecSourceError::NotFound {
            file: pin.file.clone(),
            version: lock.version.clone(),
            looked,
            download,
        })
    }
}

fn read_verified(pin: &PinnedDocument, path: &Path) -> Result<VerifiedDocument, SpecSourceError> {
    let bytes = std::fs::read(path)
        .map_err(|source| SpecSourceError::Io { path: path.display().to_string(), source })?;
    verify(pin, &path.display().to_string(), &bytes)?;
    Ok(VerifiedDocument { pin: pin.clone(), origin: path.display().to_string(), bytes })
}

/// Lowercase hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Checks `bytes` against the pinned hash.
pub fn verify(pin: &PinnedDocument, origin: &str, bytes: &[u8]) -> Result<(), SpecSourceError> {
    let actual = sha256_hex(bytes);
    if actual != pin.sha256 {
        return Err(SpecSourceError::HashMismatch {
            path: origin.to_string(),
            expected: pin.sha256.clone(),
            actual,
        });
    }
    Ok(())
}

/// Why a download failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The server answered with a non-success status.
    #[error("GET {url} answered HTTP {status}")]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The request did not complete (DNS, connection, timeout, truncated body).
    #[error("GET {url} failed: {message}")]
    Transport {
        /// The URL.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The body does not hash to the pin; nothing was written.
    #[error(transparent)]
    Verify(#[from] SpecSourceError),
    /// The body hashes to the pin but is not JSON (the pin itself is wrong); nothing was
    /// written.
    #[error("GET {url}: {message}")]
    NotJson {
        /// The URL.
        url: String,
        /// Where the JSON breaks.
        message: String,
    },
    /// Writing the verified file failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// Target file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Downloads `pin.url`, verifies it, and writes it atomically to `dir/pin.file`.
/// Nothing is written unless the hash matches.
pub fn fetch_into(pin: &PinnedDocument, dir: &Path) -> Result<VerifiedDocument, FetchError> {
    let bytes = download(&pin.url)?;
    verify(pin, &pin.url, &bytes)?;
    crate::document::parse_json(&pin.file, &bytes)
        .map_err(|e| FetchError::NotJson { url: pin.url.clone(), message: e.to_string() })?;
    let write_err = |path: &Path, source| FetchError::Write { path: path.display().to_string(), source };
    std::fs::create_dir_all(dir).map_err(|e| write_err(dir, e))?;
    let target = dir.join(&pin.file);
    let partial = dir.join(format!(".{}.partial", pin.file));
    std::fs::write(&partial, &bytes).map_err(|e| write_err(&partial, e))?;
    std::fs::rename(&partial, &target).map_err(|e| write_err(&target, e))?;
    Ok(VerifiedDocument { pin: pin.clone(), origin: pin.url.clone(), bytes })
}

pub fn download(url: &str) -> Result<Vec<u8>, FetchError> {
    let transport = |message: String| FetchError::Transport { url: url.to_string(), message };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(120)))
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(|e| transport(e.to_string()))?;
    let status = response.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(FetchError::Status { url: url.to_string(), status });
    }
    let mut bytes = Vec::new();
    response
        .body_mut()
        .as_reader()
        .take(MAX_DOCUMENT_BYTES)
        .read_to_end(&mut bytes)
        .map_err(|e| transport(e.to_string()))?;
    Ok(bytes)
}

/// `cargo xtask spec fetch`: downloads every pinned document (or copies it from `from`),
/// verifies it, and writes it into the local copy.
pub fn fetch_all(ws: &Workspace, lock: &Lock, from: Option<&Path>) -> anyhow::Result<()> {
    let dir = ws.local_spec_dir(&lock.version);
    for pin in &lock.documents {
        let doc = match from {
            Some(src) => {
                let doc = read_verified(pin, &src.join(&pin.file))?;
                std::fs::create_dir_all(&dir)?;
                std::fs::write(dir.join(&pin.file), &doc.bytes)?;
                doc
            }
            None => fetch_into(pin, &dir)?,
        };
        eprintln!("  {} <- {} (sha256 ok)", dir.join(&pin.file).display(), doc.origin);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;
    use std::net::TcpListener;

    use super::*;

    /// A one-shot-per-connection HTTP server on 127.0.0.1 that answers every request with
    /// `status` and `body`, for as many requests as the test makes.
    fn serve(status: u16, body: &'static [u8]) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(body);
            }
        });
        format!("http://{addr}/schemas/doc.json")
    }

    fn pin_for(body: &[u8], url: String) -> PinnedDocument {
        PinnedDocument {
            name: "doc".into(),
            module: "doc".into(),
            feature: "doc".into(),
            file: "doc.json".into(),
            sha256: sha256_hex(body),
            url,
            allow_non_production_hosts: false,
            operation_cases: false,
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("wink-xtask-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn download_verifies_and_writes_the_local_copy() {
        let body: &[u8] = b"{\"openapi\":\"3.1.0\"}";
        let pin = pin_for(body, serve(200, body));
        let dir = scratch("ok");
        let doc = fetch_into(&pin, &dir).unwrap();
        assert_eq!(doc.bytes, body);
        assert_eq!(std::fs::read(dir.join("doc.json")).unwrap(), body);
    }

    #[test]
    fn a_404_is_a_status_error_and_writes_nothing() {
        let pin = pin_for(b"x", serve(404, b"not found"));
        let dir = scratch("404");
        let err = fetch_into(&pin, &dir).unwrap_err();
        assert!(matches!(err, FetchError::Status { status: 404, .. }), "{err}");
        assert!(err.to_string().contains("HTTP 404"));
        assert!(!dir.join("doc.json").exists());
    }

    #[test]
    fn a_corrupted_body_is_a_hash_mismatch_naming_both_hashes_and_writes_nothing() {
        let pin = pin_for(b"{\"good\":true}", serve(200, b"{\"good\":false}"));
        let dir = scratch("corrupt");
        let err = fetch_into(&pin, &dir).unwrap_err().to_string();
        assert!(err.contains("sha256 mismatch"), "{err}");
        assert!(err.contains(&pin.sha256), "{err}");
        assert!(err.contains(&sha256_hex(b"{\"good\":false}")), "{err}");
        assert!(!dir.join("doc.json").exists());
    }

    #[test]
    fn a_pinned_body_that_is_not_json_is_refused_with_its_location_and_writes_nothing() {
        let body: &'static [u8] = b"<html>moved</html>";
        let pin = pin_for(body, serve(200, body));
        let dir = scratch("not-json");
        let err = fetch_into(&pin, &dir).unwrap_err();
        assert!(matches!(err, FetchError::NotJson { .. }), "{err}");
        assert!(err.to_string().contains("doc.json") && err.to_string().contains("line 1"), "{err}");
        assert!(!dir.join("doc.json").exists());
    }

    #[test]
    fn an_unreachable_server_is_a_transport_error() {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let pin = pin_for(b"x", format!("http://127.0.0.1:{port}/doc.json"));
        let err = fetch_into(&pin, &scratch("down")).unwrap_err();
        assert!(matches!(err, FetchError::Transport { .. }), "{err}");
    }

    #[test]
    fn search_order_prefers_the_first_folder_and_falls_back_to_download() {
        let body: &[u8] = b"{}";
        let pin = pin_for(body, serve(200, body));
        let lock = Lock { version: "9.9.9".into(), source: String::new(), documents: vec![pin.clone()] };
        let (first, second, download) = (scratch("first"), scratch("second"), scratch("dl"));
        std::fs::create_dir_all(&second).unwrap();
        std::fs::write(second.join("doc.json"), body).unwrap();
        let search = SpecSearch {
            explicit: None,
            candidates: vec![first.clone(), second.clone()],
            download_dir: download.clone(),
            allow_download: true,
        };
        assert_eq!(search.load(&lock, &pin).unwrap().origin, second.join("doc.json").display().to_string());

        std::fs::remove_file(second.join("doc.json")).unwrap();
        assert_eq!(search.load(&lock, &pin).unwrap().origin, pin.url);
        assert!(download.join("doc.json").is_file());
    }

    #[test]
    fn nothing_found_says_where_it_looked_and_what_it_tried() {
        let pin = pin_for(b"x", serve(404, b""));
        let lock = Lock { version: "9.9.9".into(), source: String::new(), documents: vec![pin.clone()] };
        let search = SpecSearch {
            explicit: None,
            candidates: vec![scratch("nowhere")],
            download_dir: scratch("nowhere-dl"),
            allow_download: true,
        };
        let err = search.load(&lock, &pin).unwrap_err().to_string();
        assert!(err.contains("looked in") && err.contains("wink-xtask-nowhere"), "{err}");
        assert!(err.contains("HTTP 404"), "{err}");
    }

    #[test]
    fn a_local_file_with_the_wrong_hash_is_refused_not_skipped() {
        let pin = pin_for(b"right", "http://127.0.0.1:9/never".into());
        let lock = Lock { version: "9.9.9".into(), source: String::new(), documents: vec![pin.clone()] };
        let dir = scratch("wrong");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("doc.json"), b"wrong").unwrap();
        let search = SpecSearch {
            explicit: Some((dir.clone(), "--spec-dir")),
            candidates: vec![],
            download_dir: dir.clone(),
            allow_download: false,
        };
        let err = search.load(&lock, &pin).unwrap_err().to_string();
        assert!(err.contains("doc.json") && err.contains("expected") && err.contains(&pin.sha256), "{err}");
    }

    #[test]
    fn the_shared_documents_match_the_lock() {
        let ws = Workspace::current();
        let lock = Lock::load(&ws.lock_path()).unwrap();
        let search = SpecSearch::standard(&ws, &lock, None);
        for doc in search.load_all(&lock).unwrap() {
            assert_eq!(sha256_hex(&doc.bytes), doc.pin.sha256);
        }
    }
}
