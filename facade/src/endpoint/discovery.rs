//! A ready discovery endpoint: the authorization server's metadata at
//! `/.well-known/openid-configuration` (OpenID Connect Discovery §4) or
//! `/.well-known/oauth-authorization-server` (RFC 8414 §3), as Authlete
//! builds it from the service's settings.
//!
//! The document is public and the same for every caller, and changes only
//! when the service's settings do, so unlike the other endpoints' answers
//! it may be cached: `Cache-Control: public, max-age=300` by default.
//! Five minutes spares Authlete a call for each client that starts up or
//! refreshes its metadata, while a settings change still reaches every
//! client soon; [`DiscoveryEndpoint::max_age`] changes it. An answer that
//! failed (500) is never cached.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use authlete::endpoint::discovery::DiscoveryEndpoint;
//! # use authlete::operations::service;
//! # use authlete::testing::{MockAuthlete, MockReply};
//! # let authlete = MockAuthlete::start().await?;
//! # authlete.script(&service::CONFIGURATION, MockReply::json(200, serde_json::json!({
//! #     "issuer": "https://as.example.com",
//! # })));
//! # let client = authlete.client()?;
//! let endpoint = DiscoveryEndpoint::new(client);
//!
//! let request = http::Request::get("/.well-known/openid-configuration").body(())?;
//! let response = endpoint.handle(request).await;
//! assert_eq!(response.status(), 200);
//! assert_eq!(response.headers()["cache-control"], "public, max-age=300");
//! assert!(response.body().contains("https://as.example.com"));
//! # Ok(()) }
//! ```

use std::time::Duration;

use http::StatusCode;

use super::failure::outage;
use super::public_document::{DEFAULT_MAX_AGE, cacheable, refuse_method};
use crate::client::Client;
use crate::http_response::server_error;
use crate::operations::service::CONFIGURATION;

/// A discovery endpoint backed by Authlete; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct DiscoveryEndpoint {
    client: Client,
    max_age: Duration,
}

impl DiscoveryEndpoint {
    /// A discovery endpoint calling Authlete through `client`.
    pub fn new(client: Client) -> Self {
        DiscoveryEndpoint {
            client,
            max_age: DEFAULT_MAX_AGE,
        }
    }

    /// How long clients and caches may keep the document (whole seconds;
    /// five minutes by default). Zero sends `Cache-Control: no-store`.
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// Serves one request for the metadata: GET or HEAD; other methods get
    /// 405. Only the method of `request` is read.
    pub async fn handle<B>(&self, request: http::Request<B>) -> http::Response<String> {
        if let Some(response) = refuse_method(request.method()) {
            return response;
        }
        match self.client.service().configuration().send().await {
            Ok(metadata) => match serde_json::to_string(&metadata) {
                Ok(body) => cacheable(StatusCode::OK, body, self.max_age),
                Err(_) => server_error(),
            },
            Err(error) => outage(CONFIGURATION.id, &error),
        }
    }
}
