//! oauth2's HTTP client, over the workspace's reqwest.
//!
//! oauth2 5's own reqwest integration is reqwest 0.12; wink-api's progenitor-client needs 0.13,
//! and one HTTP stack is enough. This adapter implements `oauth2::AsyncHttpClient` with a
//! reqwest 0.13 client that never follows redirects (a token request must not be replayed,
//! credentials and all, to wherever a `Location` points). It also classifies responses
//! oauth2 would lose information about: a retryable status (408, 429, 5xx) keeps its code and
//! `Retry-After`, and a non-200 answer that is not an OAuth error document keeps its status
//! rather than becoming a parse error carrying the raw body.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use oauth2::{HttpRequest, HttpResponse};
use reqwest::header::HeaderValue;

/// What the adapter reports instead of a response.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HttpFailure {
    /// reqwest failed (connect, TLS, timeout, body).
    #[error("{0}")]
    Transport(#[source] reqwest::Error),
    /// A status that is not an OAuth error response (retryable or not).
    #[error("HTTP {status}")]
    Status { status: u16, retry_after: Option<Duration> },
    /// A redirect, which is never followed.
    #[error("redirect (HTTP {status}) not followed")]
    Redirect { status: u16 },
}

/// The adapter; cheap to clone (reqwest's client is reference-counted).
#[derive(Clone)]
pub(crate) struct ReqwestClient {
    client: reqwest::Client,
    basic: Option<HeaderValue>,
}

impl std::fmt::Debug for ReqwestClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReqwestClient").field("basic", &self.basic.as_ref().map(|_| "[redacted]")).finish()
    }
}

/// `Basic base64(id ":" secret)` with id and secret percent-encoded (RFC 6749 §2.3.1).
///
/// oauth2 form-urlencodes them, writing a space as `+`. That is what the RFC literally says,
/// and Spring Authorization Server (Wink's) decodes it, but stricter servers (oidc-provider)
/// refuse `+` as "not properly encoded". `%20` is decoded as a space by both, so the header
/// is rebuilt with spaces as `%20` (a literal `+` is `%2B` either way).
pub(crate) fn basic_credentials(id: &str, secret: &str) -> HeaderValue {
    use base64::Engine as _;
    let encode =
        |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20");
    let credentials =
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", encode(id), encode(secret)));
    let mut value =
        HeaderValue::try_from(format!("Basic {credentials}")).expect("base64 is a valid header value");
    value.set_sensitive(true);
    value
}

impl ReqwestClient {
    /// A client; with `basic`, every request's `Authorization` header is replaced by it.
    pub(crate) fn new(
        connect_timeout: Duration,
        request_timeout: Duration,
        basic: Option<HeaderValue>,
    ) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(connect_timeout)
            .timeout(request_timeout)
            .build()?;
        Ok(Self { client, basic })
    }

    async fn execute(&self, request: HttpRequest) -> Result<HttpResponse, HttpFailure> {
        let (mut parts, body) = request.into_parts();
        if let Some(basic) = &self.basic {
            parts.headers.insert(http::header::AUTHORIZATION, basic.clone());
        }
        let response = self
            .client
            .request(parts.method, parts.uri.to_string())
            .headers(parts.headers)
            .body(body)
            .send()
            .await
            .map_err(HttpFailure::Transport)?;
        let status = response.status();
        if status.is_redirection() {
            return Err(HttpFailure::Redirect { status: status.as_u16() });
        }
        let retry_after = retry_after(response.headers());
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(HttpFailure::Transport)?.to_vec();
        let code = status.as_u16();
        if matches!(code, 408 | 429 | 500..=599)
            || (status != reqwest::StatusCode::OK && !is_oauth_error(&body))
        {
            return Err(HttpFailure::Status { status: code, retry_after });
        }
        let mut out = http::Response::builder().status(status);
        if let Some(h) = out.headers_mut() {
            *h = headers;
        }
        out.body(body).map_err(|_| HttpFailure::Status { status: code, retry_after: None })
    }
}

impl<'c> oauth2::AsyncHttpClient<'c> for ReqwestClient {
    type Error = HttpFailure;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpFailure>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.execute(request))
    }
}

/// Whether `body` is an RFC 6749 §5.2 error document (a JSON object with a string `error`).
fn is_oauth_error(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .is_some_and(|v| v.get("error").is_some_and(|e| e.is_string()))
}

/// `Retry-After` as a delay from now (delay-seconds or an HTTP date; a date in the past is
/// zero). Shared with wink-api's retries of API requests.
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_percent_encode_reserved_characters() {
        use base64::Engine as _;
        let header = basic_credentials("id é", "a b+c:/%&=");
        assert!(header.is_sensitive());
        let encoded = header.to_str().unwrap().strip_prefix("Basic ").unwrap();
        let decoded = base64::engine::general_purpose::STANDARD.decode(encoded).unwrap();
        assert_eq!(String::from_utf8(decoded).unwrap(), "id%20%C3%A9:a%20b%2Bc%3A%2F%25%26%3D");
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("retry-after", "7".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
        headers.insert("retry-after", later.parse().unwrap());
        let d = retry_after(&headers).unwrap();
        assert!(d > Duration::from_secs(100) && d <= Duration::from_secs(120), "{d:?}");
        headers.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn only_json_objects_with_a_string_error_are_oauth_errors() {
        assert!(is_oauth_error(br#"{"error":"invalid_client","error_description":"x"}"#));
        assert!(!is_oauth_error(b"<html>denied</html>"));
        assert!(!is_oauth_error(br#"{"error":{"code":1}}"#));
    }
}
