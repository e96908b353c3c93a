//! [`TokenSource`]: the cache, the refresh schedule and the single flight.
//!
//! Per scope set there is one [`Slot`]: the current token (an `ArcSwapOption`, read without
//! locks on every request), the request in flight (a `Shared` future of a spawned task, so
//! every waiter gets the same result and a cancelled caller cancels nothing), and an OAuth
//! error remembered for a few seconds. A token's life, measured on tokio's monotonic clock
//! from when its request was sent:
//!
//! ```text
//! sent ........ soft_at ........ hard_at ...... expires_at
//!   served as is | served; one background refresh | callers wait for the refresh
//! ```
//!
//! `hard_at` is `min(30 s, lifetime/4)` before expiry; `soft_at` is a jittered
//! `min(5 min, lifetime/4)` earlier still, so many processes do not refresh in step.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arc_swap::ArcSwapOption;
use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use oauth2::basic::{BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse};
use oauth2::{
    AuthType, ClientId, ClientSecret, EndpointNotSet, EndpointSet, RequestTokenError, Scope,
    StandardRevocableToken, TokenResponse, TokenUrl,
};
use rand::Rng;
use reqwest::header::HeaderValue;
use tokio::time::Instant;

use crate::config::{ClientAuthMethod, ConfigError, TokenSourceConfig};
use crate::error::AuthError;
use crate::http_client::{HttpFailure, ReqwestClient};
use crate::response::{WinkTokenResponse, lifetime};

/// A set of OAuth2 scopes: sorted and de-duplicated, so `a b` and `b a a` share one token.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct ScopeSet(Arc<[String]>);

impl ScopeSet {
    /// The set of `scopes`.
    pub fn new<I, S>(scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut list: Vec<String> = scopes.into_iter().map(Into::into).filter(|s| !s.is_empty()).collect();
        list.sort();
        list.dedup();
        Self(list.into())
    }

    /// The scopes, sorted.
    pub fn iter(&self) -> impl Iterator<Item = &String> {
        self.0.iter()
    }

    /// Whether no scope is requested.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(" "))
    }
}

impl fmt::Debug for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ScopeSet({self})")
    }
}

type OAuthClient = oauth2::Client<
    BasicErrorResponse,
    WinkTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// A token ready to use, with its schedule.
struct CachedToken {
    /// `Bearer <token>`, marked sensitive; built once per token.
    header: HeaderValue,
    soft_at: Instant,
    hard_at: Instant,
    expires_at: Instant,
}

impl fmt::Debug for CachedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedToken")
            .field("header", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

type Flight = Shared<BoxFuture<'static, Result<Arc<CachedToken>, AuthError>>>;

struct Failure {
    error: AuthError,
    until: Instant,
}

/// The cache of one scope set.
struct Slot {
    scopes: ScopeSet,
    current: ArcSwapOption<CachedToken>,
    flight: Mutex<Option<Flight>>,
    failure: ArcSwapOption<Failure>,
}

impl Slot {
    fn new(scopes: ScopeSet) -> Arc<Self> {
        Arc::new(Self {
            scopes,
            current: ArcSwapOption::empty(),
            flight: Mutex::new(None),
            failure: ArcSwapOption::empty(),
        })
    }

    /// The current header if `now` is before its token's early-refresh window.
    fn fresh_header(&self, now: Instant) -> Option<HeaderValue> {
        self.current.load().as_ref().filter(|t| now < t.soft_at).map(|t| t.header.clone())
    }
}

struct Inner {
    config: TokenSourceConfig,
    oauth: OAuthClient,
    http: ReqwestClient,
    default_slot: Arc<Slot>,
    other_slots: Mutex<HashMap<ScopeSet, Arc<Slot>>>,
    token_requests: AtomicU64,
}

/// Obtains, caches and refreshes Wink access tokens (client-credentials grant).
///
/// Cheap to clone; clones share the cache. Must be used inside a tokio runtime (refreshes run
/// as spawned tasks).
#[derive(Clone)]
pub struct TokenSource {
    inner: Arc<Inner>,
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSource").field("config", &self.inner.config).finish_non_exhaustive()
    }
}

impl TokenSource {
    /// A token source for `config`. No request is made until a token is needed.
    pub fn new(config: TokenSourceConfig) -> Result<Self, ConfigError> {
        let basic = (config.client_auth == ClientAuthMethod::Basic)
            .then(|| crate::http_client::basic_credentials(&config.client_id, config.secret()));
        let http = ReqwestClient::new(config.connect_timeout, config.request_timeout, basic)
            .map_err(|e| ConfigError::Invalid { what: "HTTP client", reason: e.to_string() })?;
        let token_url = TokenUrl::from_url(config.token_url.clone());
        let oauth = oauth2::Client::new(ClientId::new(config.client_id.clone()))
            .set_client_secret(ClientSecret::new(config.secret().to_string()))
            .set_auth_type(match config.client_auth {
                ClientAuthMethod::Basic => AuthType::BasicAuth,
                ClientAuthMethod::RequestBody => AuthType::RequestBody,
            })
            .set_token_uri(token_url);
        let default_slot = Slot::new(config.scopes.clone());
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                oauth,
                http,
                default_slot,
                other_slots: Mutex::new(HashMap::new()),
                token_requests: AtomicU64::new(0),
            }),
        })
    }

    /// A token source configured from the environment ([`TokenSourceConfig::from_env`]).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::new(TokenSourceConfig::from_env()?)
    }

    /// The configuration.
    pub fn config(&self) -> &TokenSourceConfig {
        &self.inner.config
    }

    /// `Authorization` header value (`Bearer ...`, marked sensitive) for the default scopes.
    pub async fn authorization(&self) -> Result<HeaderValue, AuthError> {
        self.inner.header(&self.inner.default_slot).await
    }

    /// The cached `Authorization` header for the default scopes, if it is still fresh (before
    /// its early-refresh window): lock-free and allocation-free, never sends a request. The
    /// fast path of [`authorization`](Self::authorization).
    pub fn cached_authorization(&self) -> Option<HeaderValue> {
        self.inner.default_slot.fresh_header(Instant::now())
    }

    /// `Authorization` header value for another scope set (cached separately).
    pub async fn authorization_for(&self, scopes: &ScopeSet) -> Result<HeaderValue, AuthError> {
        let slot = if *scopes == self.inner.default_slot.scopes {
            self.inner.default_slot.clone()
        } else {
            let mut slots = self.inner.other_slots.lock().unwrap_or_else(|p| p.into_inner());
            slots.entry(scopes.clone()).or_insert_with(|| Slot::new(scopes.clone())).clone()
        };
        self.inner.header(&slot).await
    }

    /// Forgets the token behind `header` (after the API answered 401 `invalid_token`), so the
    /// next caller fetches a new one. A header from an older token does nothing: a burst of
    /// 401s for one token causes one refresh.
    pub fn invalidate(&self, header: &HeaderValue) {
        let slots: Vec<Arc<Slot>> = std::iter::once(self.inner.default_slot.clone())
            .chain(self.inner.other_slots.lock().unwrap_or_else(|p| p.into_inner()).values().cloned())
            .collect();
        for slot in slots {
            let current = slot.current.load_full();
            if let Some(token) = current.as_ref().filter(|t| t.header == *header) {
                tracing::debug!(scopes = %slot.scopes, "access token invalidated");
                let _ = slot.current.compare_and_swap(&Some(token.clone()), None);
            }
        }
    }

    /// How many token requests (attempts included) this source has sent.
    pub fn token_requests(&self) -> u64 {
        self.inner.token_requests.load(Ordering::Relaxed)
    }
}

impl Inner {
    async fn header(self: &Arc<Self>, slot: &Arc<Slot>) -> Result<HeaderValue, AuthError> {
        let now = Instant::now();
        if let Some(header) = slot.fresh_header(now) {
            return Ok(header);
        }
        if let Some(token) = slot.current.load().as_ref()
            && now < token.hard_at
        {
            let _ = self.flight(slot); // starts one background refresh if none is running
            return Ok(token.header.clone());
        }
        let result = match self.flight(slot) {
            Ok(flight) => flight.await,
            Err(remembered) => Err(remembered),
        };
        match result {
            Ok(token) => Ok(token.header.clone()),
            Err(error) => {
                // A transient outage while the current token is still valid: keep serving it.
                if error.is_transient()
                    && let Some(token) =
                        slot.current.load().as_ref().filter(|t| Instant::now() < t.expires_at)
                {
                    return Ok(token.header.clone());
                }
                Err(error)
            }
        }
    }

    /// The refresh in flight for `slot`, starting one if needed; or the OAuth error
    /// remembered for it.
    fn flight(self: &Arc<Self>, slot: &Arc<Slot>) -> Result<Flight, AuthError> {
        let mut in_flight = slot.flight.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(flight) = in_flight.as_ref() {
            return Ok(flight.clone());
        }
        let now = Instant::now();
        // Re-check under the lock: a refresh may have finished since the caller looked.
        if let Some(token) = slot.current.load_full().filter(|t| now < t.soft_at) {
            return Ok(futures::future::ready(Ok(token)).boxed().shared());
        }
        if let Some(failure) = slot.failure.load().as_ref().filter(|f| now < f.until) {
            return Err(failure.error.clone());
        }
        let (inner, task_slot) = (self.clone(), slot.clone());
        let task = tokio::spawn(async move { inner.refresh(&task_slot).await });
        let flight: Flight = async move {
            task.await.unwrap_or_else(|e| Err(AuthError::protocol(format!("token refresh task failed: {e}"))))
        }
        .boxed()
        .shared();
        *in_flight = Some(flight.clone());
        Ok(flight)
    }

    /// Fetches a token for `slot`, publishes the outcome, and ends the flight.
    async fn refresh(&self, slot: &Slot) -> Result<Arc<CachedToken>, AuthError> {
        let result = self.fetch(&slot.scopes).await.map(Arc::new);
        match &result {
            Ok(token) => {
                slot.current.store(Some(token.clone()));
                slot.failure.store(None);
            }
            Err(error) if !error.is_transient() => {
                let until = Instant::now() + self.config.fatal_error_memory;
                slot.failure.store(Some(Arc::new(Failure { error: error.clone(), until })));
            }
            Err(_) => {}
        }
        *slot.flight.lock().unwrap_or_else(|p| p.into_inner()) = None;
        result
    }

    /// One token request, with retries of transient failures.
    async fn fetch(&self, scopes: &ScopeSet) -> Result<CachedToken, AuthError> {
        let mut attempt = 1;
        loop {
            let sent = Instant::now();
            self.token_requests.fetch_add(1, Ordering::Relaxed);
            tracing::debug!(attempt, scopes = %scopes, url = %self.config.token_url, "requesting access token");
            let outcome = self.request(scopes).await.and_then(|response| self.accept(&response, sent));
            match outcome {
                Ok(token) => return Ok(token),
                Err(error) if error.is_transient() && attempt < self.config.max_attempts => {
                    let Some(delay) = self.backoff(attempt, &error) else { return Err(error) };
                    tracing::debug!(attempt, %error, ?delay, "token request failed; retrying");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                Err(error) => {
                    tracing::debug!(attempt, %error, "token request failed");
                    return Err(error);
                }
            }
        }
    }

    /// Full-jitter exponential backoff, or the server's `Retry-After`; `None` when the server
    /// asks for longer than the cap (retrying sooner would ignore it).
    fn backoff(&self, attempt: u32, error: &AuthError) -> Option<Duration> {
        let cap = self.config.max_backoff;
        if let Some(asked) = error.retry_after() {
            return (asked <= cap).then_some(asked);
        }
        let ceiling = Duration::from_millis(200).saturating_mul(1 << attempt.min(16)).min(cap);
        Some(ceiling.mul_f64(rand::rng().random_range(0.0..=1.0)))
    }

    async fn request(&self, scopes: &ScopeSet) -> Result<WinkTokenResponse, AuthError> {
        let request =
            self.oauth.exchange_client_credentials().add_scopes(scopes.iter().map(|s| Scope::new(s.clone())));
        request.request_async(&self.http).await.map_err(classify)
    }

    /// Checks a token response and schedules its refresh.
    fn accept(&self, response: &WinkTokenResponse, sent: Instant) -> Result<CachedToken, AuthError> {
        if !response.is_bearer() {
            return Err(AuthError::protocol(format!(
                "token_type `{}` is not bearer",
                response.token_type_name()
            )));
        }
        let mut header = HeaderValue::try_from(format!("Bearer {}", response.access_token().secret()))
            .map_err(|_| AuthError::protocol("the access token is not a valid header value"))?;
        header.set_sensitive(true);
        let life = lifetime(response.expires_in_seconds());
        let expires_at = sent + life;
        let hard_at = expires_at - (life / 4).min(Duration::from_secs(30));
        let window = (life / 4).min(Duration::from_secs(300));
        let soft_at = hard_at - window.mul_f64(rand::rng().random_range(0.5..=1.0));
        Ok(CachedToken { header, soft_at, hard_at, expires_at })
    }
}

/// Turns oauth2's error into ours, dropping anything that could carry the body or a secret.
fn classify(error: RequestTokenError<HttpFailure, BasicErrorResponse>) -> AuthError {
    match error {
        RequestTokenError::ServerResponse(response) => AuthError::OAuth {
            code: response.error().as_ref().to_string(),
            description: response.error_description().cloned(),
        },
        RequestTokenError::Request(HttpFailure::Transport(e)) => {
            let timeout = e.is_timeout();
            AuthError::Transport { message: e.without_url().to_string(), timeout }
        }
        RequestTokenError::Request(HttpFailure::Status { status, retry_after }) => {
            AuthError::Status { status, retry_after }
        }
        RequestTokenError::Request(HttpFailure::Redirect { status }) => AuthError::protocol(format!(
            "the token endpoint redirected (HTTP {status}); redirects are not followed"
        )),
        // The parse error's message can quote the body, which holds the token: keep the path only.
        RequestTokenError::Parse(e, _body) => {
            AuthError::protocol(format!("malformed token response (at `{}`)", e.path()))
        }
        RequestTokenError::Other(message) => AuthError::protocol(message),
    }
}
