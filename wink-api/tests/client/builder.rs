//! `Client::builder()` end to end: client credentials exchanged at the configured token
//! endpoint, the bearer and user agent on API requests, the environment's hosts.

use wink_api::affiliate::Client;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_built_client_authenticates_and_identifies_itself() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains("scope=content.read"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "built-token", "token_type": "Bearer", "expires_in": 3600
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/managing-entity/me/studio/map/list"))
        .and(header("authorization", "Bearer built-token"))
        .and(header("user-agent", "booking-service/4.2"))
        .and(header("wink-version", "2.0"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .expect(2)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .token_url(format!("{}/oauth2/token", server.uri()))
        .credentials("svc", "s3cret")
        .scopes(["content.read"])
        .user_agent("booking-service/4.2")
        .build()
        .unwrap();
    for _ in 0..2 {
        let maps = client.show_inventory_maps().managing_entity_identifier("me").send().await.unwrap();
        assert!(maps.is_empty());
    }
}

/// A server whose maps answer after `delay`.
async fn slow_maps(delay: std::time::Duration) -> MockServer {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])).set_delay(delay))
        .mount(&server)
        .await;
    server
}

/// A built client's attempt timeout is its HTTP client's own (so requests carry none), and
/// a copy with another timeout, or with none, overrides it.
#[tokio::test]
async fn a_built_client_times_out_attempts_and_its_copies_choose_their_own_limit() {
    use std::time::Duration;
    let server = slow_maps(Duration::from_millis(700)).await;
    let client = Client::builder()
        .base_url(server.uri())
        .attempt_timeout(Duration::from_millis(150))
        .retry_policy(wink_api::RetryPolicy::disabled())
        .build()
        .unwrap();
    let show = |client: Client| async move {
        client.show_inventory_maps().managing_entity_identifier("me").send().await
    };
    let error = show(client.clone()).await.unwrap_err();
    assert!(matches!(&error, progenitor_client::Error::CommunicationError(e) if e.is_timeout()), "{error:?}");

    show(client.with_attempt_timeout(Duration::from_secs(5))).await.expect("a longer limit for the copy");
    show(client.with_attempt_timeout(None)).await.expect("no limit for the copy");
    let shorter = show(client.with_attempt_timeout(Duration::from_millis(50))).await.unwrap_err();
    assert!(
        matches!(&shorter, progenitor_client::Error::CommunicationError(e) if e.is_timeout()),
        "{shorter:?}"
    );

    let unlimited = Client::builder().base_url(server.uri()).attempt_timeout(None).build().unwrap();
    show(unlimited).await.expect("built without a limit");
}
