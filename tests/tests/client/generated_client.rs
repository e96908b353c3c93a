//! The generated clients against a loopback HTTP server (wiremock): what they send on the
//! wire (the headers the normalisation took out of every operation, credentials, multipart
//! bodies) and that responses a real server may send decode instead of failing.

use std::future::Future;
use std::pin::Pin;

use progenitor_client::ResponseValue;
use serde_json::json;
use wink_api::affiliate::types::{
    InventoryMapManagingEntity, InventoryMapManagingEntityType, InventoryMapManagingEntityTypeKnown,
    ProblemDetail,
};
use wink_api::{Authorize, AuthorizeError, BearerToken, ClientContext};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const MAPS: &str = "/api/managing-entity/me/studio/map/list";

/// A map as the spec describes it: every required field, nothing else.
fn map(overrides: serde_json::Value) -> serde_json::Value {
    let mut map = json!({
        "center": {"type": "Point", "coordinates": [1.5, 2.5]},
        "customizationIdentifier": "7b0e5f5e-5d5c-4c4b-8a8a-1a2b3c4d5e6f",
        "displayType": "NATIVE",
        "draggable": true,
        "initialZoomLevel": 15,
        "mapHeight": 500,
        "mapMarkerColor": "cc2138",
        "mapStyle": "normal",
        "name": "My lovely map",
        "ownerIdentifier": "1b0e5f5e-5d5c-4c4b-8a8a-1a2b3c4d5e6f",
        "type": "LIST",
        "typeIdentifier": "2b0e5f5e-5d5c-4c4b-8a8a-1a2b3c4d5e6f",
        "zoomable": true
    });
    for (k, v) in overrides.as_object().unwrap() {
        if v.is_null() {
            map.as_object_mut().unwrap().remove(k);
        } else {
            map[k] = v.clone();
        }
    }
    map
}

/// A server answering `GET MAPS` with `response`.
async fn serve(response: ResponseTemplate) -> MockServer {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET")).and(path(MAPS)).respond_with(response).mount(&server).await;
    server
}

async fn serve_maps(body: serde_json::Value) -> MockServer {
    serve(ResponseTemplate::new(200).set_body_json(body)).await
}

fn client(server: &MockServer, context: ClientContext) -> wink_api::affiliate::Client {
    wink_api::affiliate::Client::new(&server.uri(), context)
}

/// `showInventoryMaps` for managing entity `me`, without credentials.
async fn list_maps(
    server: &MockServer,
) -> Result<ResponseValue<Vec<InventoryMapManagingEntity>>, progenitor_client::Error<ProblemDetail>> {
    client(server, ClientContext::default())
        .show_inventory_maps()
        .managing_entity_identifier("me")
        .send()
        .await
}

#[tokio::test]
async fn every_request_carries_wink_version_and_accept_and_no_progenitor_version() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .and(path(MAPS))
        .and(header("wink-version", "2.0"))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([map(json!({}))])))
        .expect(1)
        .mount(&server)
        .await;
    let maps = list_maps(&server).await.expect("the mock only answers requests with both headers");
    assert_eq!(maps.len(), 1);
    assert_eq!(maps[0].name, "My lovely map");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].headers.get_all("wink-version").iter().count(), 1);
    assert!(requests[0].headers.get("api-version").is_none(), "progenitor's own header is dropped");
    assert!(requests[0].headers.get("authorization").is_none());
}

struct FailingAuthorizer;

impl Authorize for FailingAuthorizer {
    fn authorize<'a>(
        &'a self,
        _request: &'a mut reqwest::Request,
    ) -> Pin<Box<dyn Future<Output = Result<(), AuthorizeError>> + Send + 'a>> {
        Box::pin(async { Err(AuthorizeError::new("token endpoint unreachable")) })
    }
}

#[tokio::test]
async fn the_context_authorizer_adds_credentials_to_every_request() {
    let server = serve_maps(json!([])).await;
    let c = client(&server, ClientContext::with_authorizer(BearerToken::new("t0ken").unwrap()));
    c.show_inventory_maps().managing_entity_identifier("me").send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].headers.get("authorization").unwrap(), "Bearer t0ken");
}

#[tokio::test]
async fn a_failing_authorizer_fails_the_call_and_sends_nothing() {
    let server = serve_maps(json!([])).await;
    let c = client(&server, ClientContext::with_authorizer(FailingAuthorizer));
    let err = c.show_inventory_maps().managing_entity_identifier("me").send().await.unwrap_err();
    assert!(
        matches!(&err, progenitor_client::Error::Custom(m) if m.contains("token endpoint unreachable")),
        "{err}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn responses_decode_whatever_the_server_legitimately_sends() {
    let body = json!([
        map(json!({"type": "CAROUSEL", "name": "", "mapHeight": 0, "addedLater": {"x": 1}})),
        map(json!({"createdDate": null, "version": null, "id": null})),
        map(json!({})),
    ]);
    let server = serve_maps(body).await;
    let maps = list_maps(&server).await.expect(
        "an added enum value, an empty minLength:1 string, minimum:1 = 0, unknown fields and nulls decode",
    );
    assert!(matches!(&maps[0].type_, InventoryMapManagingEntityType::Other(v) if v == "CAROUSEL"));
    assert_eq!(maps[0].name, "");
    assert_eq!(maps[0].map_height, 0);
    assert!(maps[1].created_date.is_none(), "a missing date-time once defaulted to \"\" and panicked");
    assert!(matches!(
        maps[2].type_,
        InventoryMapManagingEntityType::Known(InventoryMapManagingEntityTypeKnown::List)
    ));
}

/// A syndication entry as the spec describes it (`uniqueId` is `minLength: 5, maxLength: 5`,
/// a description's `language` `minLength: 2, maxLength: 2`).
fn syndication_entry(unique_id: &str, language: &str) -> serde_json::Value {
    json!({
        "contentUrl": "https://www.google.com",
        "descriptions": [{"name": "A title", "description": "A longer text.", "language": language}],
        "ownerIdentifier": "1b0e5f5e-5d5c-4c4b-8a8a-1a2b3c4d5e6f",
        "sort": 0,
        "status": "ACTIVE",
        "title": "Google",
        "type": "WEB_LINK",
        "uniqueId": unique_id,
        "userIdentifier": "2b0e5f5e-5d5c-4c4b-8a8a-1a2b3c4d5e6f"
    })
}

#[tokio::test]
async fn strings_longer_or_shorter_than_their_documented_limits_decode() {
    // The spec's own example for `uniqueId` ("https://trvl.as/Hbgt56") breaks its `maxLength: 5`;
    // a client that enforced the limits would fail on the server's documented answer.
    let server = MockServer::builder().start().await;
    let body = json!([
        syndication_entry("https://trvl.as/Hbgt56", "en-GB"),
        syndication_entry("ab", "e"),
        syndication_entry("Hbgt5", "en"),
    ]);
    let list = "/api/managing-entity/me/wink-links/syndication/entry/list";
    Mock::given(method("GET"))
        .and(path(list))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let entries = client(&server, ClientContext::default())
        .show_syndication_entry_list()
        .managing_entity_identifier("me")
        .send()
        .await
        .expect("strings outside maxLength/minLength decode");
    let unique_ids: Vec<_> = entries.iter().map(|e| e.unique_id.as_deref()).collect();
    assert_eq!(unique_ids, [Some("https://trvl.as/Hbgt56"), Some("ab"), Some("Hbgt5")]);
    let languages: Vec<_> = entries.iter().map(|e| e.descriptions[0].language.as_str()).collect();
    assert_eq!(languages, ["en-GB", "e", "en"]);

    // The same for numbers: `initialZoomLevel` is documented as 0..=21.
    let server = serve_maps(json!([map(json!({"initialZoomLevel": 30}))])).await;
    let maps = list_maps(&server).await.expect("a number above its documented maximum decodes");
    assert_eq!(maps[0].initial_zoom_level, 30);
}

#[tokio::test]
async fn a_400_decodes_its_problem_detail() {
    let problem = json!({"type": "about:blank", "title": "Bad Request", "status": 400, "detail": "name must not be blank"});
    let server = serve(ResponseTemplate::new(400).set_body_json(problem)).await;
    let err = list_maps(&server).await.unwrap_err();
    let progenitor_client::Error::ErrorResponse(problem) = err else {
        panic!("expected a typed error: {err}")
    };
    assert_eq!(problem.status().as_u16(), 400);
    assert_eq!(problem.title.as_deref(), Some("Bad Request"));
    assert_eq!(problem.detail.as_deref(), Some("name must not be blank"));
}

#[tokio::test]
async fn an_html_500_reaches_the_caller_raw_with_its_body() {
    let server = serve(ResponseTemplate::new(500).set_body_raw("<html>boom</html>", "text/html")).await;
    let err = list_maps(&server).await.unwrap_err();
    let progenitor_client::Error::UnexpectedResponse(response) = err else {
        panic!("expected the raw response: {err}")
    };
    assert_eq!(response.status().as_u16(), 500);
    assert_eq!(response.text().await.unwrap(), "<html>boom</html>");
}

#[tokio::test]
async fn multipart_uploads_exist_and_go_through_the_same_hooks() {
    let server = MockServer::builder().start().await;
    let problem = json!({"title": "Unsupported", "status": 400});
    Mock::given(method("POST"))
        .and(path("/api/managing-entity/me/extranet/facility/spa/spa-1/multimedia"))
        .respond_with(ResponseTemplate::new(400).set_body_json(problem))
        .mount(&server)
        .await;
    let supplier = wink_api::supplier::Client::new(
        &server.uri(),
        ClientContext::with_authorizer(BearerToken::new("t").unwrap()),
    );
    let part = reqwest::multipart::Part::bytes(b"\x89PNG fake".to_vec()).file_name("pool.png");
    let err = supplier.upload_spa_media("me", "spa-1", vec![part]).await.unwrap_err();
    assert!(
        matches!(&err, progenitor_client::Error::ErrorResponse(p) if p.title.as_deref() == Some("Unsupported")),
        "{err}"
    );

    let requests = server.received_requests().await.unwrap();
    let request: &Request = &requests[0];
    let content_type = request.headers.get("content-type").unwrap().to_str().unwrap();
    assert!(content_type.starts_with("multipart/form-data; boundary="), "{content_type}");
    assert_eq!(request.headers.get("wink-version").unwrap(), "2.0");
    assert_eq!(request.headers.get("authorization").unwrap(), "Bearer t");
    let body = String::from_utf8_lossy(&request.body);
    assert!(body.contains("name=\"files\"; filename=\"pool.png\""), "{body}");
}
