//! Lists the inventory maps of a managing entity with an authenticated affiliate client.
//!
//! ```sh
//! WINK_CLIENT_ID=... WINK_CLIENT_SECRET=... WINK_SCOPES=marketing.read \
//!     cargo run -p wink-api --example authenticated_client -- MANAGING_ENTITY_ID
//! ```
//!
//! Set `WINK_TOKEN_URL=https://staging-iam.wink.travel/oauth2/token` and
//! `WINK_BASE_URL=https://staging-api.wink.travel` for staging.

use wink_api::{TokenSource, affiliate::Client};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let managing_entity = std::env::args().nth(1).ok_or("usage: authenticated_client MANAGING_ENTITY_ID")?;
    let base = std::env::var("WINK_BASE_URL").unwrap_or_else(|_| "https://api.wink.travel".into());

    // The one line: a generated client whose every request carries a cached bearer token.
    let client = Client::new(&base, TokenSource::from_env()?.into());

    let maps = client.show_inventory_maps().managing_entity_identifier(managing_entity).send().await?;
    for map in maps.iter() {
        println!("{}\t{}", map.name, map.type_);
    }
    Ok(())
}
