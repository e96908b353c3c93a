//! What the generated, authenticated client costs on top of the network, side by side with
//! raw reqwest in the same run (issue 7: ratios, not absolute times, on a noisy machine).
//!
//! - `call_overhead/*`: `showInventoryMaps` against a loopback HTTP/1.1 server (keep-alive) on
//!   its own thread, answering 50 maps (and 1 map, where per-call overhead dominates):
//!   (a) the generated client with a cached token, hooks, retries and spans;
//!   (b) raw reqwest decoding into the same generated model; (c) raw reqwest into
//!   `serde_json::Value`.
//! - `decode/*`: a 10,000-item Spring page (several MB) into the generated type and into
//!   `serde_json::Value`, with byte throughput.
//! - `paired` (printed): (a) and (b) interleaved round by round, the median ratio a/b, for
//!   50 items and for 1.
//! - `WINK_BENCH_PROFILE=generated|reqwest`: (a) or (b) alone, for instruction counts;
//!   `WINK_BENCH_PROFILE=paired`: the paired ratios alone.
//! - `WINK_BENCH_WITHOUT=timeout,retries,token-source` builds (a) without the per-attempt
//!   timeout, without retries, or with a fixed bearer token instead of the token source:
//!   what each layer costs, measured by the paired ratio. `WINK_BENCH_RAW_TIMEOUT=1` gives
//!   (b) and (c) the same 30 s per-request timeout as (a) instead.
//! - `concurrency` (printed, not criterion): 1000 concurrent calls on a cold token cache,
//!   the number of token requests (goal: exactly 1) and p50 / p99 latency; also written to
//!   `target/criterion/concurrency.json` for `cargo xtask perf`.

use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use wink_api::affiliate::Client;
use wink_api::affiliate::types::{InventoryMapManagingEntity, PageSalesChannelManagingEntity};
use wink_api::{TokenSource, TokenSourceConfig};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const MAPS: &str = "/api/managing-entity/me/studio/map/list";

/// One map with every property the schema declares, as the server would send it.
fn map(i: usize) -> Value {
    json!({
        "id": format!("6b0e5f5e-5d5c-4c4b-8a8a-{i:012}"),
        "createdDate": "2026-11-30T10:15:30.123Z",
        "lastUpdate": "2026-12-01T08:00:00Z",
        "version": 3,
        "ownerIdentifier": "1b0e5f5e-5d5c-4c4b-8a8a-1a2b3c4d5e6f",
        "customizationIdentifier": "7b0e5f5e-5d5c-4c4b-8a8a-1a2b3c4d5e6f",
        "name": format!("Boutique hotels of the old town, map {i}"),
        "typeIdentifier": "2b0e5f5e-5d5c-4c4b-8a8a-1a2b3c4d5e6f",
        "type": "LIST",
        "center": {"type": "Point", "coordinates": [2.3522, 48.8566]},
        "draggable": true,
        "zoomable": true,
        "initialZoomLevel": 13,
        "mapStyle": "normal",
        "mapMarkerColor": "cc2138",
        "mapHeight": 500,
        "displayType": "NATIVE",
        "circles": [], "rectangles": [], "markers": [], "polygons": []
    })
}

/// One sales channel with every property.
fn sales_channel(i: usize) -> Value {
    json!({
        "id": format!("doc-{i}"),
        "createdDate": "2026-11-30T10:15:30.123Z",
        "lastUpdate": "2026-12-01T08:00:00Z",
        "version": 12,
        "supplierIdentifier": "3b0e5f5e-5d5c-4c4b-8a8a-1a2b3c4d5e6f",
        "supplierName": format!("Hotel {i}"),
        "supplierAvailable": true,
        "subType": "DIRECT",
        "ownerIdentifier": "1b0e5f5e-5d5c-4c4b-8a8a-1a2b3c4d5e6f",
        "ownerName": "Owner 1",
        "enabled": true,
        "channelDisabled": false,
        "blacklisted": false,
        "percentDiscount": 0.15,
        "commission": 0.2,
        "rateModifiers": [],
        "rateModifierBundles": [],
        "selfAcquires": false
    })
}

/// A loopback HTTP/1.1 server on its own thread that answers every request with `body`,
/// keeping connections alive: as little server time per call as possible.
fn serve_forever(body: Vec<u8>) -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    let mut response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(&body);
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let response: &'static [u8] = Box::leak(response.into_boxed_slice());
            loop {
                let (mut socket, _) = listener.accept().await.unwrap();
                tokio::spawn(async move {
                    let mut buffer = vec![0u8; 16 * 1024];
                    let mut filled = 0;
                    loop {
                        match socket.read(&mut buffer[filled..]).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => filled += n,
                        }
                        // GET requests: the head ends the request.
                        while let Some(end) = buffer[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
                            if socket.write_all(response).await.is_err() {
                                return;
                            }
                            buffer.copy_within(end + 4..filled, 0);
                            filled -= end + 4;
                        }
                    }
                });
            }
        });
    });
    addr
}

/// A token endpoint that answers after `delay`.
async fn token_server(delay: Duration) -> MockServer {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(
                    json!({"access_token": "a".repeat(43), "token_type": "bearer", "expires_in": 3600}),
                )
                .set_delay(delay),
        )
        .mount(&server)
        .await;
    server
}

fn token_source(server: &MockServer) -> TokenSource {
    let config = TokenSourceConfig::builder()
        .client_id("bench")
        .client_secret("secret")
        .token_url(format!("{}/oauth2/token", server.uri()))
        .build()
        .unwrap();
    TokenSource::new(config).unwrap()
}

/// Way (b) and (c): plain reqwest, decoding the body into `T`.
async fn raw_call<T: serde::de::DeserializeOwned>(request: reqwest::RequestBuilder) -> T {
    request.send().await.unwrap().error_for_status().unwrap().json().await.unwrap()
}

fn call_overhead(c: &mut Criterion) {
    let mut group = c.benchmark_group("call_overhead");
    for items in [50, 1] {
        let ways = CallWays::new(items);
        group.throughput(Throughput::Elements(1));
        group.bench_function(BenchmarkId::new("generated_client", items), |b| {
            b.iter(|| ways.rt.block_on(ways.generated()))
        });
        group.bench_function(BenchmarkId::new("reqwest_typed", items), |b| {
            b.iter(|| ways.rt.block_on(ways.typed()))
        });
        group.bench_function(BenchmarkId::new("reqwest_value", items), |b| {
            b.iter(|| ways.rt.block_on(ways.value()))
        });
    }
    group.finish();
}

fn decode(c: &mut Criterion) {
    let content: Vec<Value> = (0..10_000).map(sales_channel).collect();
    let page = json!({
        "content": content, "number": 0, "size": 10_000, "totalPages": 3, "totalElements": 25_000,
        "first": true, "last": false, "numberOfElements": 10_000, "empty": false
    });
    let bytes = serde_json::to_vec(&page).unwrap();
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.sample_size(20);
    group.bench_function("generated_page", |b| {
        b.iter(|| {
            let page: PageSalesChannelManagingEntity = serde_json::from_slice(black_box(&bytes)).unwrap();
            black_box(page)
        })
    });
    group.bench_function("json_value", |b| {
        b.iter(|| {
            let page: Value = serde_json::from_slice(black_box(&bytes)).unwrap();
            black_box(page)
        })
    });
    group.finish();
}

/// 1000 concurrent calls through one client whose token cache is cold.
fn concurrency() {
    const CALLS: usize = 1000;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let body = serde_json::to_vec(&Value::Array((0..50).map(map).collect())).unwrap();
    let addr = serve_forever(body);
    let (p50, p99, token_requests, total) = rt.block_on(async {
        let tokens = token_server(Duration::from_millis(50)).await;
        let client = Client::builder()
            .base_url(format!("http://{addr}"))
            .token_source(token_source(&tokens))
            .build()
            .unwrap();
        let started = Instant::now();
        let calls = (0..CALLS).map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let start = Instant::now();
                client.show_inventory_maps().managing_entity_identifier("me").send().await.unwrap();
                start.elapsed()
            })
        });
        let mut latencies: Vec<Duration> =
            futures::future::join_all(calls).await.into_iter().map(Result::unwrap).collect();
        let total = started.elapsed();
        latencies.sort();
        let token_requests = tokens.received_requests().await.unwrap().len();
        (latencies[CALLS / 2], latencies[CALLS * 99 / 100], token_requests, total)
    });
    println!(
        "concurrency: {CALLS} calls on a cold token cache: {token_requests} token request(s), p50 {p50:.2?}, p99 {p99:.2?}, all in {total:.2?}"
    );
    let report = json!({
        "calls": CALLS, "token_requests": token_requests,
        "p50_ms": p50.as_secs_f64() * 1e3, "p99_ms": p99.as_secs_f64() * 1e3, "total_ms": total.as_secs_f64() * 1e3
    });
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/criterion");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("concurrency.json"), serde_json::to_vec_pretty(&report).unwrap());
}

/// (a) and (b) in alternation, 200 rounds of 20 calls each (which one goes first alternates
/// too), for a 50-item and a 1-item body: the median of the per-round throughput ratios a/b.
/// Criterion measures one way after the other, and on this machine that order alone moved
/// a/b by ±10%; pairing the rounds cancels the drift. Written to
/// `target/criterion/paired.json` for `cargo xtask perf`, which runs this several times.
fn paired_call_ratios() {
    let report: serde_json::Map<String, Value> =
        [50, 1].into_iter().map(|items| (items.to_string(), paired_call_ratio(items))).collect();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/criterion");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("paired.json"), serde_json::to_vec_pretty(&report).unwrap());
}

fn paired_call_ratio(items: usize) -> Value {
    const ROUNDS: usize = 200;
    const CALLS: usize = 20;
    let ways = CallWays::new(items);
    let ratios = ways.rt.block_on(async {
        let generated = || async {
            let started = Instant::now();
            for _ in 0..CALLS {
                ways.generated().await;
            }
            started.elapsed()
        };
        let typed = || async {
            let started = Instant::now();
            for _ in 0..CALLS {
                ways.typed().await;
            }
            started.elapsed()
        };
        generated().await;
        typed().await;
        let mut ratios = Vec::with_capacity(ROUNDS);
        for round in 0..ROUNDS {
            let (a, b) = if round % 2 == 0 {
                let a = generated().await;
                (a, typed().await)
            } else {
                let b = typed().await;
                (generated().await, b)
            };
            ratios.push(b.as_secs_f64() / a.as_secs_f64());
        }
        ratios.sort_by(f64::total_cmp);
        ratios
    });
    let (median, p25, p75) = (ratios[ROUNDS / 2], ratios[ROUNDS / 4], ratios[ROUNDS * 3 / 4]);
    println!(
        "paired, {items} item(s): a/b median {median:.3} (interquartile {p25:.3} to {p75:.3}), {ROUNDS} rounds of {CALLS} calls"
    );
    json!({"rounds": ROUNDS, "calls_per_round": CALLS, "ratio_median": median, "ratio_p25": p25, "ratio_p75": p75})
}

/// `WINK_BENCH_PROFILE=generated|reqwest` runs `WINK_BENCH_CALLS` (default 2000) 50-item calls
/// of one way and nothing else: for `valgrind --tool=callgrind` (`cargo xtask perf`), whose
/// instruction counts do not depend on the machine's noise.
fn profile(way: &str) {
    let ways = CallWays::new(50);
    let calls: usize = std::env::var("WINK_BENCH_CALLS").ok().and_then(|n| n.parse().ok()).unwrap_or(2000);
    ways.rt.block_on(async {
        for _ in 0..calls {
            if way == "generated" {
                ways.generated().await;
            } else {
                ways.typed().await;
            }
        }
    });
}

/// The ways of one call answering `items` maps, set up once: (a) the built client with a
/// cached token, (b) raw reqwest into the same model, (c) raw reqwest into `Value`.
struct CallWays {
    rt: tokio::runtime::Runtime,
    _tokens: MockServer,
    client: Client,
    raw: reqwest::Client,
    url: String,
    bearer: reqwest::header::HeaderValue,
    user_agent: reqwest::header::HeaderValue,
    raw_timeout: bool,
    items: usize,
}

impl CallWays {
    fn new(items: usize) -> Self {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let tokens = rt.block_on(token_server(Duration::ZERO));
        let source = token_source(&tokens);
        let bearer = rt.block_on(source.authorization()).unwrap();
        let body = serde_json::to_vec(&Value::Array((0..items).map(map).collect())).unwrap();
        let base = format!("http://{}", serve_forever(body));
        let client = without_layers(Client::builder().base_url(&base), source, &bearer).build().unwrap();
        let url = format!("{base}{MAPS}");
        let user_agent = wink_api::default_user_agent();
        let raw_timeout = std::env::var_os("WINK_BENCH_RAW_TIMEOUT").is_some();
        let raw = reqwest::Client::new();
        Self { rt, _tokens: tokens, client, raw, url, bearer, user_agent, raw_timeout, items }
    }

    /// (a): the built client.
    async fn generated(&self) {
        let maps = self.client.show_inventory_maps().managing_entity_identifier("me").send().await.unwrap();
        assert_eq!(maps.len(), self.items);
        black_box(maps);
    }

    /// (b): raw reqwest into the same model.
    async fn typed(&self) {
        black_box(raw_call::<Vec<InventoryMapManagingEntity>>(self.raw_get()).await);
    }

    /// (c): raw reqwest into `Value`.
    async fn value(&self) {
        black_box(raw_call::<Value>(self.raw_get()).await);
    }

    /// The request (b) and (c) send: the headers (a) sends, by hand, so that both put the
    /// same bytes on the wire (`tests/tests/operations/snapshots/` shows (a)'s). With
    /// `WINK_BENCH_RAW_TIMEOUT=1`, also (a)'s default 30 s timeout.
    fn raw_get(&self) -> reqwest::RequestBuilder {
        let request = self
            .raw
            .get(&self.url)
            .header(reqwest::header::AUTHORIZATION, self.bearer.clone())
            .header("wink-version", "2.0")
            .header(reqwest::header::ACCEPT, "application/json")
            .header(reqwest::header::USER_AGENT, self.user_agent.clone());
        if self.raw_timeout { request.timeout(Duration::from_secs(30)) } else { request }
    }
}

/// The builder of (a) with the layers `WINK_BENCH_WITHOUT` names removed (see the module
/// documentation); with none named, the client as users build it.
fn without_layers(
    mut builder: wink_api::ClientBuilder<Client>,
    source: TokenSource,
    bearer: &reqwest::header::HeaderValue,
) -> wink_api::ClientBuilder<Client> {
    let without = std::env::var("WINK_BENCH_WITHOUT").unwrap_or_default();
    for layer in without.split(',').filter(|l| !l.is_empty()) {
        builder = match layer {
            "timeout" => builder.attempt_timeout(None),
            "retries" => builder.retry_policy(wink_api::RetryPolicy::disabled()),
            "token-source" => {
                let token = bearer.to_str().unwrap().trim_start_matches("Bearer ").to_string();
                builder.authorizer(wink_api::BearerToken::new(&token).unwrap())
            }
            other => panic!("WINK_BENCH_WITHOUT: unknown layer {other} (timeout, retries, token-source)"),
        };
    }
    if without.split(',').any(|l| l == "token-source") { builder } else { builder.token_source(source) }
}

fn main() {
    match std::env::var("WINK_BENCH_PROFILE").as_deref() {
        Ok("paired") => return paired_call_ratios(),
        Ok(way) => return profile(way),
        Err(_) => {}
    }
    let mut criterion = Criterion::default().configure_from_args();
    call_overhead(&mut criterion);
    decode(&mut criterion);
    criterion.final_summary();
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this binary without it.
    if std::env::args().any(|a| a == "--bench") {
        concurrency();
        paired_call_ratios();
    }
}
