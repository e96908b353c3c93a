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
use std::time::Duration;

use reqwest::header::HeaderValue;

use wink_auth::TokenSource;

use crate::retry::RetryPolicy;

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

/// A fixed bearer token: one issued elsewhere (a gateway, a test), sent as
/// `Authorization: Bearer <token>` on every request, never refreshed, never shown by `Debug`.
#[derive(Clone)]
pub struct BearerToken(HeaderValue);

impl BearerToken {
    /// A token; `None` if it cannot be a header value (control characters).
    pub fn new(token: &str) -> Option<Self> {
        let mut value = HeaderValue::from_str(&format!("Bearer {token}")).ok()?;
        value.set_sensitive(true);
        Some(Self(value))
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken([redacted])")
    }
}

impl Authorize for BearerToken {
    fn authorize<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
    ) -> Pin<Box<dyn Future<Output = Result<(), AuthorizeError>> + Send + 'a>> {
        request.headers_mut().insert(reqwest::header::AUTHORIZATION, self.0.clone());
        Box::pin(std::future::ready(Ok(())))
    }
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

/// Per-client state shared by every request of a generated client: credentials, the retry
/// policy, the per-attempt timeout and the `User-Agent`.
///
/// `ClientContext::default()` sends requests without credentials (useful against mocks),
/// with [`RetryPolicy::default()`], [`DEFAULT_ATTEMPT_TIMEOUT`] and [`default_user_agent`];
/// a [`TokenSource`] converts into a context (`Client::new(base, source.into())`).
#[derive(Clone)]
pub struct ClientContext {
    pub(crate) credentials: Credentials,
    pub(crate) retry: RetryPolicy,
    pub(crate) attempt_timeout: Option<Duration>,
    /// The timeout the `reqwest::Client` applies to every request itself, when wink-api built
    /// that client (`None`: none, or unknown). A request whose attempt timeout equals it needs
    /// no timeout of its own, which reqwest would keep in a map allocated per request.
    pub(crate) http_timeout: Option<Duration>,
    pub(crate) user_agent: HeaderValue,
}

/// How long one attempt may take, from sending to the end of the response body (reqwest's
/// total timeout), unless the context says otherwise: 30 s. Staging sleeps when idle and its
/// first call can take about a minute: give a staging client
/// `with_attempt_timeout(Duration::from_secs(90))`.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// What "no per-attempt limit" means on a client whose `reqwest::Client` has a timeout of
/// its own: about 136 years.
const NO_ATTEMPT_LIMIT: Duration = Duration::from_secs(u32::MAX as u64);

/// `wink-rs/<crate version> (api <spec version>)`.
pub fn default_user_agent() -> HeaderValue {
    HeaderValue::from_str(&format!("wink-rs/{} (api {})", env!("CARGO_PKG_VERSION"), crate::api_version()))
        .expect("versions are ASCII")
}

impl Default for ClientContext {
    fn default() -> Self {
        Self {
            credentials: Credentials::None,
            retry: RetryPolicy::default(),
            attempt_timeout: Some(DEFAULT_ATTEMPT_TIMEOUT),
            http_timeout: None,
            user_agent: default_user_agent(),
        }
    }
}

impl ClientContext {
    /// A context that authorizes every request with a bearer token from `source`, and replays
    /// a request once with a fresh token when the API answers 401 `invalid_token`.
    pub fn with_token_source(source: TokenSource) -> Self {
        Self { credentials: Credentials::TokenSource(source), ..Self::default() }
    }

    /// A context that authorizes every request with `authorizer`.
    pub fn with_authorizer(authorizer: impl Authorize) -> Self {
        Self { credentials: Credentials::Custom(Arc::new(authorizer)), ..Self::default() }
    }

    /// The same context with another retry policy.
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The same context with another per-attempt timeout (`None`: no limit of wink-api's own;
    /// a `reqwest::Client` that wink-api's builder did not build keeps its own timeout, if
    /// any: progenitor's `Client::new` sets 15 s).
    pub fn with_attempt_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.attempt_timeout = timeout.into();
        self
    }

    /// The same context with another `User-Agent`.
    pub fn with_user_agent(mut self, user_agent: HeaderValue) -> Self {
        self.user_agent = user_agent;
        self
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The per-attempt timeout.
    pub fn attempt_timeout(&self) -> Option<Duration> {
        self.attempt_timeout
    }

    /// The timeout `request` needs of its own, if any: the attempt timeout, unless the HTTP
    /// client already applies that one. No limit, on a client whose HTTP client has one, is
    /// a limit no call reaches ([`NO_ATTEMPT_LIMIT`]): reqwest cannot lift its client's
    /// timeout for one request.
    pub(crate) fn request_timeout(&self) -> Option<Duration> {
        match (self.attempt_timeout, self.http_timeout) {
            (attempt, http) if attempt == http => None,
            (None, Some(_)) => Some(NO_ATTEMPT_LIMIT),
            (attempt, _) => attempt,
        }
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
        f.debug_struct("ClientContext")
            .field("credentials", &credentials)
            .field("retry", &self.retry)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("http_timeout", &self.http_timeout)
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_needs_its_own_timeout_only_when_the_http_client_lacks_that_one() {
        let secs = Duration::from_secs;
        let context = |attempt: Option<Duration>, http: Option<Duration>| ClientContext {
            attempt_timeout: attempt,
            http_timeout: http,
            ..ClientContext::default()
        };
        assert_eq!(context(Some(secs(30)), Some(secs(30))).request_timeout(), None);
        assert_eq!(context(None, None).request_timeout(), None);
        assert_eq!(context(Some(secs(30)), None).request_timeout(), Some(secs(30)));
        assert_eq!(context(Some(secs(90)), Some(secs(30))).request_timeout(), Some(secs(90)));
        assert_eq!(context(None, Some(secs(30))).request_timeout(), Some(NO_ATTEMPT_LIMIT));
    }
}
