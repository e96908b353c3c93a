//! The token response as Wink (and real servers) send it, checked before use.
//!
//! oauth2's `StandardTokenResponse` wants `expires_in` as an unsigned number; servers also send
//! numeric strings (`"3600"`), negatives and absurd values. [`WinkTokenResponse`] accepts a
//! number or a numeric string and leaves judging to [`lifetime`], which clamps it to a sane
//! range and supplies [`DEFAULT_LIFETIME`](crate::DEFAULT_LIFETIME) when it is missing.

use std::fmt;
use std::time::Duration;

use oauth2::basic::BasicTokenType;
use oauth2::{AccessToken, RefreshToken, Scope, TokenResponse};
use serde::{Deserialize, Deserializer, Serialize};

/// Shortest lifetime a token is given, whatever the server says (`expires_in: 0` included).
pub(crate) const MIN_LIFETIME: Duration = Duration::from_secs(1);
/// Longest lifetime a token is trusted for.
pub(crate) const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// A client-credentials token response.
#[derive(Clone, Deserialize, Serialize)]
pub(crate) struct WinkTokenResponse {
    access_token: AccessToken,
    token_type: BasicTokenType,
    #[serde(default, deserialize_with = "number_or_numeric_string")]
    expires_in: Option<i64>,
    #[serde(default)]
    refresh_token: Option<RefreshToken>,
}

impl fmt::Debug for WinkTokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WinkTokenResponse")
            .field("access_token", &"[redacted]")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

fn number_or_numeric_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Int(i64),
        Float(f64),
        Text(String),
    }
    Ok(match Option::<Raw>::deserialize(d)? {
        None => None,
        Some(Raw::Int(n)) => Some(n),
        Some(Raw::Float(f)) if f.is_finite() => Some(f.clamp(i64::MIN as f64, i64::MAX as f64) as i64),
        Some(Raw::Float(_)) => None,
        Some(Raw::Text(s)) => Some(
            s.trim().parse::<i64>().map_err(|_| serde::de::Error::custom("expires_in is not a number"))?,
        ),
    })
}

impl TokenResponse for WinkTokenResponse {
    type TokenType = BasicTokenType;

    fn access_token(&self) -> &AccessToken {
        &self.access_token
    }

    fn token_type(&self) -> &BasicTokenType {
        &self.token_type
    }

    fn expires_in(&self) -> Option<Duration> {
        self.expires_in.map(|s| Duration::from_secs(s.max(0) as u64))
    }

    fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }

    fn scopes(&self) -> Option<&Vec<Scope>> {
        None
    }
}

impl WinkTokenResponse {
    /// The raw `expires_in`, in seconds, as sent.
    pub(crate) fn expires_in_seconds(&self) -> Option<i64> {
        self.expires_in
    }

    /// Whether the token type is bearer (case-insensitively, as RFC 6749 §5.1 says).
    pub(crate) fn is_bearer(&self) -> bool {
        self.token_type.as_ref().eq_ignore_ascii_case("bearer")
    }

    /// The token type as sent.
    pub(crate) fn token_type_name(&self) -> &str {
        self.token_type.as_ref()
    }
}

/// The lifetime to assume for `expires_in` seconds: missing means
/// [`DEFAULT_LIFETIME`](crate::DEFAULT_LIFETIME); anything else is clamped to
/// [`MIN_LIFETIME`]..=[`MAX_LIFETIME`] (zero and negatives become the minimum).
pub(crate) fn lifetime(expires_in: Option<i64>) -> Duration {
    match expires_in {
        None => crate::DEFAULT_LIFETIME,
        Some(s) if s <= 0 => MIN_LIFETIME,
        Some(s) => Duration::from_secs(s as u64).clamp(MIN_LIFETIME, MAX_LIFETIME),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<WinkTokenResponse, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn expires_in_may_be_a_number_or_a_numeric_string() {
        for (raw, expected) in [
            ("3600", Some(3600)),
            ("\"3600\"", Some(3600)),
            ("-5", Some(-5)),
            ("1.9", Some(1)),
            ("null", None),
        ] {
            let r = parse(&format!(r#"{{"access_token":"t","token_type":"bearer","expires_in":{raw}}}"#))
                .unwrap();
            assert_eq!(r.expires_in_seconds(), expected, "{raw}");
        }
        assert_eq!(
            parse(r#"{"access_token":"t","token_type":"bearer"}"#).unwrap().expires_in_seconds(),
            None
        );
        assert!(parse(r#"{"access_token":"t","token_type":"bearer","expires_in":"soon"}"#).is_err());
    }

    #[test]
    fn lifetimes_are_clamped_and_defaulted() {
        assert_eq!(lifetime(None), crate::DEFAULT_LIFETIME);
        assert_eq!(lifetime(Some(0)), MIN_LIFETIME);
        assert_eq!(lifetime(Some(-30)), MIN_LIFETIME);
        assert_eq!(lifetime(Some(3600)), Duration::from_secs(3600));
        assert_eq!(lifetime(Some(i64::MAX)), MAX_LIFETIME);
    }

    #[test]
    fn bearer_is_matched_case_insensitively_and_debug_hides_the_token() {
        let r = parse(r#"{"access_token":"very-secret-token","token_type":"Bearer"}"#).unwrap();
        assert!(r.is_bearer());
        assert!(!format!("{r:?}").contains("very-secret-token"));
        assert!(!parse(r#"{"access_token":"t","token_type":"mac"}"#).unwrap().is_bearer());
    }
}
