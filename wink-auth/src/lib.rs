//! OAuth2 client-credentials token source for the Wink API.
//!
//! Wink protects every endpoint with bearer tokens from the client-credentials grant
//! (`POST https://iam.wink.travel/oauth2/token`, HTTP Basic client authentication, no refresh
//! token). A [`TokenSource`] obtains and caches those tokens and hands out the ready-made
//! `Authorization` header:
//!
//! - one cached token per scope set, read lock-free on every request;
//! - refreshed before expiry: in an early, jittered window one background refresh runs while
//!   callers keep the current token; only in the last margin do callers wait;
//! - single flight: however many callers need a token, one request is in flight and its
//!   result, success or error, reaches all of them; a cancelled caller does not cancel it;
//! - transient failures (transport, timeout, 408, 429, 5xx) are retried with capped,
//!   jittered backoff honouring `Retry-After`, and a still-valid token keeps being served
//!   through an outage; OAuth errors (`invalid_client`, `invalid_scope`, ...) are not retried
//!   and are remembered briefly so a burst of callers causes one request;
//! - no `Display` or `Debug` of a config, token or error contains the secret, the token, the
//!   Basic credential or a raw response body.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use wink_auth::{TokenSource, TokenSourceConfig};
//!
//! let source = TokenSource::new(
//!     TokenSourceConfig::builder()
//!         .client_id("my-client")
//!         .client_secret("my-secret")
//!         .scopes(["marketing.read", "content.read"])
//!         .build()?,
//! )?;
//! let header = source.authorization().await?; // `Bearer ...`, marked sensitive
//! # let _ = header;
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

mod config;
mod error;
mod http_client;
mod response;
mod source;

pub use config::{
    ClientAuthMethod, ConfigError, DEFAULT_LIFETIME, PRODUCTION_TOKEN_URL, STAGING_TOKEN_URL,
    TokenSourceConfig, TokenSourceConfigBuilder,
};
pub use error::AuthError;
pub use http_client::retry_after;
pub use source::{ScopeSet, TokenSource};
