//! The value every generated client carries as its progenitor "inner" value.
//!
//! progenitor lets a generated `Client` hold one value of a type chosen at generation time;
//! wink-api chooses [`ClientContext`] so that everything the hand-written hooks need per
//! request (the credentials: a [`TokenSource`] or any [`Authorize`] implementation) can evolve
//! without regenerating code.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use wink_auth::TokenSource;

/// Adds credentials to an outgoing request, for schemes other than Wink's OAuth2 (for which
/// [`TokenSource`] is built in).
///
/// Called once per request, just before it is sent, after wink-api's own headers are set.
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

#[derive(Clone, Default)]
pub(crate) enum Credentials {
    #[default]
    None,
    TokenSource(TokenSource),
    Custom(Arc<dyn Authorize>),
}

/// Per-client state shared by every request of a generated client.
///
/// `ClientContext::default()` sends requests without credentials (useful against mocks);
/// a [`TokenSource`] converts into a context (`Client::new(base, source.into())`).
#[derive(Clone, Default)]
pub struct ClientContext {
    pub(crate) credentials: Credentials,
}

impl ClientContext {
    /// A context that authorizes every request with a bearer token from `source`, and replays
    /// a request once with a fresh token when the API answers 401 `invalid_token`.
    pub fn with_token_source(source: TokenSource) -> Self {
        Self { credentials: Credentials::TokenSource(source) }
    }

    /// A context that authorizes every request with `authorizer`.
    pub fn with_authorizer(authorizer: impl Authorize) -> Self {
        Self { credentials: Credentials::Custom(Arc::new(authorizer)) }
    }
}

impl From<TokenSource> for ClientContext {
    fn from(source: TokenSource) -> Self {
        Self::with_token_source(source)
    }
}

impl fmt::Debug for ClientContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let credentials = match &self.credentials {
            Credentials::None => "none",
            Credentials::TokenSource(_) => "token source",
            Credentials::Custom(_) => "custom",
        };
        f.debug_struct("ClientContext").field("credentials", &credentials).finish()
    }
}
