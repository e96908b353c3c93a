//! Paging through a real paginated operation (`showLatestSupplier`, `page`/`size` strings)
//! served over three pages by a loopback server.

use futures::TryStreamExt as _;
use wink_api::ClientContext;
use wink_api::affiliate::Client;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SUPPLIERS: &str = "/api/managing-entity/me/studio/supplier/list";

#[tokio::test]
async fn items_stream_over_every_page_and_stop_on_the_short_one() {
    let server = MockServer::builder().start().await;
    let pages = [vec!["a", "b"], vec!["c", "d"], vec!["e"]];
    for (number, ids) in pages.iter().enumerate() {
        let body: Vec<_> = ids.iter().map(|id| serde_json::json!({"uniqueId": id})).collect();
        Mock::given(method("GET"))
            .and(path(SUPPLIERS))
            .and(query_param("page", number.to_string()))
            .and(query_param("size", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = Client::new(&server.uri(), ClientContext::default());
    let ids: Vec<String> = wink_api::items(2, |page, size| {
        client
            .show_latest_supplier()
            .managing_entity_identifier("me")
            .page(page.to_string())
            .size(size.to_string())
            .send()
    })
    .map_ok(|supplier| supplier.unique_id.to_string())
    .try_collect()
    .await
    .unwrap();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
}
