//! The token source against a loopback token endpoint (wiremock): caching, single flight,
//! the refresh schedule (tokio's clock paused and advanced between phases, never slept
//! through), retries, fatal errors, protocol errors, and what reaches the wire.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::join_all;
use serde_json::json;
use wink_auth::{AuthError, ClientAuthMethod, TokenSource, TokenSourceConfig, TokenSourceConfigBuilder};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN_PATH: &str = "/oauth2/token";
const SECRET: &str = "s3cr3t: +/%&=é";

fn token(value: &str, expires_in: serde_json::Value) -> ResponseTemplate {
    let mut body = json!({"access_token": value, "token_type": "bearer"});
    if !expires_in.is_null() {
        body["expires_in"] = expires_in;
    }
    ResponseTemplate::new(200).set_body_json(body)
}

fn config(server: &MockServer) -> TokenSourceConfigBuilder {
    TokenSourceConfig::builder()
        .client_id("wink-client")
        .client_secret(SECRET)
        .token_url(format!("{}{TOKEN_PATH}", server.uri()))
        .scopes(["marketing.read", "content.read"])
        .max_backoff(Duration::from_millis(20))
}

fn source(server: &MockServer) -> TokenSource {
    TokenSource::new(config(server).build().unwrap()).unwrap()
}

async fn mount(server: &MockServer, response: ResponseTemplate, times: Option<u64>) {
    let mock = Mock::given(method("POST")).and(path(TOKEN_PATH)).respond_with(response);
    let mock = match times {
        Some(n) => mock.up_to_n_times(n),
        None => mock,
    };
    mock.mount(server).await;
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

async fn header(source: &TokenSource) -> Result<String, AuthError> {
    source.authorization().await.map(|h| h.to_str().unwrap().to_string())
}

/// Moves tokio's clock forward by `by` without sleeping: pause, advance, resume.
async fn jump(by: Duration) {
    tokio::time::pause();
    tokio::time::advance(by).await;
    tokio::time::resume();
}

#[tokio::test]
async fn one_token_is_cached_and_its_header_is_sensitive() {
    let server = MockServer::builder().start().await;
    mount(&server, token("tok-1", json!(3600)), None).await;
    let s = source(&server);
    let first = s.authorization().await.unwrap();
    assert_eq!(first, "Bearer tok-1");
    assert!(first.is_sensitive());
    assert_eq!(header(&s).await.unwrap(), "Bearer tok-1");
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn the_wire_request_is_rfc_6749_basic_auth_with_sorted_scopes() {
    let server = MockServer::builder().start().await;
    mount(&server, token("tok-1", json!(3600)), None).await;
    source(&server).authorization().await.unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    use base64::Engine as _;
    // RFC 6749 §2.3.1: each part form-urlencoded before base64; a space as %20, which every
    // form decoder reads as a space and strict servers (oidc-provider) require.
    let urlencoded =
        |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20");
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("wink-client:{}", urlencoded(SECRET)))
    );
    assert_eq!(request.headers.get("authorization").unwrap().as_bytes(), expected.as_bytes());
    assert_eq!(request.headers.get("content-type").unwrap(), "application/x-www-form-urlencoded");
    let body = String::from_utf8(request.body.clone()).unwrap();
    let form: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes()).into_owned().collect();
    assert_eq!(
        form,
        [
            ("grant_type".into(), "client_credentials".into()),
            ("scope".into(), "content.read marketing.read".into())
        ]
    );
    assert!(!body.contains("s3cr3t") && !body.contains("client_secret"), "{body}");
}

#[tokio::test]
async fn request_body_client_auth_puts_the_credentials_in_the_form() {
    let server = MockServer::builder().start().await;
    mount(&server, token("tok-1", json!(3600)), None).await;
    let s = TokenSource::new(config(&server).client_auth(ClientAuthMethod::RequestBody).build().unwrap())
        .unwrap();
    s.authorization().await.unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    assert!(request.headers.get("authorization").is_none());
    let form: Vec<(String, String)> = form_urlencoded::parse(&request.body).into_owned().collect();
    assert!(form.contains(&("client_id".into(), "wink-client".into())));
    assert!(form.contains(&("client_secret".into(), SECRET.into())));
}

#[tokio::test]
async fn a_thousand_callers_on_a_cold_cache_cause_one_token_request() {
    let server = MockServer::builder().start().await;
    mount(&server, token("tok-1", json!(3600)).set_delay(Duration::from_millis(100)), None).await;
    let s = source(&server);
    let results = join_all((0..1000).map(|_| header(&s))).await;
    assert!(results.iter().all(|r| r.as_deref() == Ok("Bearer tok-1")));
    assert_eq!(requests(&server).await, 1);
    assert_eq!(s.token_requests(), 1);
}

#[tokio::test]
async fn the_early_window_refreshes_in_the_background_without_blocking_callers() {
    let server = MockServer::builder().start().await;
    mount(&server, token("tok-1", json!(3600)), Some(1)).await;
    mount(&server, token("tok-2", json!(3600)).set_delay(Duration::from_millis(300)), None).await;
    let s = source(&server);
    assert_eq!(header(&s).await.unwrap(), "Bearer tok-1");

    // 3450 s: past the jittered soft point (at most 3420 s), before the hard one (3570 s).
    jump(Duration::from_secs(3450)).await;
    let during = join_all((0..100).map(|_| header(&s))).await;
    assert!(during.iter().all(|r| r.as_deref() == Ok("Bearer tok-1")), "callers were not kept waiting");

    let mut refreshed = false;
    for _ in 0..200 {
        if header(&s).await.unwrap() == "Bearer tok-2" {
            refreshed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(refreshed, "the background refresh completed");
    assert_eq!(requests(&server).await, 2, "exactly one background refresh");
}

#[tokio::test]
async fn at_expiry_a_thousand_callers_cause_one_refresh() {
    let server = MockServer::builder().start().await;
    mount(&server, token("tok-1", json!(3600)), Some(1)).await;
    mount(&server, token("tok-2", json!(3600)).set_delay(Duration::from_millis(50)), None).await;
    let s = source(&server);
    header(&s).await.unwrap();
    jump(Duration::from_secs(3700)).await;
    let results = join_all((0..1000).map(|_| header(&s))).await;
    assert!(results.iter().all(|r| r.as_deref() == Ok("Bearer tok-2")));
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn a_burst_of_401s_invalidates_the_token_once() {
    let server = MockServer::builder().start().await;
    mount(&server, token("tok-1", json!(3600)), Some(1)).await;
    mount(&server, token("tok-2", json!(3600)).set_delay(Duration::from_millis(50)), None).await;
    let s = source(&server);
    let rejected = s.authorization().await.unwrap();
    let replays = join_all((0..200).map(|_| {
        let (s, rejected) = (s.clone(), rejected.clone());
        async move {
            s.invalidate(&rejected);
            header(&s).await
        }
    }))
    .await;
    assert!(replays.iter().all(|r| r.as_deref() == Ok("Bearer tok-2")));
    // A late 401 for the old token does not throw the new one away.
    s.invalidate(&rejected);
    assert_eq!(header(&s).await.unwrap(), "Bearer tok-2");
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn transient_failures_are_retried() {
    let server = MockServer::builder().start().await;
    mount(&server, ResponseTemplate::new(503), Some(1)).await;
    mount(&server, ResponseTemplate::new(408), Some(1)).await;
    mount(&server, token("tok-1", json!(3600)), None).await;
    assert_eq!(header(&source(&server)).await.unwrap(), "Bearer tok-1");
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test]
async fn retry_after_is_honoured_and_a_delay_past_the_cap_gives_up() {
    let server = MockServer::builder().start().await;
    mount(&server, ResponseTemplate::new(429).insert_header("retry-after", "1"), Some(1)).await;
    mount(&server, token("tok-1", json!(3600)), None).await;
    let s = TokenSource::new(config(&server).max_backoff(Duration::from_secs(5)).build().unwrap()).unwrap();
    let started = std::time::Instant::now();
    assert_eq!(header(&s).await.unwrap(), "Bearer tok-1");
    assert!(started.elapsed() >= Duration::from_secs(1), "waited for Retry-After");

    let server = MockServer::builder().start().await;
    mount(&server, ResponseTemplate::new(429).insert_header("retry-after", "3600"), None).await;
    let err = header(&source(&server)).await.unwrap_err();
    assert_eq!(err, AuthError::Status { status: 429, retry_after: Some(Duration::from_secs(3600)) });
    assert_eq!(requests(&server).await, 1, "not retried sooner than the server asked");
}

#[tokio::test]
async fn a_failing_endpoint_costs_the_retry_budget_and_every_caller_gets_the_same_error() {
    let server = MockServer::builder().start().await;
    mount(&server, ResponseTemplate::new(503).set_delay(Duration::from_millis(20)), None).await;
    let s = source(&server);
    let results = join_all((0..100).map(|_| header(&s))).await;
    let expected = AuthError::Status { status: 503, retry_after: None };
    assert!(results.iter().all(|r| r.as_ref().err() == Some(&expected)), "{:?}", results[0]);
    assert_eq!(requests(&server).await, 3, "one flight, three attempts");
}

#[tokio::test]
async fn oauth_errors_are_not_retried_and_are_remembered() {
    let server = MockServer::builder().start().await;
    let refused =
        ResponseTemplate::new(401).insert_header("www-authenticate", "Basic realm=\"wink\"").set_body_json(
            json!({"error": "invalid_client", "error_description": "client authentication failed"}),
        );
    mount(&server, refused, None).await;
    let s = source(&server);
    let results = join_all((0..1000).map(|_| header(&s))).await;
    let expected = AuthError::OAuth {
        code: "invalid_client".into(),
        description: Some("client authentication failed".into()),
    };
    assert!(results.iter().all(|r| r.as_ref().err() == Some(&expected)), "{:?}", results[0]);
    assert_eq!(header(&s).await.unwrap_err(), expected, "remembered");
    assert_eq!(requests(&server).await, 1);
    assert_eq!(expected.to_string(), "token request refused: invalid_client: client authentication failed");

    let server = MockServer::builder().start().await;
    mount(&server, ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_scope"})), None).await;
    assert_eq!(header(&source(&server)).await.unwrap_err().oauth_code(), Some("invalid_scope"));
}

#[tokio::test]
async fn a_valid_token_is_served_through_a_transient_outage() {
    let server = MockServer::builder().start().await;
    mount(&server, token("tok-1", json!(3600)), Some(1)).await;
    mount(&server, ResponseTemplate::new(503), None).await;
    let s = source(&server);
    header(&s).await.unwrap();
    jump(Duration::from_secs(3580)).await; // past the hard point, 20 s before expiry
    assert_eq!(header(&s).await.unwrap(), "Bearer tok-1");
    jump(Duration::from_secs(30)).await; // expired
    assert_eq!(header(&s).await.unwrap_err(), AuthError::Status { status: 503, retry_after: None });
}

#[tokio::test]
async fn unusable_responses_are_protocol_errors_that_quote_no_body() {
    let cases = [
        (ResponseTemplate::new(200).set_body_raw("<html>login</html>", "text/html"), "Content-Type"),
        (
            ResponseTemplate::new(200).set_body_raw("{\"access_token\": \"leaked-tok\",", "application/json"),
            "malformed",
        ),
        (
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "leaked-tok", "token_type": "mac"})),
            "token_type `mac` is not bearer",
        ),
        (
            ResponseTemplate::new(200).set_body_json(
                json!({"access_token": "leaked-tok", "token_type": "bearer", "expires_in": "soon"}),
            ),
            "malformed token response (at `expires_in`)",
        ),
        (
            ResponseTemplate::new(302).insert_header("location", "http://127.0.0.1:9/steal"),
            "redirects are not followed",
        ),
    ];
    for (response, expected) in cases {
        let server = MockServer::builder().start().await;
        mount(&server, response, None).await;
        let err = header(&source(&server)).await.unwrap_err();
        assert!(matches!(err, AuthError::Protocol { .. }), "{err:?}");
        let shown = format!("{err} {err:?}");
        assert!(shown.contains(expected), "{shown}");
        assert!(!shown.contains("leaked-tok"), "{shown}");
        assert_eq!(requests(&server).await, 1, "{expected}: not retried");
    }
}

#[tokio::test]
async fn every_expires_in_shape_is_accepted_and_scheduled() {
    // (expires_in, jump after the first token, token requests after a second call)
    let cases = [
        (json!(0), 2, 2),
        (json!(1), 2, 2),
        (json!("3600"), 3000, 1),
        (json!("3600"), 3700, 2),
        (json!(null), 200, 1),
        (json!(null), 301, 2),
        (json!(-30), 2, 2),
        (json!(9_000_000_000i64), 86_000, 1),
        (json!(9_000_000_000i64), 86_500, 2),
    ];
    for (expires_in, after, expected) in cases {
        let server = MockServer::builder().start().await;
        mount(&server, token("tok", expires_in.clone()), None).await;
        let s = source(&server);
        header(&s).await.unwrap();
        jump(Duration::from_secs(after)).await;
        header(&s).await.unwrap();
        assert_eq!(requests(&server).await, expected, "expires_in {expires_in} then +{after}s");
    }
}

#[tokio::test]
async fn a_stalled_endpoint_times_out() {
    let server = MockServer::builder().start().await;
    mount(&server, token("tok", json!(3600)).set_delay(Duration::from_secs(5)), None).await;
    let s = TokenSource::new(
        config(&server).request_timeout(Duration::from_millis(200)).max_attempts(1).build().unwrap(),
    )
    .unwrap();
    let err = header(&s).await.unwrap_err();
    assert!(matches!(err, AuthError::Transport { timeout: true, .. }), "{err:?}");
}

#[tokio::test]
async fn a_cancelled_caller_does_not_cancel_the_refresh() {
    let server = MockServer::builder().start().await;
    mount(&server, token("tok-1", json!(3600)).set_delay(Duration::from_millis(200)), None).await;
    let s = source(&server);
    assert!(tokio::time::timeout(Duration::from_millis(20), s.authorization()).await.is_err());
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(header(&s).await.unwrap(), "Bearer tok-1");
    assert_eq!(requests(&server).await, 1);
}

/// A `tracing` writer that keeps everything in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_display_debug_or_trace_log_contains_a_secret_or_a_token() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::builder().start().await;
    mount(&server, token("tok-secret-value", json!(3600)), Some(1)).await;
    mount(&server, ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_client"})), None).await;
    let builder = config(&server);
    let shown_builder = format!("{builder:?}");
    let config = builder.build().unwrap();
    let s = TokenSource::new(config.clone()).unwrap();
    let header = s.authorization().await.unwrap();
    s.invalidate(&header);
    let err = s.authorization().await.unwrap_err();

    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "wink-client:{}",
        form_urlencoded::byte_serialize(SECRET.as_bytes()).collect::<String>()
    ));
    let shown = [
        shown_builder,
        format!("{config:?}"),
        format!("{s:?}"),
        format!("{header:?}"),
        format!("{err} {err:?}"),
        String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned(),
    ];
    for text in shown {
        for secret in ["s3cr3t", "tok-secret-value", basic.as_str()] {
            assert!(!text.contains(secret), "{secret:?} leaked in: {text}");
        }
    }
    assert!(!logs.0.lock().unwrap().is_empty(), "trace logging was captured");
}
