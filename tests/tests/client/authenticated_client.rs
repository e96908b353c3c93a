//! A generated client with a token source, against a loopback token endpoint and API
//! (wiremock): the bearer header on every request, one replay with a fresh token after a
//! 401 for an invalid token, and none for 403 or `insufficient_scope`.

use std::time::Duration;

use futures::future::join_all;
use serde_json::json;
use wink_api::{TokenSource, TokenSourceConfig};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MAPS: &str = "/api/managing-entity/me/studio/map/list";

async fn token_server() -> MockServer {
    let server = MockServer::builder().start().await;
    for (token, times) in [("tok-1", Some(1)), ("tok-2", None)] {
        let mock = Mock::given(method("POST")).and(path("/oauth2/token")).respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": token, "token_type": "bearer", "expires_in": 3600}))
                .set_delay(Duration::from_millis(20)),
        );
        match times {
            Some(n) => mock.up_to_n_times(n).mount(&server).await,
            None => mock.mount(&server).await,
        }
    }
    server
}

fn source(tokens: &MockServer) -> TokenSource {
    TokenSource::new(
        TokenSourceConfig::builder()
            .client_id("id")
            .client_secret("secret")
            .token_url(format!("{}/oauth2/token", tokens.uri()))
            .build()
            .unwrap(),
    )
    .unwrap()
}

async fn api_answering(token: &str, response: ResponseTemplate, api: &MockServer) {
    Mock::given(method("GET"))
        .and(path(MAPS))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(response)
        .mount(api)
        .await;
}

async fn count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn every_request_carries_the_cached_bearer_token() {
    let (tokens, api) = (token_server().await, MockServer::builder().start().await);
    api_answering("tok-1", ResponseTemplate::new(200).set_body_json(json!([])), &api).await;
    let client = wink_api::affiliate::Client::new(&api.uri(), source(&tokens).into());
    for _ in 0..5 {
        client.show_inventory_maps().managing_entity_identifier("me").send().await.unwrap();
    }
    assert_eq!(count(&tokens).await, 1);
    assert_eq!(count(&api).await, 5);
}

#[tokio::test]
async fn a_burst_of_401s_causes_one_refresh_and_each_request_is_replayed_once() {
    let (tokens, api) = (token_server().await, MockServer::builder().start().await);
    api_answering("tok-1", ResponseTemplate::new(401), &api).await;
    api_answering("tok-2", ResponseTemplate::new(200).set_body_json(json!([])), &api).await;
    let source = source(&tokens);
    source.authorization().await.unwrap(); // tok-1 cached: every call below is sent with it
    let client = wink_api::affiliate::Client::new(&api.uri(), source.into());
    let results = join_all(
        (0..50).map(|_| async { client.show_inventory_maps().managing_entity_identifier("me").send().await }),
    )
    .await;
    assert!(results.iter().all(|r| r.is_ok()), "{:?}", results.iter().find(|r| r.is_err()));
    assert_eq!(count(&tokens).await, 2, "one token, one refresh");
    assert_eq!(count(&api).await, 100, "fifty 401s, fifty replays");
}

#[tokio::test]
async fn an_invalid_token_challenge_refreshes_but_insufficient_scope_and_403_do_not() {
    for (response, refreshes) in [
        (
            ResponseTemplate::new(401).insert_header("www-authenticate", "Bearer error=\"invalid_token\""),
            true,
        ),
        (
            ResponseTemplate::new(401)
                .insert_header("www-authenticate", "Bearer error=\"insufficient_scope\""),
            false,
        ),
        (ResponseTemplate::new(403), false),
    ] {
        let (tokens, api) = (token_server().await, MockServer::builder().start().await);
        api_answering("tok-1", response, &api).await;
        api_answering("tok-2", ResponseTemplate::new(200).set_body_json(json!([])), &api).await;
        let client = wink_api::affiliate::Client::new(&api.uri(), source(&tokens).into());
        let result = client.show_inventory_maps().managing_entity_identifier("me").send().await;
        assert_eq!(result.is_ok(), refreshes);
        assert_eq!(count(&tokens).await, if refreshes { 2 } else { 1 });
        assert_eq!(count(&api).await, if refreshes { 2 } else { 1 });
    }
}

#[tokio::test]
async fn a_refused_token_request_fails_the_call_before_anything_is_sent() {
    let (tokens, api) = (MockServer::builder().start().await, MockServer::builder().start().await);
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_client"})))
        .mount(&tokens)
        .await;
    let client = wink_api::affiliate::Client::new(&api.uri(), source(&tokens).into());
    let err = client.show_inventory_maps().managing_entity_identifier("me").send().await.unwrap_err();
    assert!(err.to_string().contains("invalid_client"), "{err}");
    assert!(!err.to_string().contains("secret"), "{err}");
    assert_eq!(count(&api).await, 0);
}

/// A POST is not retried by default, but a 401 for an invalid token still replays it once:
/// the replay is a fresh copy of the prepared request, the same JSON body with the new token.
#[tokio::test]
async fn a_post_answered_401_is_replayed_once_with_its_body_and_a_fresh_token() {
    const CUSTOMIZATION: &str = "/api/managing-entity/company-1/studio/customization";
    let (tokens, api) = (token_server().await, MockServer::builder().start().await);
    for (token, status) in [("tok-1", 401), ("tok-2", 201)] {
        Mock::given(method("POST"))
            .and(path(CUSTOMIZATION))
            .and(header("authorization", format!("Bearer {token}").as_str()))
            .respond_with(ResponseTemplate::new(status).set_body_json(json!({})))
            .mount(&api)
            .await;
    }
    let client = wink_api::affiliate::Client::new(&api.uri(), source(&tokens).into());
    let body: wink_api::affiliate::types::UpsertCustomizationRequestManagingEntity =
        serde_json::from_value(json!({"name": "Engine Configuration 1"})).unwrap();
    let result =
        client.create_customization().managing_entity_identifier("company-1").body(body).send().await;
    let requests = api.received_requests().await.unwrap();
    let sent: Vec<(String, serde_json::Value)> = requests
        .iter()
        .map(|r| {
            let auth = r.headers.get("authorization").unwrap().to_str().unwrap().to_string();
            (auth, serde_json::from_slice(&r.body).unwrap())
        })
        .collect();
    let tokens_sent: Vec<&str> = sent.iter().map(|(auth, _)| auth.as_str()).collect();
    assert_eq!(tokens_sent, ["Bearer tok-1", "Bearer tok-2"]);
    assert_eq!(sent[0].1, sent[1].1, "the replay sends the same body");
    assert_eq!(sent[1].1["name"], "Engine Configuration 1");
    assert_eq!(count(&tokens).await, 2, "one token, one refresh");
    // The caller gets the replay's 201 (whose `{}` may not decode), not the 401.
    let replayed = match &result {
        Ok(response) => response.status() == 201,
        Err(progenitor_client::Error::InvalidResponsePayload(..)) => true,
        Err(_) => false,
    };
    assert!(replayed, "{result:?}");
}
