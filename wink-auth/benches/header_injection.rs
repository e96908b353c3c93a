//! Cached-token header injection: what every request pays for authentication once a token is
//! cached (goal: median at most 200 ns). Allocation-freedom is checked by the
//! `allocations` test, not here.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use wink_auth::{TokenSource, TokenSourceConfig};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn cached_source(rt: &tokio::runtime::Runtime) -> (MockServer, TokenSource) {
    rt.block_on(async {
        let server = MockServer::builder().start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"access_token": "a".repeat(43), "token_type": "bearer", "expires_in": 3600}),
            ))
            .mount(&server)
            .await;
        let source = TokenSource::new(
            TokenSourceConfig::builder()
                .client_id("id")
                .client_secret("secret")
                .token_url(format!("{}/token", server.uri()))
                .build()
                .unwrap(),
        )
        .unwrap();
        source.authorization().await.unwrap();
        (server, source)
    })
}

fn header_injection(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (_server, source) = cached_source(&rt);
    let mut request =
        reqwest::Request::new(reqwest::Method::GET, "https://api.wink.travel/x".parse().unwrap());
    c.bench_function("cached header injection", |b| {
        b.iter(|| {
            let header = source.cached_authorization().expect("fresh");
            request.headers_mut().insert(reqwest::header::AUTHORIZATION, black_box(header));
        })
    });
}

criterion_group!(benches, header_injection);
criterion_main!(benches);
