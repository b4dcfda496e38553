//! Closing a token request with an error, as a token endpoint does when the
//! resource owner's password is wrong.
//!
//! ```text
//! cargo run -p authlete --example token_fail [TICKET]
//! ```
//!
//! With `AUTHLETE_BASE_URL`, `AUTHLETE_SERVICE_ID` and
//! `AUTHLETE_SERVICE_ACCESSTOKEN` set, it calls that Authlete service with
//! TICKET (one that `/auth/token` issued; Authlete refuses made-up ones).
//! Without them it starts the crate's stand-in for Authlete on 127.0.0.1,
//! gets a ticket from it the way a password grant would, and fails that.
//!
//! It prints the request it sent and the HTTP response the token endpoint
//! would return to the OAuth client.

use authlete::operations::tokens;
use authlete::testing::MockAuthlete;
use authlete::{Client, TokenFailReason};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let configured = std::env::var_os(authlete::ENV_SERVICE_ID).is_some();
    let (client, ticket, stand_in) = if configured {
        println!("Calling Authlete as configured by the AUTHLETE_* environment variables.");
        let ticket = std::env::args()
            .nth(1)
            .ok_or("pass the ticket /auth/token issued")?;
        (Client::from_env()?, ticket, None)
    } else {
        let mock = MockAuthlete::start().await?;
        mock.register_client("my-client", None);
        println!(
            "AUTHLETE_* not set: using a local stand-in for Authlete at {}.",
            mock.uri()
        );
        let client = mock.client()?;
        // What /auth/token answers to a password grant: PASSWORD and a ticket.
        let pending = client
            .tokens()
            .process("grant_type=password&username=john&password=wrong&client_id=my-client")
            .send()
            .await?;
        let ticket = pending
            .ticket()
            .ok_or("the stand-in gave no ticket")?
            .to_owned();
        (client, ticket, Some(mock))
    };

    let result = client
        .tokens()
        .fail(ticket, TokenFailReason::InvalidResourceOwnerCredentials)
        .send()
        .await;

    if let Some(mock) = &stand_in {
        println!("\n--- request sent to Authlete ---");
        for request in mock.requests_to(&tokens::FAIL) {
            println!("{} {}", request.method, request.path_and_query);
            for (name, value) in &request.headers {
                let shown = if name == http::header::AUTHORIZATION {
                    // The scheme only: the token stays out of terminals and logs.
                    "Bearer <redacted>"
                } else {
                    value.to_str().unwrap_or("<binary>")
                };
                if name != http::header::HOST {
                    println!("{name}: {shown}");
                }
            }
            println!("\n{}", String::from_utf8_lossy(&request.body));
        }
    }

    let response = match result {
        Ok(response) => response,
        Err(error) => {
            eprintln!("\nthe call failed: {error}");
            std::process::exit(1);
        }
    };
    println!("\n--- Authlete's answer ---");
    println!("action:       {:?}", response.action());
    println!("resultCode:   {}", response.result_code().unwrap_or("-"));
    println!("request id:   {}", response.request_id().unwrap_or("-"));

    let http = response.into_http_response();
    println!("\n--- HTTP response for the OAuth client ---");
    println!("HTTP/1.1 {}", http.status());
    for (name, value) in http.headers() {
        println!("{name}: {}", value.to_str().unwrap_or("<binary>"));
    }
    println!("\n{}", http.body());
    Ok(())
}
