//! One error type for every operation of every audience, built from progenitor's
//! `Error<ProblemDetail>` (`.send().await.map_err(ApiError::from)?`), that a caller can match
//! on without knowing progenitor's variants.
//!
//! It keeps what a service needs to decide and to log: the status, the RFC 7807 problem
//! (type, title, status, detail, instance) of a 4xx, the request id, how many attempts were
//! made, whether trying again may help. `Display` shows the status and the problem's title
//! and detail, never a raw body: at most a bounded excerpt of an undecodable one, with
//! anything that looks like a token cut out.
//!
//! Two things happen in the client's `exec` seam so that this type can know them: the
//! number of attempts is added to every response as the `x-wink-rs-attempts` header, and a
//! 400/401/403 whose body is not JSON (an HTML page from a proxy, XML) is handed to the
//! generated code as a `ProblemDetail` describing it, so it still decodes with its status.

use std::fmt;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::{Deserialize, Serialize};

/// Response header the client adds: how many attempts the response took.
pub const ATTEMPTS_HEADER: &str = "x-wink-rs-attempts";

/// The longest body excerpt an error keeps.
const MAX_EXCERPT: usize = 200;

/// An RFC 7807 problem, as Wink's 400/401/403 responses carry it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// A URI identifying the problem type.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// A short summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The HTTP status the server meant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// What went wrong this time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// A URI identifying this occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
}

/// What kind of failure an [`ApiError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The client refused to send: a missing or invalid argument.
    InvalidRequest,
    /// Credentials could not be added (the token endpoint failed, ...).
    Authorization,
    /// No response: connection failure or timeout, after the retries.
    Transport,
    /// A documented error response (4xx with a problem).
    Problem,
    /// A status the operation does not document (a 500, say).
    UnexpectedStatus,
    /// A documented status whose body does not decode.
    InvalidResponse,
}

/// The error of any operation; see the module documentation.
#[derive(Debug, Clone)]
pub struct ApiError {
    kind: ErrorKind,
    status: Option<StatusCode>,
    problem: Option<Problem>,
    request_id: Option<String>,
    attempts: Option<u32>,
    timeout: bool,
    message: String,
    excerpt: Option<String>,
}

impl ApiError {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The response status, when there was a response.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// The decoded problem of a documented error response.
    pub fn problem(&self) -> Option<&Problem> {
        self.problem.as_ref()
    }

    /// The request id the response carried (`x-request-id` and similar).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// How many attempts were made, when known (responses carry it).
    pub fn attempts(&self) -> Option<u32> {
        self.attempts
    }

    /// Whether the request was sent more than once.
    pub fn was_retried(&self) -> bool {
        self.attempts.is_some_and(|a| a > 1)
    }

    /// Whether the same request may succeed later (a retryable status, a connection failure
    /// or a timeout): what the client's own retries go by.
    pub fn is_retryable(&self) -> bool {
        match self.kind {
            ErrorKind::Transport => true,
            _ => self.status.is_some_and(crate::retry::is_retryable_status),
        }
    }

    /// Whether the failure was a timeout.
    pub fn is_timeout(&self) -> bool {
        self.timeout
    }

    /// A bounded excerpt of an undecodable body (tokens cut out).
    pub fn body_excerpt(&self) -> Option<&str> {
        self.excerpt.as_deref()
    }

    fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            status: None,
            problem: None,
            request_id: None,
            attempts: None,
            timeout: false,
            message: message.into(),
            excerpt: None,
        }
    }

    fn with_response(mut self, status: StatusCode, headers: &HeaderMap) -> Self {
        self.status = Some(status);
        self.request_id = crate::hooks::request_id_of(headers).map(str::to_string);
        self.attempts = headers.get(ATTEMPTS_HEADER).and_then(|v| v.to_str().ok()?.parse().ok());
        self
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(status) = self.status {
            write!(f, "{status}")?;
            if let Some(problem) = &self.problem {
                if let Some(title) = &problem.title {
                    write!(f, ": {title}")?;
                }
                if let Some(detail) = &problem.detail {
                    write!(f, ": {detail}")?;
                }
            } else if !self.message.is_empty() {
                write!(f, ": {}", self.message)?;
            }
        } else {
            f.write_str(&self.message)?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if self.was_retried() {
            write!(f, " after {} attempts", self.attempts.unwrap_or_default())?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl<E: Serialize> From<progenitor_client::Error<E>> for ApiError {
    fn from(error: progenitor_client::Error<E>) -> Self {
        use progenitor_client::Error;
        match error {
            Error::InvalidRequest(why) => {
                ApiError::new(ErrorKind::InvalidRequest, format!("invalid request: {why}"))
            }
            Error::Custom(why) => ApiError::new(ErrorKind::Authorization, why),
            Error::CommunicationError(e) | Error::InvalidUpgrade(e) | Error::ResponseBodyError(e) => {
                let mut out = ApiError::new(ErrorKind::Transport, transport_message(&e));
                out.timeout = e.is_timeout();
                out.status = e.status();
                out
            }
            Error::ErrorResponse(value) => {
                let status = value.status();
                let problem =
                    serde_json::to_value(value.as_ref()).ok().and_then(|v| serde_json::from_value(v).ok());
                let mut out =
                    ApiError::new(ErrorKind::Problem, String::new()).with_response(status, value.headers());
                out.problem = problem;
                out
            }
            Error::UnexpectedResponse(response) => {
                ApiError::new(ErrorKind::UnexpectedStatus, "undocumented status")
                    .with_response(response.status(), response.headers())
            }
            Error::InvalidResponsePayload(bytes, e) => {
                let mut out =
                    ApiError::new(ErrorKind::InvalidResponse, format!("response does not decode: {e}"));
                out.excerpt = Some(excerpt(&bytes));
                out
            }
        }
    }
}

fn transport_message(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timed out".into()
    } else if error.is_connect() {
        "cannot connect".into()
    } else {
        // reqwest's message names the URL (no credentials: they travel in headers).
        format!("transport error: {error}")
    }
}

/// At most [`MAX_EXCERPT`] characters, with anything token-like (a long run of base64 or
/// JWT characters) replaced.
fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::new();
    for word in text.split_inclusive(char::is_whitespace) {
        let core = word.trim_end();
        let token_like = core.len() >= 24
            && core
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '=' | '+' | '/'));
        out.push_str(if token_like { "[redacted]" } else { core });
        if word.len() > core.len() {
            out.push(' ');
        }
        if out.chars().count() > MAX_EXCERPT {
            break;
        }
    }
    let mut bounded: String = out.chars().take(MAX_EXCERPT).collect();
    if out.chars().count() > MAX_EXCERPT {
        bounded.push_str("...");
    }
    bounded
}

/// A problem describing a 400/401/403 whose body was not JSON, for the generated code to
/// decode in its place (see the module documentation).
pub(crate) fn problem_for_non_json(status: StatusCode, content_type: &str, length: usize) -> Vec<u8> {
    let problem = Problem {
        type_: None,
        title: status.canonical_reason().map(str::to_string),
        status: Some(i64::from(status.as_u16())),
        detail: Some(format!(
            "the server sent a {} body of {length} bytes instead of a problem; wink-rs replaced it",
            if content_type.is_empty() { "untyped" } else { content_type }
        )),
        instance: None,
    };
    serde_json::to_vec(&problem).expect("a problem serialises")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_bounded_and_cut_out_tokens() {
        let body = b"<html>denied for eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl now</html>";
        assert_eq!(excerpt(body), "<html>denied for [redacted] now</html>");
        let long = "word ".repeat(100);
        let cut = excerpt(long.as_bytes());
        assert!(cut.ends_with("...") && cut.chars().count() <= MAX_EXCERPT + 3, "{cut}");
    }

    #[test]
    fn display_shows_status_and_problem_never_the_body() {
        let mut error = ApiError::new(ErrorKind::Problem, String::new());
        error.status = Some(StatusCode::FORBIDDEN);
        error.problem = Some(Problem {
            title: Some("Forbidden".into()),
            detail: Some("scope".into()),
            ..Problem::default()
        });
        error.request_id = Some("req-1".into());
        error.attempts = Some(2);
        assert_eq!(error.to_string(), "403 Forbidden: Forbidden: scope (request id req-1) after 2 attempts");
        assert!(!error.is_retryable());
        let mut unavailable = ApiError::new(ErrorKind::UnexpectedStatus, "undocumented status");
        unavailable.status = Some(StatusCode::SERVICE_UNAVAILABLE);
        assert!(unavailable.is_retryable());
    }
}
