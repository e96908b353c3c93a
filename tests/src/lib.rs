//! What the integration tests in `tests/tests/` share: the third-party servers they run on
//! 127.0.0.1.
//!
//! Servers come from npm (`tests/servers/package.json`, pinned by its committed lockfile and
//! installed with `npm ci`, which `cargo xtask test` runs). Each is started at most once per
//! test binary, on an ephemeral port, with its output in a log file under `target/`, never an
//! unread pipe. It exits when its stdin closes, that is when the test process ends, however
//! it ends. A missing server fails the test loudly; nothing is ever skipped.
//!
//! - [`OidcConfig::token_url`]: oidc-provider, a real OAuth2 authorization server;
//! - [`prism_base_url`]: Prism, a spec-validating mock of one audience's API, serving a copy
//!   of its document patched by [`prism_patch`], with [`request_violations`] to read what it
//!   found;
//! - [`original_document`], [`pinned_modules`]: the pinned OpenAPI documents themselves.
#![deny(missing_docs)]

mod prism;
mod spec;

pub use prism::{PASSES, Pass, prism_base_url, prism_patch, request_violations};
pub use spec::{document_path, original_document, pinned_modules};

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// The folder holding the npm test servers.
pub fn servers_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("servers")
}

/// The folder of the servers' logs and files: `target/test-servers/`, created if needed.
fn test_servers_dir() -> PathBuf {
    let dir = spec::workspace_dir().join("target").join("test-servers");
    std::fs::create_dir_all(&dir).expect("create target/test-servers");
    dir
}

/// A server process; dropping the handle is not needed: it ends with the test process.
struct Running {
    port: u16,
    _stdin: ChildStdin,
    _child: Child,
}

/// Settings of the oidc-provider authorization server.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OidcConfig {
    /// The client's id.
    pub client_id: &'static str,
    /// The client's secret.
    pub client_secret: &'static str,
    /// `client_secret_basic` or `client_secret_post`.
    pub auth_method: &'static str,
    /// Scopes the client may ask for.
    pub client_scopes: &'static str,
    /// Access token lifetime, seconds.
    pub token_ttl: u32,
}

impl Default for OidcConfig {
    fn default() -> Self {
        Self {
            client_id: "wink-client",
            client_secret: "s3cret: +/%&=~",
            auth_method: "client_secret_basic",
            client_scopes: "marketing.read content.read",
            token_ttl: 3600,
        }
    }
}

impl OidcConfig {
    /// The token endpoint of the (shared) server with this configuration, starting it if
    /// this test binary has not yet.
    pub fn token_url(&self) -> String {
        let port = shared(Server::Oidc(self.clone()), || {
            let mut command = node("oidc-server.mjs");
            command
                .env("OIDC_CLIENT_ID", self.client_id)
                .env("OIDC_CLIENT_SECRET", self.client_secret)
                .env("OIDC_AUTH_METHOD", self.auth_method)
                .env("OIDC_CLIENT_SCOPES", self.client_scopes)
                .env("OIDC_TOKEN_TTL", self.token_ttl.to_string());
            start(command, "oidc-provider", "listening on ")
        });
        format!("http://127.0.0.1:{port}/oauth2/token")
    }
}

/// What identifies a shared server: one process per distinct value, per test binary.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Server {
    /// oidc-provider with this configuration.
    Oidc(OidcConfig),
    /// Prism serving the patched document of this audience.
    Prism(String),
}

/// The port of the server `key`, started with `start` unless this test binary already has it.
fn shared(key: Server, start: impl FnOnce() -> Running) -> u16 {
    static SERVERS: OnceLock<Mutex<HashMap<Server, Running>>> = OnceLock::new();
    let mut servers = SERVERS.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
    servers.entry(key).or_insert_with(start).port
}

fn node(script: &str) -> Command {
    let dir = servers_dir();
    assert!(
        dir.join("node_modules").is_dir(),
        "the npm test servers are not installed: run `npm ci` in {} (or `cargo xtask test`, which does)",
        dir.display()
    );
    let mut command = Command::new("node");
    command.arg(dir.join(script)).current_dir(&dir);
    command
}

/// Starts `command`, waits (at most 30 s) for a stdout line starting with `ready_prefix`
/// followed by the port, and keeps the process for the rest of the test run.
fn start(mut command: Command, name: &str, ready_prefix: &str) -> Running {
    let log_path = test_servers_dir().join(format!("{name}-{}.log", std::process::id()));
    let log = std::fs::File::create(&log_path).expect("create the server log");
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {name} (is node on PATH?): {e}"));
    let stdin = child.stdin.take().expect("piped");
    let stdout = child.stdout.take().expect("piped");
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let prefix = ready_prefix.to_string();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if !sent && let Some(port) = line.strip_prefix(&prefix).and_then(|p| p.trim().parse::<u16>().ok())
            {
                let _ = ready_tx.send(port);
                sent = true;
            }
        }
    });
    match ready_rx.recv_timeout(Duration::from_secs(30)) {
        Ok(port) => Running { port, _stdin: stdin, _child: child },
        Err(_) => {
            let _ = child.kill();
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            panic!("{name} did not report its port within 30 s; its log ({}):\n{log}", log_path.display());
        }
    }
}
