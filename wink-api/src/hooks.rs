//! The `ClientHooks` every generated client runs (progenitor's seam for per-request logic).
//!
//! The generator is run with `HooksMode::Expected`, so each audience's `Client` must have an
//! implementation; the generated module index invokes [`wink_client_hooks!`] for each one.
//!
//! - `pre` ([`prepare`]) refuses a request whose path has an empty parameter (`/studio//map`
//!   would reach another endpoint or none), sets the per-attempt timeout, the headers the
//!   normalisation removed from every operation (`Wink-Version`, `Accept`) and the user
//!   agent, drops progenitor's own `api-version` header, and adds credentials.
//! - `exec` ([`execute`]) runs the call in a `wink.request` span, sends it through the retry
//!   policy, replays it once with a new token when the API answers 401 for an invalid token,
//!   records the attempts in the `x-wink-rs-attempts` response header, and turns a non-JSON
//!   400/401/403 into a problem describing it so that the caller keeps its status.

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderName, HeaderValue, USER_AGENT, WWW_AUTHENTICATE};
use reqwest::{Request, Response, StatusCode};
use tracing::Instrument as _;

use crate::context::{ClientContext, Credentials};

/// Name of Wink's API version header.
pub const WINK_VERSION_HEADER: HeaderName = HeaderName::from_static("wink-version");
/// The only `Wink-Version` Wink accepts (the documents' own default, `2.0.0`, is refused).
pub const WINK_VERSION: HeaderValue = HeaderValue::from_static("2.0");
/// The `Accept` value every request sends.
pub const ACCEPT_JSON: HeaderValue = HeaderValue::from_static("application/json");

/// progenitor's own version header, which Wink does not define.
const PROGENITOR_API_VERSION: HeaderName = HeaderName::from_static("api-version");

/// [`ATTEMPTS_HEADER`](crate::ATTEMPTS_HEADER) as a ready name: a `&str` name is parsed on
/// every insert.
const ATTEMPTS: HeaderName = HeaderName::from_static(crate::error::ATTEMPTS_HEADER);

/// The request id headers [`request_id_of`] reads, in order, as ready names.
const REQUEST_ID_HEADERS: [HeaderName; 4] = [
    HeaderName::from_static("x-request-id"),
    HeaderName::from_static("x-correlation-id"),
    HeaderName::from_static("x-amzn-requestid"),
    HeaderName::from_static("traceparent"),
];

/// Prepares `request` for Wink: path check, headers, then credentials.
pub(crate) async fn prepare<E>(
    baseurl: &str,
    context: &ClientContext,
    request: &mut Request,
    info: &progenitor_client::OperationInfo,
) -> Result<(), progenitor_client::Error<E>> {
    if has_empty_path_parameter(baseurl, request.url().path()) {
        return Err(progenitor_client::Error::InvalidRequest(format!(
            "{}: a path parameter is empty (path `{}`)",
            info.operation_id,
            request.url().path()
        )));
    }
    if request.timeout().is_none()
        && let Some(timeout) = context.request_timeout()
    {
        *request.timeout_mut() = Some(timeout);
    }
    let headers = request.headers_mut();
    headers.remove(PROGENITOR_API_VERSION);
    headers.insert(WINK_VERSION_HEADER, WINK_VERSION);
    headers.insert(ACCEPT, ACCEPT_JSON);
    if !headers.contains_key(USER_AGENT) {
        headers.insert(USER_AGENT, context.user_agent.clone());
    }
    match &context.credentials {
        Credentials::None => {}
        Credentials::TokenSource(source) => {
            let header =
                source.authorization().await.map_err(|e| progenitor_client::Error::Custom(e.to_string()))?;
            request.headers_mut().insert(AUTHORIZATION, header);
        }
        Credentials::Custom(authorizer) => {
            authorizer
                .authorize(request)
                .await
                .map_err(|e| progenitor_client::Error::Custom(e.to_string()))?;
        }
    }
    Ok(())
}

/// Whether `path` (of a URL built as `{baseurl}/api/...`) has an empty segment after the base
/// URL's own path: no Wink path has one, so it comes from an empty path parameter. A base URL
/// given with a trailing slash is tolerated.
fn has_empty_path_parameter(baseurl: &str, path: &str) -> bool {
    // The usual case, decided without looking at the base URL: no empty segment anywhere.
    if !path.contains("//") && !path.ends_with('/') {
        return false;
    }
    let base_path = baseurl
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .unwrap_or("")
        .trim_end_matches('/');
    let own = path.strip_prefix(base_path).unwrap_or(path).trim_start_matches('/');
    own.contains("//") || own.ends_with('/')
}

/// Sends `request` under a span for the operation, retrying transient failures as the
/// context's [`RetryPolicy`](crate::RetryPolicy) allows; the span records method, path
/// template, status, attempts, duration and the request id, never headers or bodies.
pub(crate) async fn execute(
    client: &reqwest::Client,
    context: &ClientContext,
    request: Request,
    info: &progenitor_client::OperationInfo,
    operation_paths: &[(&str, &'static str)],
) -> reqwest::Result<Response> {
    // Field values are only evaluated when a subscriber wants the span: a client without
    // one does not look up the template, read the clock or the request id.
    let span = tracing::info_span!(
        "wink.request",
        operation = info.operation_id,
        method = %request.method(),
        path = path_template(info, operation_paths),
        status = tracing::field::Empty,
        attempts = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
        request_id = tracing::field::Empty,
    );
    let started = (!span.is_disabled()).then(std::time::Instant::now);
    let result = crate::retry::send_with_retries(client, context, request).instrument(span.clone()).await;
    if let Some(started) = started {
        span.record("duration_ms", started.elapsed().as_millis() as u64);
    }
    match result {
        Ok((mut response, attempts)) => {
            if !span.is_disabled() {
                span.record("status", response.status().as_u16());
                span.record("attempts", attempts);
                if let Some(id) = request_id_of(response.headers()) {
                    span.record("request_id", id);
                }
            }
            response.headers_mut().insert(ATTEMPTS, attempts_value(attempts));
            problem_in_place_of_non_json(response).await
        }
        Err(error) => {
            let _entered = span.enter();
            tracing::info!(error = %error, "request failed");
            Err(error)
        }
    }
}

/// The path template of the operation (`/api/managing-entity/{managingEntityIdentifier}/...`),
/// not the request's path: spans group by operation and carry no identifiers.
fn path_template(
    info: &progenitor_client::OperationInfo,
    operation_paths: &[(&str, &'static str)],
) -> &'static str {
    operation_paths
        .binary_search_by_key(&info.operation_id, |(id, _)| id)
        .map_or("(unknown)", |i| operation_paths[i].1)
}

/// The longest non-JSON error body read (to measure it) before it is replaced.
const MAX_REPLACED_BODY: usize = 64 * 1024;

/// A 400/401/403 (the statuses Wink documents as `ProblemDetail`) whose body is not JSON
/// becomes a response with a problem describing it, so the generated code decodes it as a
/// typed error with its status instead of failing on the body.
async fn problem_in_place_of_non_json(response: Response) -> reqwest::Result<Response> {
    let status = response.status();
    if !matches!(status.as_u16(), 400 | 401 | 403) {
        return Ok(response);
    }
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.contains("json") {
        return Ok(response);
    }
    let mut headers = response.headers().clone();
    let version = response.version();
    let mut response = response;
    let mut length = 0;
    while let Some(chunk) = response.chunk().await? {
        length += chunk.len();
        if length > MAX_REPLACED_BODY {
            break;
        }
    }
    let body = crate::error::problem_for_non_json(status, &content_type, length);
    headers.remove(reqwest::header::CONTENT_LENGTH);
    headers.insert(reqwest::header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    let mut replaced = http::Response::new(body);
    *replaced.status_mut() = status;
    *replaced.version_mut() = version;
    *replaced.headers_mut() = headers;
    Ok(Response::from(replaced))
}

/// The request id in `headers`, under the names gateways commonly use.
pub(crate) fn request_id_of(headers: &reqwest::header::HeaderMap) -> Option<&str> {
    REQUEST_ID_HEADERS.iter().find_map(|name| headers.get(name)?.to_str().ok())
}

/// The attempts header's value; the usual counts without formatting (or allocating).
fn attempts_value(attempts: u32) -> HeaderValue {
    match attempts {
        1 => HeaderValue::from_static("1"),
        2 => HeaderValue::from_static("2"),
        3 => HeaderValue::from_static("3"),
        n => HeaderValue::from(n),
    }
}

/// One attempt; with a token source, a 401 that asks for a new token invalidates the
/// token it was sent with and replays the request once, as a fresh copy of `original` (the
/// prepared request `request` is a copy of, when it could be copied). Concurrent 401s for
/// one token cause one refresh; 403 and `insufficient_scope` never refresh.
pub(crate) async fn send_once(
    client: &reqwest::Client,
    context: &ClientContext,
    request: Request,
    original: Option<&Request>,
) -> reqwest::Result<Response> {
    let Credentials::TokenSource(source) = &context.credentials else {
        return client.execute(request).await;
    };
    let response = client.execute(request).await?;
    if response.status() != StatusCode::UNAUTHORIZED || !asks_for_new_token(&response) {
        return Ok(response);
    }
    let Some(original) = original else { return Ok(response) };
    let (Some(sent_with), Some(mut replay)) = (original.headers().get(AUTHORIZATION), original.try_clone())
    else {
        return Ok(response);
    };
    source.invalidate(sent_with);
    match source.authorization().await {
        Ok(fresh) if fresh != sent_with => {
            tracing::debug!("401 for an invalid token: replaying once with a new token");
            replay.headers_mut().insert(AUTHORIZATION, fresh);
            client.execute(replay).await
        }
        _ => Ok(response),
    }
}

/// A bare 401 (no challenge) or a challenge with `error="invalid_token"`.
fn asks_for_new_token(response: &Response) -> bool {
    let mut challenges = response.headers().get_all(WWW_AUTHENTICATE).iter().peekable();
    if challenges.peek().is_none() {
        return true;
    }
    challenges.any(|c| c.to_str().is_ok_and(|c| c.to_ascii_lowercase().contains("invalid_token")))
}

/// Implements `ClientHooks<ClientContext>` for `$module::Client`; `$server` is the
/// production base URL the module's document names (`servers[0].url`).
macro_rules! wink_client_hooks {
    ($module:ident, $server:literal) => {
        impl progenitor_client::ClientHooks<$crate::ClientContext> for $module::Client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), progenitor_client::Error<E>> {
                $crate::hooks::prepare(&self.baseurl, &self.inner, request, info).await
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                $crate::hooks::execute(&self.client, &self.inner, request, info, $module::OPERATION_PATHS)
                    .await
            }
        }

        impl $crate::Audience for $module::Client {
            const NAME: &'static str = stringify!($module);
            const PRODUCTION_BASE_URL: &'static str = $server;

            fn from_parts(base_url: &str, http: reqwest::Client, context: $crate::ClientContext) -> Self {
                Self::new_with_client(base_url, http, context)
            }
        }

        impl $module::Client {
            /// A builder of a client of this audience: environment, credentials, timeouts,
            /// retries, user agent.
            pub fn builder() -> $crate::ClientBuilder<Self> {
                $crate::ClientBuilder::default()
            }

            /// A copy of this client (same connection pool and credentials) whose requests use
            /// `policy`: for one call, `client.with_retry_policy(p).some_operation()...`.
            pub fn with_retry_policy(&self, policy: $crate::RetryPolicy) -> Self {
                Self::new_with_client(
                    &self.baseurl,
                    self.client.clone(),
                    self.inner.clone().with_retry_policy(policy),
                )
            }

            /// A copy of this client whose attempts time out after `timeout`.
            pub fn with_attempt_timeout(&self, timeout: impl Into<Option<::std::time::Duration>>) -> Self {
                Self::new_with_client(
                    &self.baseurl,
                    self.client.clone(),
                    self.inner.clone().with_attempt_timeout(timeout),
                )
            }
        }
    };
}
pub(crate) use wink_client_hooks;

#[cfg(test)]
mod tests {
    use super::has_empty_path_parameter as empty;

    #[test]
    fn an_empty_path_parameter_is_detected_after_the_base_path() {
        assert!(!empty("https://api.wink.travel", "/api/managing-entity/me/studio/map/list"));
        assert!(empty("https://api.wink.travel", "/api/managing-entity//studio/map/list"));
        assert!(empty("https://api.wink.travel", "/api/managing-entity/me/studio/map/"));
        assert!(!empty("https://api.wink.travel/", "//api/managing-entity/me/studio/map/list"));
        assert!(!empty("http://127.0.0.1:9/prefix/", "/prefix//api/x/y"));
        assert!(empty("http://127.0.0.1:9/prefix", "/prefix/api//y"));
    }

    #[test]
    fn attempts_values_read_as_their_count() {
        for attempts in [1, 2, 3, 4, 17] {
            assert_eq!(super::attempts_value(attempts).to_str().unwrap(), attempts.to_string());
        }
    }

    #[test]
    fn request_ids_are_read_under_each_name_in_order() {
        let mut headers = reqwest::header::HeaderMap::new();
        assert_eq!(super::request_id_of(&headers), None);
        headers.insert("traceparent", "00-abc-01".parse().unwrap());
        assert_eq!(super::request_id_of(&headers), Some("00-abc-01"));
        headers.insert("x-request-id", "req-1".parse().unwrap());
        assert_eq!(super::request_id_of(&headers), Some("req-1"));
    }
}
