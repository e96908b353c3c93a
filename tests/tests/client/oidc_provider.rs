//! wink-auth against a real OAuth2 authorization server (oidc-provider on 127.0.0.1): it
//! authenticates clients, URL-decodes Basic credentials, refuses wrong secrets and scopes,
//! and issues tokens with the lifetime it is configured with.

use std::time::Duration;

use futures::future::join_all;
use wink_api::wink_auth::{
    AuthError, ClientAuthMethod, TokenSource, TokenSourceConfig, TokenSourceConfigBuilder,
};
use wink_tests::OidcConfig;

fn builder(server: &OidcConfig) -> TokenSourceConfigBuilder {
    TokenSourceConfig::builder()
        .client_id(server.client_id)
        .client_secret(server.client_secret)
        .token_url(server.token_url())
        .scopes(["marketing.read"])
}

fn source(builder: TokenSourceConfigBuilder) -> TokenSource {
    TokenSource::new(builder.build().unwrap()).unwrap()
}

#[tokio::test]
async fn basic_credentials_with_reserved_characters_are_accepted() {
    let server = OidcConfig::default();
    let header = source(builder(&server)).authorization().await.expect("oidc-provider accepted the client");
    let value = header.to_str().unwrap();
    assert!(value.starts_with("Bearer ") && value.len() > 20, "{value}");
}

#[tokio::test]
async fn a_wrong_secret_is_invalid_client() {
    let server = OidcConfig::default();
    let err = source(builder(&server).client_secret("wrong")).authorization().await.unwrap_err();
    assert_eq!(err.oauth_code(), Some("invalid_client"), "{err:?}");
    assert!(!err.to_string().contains("wrong"));
}

#[tokio::test]
async fn a_scope_the_client_may_not_have_is_invalid_scope() {
    let server = OidcConfig::default();
    let err = source(builder(&server).scopes(["analytics.read"])).authorization().await.unwrap_err();
    assert_eq!(err.oauth_code(), Some("invalid_scope"), "{err:?}");
}

#[tokio::test]
async fn body_client_authentication_works_where_the_server_expects_it() {
    let post = OidcConfig { auth_method: "client_secret_post", ..OidcConfig::default() };
    source(builder(&post).client_auth(ClientAuthMethod::RequestBody)).authorization().await.unwrap();
    let wrong = builder(&post).client_auth(ClientAuthMethod::RequestBody).client_secret("wrong");
    let err = source(wrong).authorization().await.unwrap_err();
    assert!(matches!(&err, AuthError::OAuth { code, .. } if code == "invalid_client"), "{err:?}");
}

#[tokio::test]
async fn a_thousand_cold_callers_get_one_token_from_one_request() {
    let server = OidcConfig::default();
    let s = source(builder(&server));
    let headers = join_all((0..1000).map(|_| s.authorization())).await;
    let first = headers[0].as_ref().unwrap();
    assert!(headers.iter().all(|h| h.as_ref().ok() == Some(first)));
    assert_eq!(s.token_requests(), 1);
}

#[tokio::test]
async fn a_short_lived_token_is_replaced_after_its_lifetime() {
    let server = OidcConfig { token_ttl: 2, ..OidcConfig::default() };
    let s = source(builder(&server));
    let first = s.authorization().await.unwrap();
    assert_eq!(s.authorization().await.unwrap(), first, "cached within its lifetime");
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(3)).await;
    tokio::time::resume();
    let second = s.authorization().await.unwrap();
    assert_ne!(second, first, "a new token after expiry");
    assert_eq!(s.token_requests(), 2);
}
