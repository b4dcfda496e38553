//! Ready endpoints of an authorization server: each takes an
//! `http::Request`, does the Authlete calls the endpoint needs, and returns
//! the `http::Response` to send, whatever web framework is around it.
//!
//! | endpoint | type | Authlete calls |
//! |---|---|---|
//! | authorization (RFC 6749 §3.1, OIDC Core §3.1.2) | [`authorization::AuthorizationEndpoint`] | `/auth/authorization`, then `/issue` or `/fail` |
//! | pushed authorization requests (RFC 9126) | [`par::ParEndpoint`] | `/pushed_auth_req` |
//! | backchannel authentication (OpenID Connect CIBA) | [`ciba::BackchannelEndpoint`] | `/backchannel/authentication`, then `/issue` or `/fail`; `/complete` |
//! | OpenID Federation: entity configuration, explicit registration | [`federation::FederationEndpoint`] | `/federation/configuration`, `/federation/registration` |
//! | grant management (FAPI) | [`grant_management::GrantManagementEndpoint`] | `/gm` |
//! | credential issuer (OpenID4VCI): metadata, JWT VC issuer metadata, JWK Set, credential, batch and deferred credential, credential offers | [`credential_issuer::CredentialIssuerEndpoint`] | `/vci/metadata`, `/vci/jwtissuer`, `/vci/jwks`, `/vci/{single,batch,deferred}/{parse,issue}`, `/vci/offer/info` |
//! | device authorization (RFC 8628) and its verification page | [`device::DeviceAuthorizationEndpoint`], [`device::DeviceVerification`] | `/device/authorization`, `/device/verification`, `/device/complete` |
//! | UserInfo (OIDC Core §5.3) | [`userinfo::UserInfoEndpoint`] | `/auth/userinfo`, `/auth/userinfo/issue` |
//! | discovery (OIDC Discovery, RFC 8414) | [`discovery::DiscoveryEndpoint`] | `/service/configuration` |
//! | JWK Set | [`jwks::JwksEndpoint`] | `/service/jwks/get` |
//! | token (RFC 6749 §3.2) | [`token::TokenEndpoint`] | `/auth/token`, then `/issue`, `/fail` or `/idtoken/reissue` |
//! | token introspection (RFC 7662) | [`introspection::IntrospectionEndpoint`] | `/auth/introspection/standard` |
//! | token revocation (RFC 7009) | [`revocation::RevocationEndpoint`] | `/auth/revocation` |
//! | dynamic client registration and management (RFC 7591, 7592) | [`registration::RegistrationEndpoint`] | `/client/registration`, `/get`, `/update`, `/delete` |
//!
//! What only the application knows (who is logged in, what a user's claims
//! are) comes from a delegate trait per endpoint. Everything else follows
//! the `action` Authlete answers with.
//!
//! Two rules hold for every endpoint here:
//!
//! - when Authlete cannot be reached, refuses the call, or answers with an
//!   action this crate does not know, the client gets 500
//!   `{"error":"server_error"}` and nothing of what Authlete wrote; the
//!   details go to `tracing` at error level;
//! - neither the logs nor any `Debug` output show an access token, a code,
//!   a ticket, a client secret or Authlete's `responseContent`.
//!
//! Responses carry `Cache-Control: no-store` and `Pragma: no-cache`, except
//! the discovery document and the JWK Set, which are public and the same for
//! everyone (see [`discovery`]).
//!
//! A client certificate from mutual TLS reaches the endpoints that use one
//! as a [`ClientCertificate`] in the request's extensions.
//!
//! The authorization endpoint, from the request to the redirect back to the
//! client:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use authlete::endpoint::authorization::{
//!     Authenticated, AuthorizationEndpoint, AuthorizationOutcome, NoSession,
//! };
//! # use authlete::operations::authorization;
//! # use authlete::testing::{MockAuthlete, MockReply};
//! # use serde_json::json;
//! # let authlete = MockAuthlete::start().await?;
//! # authlete.script(&authorization::PROCESS, MockReply::json(200, json!({
//! #     "action": "INTERACTION", "ticket": "t-1",
//! #     "client": {"clientId": 1234, "clientName": "My App"},
//! # })));
//! # authlete.script(&authorization::ISSUE, MockReply::json(200, json!({
//! #     "action": "LOCATION",
//! #     "responseContent": "https://app.example/cb?code=c-1&state=s",
//! # })));
//! # let client = authlete.client()?;
//! let endpoint = AuthorizationEndpoint::new(client, NoSession);
//!
//! let request = http::Request::get("/authorize?response_type=code&client_id=1234&state=s")
//!     .body(Vec::new())?;
//! match endpoint.handle(request).await {
//!     // A redirect, an auto-posting form or an error page: send it as it is.
//!     AuthorizationOutcome::Respond(response) => { /* ... */ }
//!     AuthorizationOutcome::Interact(interaction) => {
//!         // Show the login and consent page, keeping `interaction`
//!         // server-side; once the user has logged in and approved:
//!         assert_eq!(interaction.client_name(), Some("My App"));
//!         let response = interaction
//!             .issue(Authenticated {
//!                 subject: "user-1001".into(),
//!                 auth_time: Some(std::time::SystemTime::now()),
//!                 ..Default::default()
//!             })
//!             .await;
//!         assert_eq!(response.status(), 302);
//!         assert_eq!(response.headers()["location"], "https://app.example/cb?code=c-1&state=s");
//!     }
//! }
//! # Ok(()) }
//! ```

#[cfg(feature = "authorization")]
#[cfg_attr(docsrs, doc(cfg(feature = "authorization")))]
pub mod authorization;
#[cfg(feature = "ciba")]
#[cfg_attr(docsrs, doc(cfg(feature = "ciba")))]
pub mod ciba;
#[cfg(feature = "credential-issuer")]
#[cfg_attr(docsrs, doc(cfg(feature = "credential-issuer")))]
pub mod credential_issuer;
#[cfg(feature = "device-flow")]
#[cfg_attr(docsrs, doc(cfg(feature = "device-flow")))]
pub mod device;
#[cfg(feature = "service")]
#[cfg_attr(docsrs, doc(cfg(feature = "service")))]
pub mod discovery;
#[cfg(feature = "federation")]
#[cfg_attr(docsrs, doc(cfg(feature = "federation")))]
pub mod federation;
#[cfg(feature = "grant-management")]
#[cfg_attr(docsrs, doc(cfg(feature = "grant-management")))]
pub mod grant_management;
#[cfg(feature = "introspection")]
#[cfg_attr(docsrs, doc(cfg(feature = "introspection")))]
pub mod introspection;
#[cfg(feature = "service")]
#[cfg_attr(docsrs, doc(cfg(feature = "service")))]
pub mod jwks;
#[cfg(feature = "pushed-authorization")]
#[cfg_attr(docsrs, doc(cfg(feature = "pushed-authorization")))]
pub mod par;
#[cfg(feature = "client-registration")]
#[cfg_attr(docsrs, doc(cfg(feature = "client-registration")))]
pub mod registration;
#[cfg(feature = "revocation")]
#[cfg_attr(docsrs, doc(cfg(feature = "revocation")))]
pub mod revocation;
#[cfg(feature = "tokens")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokens")))]
pub mod token;
#[cfg(feature = "userinfo")]
#[cfg_attr(docsrs, doc(cfg(feature = "userinfo")))]
pub mod userinfo;

// Shared by the endpoints above; with only some groups on, parts go unused.
#[cfg_attr(not(feature = "full"), allow(dead_code, unused_imports, unused_macros))]
pub(crate) mod client_auth;
#[cfg_attr(not(feature = "full"), allow(dead_code, unused_imports))]
pub(crate) mod failure;
#[cfg_attr(not(feature = "full"), allow(dead_code, unused_imports))]
mod form_post;
#[cfg_attr(not(feature = "full"), allow(dead_code, unused_imports))]
mod public_document;
#[cfg_attr(not(feature = "full"), allow(dead_code, unused_imports))]
pub(crate) mod request;

pub use client_auth::ClientCertificate;
