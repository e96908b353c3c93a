//! `ApiError` from what servers really send on failure: a ProblemDetail, an HTML 500, an
//! HTML or empty 4xx (from a proxy), a malformed success body, a retried 503.

use std::time::Duration;

use wink_api::affiliate::Client;
use wink_api::{ApiError, ClientContext, ErrorKind, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MAPS: &str = "/api/managing-entity/me/studio/map/list";

async fn call(response: ResponseTemplate) -> (ApiError, MockServer) {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET")).and(path(MAPS)).respond_with(response).mount(&server).await;
    let policy = RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(2));
    let client = Client::new(&server.uri(), ClientContext::default().with_retry_policy(policy));
    let error =
        client.show_inventory_maps().managing_entity_identifier("me").send().await.map(|_| ()).unwrap_err();
    (ApiError::from(error), server)
}

#[tokio::test]
async fn a_problem_detail_is_decoded_with_its_request_id() {
    let (error, _server) = call(
        ResponseTemplate::new(403).insert_header("x-request-id", "req-42").set_body_json(serde_json::json!({
            "type": "https://wink.travel/problems/scope", "title": "Forbidden",
            "status": 403, "detail": "missing scope marketing.read", "instance": "/api/x"
        })),
    )
    .await;
    assert_eq!(error.kind(), ErrorKind::Problem);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    let problem = error.problem().unwrap();
    assert_eq!(problem.detail.as_deref(), Some("missing scope marketing.read"));
    assert_eq!(problem.type_.as_deref(), Some("https://wink.travel/problems/scope"));
    assert_eq!(error.request_id(), Some("req-42"));
    assert_eq!(error.attempts(), Some(1));
    assert!(!error.is_retryable() && !error.was_retried());
    assert_eq!(
        error.to_string(),
        "403 Forbidden: Forbidden: missing scope marketing.read (request id req-42)"
    );
}

#[tokio::test]
async fn an_html_500_is_a_typed_error_with_its_status_and_no_body_in_the_message() {
    let (error, _server) = call(
        ResponseTemplate::new(500)
            .set_body_raw("<html><body>Whitelabel Error Page</body></html>", "text/html"),
    )
    .await;
    assert_eq!(error.kind(), ErrorKind::UnexpectedStatus);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert!(!error.to_string().contains("html"), "{error}");
}

#[tokio::test]
async fn an_html_or_empty_4xx_still_yields_a_problem_with_its_status() {
    let (error, _server) = call(
        ResponseTemplate::new(400).set_body_raw("<html>Request rejected by firewall</html>", "text/html"),
    )
    .await;
    assert_eq!(error.kind(), ErrorKind::Problem);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    let detail = error.problem().and_then(|p| p.detail.clone()).unwrap();
    assert!(detail.contains("text/html") && detail.contains("41 bytes"), "{detail}");
    assert!(!error.to_string().contains("firewall"), "{error}");

    let (error, _server) = call(ResponseTemplate::new(401)).await;
    assert_eq!(error.kind(), ErrorKind::Problem);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(error.problem().and_then(|p| p.title.as_deref()), Some("Unauthorized"));
}

#[tokio::test]
async fn a_malformed_success_body_is_an_invalid_response_with_a_bounded_excerpt() {
    let body = format!("[{{\"name\": \"{}\"", "x".repeat(5000));
    let (error, _server) = call(ResponseTemplate::new(200).set_body_raw(body, "application/json")).await;
    assert_eq!(error.kind(), ErrorKind::InvalidResponse);
    assert!(error.body_excerpt().unwrap().len() < 300);
    assert!(!error.to_string().contains("xxxxxxxxxx"), "{error}");
}

#[tokio::test]
async fn a_retried_503_says_how_many_attempts_it_took() {
    let (error, server) = call(ResponseTemplate::new(503)).await;
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    assert_eq!(error.attempts(), Some(3));
    assert!(error.was_retried() && error.is_retryable());
    assert!(error.to_string().ends_with("after 3 attempts"), "{error}");
}
