//! The retry and timeout rules of the client's `exec` seam, by fault injection (wiremock):
//! which statuses and failures are retried, for which methods, how `Retry-After` is honoured,
//! when the client gives up, and that per-client overrides apply.

use std::time::Duration;

use progenitor_client::Error;
use wink_api::affiliate::Client;
use wink_api::{ClientContext, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MAPS: &str = "/api/managing-entity/me/studio/map/list";
const SEARCH: &str = "/api/managing-entity/me/studio/supplier/grid";

/// Fast backoff, so real-time tests take milliseconds.
fn quick() -> RetryPolicy {
    RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(5))
}

fn client(server: &MockServer, policy: RetryPolicy) -> Client {
    Client::new(&server.uri(), ClientContext::default().with_retry_policy(policy))
}

/// `GET MAPS` answers `status` `failures` times, then 200 `[]`.
async fn flaky(status: u16, failures: u64, retry_after: Option<&str>) -> MockServer {
    let server = MockServer::builder().start().await;
    // A ProblemDetail body, so that documented 4xx statuses decode as `ErrorResponse`.
    let mut failure = ResponseTemplate::new(status)
        .set_body_json(serde_json::json!({"title": "failure", "status": status}));
    if let Some(value) = retry_after {
        failure = failure.insert_header("retry-after", value);
    }
    if failures > 0 {
        Mock::given(method("GET"))
            .and(path(MAPS))
            .respond_with(failure)
            .up_to_n_times(failures)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(MAPS))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .mount(&server)
        .await;
    server
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

async fn show_maps(client: &Client) -> Result<(), Error<wink_api::affiliate::types::ProblemDetail>> {
    client.show_inventory_maps().managing_entity_identifier("me").send().await.map(|_| ())
}

#[tokio::test]
async fn transient_statuses_are_retried_until_success() {
    for status in [408, 429, 502, 503, 504] {
        let server = flaky(status, 2, None).await;
        show_maps(&client(&server, quick())).await.unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(requests(&server).await, 3, "{status}: two failures, then success");
    }
}

#[tokio::test]
async fn gives_up_after_the_last_attempt_with_the_last_response() {
    let server = flaky(503, 10, None).await;
    let error = show_maps(&client(&server, quick().with_max_attempts(4))).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503), "{error:?}");
    assert_eq!(requests(&server).await, 4);
}

#[tokio::test]
async fn a_non_retryable_status_returns_at_once() {
    for status in [400, 401, 403, 404, 500] {
        let server = flaky(status, 1, None).await;
        let error = show_maps(&client(&server, quick())).await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(requests(&server).await, 1, "{status} is not retried");
    }
}

async fn search_server(failures: u64) -> MockServer {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path(SEARCH))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(failures)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(SEARCH))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"content": []})))
        .mount(&server)
        .await;
    server
}

async fn search(client: &Client) -> Result<(), Error<wink_api::affiliate::types::ProblemDetail>> {
    let state: wink_api::affiliate::types::StateManagingEntity = serde_json::from_str("{}").unwrap();
    client.browse_suppliers().managing_entity_identifier("me").body(state).send().await.map(|_| ())
}

#[tokio::test]
async fn post_is_not_retried_unless_the_caller_opts_in() {
    let server = search_server(1).await;
    let error = search(&client(&server, quick())).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(requests(&server).await, 1, "POST is not retried by default");

    let server = search_server(1).await;
    let result = search(&client(&server, quick().with_non_idempotent_retries(true))).await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(requests(&server).await, 2, "opted in: retried once");
}

#[tokio::test]
async fn retry_after_seconds_is_honoured() {
    let server = flaky(429, 1, Some("20")).await;
    // No timers besides the backoff: no timeouts (progenitor's `Client::new` sets 15 s ones)
    // and no idle pool (90 s expiry): with time paused, an idle wait on the socket would jump
    // the clock to them.
    let http = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let client = Client::new_with_client(
        &server.uri(),
        http,
        ClientContext::default().with_retry_policy(RetryPolicy::default()).with_attempt_timeout(None),
    );
    tokio::time::pause();
    let started = tokio::time::Instant::now();
    show_maps(&client).await.unwrap();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(20), "waited {waited:?}, Retry-After said 20 s");
    assert!(waited < Duration::from_secs(21), "waited {waited:?}: Retry-After replaces the backoff");
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let at = std::time::SystemTime::now() + Duration::from_secs(2);
    let server = flaky(503, 1, Some(&httpdate::fmt_http_date(at))).await;
    let started = std::time::Instant::now();
    show_maps(&client(&server, quick())).await.unwrap();
    // The date has one-second resolution: at least one second is left when it is read.
    assert!(started.elapsed() >= Duration::from_millis(900), "{:?}", started.elapsed());
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn retry_after_beyond_the_cap_ends_the_retries() {
    let server = flaky(503, 1, Some("3600")).await;
    let error = show_maps(&client(&server, quick())).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(requests(&server).await, 1, "retrying before the server's hour would ignore it");
}

#[tokio::test]
async fn a_timed_out_attempt_is_retried() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .and(path(MAPS))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!([])).set_delay(Duration::from_secs(5)),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(MAPS))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .mount(&server)
        .await;
    let client = Client::new(
        &server.uri(),
        ClientContext::default().with_retry_policy(quick()).with_attempt_timeout(Duration::from_millis(300)),
    );
    show_maps(&client).await.unwrap();
    assert_eq!(requests(&server).await, 2);

    let only_slow = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&only_slow)
        .await;
    let client = Client::new(
        &only_slow.uri(),
        ClientContext::default()
            .with_retry_policy(quick().with_max_attempts(2))
            .with_attempt_timeout(Duration::from_millis(200)),
    );
    let error = show_maps(&client).await.unwrap_err();
    assert!(matches!(&error, Error::CommunicationError(e) if e.is_timeout()), "{error:?}");
    assert_eq!(requests(&only_slow).await, 2);
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let client =
        Client::new(&format!("http://{address}"), ClientContext::default().with_retry_policy(quick()));
    let error = show_maps(&client).await.unwrap_err();
    assert!(matches!(&error, Error::CommunicationError(e) if e.is_connect()), "{error:?}");
}

#[tokio::test]
async fn a_per_call_override_applies_to_that_client_only() {
    let server = flaky(503, 1, None).await;
    let base = client(&server, quick());
    let error = show_maps(&base.with_retry_policy(RetryPolicy::disabled())).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(requests(&server).await, 1);
    show_maps(&base).await.unwrap();
}

#[tokio::test]
async fn requests_carry_the_user_agent() {
    let server = flaky(503, 0, None).await;
    show_maps(&client(&server, quick())).await.unwrap();
    let sent = &server.received_requests().await.unwrap()[0];
    let expected = format!("wink-rs/{} (api 30.49.0)", env!("CARGO_PKG_VERSION"));
    assert_eq!(sent.headers.get("user-agent").unwrap().to_str().unwrap(), expected);
}

/// The span of each operation says what happened without headers or bodies.
#[tokio::test]
async fn each_operation_runs_in_a_span_with_status_and_attempts() {
    use std::sync::{Arc, Mutex};

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
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = flaky(503, 1, None).await;
    let client = Client::new(
        &server.uri(),
        ClientContext::with_authorizer(wink_api::BearerToken::new("span-secret").unwrap())
            .with_retry_policy(quick()),
    );
    show_maps(&client).await.unwrap();
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("wink.request"), "{log}");
    assert!(log.contains("operation=\"show_inventory_maps\""), "{log}");
    assert!(log.contains("method=GET") && log.contains("status=200") && log.contains("attempts=2"), "{log}");
    assert!(log.contains("duration_ms="), "{log}");
    assert!(
        log.contains("path=\"/api/managing-entity/{managingEntityIdentifier}/studio/map/list\""),
        "{log}"
    );
    assert!(!log.contains("span-secret") && !log.contains("uniqueId"), "no headers or bodies: {log}");
}
