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
