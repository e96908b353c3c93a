//! OAuth2 client-credentials token source for the Wink API.
//!
//! Placeholder crate of the workspace layout; the token source itself is the auth issue's
//! work and is injected into wink-api through `wink_api::ClientContext`.
#![deny(missing_docs)]
