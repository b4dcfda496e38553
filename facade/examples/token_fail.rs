//! Closing a token request with an error, as a token endpoint does when the
//! resource owner's password is wrong.
//!
//! ```text
//! cargo run -p authlete --example token_fail [TICKET]
//! ```
//!
//! With `AUTHLETE_BASE_URL`, `AUTHLETE_SERVICE_ID` and
//! `AUTHLETE_SERVICE_ACCESSTOKEN` set, it calls that Authlete service (pass a
//! ticket that `/auth/token` issued, or Authlete will refuse the made-up one).
//! Without them it starts a stand-in for Authlete on 127.0.0.1 that answers
//! `/auth/token/fail` the way Authlete does, and runs against that.
//!
//! It prints the request it sent and the HTTP response the token endpoint
//! would return to the OAuth client.

use authlete::{Client, TokenFailReason};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const STAND_IN_SERVICE: &str = "715948317";
const STAND_IN_TOKEN: &str = "stand-in-service-access-token";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let ticket = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "83BNqKIhGMyrkvop_7jQjv2Z1612LNdGSQKkvkrf47c".to_owned());

    let configured = std::env::var_os(authlete::ENV_SERVICE_ID).is_some();
    let (client, stand_in) = if configured {
        println!("Calling Authlete as configured by the AUTHLETE_* environment variables.");
        (Client::from_env()?, None)
    } else {
        let server = start_stand_in().await;
        println!(
            "AUTHLETE_* not set: using a local stand-in for Authlete at {}.",
            server.uri()
        );
        let client = Client::builder()
            .service_id(STAND_IN_SERVICE)
            .access_token(STAND_IN_TOKEN)
            .base_url(server.uri())
            .build()?;
        (client, Some(server))
    };

    let result = client
        .tokens()
        .fail(ticket, TokenFailReason::InvalidResourceOwnerCredentials)
        .send()
        .await;

    if let Some(server) = &stand_in {
        println!("\n--- request sent to Authlete ---");
        for request in server.received_requests().await.unwrap_or_default() {
            print_request(&request);
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

fn print_request(request: &Request) {
    println!("{} {}", request.method, request.url.path());
    for (name, value) in &request.headers {
        let shown = if name == "authorization" {
            // Show the scheme only; the token stays out of terminals and logs.
            let scheme = value.to_str().unwrap_or("").split(' ').next().unwrap_or("");
            format!("{scheme} <redacted>")
        } else {
            value.to_str().unwrap_or("<binary>").to_owned()
        };
        if name != "host" {
            println!("{name}: {shown}");
        }
    }
    println!("\n{}", String::from_utf8_lossy(&request.body));
}

/// Answers `/auth/token/fail` as Authlete does, for the stand-in's own service and token.
async fn start_stand_in() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{STAND_IN_SERVICE}/auth/token/fail")))
        .and(header("authorization", format!("Bearer {STAND_IN_TOKEN}")))
        .respond_with(TokenFailStandIn)
        .mount(&server)
        .await;
    server
}

struct TokenFailStandIn;

impl Respond for TokenFailStandIn {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap_or_default();
        // Only the wrong-password case is modelled on Authlete's documented
        // answer (result code A067301); any other reason gets a plain 500 action.
        if body["reason"] != "INVALID_RESOURCE_OWNER_CREDENTIALS" {
            return ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "action": "INTERNAL_SERVER_ERROR",
                "responseContent": r#"{"error":"server_error"}"#,
            }));
        }
        let message = "[A067301] The resource owner's username or password is wrong.";
        let content = serde_json::json!({
            "error": "invalid_request",
            "error_description": message,
        });
        ResponseTemplate::new(200)
            .insert_header("request-id", "stand-in-0001")
            .set_body_json(serde_json::json!({
                "resultCode": "A067301",
                "resultMessage": message,
                "action": "BAD_REQUEST",
                "responseContent": content.to_string(),
            }))
    }
}
