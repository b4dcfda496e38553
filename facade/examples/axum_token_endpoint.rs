//! A complete OAuth token endpoint in axum, backed by Authlete.
//!
//! ```text
//! cargo run -p authlete --example axum_token_endpoint
//! ```
//!
//! It serves `POST /token` on 127.0.0.1:3000 (or `PORT`). With
//! `AUTHLETE_BASE_URL`, `AUTHLETE_SERVICE_ID` and `AUTHLETE_SERVICE_ACCESSTOKEN`
//! set it talks to that Authlete service; otherwise it starts the crate's
//! stand-in for Authlete (`authlete::testing::MockAuthlete`) with one client,
//! `my-client` / `client-secret`, so it runs offline.
//!
//! The one user it knows is `john` with password `secret`:
//!
//! ```text
//! curl -s -u my-client:client-secret -d grant_type=password -d username=john -d password=secret http://127.0.0.1:3000/token
//! curl -s -u my-client:client-secret -d grant_type=password -d username=john -d password=wrong  http://127.0.0.1:3000/token
//! ```

use std::sync::Arc;

use authlete::TokenFailReason;
use authlete::endpoint::token::{TokenEndpoint, TokenEndpointDelegate, UserCheck};
use axum::Router;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

/// The OAuth client the offline stand-in knows.
pub const DEMO_CLIENT_ID: &str = "my-client";
/// That client's secret.
pub const DEMO_CLIENT_SECRET: &str = "client-secret";
/// Token requests larger than this are refused before parsing.
const MAX_BODY: usize = 64 * 1024;

/// The application's user store: one user, for the demonstration.
#[derive(Debug)]
pub struct DemoUsers;

impl TokenEndpointDelegate for DemoUsers {
    async fn authenticate_user(&self, username: &str, password: &str) -> UserCheck {
        // A real server looks the user up and compares a password hash.
        if username == "john" && password == "secret" {
            UserCheck::Authenticated {
                subject: "user-1001".to_owned(),
            }
        } else {
            UserCheck::Rejected(TokenFailReason::InvalidResourceOwnerCredentials)
        }
    }
}

/// The axum app: `POST /token` served by `endpoint`.
pub fn router(endpoint: Arc<TokenEndpoint<DemoUsers>>) -> Router {
    Router::new()
        .route("/token", post(token))
        .with_state(endpoint)
}

async fn token(
    State(endpoint): State<Arc<TokenEndpoint<DemoUsers>>>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(bytes) => endpoint
            .handle(http::Request::from_parts(parts, bytes))
            .await
            .into_response(),
        Err(_) => (http::StatusCode::PAYLOAD_TOO_LARGE, "request too large").into_response(),
    }
}

#[allow(dead_code)] // the tests include this file for `router` and `DemoUsers` only
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().init();
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3000);

    let configured = std::env::var_os(authlete::ENV_SERVICE_ID).is_some();
    let mut stand_in = None;
    let client = if configured {
        println!("Using Authlete as configured by the AUTHLETE_* environment variables.");
        authlete::Client::from_env()?
    } else {
        let mock = authlete::testing::MockAuthlete::start().await?;
        mock.register_client(DEMO_CLIENT_ID, Some(DEMO_CLIENT_SECRET));
        println!(
            "AUTHLETE_* not set: using a local stand-in for Authlete at {}.",
            mock.uri()
        );
        let client = mock.client()?;
        stand_in = Some(mock);
        client
    };

    let endpoint = TokenEndpoint::new(client, DemoUsers)
        .token_endpoint_url(format!("http://127.0.0.1:{port}/token"));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("Token endpoint on http://127.0.0.1:{port}/token. Try:");
    println!(
        "  curl -s -u {DEMO_CLIENT_ID}:{DEMO_CLIENT_SECRET} -d grant_type=password -d username=john -d password=secret http://127.0.0.1:{port}/token"
    );
    axum::serve(listener, router(Arc::new(endpoint))).await?;
    drop(stand_in);
    Ok(())
}
