//! A ready JWK Set endpoint: the public keys clients verify the server's
//! signatures with (ID tokens, JWT access tokens, signed responses), as
//! Authlete keeps them for the service.
//!
//! Private keys are never asked for (`includePrivateKeys=false`). The set
//! is public and the same for every caller, so it may be cached, as the
//! discovery document: `Cache-Control: public, max-age=300` by default
//! ([`JwksEndpoint::max_age`]). Five minutes is short enough for key
//! rotation, which publishes a new key before signing with it, and clients
//! that meet an unknown `kid` fetch the set again anyway. A service with
//! no keys registered gets 204, as Authlete answers; a failure gets 500,
//! never cached.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use authlete::endpoint::jwks::JwksEndpoint;
//! # use authlete::operations::service;
//! # use authlete::testing::{MockAuthlete, MockReply};
//! # let authlete = MockAuthlete::start().await?;
//! # authlete.script(&service::JWKS, MockReply::json(200, serde_json::json!({
//! #     "keys": [{"kty": "EC", "kid": "k1", "crv": "P-256", "x": "x", "y": "y"}],
//! # })));
//! # let client = authlete.client()?;
//! let endpoint = JwksEndpoint::new(client);
//!
//! let response = endpoint.handle(http::Request::get("/jwks").body(())?).await;
//! assert_eq!(response.status(), 200);
//! assert!(response.body().contains(r#""kid":"k1""#));
//! # Ok(()) }
//! ```

use std::time::Duration;

use http::StatusCode;

use super::failure::outage;
use super::public_document::{DEFAULT_MAX_AGE, cacheable, refuse_method};
use crate::client::Client;
use crate::operations::service::JWKS;

/// A JWK Set endpoint backed by Authlete; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct JwksEndpoint {
    client: Client,
    max_age: Duration,
}

impl JwksEndpoint {
    /// A JWK Set endpoint calling Authlete through `client`.
    pub fn new(client: Client) -> Self {
        JwksEndpoint {
            client,
            max_age: DEFAULT_MAX_AGE,
        }
    }

    /// How long clients and caches may keep the set (whole seconds; five
    /// minutes by default). Zero sends `Cache-Control: no-store`.
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// Serves one request for the JWK Set: GET or HEAD; other methods get
    /// 405. Only the method of `request` is read.
    pub async fn handle<B>(&self, request: http::Request<B>) -> http::Response<String> {
        if let Some(response) = refuse_method(request.method()) {
            return response;
        }
        let call = self.client.service().jwks().include_private_keys(false);
        match call.send().await {
            Ok(set) => {
                // `keys` is required in a JWK Set (RFC 7517 §5), even empty;
                // the generated type would leave an empty one out.
                let body = serde_json::json!({ "keys": set.keys() }).to_string();
                cacheable(StatusCode::OK, body, self.max_age)
            }
            // Authlete's answer when the service has no keys registered.
            Err(error) if error.status() == Some(StatusCode::NO_CONTENT) => {
                cacheable(StatusCode::NO_CONTENT, String::new(), self.max_age)
            }
            Err(error) => outage(JWKS.id, &error),
        }
    }
}
