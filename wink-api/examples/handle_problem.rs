//! Calls an operation and tells apart the ways it can fail: a `ProblemDetail` from the API
//! (400/401/403), an undocumented status (a 500, HTML or not), a request the client refused,
//! and transport failures that survived the retries.
//!
//! `WINK_CLIENT_ID=... WINK_CLIENT_SECRET=... cargo run --example handle_problem -- <managing entity>`

use progenitor_client::Error;
use wink_api::affiliate::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let entity = std::env::args().nth(1).unwrap_or_default();
    let client: Client = wink_api::ClientBuilder::from_env()?.build()?;
    match client.show_inventory_maps().managing_entity_identifier(entity.as_str()).send().await {
        Ok(maps) => println!("{} maps", maps.len()),
        Err(Error::ErrorResponse(problem)) => {
            let status = problem.status();
            let title = problem.title.as_deref().unwrap_or("(no title)");
            eprintln!("the API refused ({status}): {title}: {}", problem.detail.as_deref().unwrap_or(""));
        }
        Err(Error::UnexpectedResponse(response)) => eprintln!("unexpected status {}", response.status()),
        Err(Error::InvalidRequest(why)) => eprintln!("not sent: {why}"),
        Err(other) => eprintln!("failed: {other}"),
    }
    Ok(())
}
