//! One way to build a production-ready client of any audience: environment, credentials,
//! timeouts, retries, user agent and HTTP client in one builder, so services do not assemble
//! a `reqwest::Client`, a `TokenSource` and a `ClientContext` by hand.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use wink_api::{Environment, affiliate::Client};
//!
//! let client = Client::builder()
//!     .environment(Environment::Staging)
//!     .credentials("client-id", "client-secret")
//!     .attempt_timeout(std::time::Duration::from_secs(90)) // staging wakes up slowly
//!     .build()?;
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use reqwest::header::HeaderValue;
use url::Url;
use wink_auth::{ConfigError, PRODUCTION_TOKEN_URL, STAGING_TOKEN_URL, TokenSource, TokenSourceConfig};

use crate::context::{Authorize, ClientContext, Credentials};
use crate::retry::RetryPolicy;

/// Which Wink deployment a client talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Environment {
    /// `api.wink.travel` (partner: `integrations.wink.travel`), tokens from `iam.wink.travel`.
    #[default]
    Production,
    /// `staging-api.wink.travel` (partner: `staging-integrations.wink.travel`), tokens from
    /// `staging-iam.wink.travel`. Staging sleeps when idle: its first call can take about a
    /// minute, so give it a longer [`ClientBuilder::attempt_timeout`].
    Staging,
}

impl Environment {
    /// The API base URL of an audience whose production base URL (its document's server) is
    /// `production_base_url`: staging prefixes the host with `staging-`.
    pub fn base_url(self, production_base_url: &str) -> String {
        match self {
            Environment::Production => production_base_url.to_string(),
            Environment::Staging => production_base_url.replacen("https://", "https://staging-", 1),
        }
    }

    /// The OAuth2 token endpoint.
    pub fn token_url(self) -> &'static str {
        match self {
            Environment::Production => PRODUCTION_TOKEN_URL,
            Environment::Staging => STAGING_TOKEN_URL,
        }
    }

    fn parse(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "production" | "prod" => Some(Environment::Production),
            "staging" => Some(Environment::Staging),
            _ => None,
        }
    }
}

/// A generated client that [`ClientBuilder`] can build (every audience's `Client`).
pub trait Audience: Sized {
    /// The audience's module name (`"affiliate"`, `"partner"`, ...).
    const NAME: &'static str;
    /// The production base URL its document names (`https://api.wink.travel`; partner's is
    /// `https://integrations.wink.travel`).
    const PRODUCTION_BASE_URL: &'static str;
    /// Assembles the client from its parts.
    fn from_parts(base_url: &str, http: reqwest::Client, context: ClientContext) -> Self;
}

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The base URL does not parse.
    #[error("invalid base url `{url}`: {reason}")]
    InvalidBaseUrl {
        /// The URL given.
        url: String,
        /// Why it does not parse.
        reason: String,
    },
    /// A plain-http base URL that is not loopback, without `allow_insecure_http`.
    #[error("base url `{url}` is not https (allowed only for loopback or with allow_insecure_http)")]
    InsecureBaseUrl {
        /// The URL given.
        url: String,
    },
    /// `WINK_ENV` names no environment.
    #[error("invalid WINK_ENV `{value}`: expected production or staging")]
    InvalidEnvironment {
        /// The value found.
        value: String,
    },
    /// The user agent is not a valid header value.
    #[error("invalid user agent: not a visible-ASCII header value")]
    InvalidUserAgent,
    /// The credentials or token endpoint are unusable.
    #[error("invalid credentials configuration: {0}")]
    Auth(#[from] ConfigError),
    /// reqwest could not build its client (TLS backend initialisation).
    #[error("cannot build the http client: {0}")]
    Http(#[source] reqwest::Error),
}

enum CredentialsChoice {
    None,
    ClientCredentials { id: String, secret: secrecy::SecretString },
    TokenSource(TokenSource),
    Custom(std::sync::Arc<dyn Authorize>),
}

/// Builder of an authenticated client of audience `C`; start with `C::builder()`.
///
/// Defaults: [`Environment::Production`], no credentials, connect timeout 10 s,
/// [`DEFAULT_ATTEMPT_TIMEOUT`](crate::DEFAULT_ATTEMPT_TIMEOUT) per attempt,
/// [`RetryPolicy::default()`], [`default_user_agent`](crate::default_user_agent).
pub struct ClientBuilder<C> {
    environment: Environment,
    base_url: Option<String>,
    token_url: Option<String>,
    credentials: CredentialsChoice,
    scopes: Vec<String>,
    connect_timeout: Duration,
    context: ClientContext,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    allow_insecure_http: bool,
    audience: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let credentials = match &self.credentials {
            CredentialsChoice::None => "none",
            CredentialsChoice::ClientCredentials { .. } => "client credentials [redacted]",
            CredentialsChoice::TokenSource(_) => "token source",
            CredentialsChoice::Custom(_) => "custom",
        };
        f.debug_struct("ClientBuilder")
            .field("environment", &self.environment)
            .field("base_url", &self.base_url)
            .field("credentials", &credentials)
            .field("scopes", &self.scopes)
            .field("connect_timeout", &self.connect_timeout)
            .field("context", &self.context)
            .finish_non_exhaustive()
    }
}

impl<C: Audience> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self {
            environment: Environment::Production,
            base_url: None,
            token_url: None,
            credentials: CredentialsChoice::None,
            scopes: Vec::new(),
            connect_timeout: Duration::from_secs(10),
            context: ClientContext::default(),
            user_agent: None,
            http: None,
            allow_insecure_http: false,
            audience: PhantomData,
        }
    }
}

impl<C: Audience> ClientBuilder<C> {
    /// The deployment (default production); sets the base URL and token endpoint unless
    /// [`base_url`](Self::base_url) / [`token_url`](Self::token_url) override them.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// A custom API base URL. Must be https unless loopback or
    /// [`allow_insecure_http`](Self::allow_insecure_http).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// A custom token endpoint (for [`credentials`](Self::credentials)).
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// OAuth2 client credentials: the client gets its tokens from the environment's token
    /// endpoint and refreshes them before expiry.
    pub fn credentials(mut self, client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        self.credentials = CredentialsChoice::ClientCredentials {
            id: client_id.into(),
            secret: secrecy::SecretString::from(client_secret.into()),
        };
        self
    }

    /// The scopes requested with [`credentials`](Self::credentials) (none by default).
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// A token source built elsewhere (shared between clients, say).
    pub fn token_source(mut self, source: TokenSource) -> Self {
        self.credentials = CredentialsChoice::TokenSource(source);
        self
    }

    /// Any other way of authorizing requests.
    pub fn authorizer(mut self, authorizer: impl Authorize) -> Self {
        self.credentials = CredentialsChoice::Custom(std::sync::Arc::new(authorizer));
        self
    }

    /// How long connecting may take (default 10 s; not applied to a caller's
    /// [`http_client`](Self::http_client)).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take (default 30 s; `None` for no limit).
    pub fn attempt_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.context = self.context.with_attempt_timeout(timeout);
        self
    }

    /// When to retry (default [`RetryPolicy::default()`]; [`RetryPolicy::disabled()`] for never).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.context = self.context.with_retry_policy(policy);
        self
    }

    /// The `User-Agent` (default `wink-rs/<version> (api <spec version>)`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// The caller's own `reqwest::Client` (proxies, TLS roots, ...).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Accept a plain-http base URL that is not loopback (never for production traffic).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// A builder from the environment: `WINK_ENV` (`production` or `staging`),
    /// `WINK_BASE_URL`, and the credentials variables of
    /// [`TokenSourceConfig::from_env`] (`WINK_CLIENT_ID`, `WINK_CLIENT_SECRET`, optional
    /// `WINK_SCOPES` and `WINK_TOKEN_URL`).
    pub fn from_env() -> Result<Self, BuildError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, BuildError> {
        let mut builder = Self::default();
        if let Some(value) = lookup("WINK_ENV") {
            builder.environment =
                Environment::parse(&value).ok_or(BuildError::InvalidEnvironment { value })?;
        }
        builder.base_url = lookup("WINK_BASE_URL");
        let missing = |what, env| ConfigError::Missing { what, env: Some(env) };
        let id = lookup("WINK_CLIENT_ID").ok_or_else(|| missing("client id", "WINK_CLIENT_ID"))?;
        let secret =
            lookup("WINK_CLIENT_SECRET").ok_or_else(|| missing("client secret", "WINK_CLIENT_SECRET"))?;
        builder = builder.credentials(id, secret);
        if let Some(scopes) = lookup("WINK_SCOPES") {
            builder = builder.scopes(scopes.split([' ', ',']).filter(|s| !s.is_empty()).map(str::to_string));
        }
        builder.token_url = lookup("WINK_TOKEN_URL");
        Ok(builder)
    }

    /// Checks everything and builds the client.
    pub fn build(self) -> Result<C, BuildError> {
        use secrecy::ExposeSecret as _;
        let base_url =
            self.base_url.clone().unwrap_or_else(|| self.environment.base_url(C::PRODUCTION_BASE_URL));
        check_base_url(&base_url, self.allow_insecure_http)?;
        let mut context = self.context;
        if let Some(agent) = self.user_agent {
            context = context
                .with_user_agent(HeaderValue::from_str(&agent).map_err(|_| BuildError::InvalidUserAgent)?);
        }
        context.credentials = match self.credentials {
            CredentialsChoice::None => Credentials::None,
            CredentialsChoice::TokenSource(source) => Credentials::TokenSource(source),
            CredentialsChoice::Custom(authorizer) => Credentials::Custom(authorizer),
            CredentialsChoice::ClientCredentials { id, secret } => {
                let config = TokenSourceConfig::builder()
                    .client_id(id)
                    .client_secret(secret.expose_secret())
                    .token_url(self.token_url.unwrap_or_else(|| self.environment.token_url().to_string()))
                    .scopes(self.scopes)
                    .build()?;
                Credentials::TokenSource(TokenSource::new(config)?)
            }
        };
        let http = match self.http {
            Some(http) => http,
            None => {
                // The attempt timeout as the client's own: requests then need none of their own.
                let mut http = reqwest::Client::builder().connect_timeout(self.connect_timeout);
                if let Some(timeout) = context.attempt_timeout {
                    http = http.timeout(timeout);
                }
                context.http_timeout = context.attempt_timeout;
                http.build().map_err(BuildError::Http)?
            }
        };
        Ok(C::from_parts(base_url.trim_end_matches('/'), http, context))
    }
}

fn check_base_url(url: &str, allow_insecure_http: bool) -> Result<(), BuildError> {
    let parsed =
        Url::parse(url).map_err(|e| BuildError::InvalidBaseUrl { url: url.into(), reason: e.to_string() })?;
    let loopback = match parsed.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if loopback || allow_insecure_http => Ok(()),
        "http" => Err(BuildError::InsecureBaseUrl { url: url.into() }),
        other => Err(BuildError::InvalidBaseUrl {
            url: url.into(),
            reason: format!("scheme `{other}` is not http(s)"),
        }),
    }
}

#[cfg(all(test, feature = "affiliate"))]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::affiliate::Client;

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn environments_name_wink_hosts() {
        assert_eq!(Environment::Production.base_url(Client::PRODUCTION_BASE_URL), "https://api.wink.travel");
        assert_eq!(
            Environment::Staging.base_url(Client::PRODUCTION_BASE_URL),
            "https://staging-api.wink.travel"
        );
        #[cfg(feature = "partner")]
        {
            use crate::partner::Client as Partner;
            assert_eq!(
                Environment::Production.base_url(Partner::PRODUCTION_BASE_URL),
                "https://integrations.wink.travel"
            );
            assert_eq!(
                Environment::Staging.base_url(Partner::PRODUCTION_BASE_URL),
                "https://staging-integrations.wink.travel"
            );
        }
        assert_eq!(Environment::Staging.token_url(), "https://staging-iam.wink.travel/oauth2/token");
    }

    #[test]
    fn from_env_reads_environment_base_url_and_credentials() {
        let builder = ClientBuilder::<Client>::from_lookup(lookup(&[
            ("WINK_ENV", "Staging"),
            ("WINK_CLIENT_ID", "id"),
            ("WINK_CLIENT_SECRET", "very-secret"),
            ("WINK_SCOPES", "content.read,marketing.read"),
        ]))
        .unwrap();
        assert_eq!(builder.environment, Environment::Staging);
        assert_eq!(builder.scopes, ["content.read", "marketing.read"]);
        assert!(!format!("{builder:?}").contains("very-secret"));

        let err = ClientBuilder::<Client>::from_lookup(lookup(&[("WINK_ENV", "moon")])).unwrap_err();
        assert_eq!(err.to_string(), "invalid WINK_ENV `moon`: expected production or staging");
        let err = ClientBuilder::<Client>::from_lookup(lookup(&[])).unwrap_err();
        assert!(err.to_string().contains("WINK_CLIENT_ID"), "{err}");
    }

    #[test]
    fn plain_http_is_refused_unless_loopback_or_allowed() {
        check_base_url("https://api.wink.travel", false).unwrap();
        check_base_url("http://127.0.0.1:8080", false).unwrap();
        check_base_url("http://localhost:8080", false).unwrap();
        check_base_url("http://[::1]:8080", false).unwrap();
        assert!(matches!(
            check_base_url("http://api.wink.travel", false),
            Err(BuildError::InsecureBaseUrl { .. })
        ));
        check_base_url("http://api.wink.travel", true).unwrap();
        assert!(matches!(check_base_url("ftp://x", true), Err(BuildError::InvalidBaseUrl { .. })));
        assert!(matches!(check_base_url("not a url", false), Err(BuildError::InvalidBaseUrl { .. })));
    }

    #[test]
    fn builds_against_the_chosen_environment() {
        use progenitor_client::ClientInfo as _;
        let client = Client::builder().build().unwrap();
        assert_eq!(client.baseurl(), "https://api.wink.travel");
        let client = Client::builder().environment(Environment::Staging).build().unwrap();
        assert_eq!(client.baseurl(), "https://staging-api.wink.travel");
        let client = Client::builder().base_url("http://127.0.0.1:9/").build().unwrap();
        assert_eq!(client.baseurl(), "http://127.0.0.1:9");
        let err = Client::builder().base_url("http://example.com").build().unwrap_err();
        assert!(err.to_string().contains("not https"), "{err}");
        let err = Client::builder().user_agent("bad\nagent").build().unwrap_err();
        assert!(matches!(err, BuildError::InvalidUserAgent));
        let err = Client::builder().credentials("id", "secret").token_url("http://example.com/token").build();
        assert!(matches!(err, Err(BuildError::Auth(_))), "{err:?}");
    }
}
