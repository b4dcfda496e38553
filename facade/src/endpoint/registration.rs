//! Dynamic client registration (RFC 7591) and management (RFC 7592), ready.
//!
//! Two endpoints, one type:
//!
//! - the **registration endpoint**: a client POSTs its metadata as JSON,
//!   perhaps with an initial access token (`Authorization: Bearer`);
//!   [`RegistrationEndpoint::register`] asks the application's
//!   [`RegistrationPolicy`] whether that token may register, then forwards
//!   the metadata to `/client/registration`: 201 with the client's ID,
//!   secret, registration access token and configuration URI, or 400 with
//!   `invalid_client_metadata` or `invalid_redirect_uri`;
//! - the **client configuration endpoint** (the registration client URI):
//!   [`RegistrationEndpoint::manage`] reads (GET, 200), replaces (PUT, 200)
//!   or deletes (DELETE, 204) the client named in the path, with the
//!   registration access token the client was given. A wrong token, or a
//!   client that is gone, gets 401 with `WWW-Authenticate: Bearer
//!   error="invalid_token"` (RFC 7592 §2, RFC 6750 §3).
//!
//! The bodies come from Authlete's `responseContent` as they are; Authlete
//! out of reach, or an action this crate does not know, gives 500
//! `{"error":"server_error"}`. Tokens and secrets never reach the logs.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use authlete::endpoint::registration::{OpenRegistration, RegistrationEndpoint};
//! use authlete::testing::MockAuthlete;
//!
//! let authlete = MockAuthlete::start().await?;
//! let endpoint = RegistrationEndpoint::new(authlete.client()?, OpenRegistration);
//! let request = http::Request::post("/register")
//!     .header("content-type", "application/json")
//!     .body(r#"{"client_name":"My App","redirect_uris":["https://app.example/cb"]}"#)?;
//! let response = endpoint.register(request).await;
//! assert_eq!(response.status(), 201);
//! let client: serde_json::Value = serde_json::from_str(response.body())?;
//! let id = client["client_id"].as_str().ok_or("no client_id")?;
//! let token = client["registration_access_token"].as_str().ok_or("no token")?;
//!
//! let read = http::Request::get(format!("/register/{id}"))
//!     .header("authorization", format!("Bearer {token}"))
//!     .body("")?;
//! assert_eq!(endpoint.manage(read, id).await.status(), 200);
//! # Ok(()) }
//! ```

use std::future::Future;

use http::{Method, StatusCode};

use super::failure::{method_not_allowed, outage, unreadable_body};
use super::request::{authorization, is_labelled};
use crate::client::Client;
use crate::enums::ClientRegistrationAction;
use crate::http_response::{json_response, with_challenge};
use crate::operations::client_registration::{DELETE, GET, REGISTER, UPDATE};

/// The challenge sent with a 401 from either endpoint.
const INVALID_TOKEN: &str = "Bearer error=\"invalid_token\"";

/// Who may register a client: the application's rule for initial access
/// tokens (RFC 7591 §3).
pub trait RegistrationPolicy: Send + Sync {
    /// Whether a registration with `initial_access_token` (the bearer
    /// token of the request, if any) may go ahead. Refused registrations
    /// get 401 `invalid_token` without reaching Authlete.
    fn may_register(&self, initial_access_token: Option<&str>)
    -> impl Future<Output = bool> + Send;
}

/// Anyone may register: open registration, as for a development server.
#[derive(Debug, Clone, Copy, Default)]
pub struct OpenRegistration;

impl RegistrationPolicy for OpenRegistration {
    async fn may_register(&self, _: Option<&str>) -> bool {
        true
    }
}

/// The registration and client configuration endpoints backed by
/// Authlete; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct RegistrationEndpoint<P> {
    client: Client,
    policy: P,
}

impl<P: RegistrationPolicy> RegistrationEndpoint<P> {
    /// The endpoints, calling Authlete through `client` and asking `policy`
    /// who may register.
    pub fn new(client: Client, policy: P) -> Self {
        RegistrationEndpoint { client, policy }
    }

    /// Serves one registration request: a POST with the client's metadata
    /// as a JSON body. Other methods get 405.
    pub async fn register<B: AsRef<[u8]>>(
        &self,
        request: http::Request<B>,
    ) -> http::Response<String> {
        let (parts, body) = request.into_parts();
        if parts.method != Method::POST {
            return method_not_allowed("POST");
        }
        let Some(metadata) = json_text(&parts, body.as_ref()) else {
            return refused_metadata();
        };
        let Ok(token) = bearer(&parts) else {
            return unreadable_body();
        };
        if !self.policy.may_register(token).await {
            return with_challenge(
                json_response(StatusCode::UNAUTHORIZED, None, "invalid_token"),
                INVALID_TOKEN,
            );
        }
        let mut call = self.client.client_registration().register(metadata);
        if let Some(token) = token {
            call = call.token(token);
        }
        match call.send().await {
            Ok(response) => answer(response),
            Err(error) => outage(REGISTER.id, &error),
        }
    }

    /// Serves one request to the client configuration endpoint of
    /// `client_id` (the last segment of the registration client URI): GET
    /// reads the client, PUT replaces its metadata with the JSON body,
    /// DELETE deletes it. Other methods get 405.
    pub async fn manage<B: AsRef<[u8]>>(
        &self,
        request: http::Request<B>,
        client_id: &str,
    ) -> http::Response<String> {
        let (parts, body) = request.into_parts();
        let token = match bearer(&parts) {
            Ok(Some(token)) => token,
            Ok(None) => {
                return with_challenge(
                    json_response(StatusCode::UNAUTHORIZED, None, "invalid_token"),
                    INVALID_TOKEN,
                );
            }
            Err(()) => return unreadable_body(),
        };
        let registration = self.client.client_registration();
        let (operation, sent) = match parts.method {
            Method::GET => (GET.id, registration.get(client_id, token).send().await),
            Method::DELETE => (
                DELETE.id,
                registration.delete(client_id, token).send().await,
            ),
            Method::PUT => {
                let Some(metadata) = json_text(&parts, body.as_ref()) else {
                    return refused_metadata();
                };
                let call = registration.update(client_id, token, metadata);
                (UPDATE.id, call.send().await)
            }
            _ => return method_not_allowed("GET, PUT, DELETE"),
        };
        match sent {
            Ok(response) => answer(response),
            Err(error) => outage(operation, &error),
        }
    }
}

/// Authlete's verdict as the client gets it, with RFC 6750's challenge on
/// a 401.
fn answer(
    response: crate::client_registration::ClientRegistrationResponse,
) -> http::Response<String> {
    let unauthorized = response.action() == Some(ClientRegistrationAction::Unauthorized);
    let answer = response.into_http_response();
    if unauthorized {
        with_challenge(answer, INVALID_TOKEN)
    } else {
        answer
    }
}

/// The body as text, when the request says it is JSON.
fn json_text<'b>(parts: &http::request::Parts, body: &'b [u8]) -> Option<&'b str> {
    is_labelled(&parts.headers, "application/json")
        .then(|| std::str::from_utf8(body).ok())
        .flatten()
}

/// The bearer token of the `Authorization` header, if there is one.
fn bearer(parts: &http::request::Parts) -> Result<Option<&str>, ()> {
    Ok(match authorization(&parts.headers)? {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() => {
            Some(token)
        }
        _ => None,
    })
}

/// 400 `invalid_client_metadata` (RFC 7591 §3.2.2) for a body that is not
/// JSON text.
fn refused_metadata() -> http::Response<String> {
    json_response(StatusCode::BAD_REQUEST, None, "invalid_client_metadata")
}
