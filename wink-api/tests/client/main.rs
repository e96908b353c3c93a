//! wink-api's hand-written layer against loopback servers (wiremock): the builder, typed
//! errors, pagination, retries and timeouts.
//!
//! One test binary rather than one per file: each binary links the whole generated client
//! (every audience), so fewer binaries mean a much smaller and faster test build.

mod builder;
mod errors;
mod pagination;
mod retries;
