//! Retries of transient failures, in the client's `exec` seam (every operation of every
//! audience goes through it, generated code untouched).
//!
//! A request is retried when the answer says trying again may work (408, 429, 502, 503, 504)
//! or when it never got one (connection refused or reset, attempt timed out), and only when
//! repeating it is safe: GET, HEAD, PUT, DELETE, OPTIONS and TRACE by default, POST and PATCH
//! when the policy opts in. Delays grow exponentially with full jitter (a uniform pick in
//! `[0, delay]`, so many clients failing together do not retry together), capped; a
//! `Retry-After` (seconds or HTTP date) replaces the delay, and one beyond the cap ends the
//! retries rather than retry early. The backoff sequence comes from `backon`. After the last
//! attempt the caller gets the last response (its status decoded as usual) or the last
//! transport error.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use backon::{BackoffBuilder as _, ExponentialBuilder, Retryable as _};
use rand::Rng as _;
use reqwest::{Method, Request, Response, StatusCode};

/// When and how often a request is retried; see the module documentation for what counts as
/// transient. `RetryPolicy::default()`: 3 attempts, backoff from 250 ms doubling up to 8 s,
/// `Retry-After` honoured up to 60 s, POST and PATCH not retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// One attempt, never retried.
    pub fn disabled() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// Attempts in all, the first included (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first backoff and the cap the doubling stops at.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The longest `Retry-After` waited for; a server asking for longer ends the retries.
    pub fn with_max_retry_after(mut self, cap: Duration) -> Self {
        self.max_retry_after = cap;
        self
    }

    /// Also retry POST and PATCH (only for operations that are safe to repeat, such as
    /// searches, or that the server deduplicates).
    pub fn with_non_idempotent_retries(mut self, retry: bool) -> Self {
        self.retry_non_idempotent = retry;
        self
    }

    /// Attempts in all, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    fn allows(&self, method: &Method) -> bool {
        let idempotent = matches!(
            *method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
        );
        self.max_attempts > 1 && (idempotent || self.retry_non_idempotent)
    }
}

/// The statuses that say the same request may succeed later.
pub fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 502 | 503 | 504)
}

/// A failed attempt, as backon sees it.
enum Failure {
    /// An answer with a retryable status (given back to the caller if it is the last).
    Status(Response),
    /// No answer: connection failure or attempt timeout.
    Transport(reqwest::Error),
    /// Anything else: returned at once.
    Fatal(reqwest::Error),
}

/// Sends `request` with [`send_once`](crate::hooks::send_once) (one attempt each), retrying
/// as the context's policy allows; returns the response and how many attempts it took.
///
/// Each attempt sends a copy of `request`, which is kept for the next attempt and for a 401
/// replay: one copy per attempt, none made in advance, and none when neither can happen
/// (no retries and no token source). A request whose body is a stream cannot be copied: it
/// is sent once, as it is.
pub(crate) async fn send_with_retries(
    client: &reqwest::Client,
    context: &crate::ClientContext,
    request: Request,
) -> reqwest::Result<(Response, u32)> {
    use crate::hooks::send_once;
    let policy = &context.retry;
    let retries = policy.allows(request.method());
    // Without retries, a copy serves only a 401 replay, which needs a token source.
    let replays = matches!(context.credentials, crate::context::Credentials::TokenSource(_));
    if !can_copy(&request) || !(retries || replays) {
        return Ok((send_once(client, context, request, None).await?, 1));
    }
    if !retries {
        let copy = request.try_clone().expect("checked copyable above");
        return Ok((send_once(client, context, copy, Some(&request)).await?, 1));
    }
    let attempts = AtomicU32::new(0);
    let backoff = ExponentialBuilder::default()
        .with_min_delay(policy.initial_backoff)
        .with_max_delay(policy.max_backoff)
        .with_max_times(policy.max_attempts as usize - 1);
    let (request, attempts) = (&request, &attempts);
    let attempt = || async move {
        attempts.fetch_add(1, Ordering::Relaxed);
        let copy = request.try_clone().expect("checked copyable above");
        match send_once(client, context, copy, Some(request)).await {
            Ok(response) if is_retryable_status(response.status()) => Err(Failure::Status(response)),
            Ok(response) => Ok(response),
            Err(error) if error.is_connect() || error.is_timeout() => Err(Failure::Transport(error)),
            Err(error) => Err(Failure::Fatal(error)),
        }
    };
    let result = attempt
        .retry(backoff.build())
        .sleep(tokio::time::sleep)
        .when(|failure| !matches!(failure, Failure::Fatal(_)))
        .adjust(|failure, delay| {
            let delay = delay?;
            if let Failure::Status(response) = failure
                && let Some(asked) = wink_auth::retry_after(response.headers())
            {
                return (asked <= policy.max_retry_after).then_some(asked);
            }
            Some(delay.mul_f64(rand::rng().random_range(0.0..=1.0)))
        })
        .notify(|failure, delay| {
            let why = match failure {
                Failure::Status(response) => response.status().to_string(),
                Failure::Transport(error) | Failure::Fatal(error) => error.to_string(),
            };
            tracing::debug!(%why, ?delay, "transient failure; retrying");
        })
        .await;
    match result {
        Ok(response) | Err(Failure::Status(response)) => Ok((response, attempts.load(Ordering::Relaxed))),
        Err(Failure::Transport(error) | Failure::Fatal(error)) => Err(error),
    }
}

/// Whether `request` can be copied (`Request::try_clone`), found without copying it: only a
/// streaming body cannot.
fn can_copy(request: &Request) -> bool {
    request.body().is_none_or(|body| body.as_bytes().is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_idempotent_methods_are_retried_unless_opted_in() {
        let policy = RetryPolicy::default();
        assert!(policy.allows(&Method::GET) && policy.allows(&Method::PUT) && policy.allows(&Method::DELETE));
        assert!(!policy.allows(&Method::POST) && !policy.allows(&Method::PATCH));
        let opted = policy.clone().with_non_idempotent_retries(true);
        assert!(opted.allows(&Method::POST) && opted.allows(&Method::PATCH));
        assert!(!RetryPolicy::disabled().allows(&Method::GET));
        assert_eq!(RetryPolicy::default().with_max_attempts(0).max_attempts(), 1);
    }

    #[test]
    fn retryable_statuses() {
        for code in [408, 429, 502, 503, 504] {
            assert!(is_retryable_status(StatusCode::from_u16(code).unwrap()), "{code}");
        }
        for code in [400, 401, 403, 404, 409, 500, 501] {
            assert!(!is_retryable_status(StatusCode::from_u16(code).unwrap()), "{code}");
        }
    }
}
