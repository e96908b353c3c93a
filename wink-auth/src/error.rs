//! The error every token request failure becomes.
//!
//! [`AuthError`] is `Clone` because one failed request is handed to every caller waiting on
//! it. Its messages are built only from status codes, OAuth error codes and descriptions, and
//! our own words: never from a raw response body (oauth2's parse error carries the body, which
//! for a token response *is* the token) and never from a credential.

use std::time::Duration;

/// Why a token could not be obtained.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// The token request did not complete: connection, DNS, TLS or timeout.
    #[error("token request failed: {message}")]
    Transport {
        /// What went wrong (no credentials, no body).
        message: String,
        /// Whether it was a timeout.
        timeout: bool,
    },
    /// The token endpoint answered with an HTTP status that is not an OAuth error response.
    #[error("token endpoint answered HTTP {status}{}", retry_after.map(|d| format!(" (retry after {}s)", d.as_secs())).unwrap_or_default())]
    Status {
        /// The status code.
        status: u16,
        /// The server's `Retry-After`, if any.
        retry_after: Option<Duration>,
    },
    /// The authorization server refused: an RFC 6749 §5.2 error response.
    #[error("token request refused: {code}{}", description.as_ref().map(|d| format!(": {d}")).unwrap_or_default())]
    OAuth {
        /// The `error` code (`invalid_client`, `invalid_scope`, `unauthorized_client`, ...).
        code: String,
        /// The `error_description`, if the server sent one.
        description: Option<String>,
    },
    /// The endpoint answered something that is not a usable token response (HTML with 200,
    /// malformed JSON, a token type other than bearer, a redirect, ...).
    #[error("unusable token response: {reason}")]
    Protocol {
        /// What is wrong with it.
        reason: String,
    },
}

impl AuthError {
    /// Whether trying again later may succeed (transport errors, timeouts, 408, 429, 5xx).
    pub fn is_transient(&self) -> bool {
        match self {
            AuthError::Transport { .. } => true,
            AuthError::Status { status, .. } => matches!(status, 408 | 429 | 500..=599),
            AuthError::OAuth { .. } | AuthError::Protocol { .. } => false,
        }
    }

    /// The server's requested delay before the next attempt, if it gave one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            AuthError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The OAuth error code, for [`AuthError::OAuth`].
    pub fn oauth_code(&self) -> Option<&str> {
        match self {
            AuthError::OAuth { code, .. } => Some(code),
            _ => None,
        }
    }

    pub(crate) fn protocol(reason: impl Into<String>) -> Self {
        AuthError::Protocol { reason: reason.into() }
    }
}
