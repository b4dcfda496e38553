//! A Rust client for [Authlete](https://www.authlete.com/), the service that
//! runs the OAuth 2.0 and OpenID Connect logic behind an authorization server.
//!
//! An authorization server built on Authlete forwards what its endpoints
//! receive to Authlete's API and acts on the `action` that comes back. This
//! crate makes those calls: configure a [`Client`] once, then go noun → verb →
//! `send()`:
//!
//! ```
//! # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::path};
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let authlete = MockServer::start().await;
//! # Mock::given(path("/api/715948317/auth/token/revoke"))
//! #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"count": 3})))
//! #     .mount(&authlete).await;
//! let client = authlete::Client::builder()
//!     .service_id("715948317")
//!     .access_token("service-access-token")
//!     .region(authlete::Region::Us)
//! #   .base_url(authlete.uri())
//!     .build()?;
//!
//! let revoked = client
//!     .tokens()
//!     .revoke()
//!     .client_identifier("57297408867")
//!     .subject("john")
//!     .send()
//!     .await?;
//! assert_eq!(revoked.count(), Some(3));
//! # Ok(()) }
//! ```
//!
//! - [`Client`], [`ClientBuilder`], [`Region`]: configuration (also from the
//!   environment), a token that rotates ([`ServiceTokenProvider`]) and
//!   observers of every request ([`CallObserver`]);
//! - [`CallOptions`]: a call's own timeout, retry policy, service and
//!   headers, set on any request builder (`.timeout(..)`, `.header(..)`);
//! - [`tokens`]: the token endpoint calls (process, issue, fail, ID token
//!   reissue) and token administration (create, update, list, revoke, delete);
//! - [`endpoint`]: ready endpoints (token, introspection, revocation, ...):
//!   `http::Request` in, `http::Response` out, in any web framework;
//! - [`resource`]: a guard for the APIs that accept the access tokens, also
//!   as `tower` middleware (feature `tower`);
//! - [`operations`]: every operation in one table (HTTP method, path, replay class);
//! - [`Error`]: one error type that tells Authlete's refusals from transport trouble;
//! - [`RetryPolicy`]: which failures are retried, per operation;
//! - [`TokenAction`], [`TokenFailReason`], [`GrantType`] and the other enums:
//!   one type per enum of the spec, each keeping values newer than this crate;
//! - [`model`]: structured values inside requests and responses.
//!
//! The request builders, response types, enums and the operation table are
//! emitted from Authlete's OpenAPI description by `cargo xtask generate`;
//! their behaviour (HTTP responses, validation, retries) is written by hand.
//! Each response's `raw()` is the one way down to the generated crate
//! (`authlete-generated`), for a field this crate does not offer yet.
//!
//! The access token never appears in `Debug` or `Display` output, in errors
//! or in traces. TLS uses rustls unless the `native-tls` feature is enabled.

#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod browser;
// Unused only when no group's feature is on.
#[cfg_attr(not(feature = "full"), allow(dead_code))]
mod call;
mod client;
mod config;
mod credentials;
mod deadline;
mod document;
pub mod endpoint;
mod enums;
mod error;
#[doc(hidden)]
pub mod feature_off;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod groups;
mod ids;
// Each group's hand-written responses use a few of these helpers; with only
// some groups on, the others are unused.
#[cfg_attr(not(feature = "full"), allow(dead_code))]
mod http_response;
pub mod model;
mod observer;
pub mod operations;
// `client` is for the emitted builders: unused when no group's feature is on.
#[cfg_attr(not(feature = "full"), allow(dead_code))]
mod options;
// The per-call setters' macro, invoked by every emitted builder.
mod per_call;
#[cfg(feature = "introspection")]
#[cfg_attr(docsrs, doc(cfg(feature = "introspection")))]
pub mod resource;
mod response_basics;
mod retry;
#[cfg(feature = "testing")]
pub mod testing;
mod unknown;

pub use client::Client;
pub use config::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
    DEFAULT_USER_AGENT, ENV_ACCESS_TOKEN, ENV_BASE_URL, ENV_BEARER, ENV_SERVICE_APIKEY,
    ENV_SERVICE_ID, Region,
};
pub use credentials::{ServiceToken, ServiceTokenFuture, ServiceTokenProvider};
pub use document::JsonDocument;
#[allow(unused_imports, reason = "empty when no group's feature is on")]
pub use enums::*;
pub use error::{Error, TransportFailure};
#[allow(unused_imports, reason = "empty when no group's feature is on")]
pub use groups::*;
pub use http_response::{CLIENT_CHALLENGE, JSON_UTF8};
pub use ids::ClientRef;
pub use observer::{AttemptOutcome, CallObserver, OutgoingRequest};
pub use options::CallOptions;
pub use retry::{Replay, RetryPolicy};
