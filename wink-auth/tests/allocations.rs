//! Cached header injection allocates nothing in steady state, checked with a counting global
//! allocator (a count, not a timing: deterministic on a noisy machine).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::FutureExt;
use serde_json::json;
use wink_auth::{TokenSource, TokenSourceConfig};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[tokio::test]
async fn cached_header_injection_allocates_nothing() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "t", "token_type": "bearer", "expires_in": 3600})),
        )
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
    // Warm-up: the first clone of a header promotes its buffer to shared (one allocation).
    drop(source.cached_authorization());

    let mut request = reqwest::Request::new(reqwest::Method::GET, "http://127.0.0.1/x".parse().unwrap());
    request.headers_mut().insert(reqwest::header::AUTHORIZATION, source.cached_authorization().unwrap());

    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..10_000 {
        let header = source.cached_authorization().expect("fresh");
        request.headers_mut().insert(reqwest::header::AUTHORIZATION, header);
        let header = source.authorization().now_or_never().expect("no await on the cached path").unwrap();
        request.headers_mut().insert(reqwest::header::AUTHORIZATION, header);
    }
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
    assert_eq!(allocations, 0, "allocations in 20,000 cached header injections");
}
