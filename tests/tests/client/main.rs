//! The generated client and wink-auth against real servers on 127.0.0.1: oidc-provider,
//! Prism and wiremock.
//!
//! One test binary rather than one per file: each binary links the whole generated client
//! (every audience), so fewer binaries mean a much smaller and faster test build. The
//! per-operation suite keeps its own binary (`operations/`).

mod authenticated_client;
mod generated_client;
mod invalid_requests;
mod oidc_provider;
