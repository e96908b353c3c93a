//! What a [`TokenSource`](crate::TokenSource) needs to know: credentials, token URL, scopes,
//! timeouts, client authentication method. Built with [`TokenSourceConfig::builder`] or
//! [`TokenSourceConfig::from_env`]; the secret is held in [`secrecy::SecretString`] and no
//! `Debug` shows it.

use std::fmt;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::source::ScopeSet;

/// Wink's production token endpoint.
pub const PRODUCTION_TOKEN_URL: &str = "https://iam.wink.travel/oauth2/token";
/// Wink's staging token endpoint.
pub const STAGING_TOKEN_URL: &str = "https://staging-iam.wink.travel/oauth2/token";
/// Lifetime assumed for a token whose response has no `expires_in`: short, so a token of
/// unknown lifetime is replaced early rather than used past its real expiry.
pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);

/// How the client authenticates to the token endpoint (RFC 6749 §2.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientAuthMethod {
    /// HTTP Basic with the form-urlencoded id and secret (what Wink documents). The default.
    #[default]
    Basic,
    /// `client_id` and `client_secret` in the form body.
    RequestBody,
}

/// Why a configuration is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A required value was not given.
    #[error("missing {what}{}", env.map(|e| format!(" (set {e})")).unwrap_or_default())]
    Missing {
        /// What is missing.
        what: &'static str,
        /// The environment variable that provides it, when reading the environment.
        env: Option<&'static str>,
    },
    /// A value is malformed.
    #[error("invalid {what}: {reason}")]
    Invalid {
        /// Which value.
        what: &'static str,
        /// Why.
        reason: String,
    },
}

/// Configuration of a [`TokenSource`](crate::TokenSource).
#[derive(Clone)]
pub struct TokenSourceConfig {
    pub(crate) client_id: String,
    pub(crate) client_secret: SecretString,
    pub(crate) token_url: Url,
    pub(crate) scopes: ScopeSet,
    pub(crate) client_auth: ClientAuthMethod,
    pub(crate) connect_timeout: Duration,
    pub(crate) request_timeout: Duration,
    pub(crate) max_attempts: u32,
    pub(crate) max_backoff: Duration,
    pub(crate) fatal_error_memory: Duration,
}

impl fmt::Debug for TokenSourceConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSourceConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("token_url", &self.token_url.as_str())
            .field("scopes", &self.scopes)
            .field("client_auth", &self.client_auth)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("max_attempts", &self.max_attempts)
            .finish_non_exhaustive()
    }
}

impl TokenSourceConfig {
    /// A builder with the production token URL, no scopes, Basic client authentication,
    /// 10 s connect and 30 s request timeouts, and 3 attempts per token request.
    pub fn builder() -> TokenSourceConfigBuilder {
        TokenSourceConfigBuilder::default()
    }

    /// Reads `WINK_CLIENT_ID`, `WINK_CLIENT_SECRET` (both required), `WINK_SCOPES` (space or
    /// comma separated, optional) and `WINK_TOKEN_URL` (optional, production by default).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    pub(crate) fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let required = |name: &'static str, what: &'static str| {
            lookup(name).ok_or(ConfigError::Missing { what, env: Some(name) })
        };
        let mut builder = Self::builder()
            .client_id(required("WINK_CLIENT_ID", "client id")?)
            .client_secret(required("WINK_CLIENT_SECRET", "client secret")?);
        if let Some(scopes) = lookup("WINK_SCOPES") {
            builder = builder.scopes(scopes.split([' ', ',']).filter(|s| !s.is_empty()));
        }
        if let Some(url) = lookup("WINK_TOKEN_URL") {
            builder = builder.token_url(url);
        }
        builder.build()
    }

    /// The token endpoint.
    pub fn token_url(&self) -> &str {
        self.token_url.as_str()
    }

    /// The client id (not a secret).
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The default scope set.
    pub fn scopes(&self) -> &ScopeSet {
        &self.scopes
    }

    pub(crate) fn secret(&self) -> &str {
        self.client_secret.expose_secret()
    }
}

/// Builder of [`TokenSourceConfig`].
#[derive(Default)]
pub struct TokenSourceConfigBuilder {
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    token_url: Option<String>,
    scopes: Vec<String>,
    client_auth: ClientAuthMethod,
    connect_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    max_attempts: Option<u32>,
    max_backoff: Option<Duration>,
    fatal_error_memory: Option<Duration>,
}

impl fmt::Debug for TokenSourceConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSourceConfigBuilder")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "[redacted]"))
            .field("token_url", &self.token_url)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

impl TokenSourceConfigBuilder {
    /// The OAuth2 client id.
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.client_id = Some(id.into());
        self
    }

    /// The OAuth2 client secret.
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(SecretString::from(secret.into()));
        self
    }

    /// The token endpoint (default: [`PRODUCTION_TOKEN_URL`]). Must be https, except on a
    /// loopback address.
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// Use Wink's staging token endpoint ([`STAGING_TOKEN_URL`]).
    pub fn staging(self) -> Self {
        self.token_url(STAGING_TOKEN_URL)
    }

    /// The default scopes requested (sorted and de-duplicated; none by default).
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// How the client authenticates (default: HTTP Basic).
    pub fn client_auth(mut self, method: ClientAuthMethod) -> Self {
        self.client_auth = method;
        self
    }

    /// Connect timeout of one token request (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Whole-request timeout of one token request attempt (default 30 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// Attempts per token request for transient failures (default 3, at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts);
        self
    }

    /// Cap of the backoff between attempts, `Retry-After` included (default 10 s).
    pub fn max_backoff(mut self, cap: Duration) -> Self {
        self.max_backoff = Some(cap);
        self
    }

    /// How long an OAuth error (`invalid_client`, ...) is remembered and returned without a
    /// new request (default 5 s).
    pub fn fatal_error_memory(mut self, memory: Duration) -> Self {
        self.fatal_error_memory = Some(memory);
        self
    }

    /// Checks and builds the configuration.
    pub fn build(self) -> Result<TokenSourceConfig, ConfigError> {
        let client_id = self
            .client_id
            .filter(|s| !s.is_empty())
            .ok_or(ConfigError::Missing { what: "client id", env: None })?;
        let client_secret = self
            .client_secret
            .filter(|s| !s.expose_secret().is_empty())
            .ok_or(ConfigError::Missing { what: "client secret", env: None })?;
        let raw_url = self.token_url.unwrap_or_else(|| PRODUCTION_TOKEN_URL.to_string());
        let token_url = Url::parse(&raw_url)
            .map_err(|e| ConfigError::Invalid { what: "token URL", reason: format!("`{raw_url}`: {e}") })?;
        let loopback = match token_url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(d)) => d == "localhost",
            None => false,
        };
        if token_url.scheme() != "https" && !(token_url.scheme() == "http" && loopback) {
            return Err(ConfigError::Invalid {
                what: "token URL",
                reason: format!("`{raw_url}` must be https (plain http is allowed only on loopback)"),
            });
        }
        if !token_url.username().is_empty() || token_url.password().is_some() {
            return Err(ConfigError::Invalid {
                what: "token URL",
                reason: "must not contain credentials".into(),
            });
        }
        let scopes = ScopeSet::new(self.scopes);
        if let Some(bad) =
            scopes.iter().find(|s| s.chars().any(|c| c.is_whitespace() || c == '"' || c == '\\'))
        {
            return Err(ConfigError::Invalid {
                what: "scope",
                reason: format!("`{bad}` contains a space, quote or backslash"),
            });
        }
        Ok(TokenSourceConfig {
            client_id,
            client_secret,
            token_url,
            scopes,
            client_auth: self.client_auth,
            connect_timeout: self.connect_timeout.unwrap_or(Duration::from_secs(10)),
            request_timeout: self.request_timeout.unwrap_or(Duration::from_secs(30)),
            max_attempts: self.max_attempts.unwrap_or(3).max(1),
            max_backoff: self.max_backoff.unwrap_or(Duration::from_secs(10)),
            fatal_error_memory: self.fatal_error_memory.unwrap_or(Duration::from_secs(5)),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> =
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn from_env_reads_credentials_scopes_and_url() {
        let config = TokenSourceConfig::from_lookup(env(&[
            ("WINK_CLIENT_ID", "id"),
            ("WINK_CLIENT_SECRET", "s3cret"),
            ("WINK_SCOPES", "marketing.read, content.read marketing.read"),
            ("WINK_TOKEN_URL", STAGING_TOKEN_URL),
        ]))
        .unwrap();
        assert_eq!(config.client_id(), "id");
        assert_eq!(config.token_url(), STAGING_TOKEN_URL);
        assert_eq!(config.scopes().to_string(), "content.read marketing.read");
    }

    #[test]
    fn from_env_names_the_missing_variable() {
        let err = TokenSourceConfig::from_lookup(env(&[("WINK_CLIENT_ID", "id")])).unwrap_err();
        assert_eq!(err.to_string(), "missing client secret (set WINK_CLIENT_SECRET)");
        let err = TokenSourceConfig::from_lookup(env(&[])).unwrap_err();
        assert_eq!(err.to_string(), "missing client id (set WINK_CLIENT_ID)");
    }

    #[test]
    fn plain_http_is_refused_except_on_loopback() {
        let base = || TokenSourceConfig::builder().client_id("id").client_secret("s");
        assert!(base().token_url("http://127.0.0.1:9/token").build().is_ok());
        assert!(base().token_url("http://localhost:9/token").build().is_ok());
        let err = base().token_url("http://iam.wink.travel/oauth2/token").build().unwrap_err();
        assert!(err.to_string().contains("must be https"), "{err}");
        assert!(base().token_url("not a url").build().is_err());
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let builder = TokenSourceConfig::builder().client_id("id").client_secret("hunter2-secret");
        assert!(!format!("{builder:?}").contains("hunter2"));
        let config = builder.build().unwrap();
        assert!(!format!("{config:?}").contains("hunter2"));
        assert_eq!(config.secret(), "hunter2-secret");
    }
}
