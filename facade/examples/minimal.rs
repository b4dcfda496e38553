//! The smallest useful program on this crate, for measuring what it costs an
//! application to compile and ship (see BENCHMARKS.md): one token-fail call
//! configured from the environment.
//!
//! ```text
//! AUTHLETE_BASE_URL=... AUTHLETE_SERVICE_ID=... AUTHLETE_SERVICE_ACCESSTOKEN=... \
//!     cargo run -p authlete --example minimal -- TICKET
//! ```

use authlete::{Client, TokenFailReason};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let ticket = std::env::args().nth(1).unwrap_or_default();
    let response = Client::from_env()?
        .tokens()
        .fail(ticket, TokenFailReason::InvalidResourceOwnerCredentials)
        .send()
        .await?;
    println!("{:?}", response.action());
    Ok(())
}
