//! The value every generated client carries as its progenitor "inner" value.
//!
//! progenitor lets a generated `Client` hold one value of a type chosen at generation time;
//! wink-api chooses [`ClientContext`] so that everything the hand-written hooks need per
//! request (today: an optional [`Authorize`] implementation that adds credentials) can evolve
//! without regenerating code.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// Adds credentials to an outgoing request (for example `Authorization: Bearer ...`).
///
/// Implemented by token sources; called once per request, just before it is sent, after
/// wink-api's own headers are set.
pub trait Authorize: Send + Sync + 'static {
    /// Adds credentials to `request`, or says why it cannot.
    fn authorize<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
    ) -> Pin<Box<dyn Future<Output = Result<(), AuthorizeError>> + Send + 'a>>;
}

/// Why credentials could not be added to a request.
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot authorize the request: {message}")]
pub struct AuthorizeError {
    message: String,
}

impl AuthorizeError {
    /// An error with a message. The message must not contain secrets: it ends up in logs.
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into() }
    }
}

/// Per-client state shared by every request of a generated client.
///
/// `ClientContext::default()` sends requests without credentials (useful against mocks).
#[derive(Clone, Default)]
pub struct ClientContext {
    pub(crate) authorizer: Option<Arc<dyn Authorize>>,
}

impl ClientContext {
    /// A context that authorizes every request with `authorizer`.
    pub fn with_authorizer(authorizer: impl Authorize) -> Self {
        Self { authorizer: Some(Arc::new(authorizer)) }
    }
}

impl fmt::Debug for ClientContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientContext").field("authorized", &self.authorizer.is_some()).finish()
    }
}
