//! Pages through the latest suppliers of a managing entity, 100 at a time, as a stream.
//!
//! `WINK_ENV=staging WINK_CLIENT_ID=... WINK_CLIENT_SECRET=... cargo run --example page_through_suppliers -- <managing entity>`

use futures::TryStreamExt as _;
use wink_api::affiliate::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let entity = std::env::args().nth(1).ok_or("usage: page_through_suppliers <managing entity>")?;
    let client: Client = wink_api::ClientBuilder::from_env()?.build()?;
    let mut suppliers = std::pin::pin!(wink_api::items(wink_api::MAX_PAGE_SIZE, |page, size| {
        client
            .show_latest_supplier()
            .managing_entity_identifier(entity.as_str())
            .page(page.to_string())
            .size(size.to_string())
            .send()
    }));
    let mut count = 0;
    while let Some(supplier) = suppliers.try_next().await? {
        count += 1;
        println!("{} {}", supplier.unique_id, supplier.name.as_deref().unwrap_or("(unnamed)"));
    }
    println!("{count} suppliers");
    Ok(())
}
