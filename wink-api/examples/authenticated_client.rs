//! Lists the inventory maps of a managing entity with an authenticated affiliate client.
//!
//! ```sh
//! WINK_CLIENT_ID=... WINK_CLIENT_SECRET=... WINK_SCOPES=marketing.read \
//!     cargo run -p wink-api --example authenticated_client -- MANAGING_ENTITY_ID
//! ```
//!
//! `WINK_ENV=staging` talks to staging (hosts and token endpoint), `WINK_BASE_URL` to any
//! other server.

use wink_api::affiliate::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let managing_entity = std::env::args().nth(1).ok_or("usage: authenticated_client MANAGING_ENTITY_ID")?;
    // Environment, credentials, retries, timeouts and user agent, from the environment.
    let client: Client = wink_api::ClientBuilder::from_env()?.build()?;
    let maps = client.show_inventory_maps().managing_entity_identifier(managing_entity).send().await?;
    for map in maps.iter() {
        println!("{}\t{}", map.name, map.type_);
    }
    Ok(())
}
