//! Requests the generated client can be asked to make wrongly: either it refuses them before
//! anything is sent (typed `Error::InvalidRequest`), or the server's rejection reaches the
//! caller as a typed error carrying what was wrong (here Prism's findings, checked against the
//! spec).

use progenitor_client::Error;
use serde_json::json;
use wink_api::affiliate::{Client, types};
use wink_api::{BearerToken, ClientContext};
use wiremock::{Mock, MockServer, ResponseTemplate, matchers::any};

fn token() -> BearerToken {
    BearerToken::new("invalid-requests").expect("a valid header value")
}

async fn recorder() -> (MockServer, Client) {
    let server = MockServer::builder().start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(json!([]))).mount(&server).await;
    let client = Client::new(&server.uri(), ClientContext::with_authorizer(token()));
    (server, client)
}

#[tokio::test]
async fn an_empty_path_parameter_is_refused_before_sending() {
    let (server, client) = recorder().await;
    let result = client.show_inventory_maps().managing_entity_identifier("").send().await;
    match result {
        Err(Error::InvalidRequest(message)) => {
            assert!(
                message.contains("show_inventory_maps") && message.contains("path parameter is empty"),
                "{message}"
            )
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing may be sent");
    // The same call with a value goes out.
    client.show_inventory_maps().managing_entity_identifier("owner-1").send().await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_missing_path_parameter_or_required_body_field_is_refused_before_sending() {
    let (server, client) = recorder().await;
    let missing_parameter = client.show_inventory_maps().send().await;
    assert!(
        matches!(&missing_parameter, Err(Error::InvalidRequest(m)) if m.contains("managing_entity_identifier")),
        "{missing_parameter:?}"
    );
    let missing_body = client.create_inventory_map().managing_entity_identifier("owner-1").send().await;
    assert!(
        matches!(&missing_body, Err(Error::InvalidRequest(m)) if m.contains("no value supplied")),
        "{missing_body:?}"
    );
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing may be sent");
}

/// `format: email` is not enforced by the generated type (a `String`), so the client sends a
/// malformed address; Prism rejects it and the caller gets a typed 400 whose headers say why.
#[tokio::test]
async fn a_rejection_by_the_server_is_a_typed_error_response() {
    let client =
        Client::new(&wink_tests::prism_base_url("affiliate"), ClientContext::with_authorizer(token()));
    let body: types::UpsertManagedSocialSettingsRequestManagingEntity = serde_json::from_value(json!({
        "customizationIdentifier": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "notificationEmail": "not-an-email",
        "notificationName": "Hotel X"
    }))
    .unwrap();
    let result = client
        .create_managed_social_settings()
        .managing_entity_identifier("company-1")
        .body(body)
        .send()
        .await;
    let Err(Error::ErrorResponse(response)) = result else {
        panic!("expected a documented error response, got {result:?}");
    };
    assert_eq!(response.status().as_u16(), 400);
    let violations = wink_tests::request_violations(response.headers());
    assert!(
        violations.iter().any(|v| v.starts_with("request.body.notificationEmail") && v.contains("email")),
        "{violations:?}"
    );
}
