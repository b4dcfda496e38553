//! A ready token endpoint: the `/auth/token` → issue | fail flow as one call.
//!
//! An authorization server built on Authlete keeps its token endpoint thin:
//! pass the request to `/auth/token`, act on the `action`, and for the
//! resource owner password grant check the credentials and call
//! `/auth/token/issue` or `/auth/token/fail`. [`TokenEndpoint::handle`] does
//! all of it for an `http::Request` and returns the `http::Response` to send,
//! whatever web framework is around it. What only the application knows
//! (whether a password is right; what to do with token exchange and the
//! other grants Authlete leaves to it) comes from a [`TokenEndpointDelegate`].
//!
//! When Authlete cannot be reached or refuses the call, the OAuth client gets
//! a plain 500 `{"error":"server_error"}`; the details go to `tracing` at
//! error level and never into the response.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use authlete::token_endpoint::{TokenEndpoint, TokenEndpointDelegate, UserCheck};
//! use authlete::TokenFailReason;
//!
//! struct Users;
//!
//! impl TokenEndpointDelegate for Users {
//!     async fn authenticate_user(&self, username: &str, password: &str) -> UserCheck {
//!         if (username, password) == ("john", "secret") {
//!             UserCheck::Authenticated { subject: "user-1001".into() }
//!         } else {
//!             UserCheck::Rejected(TokenFailReason::InvalidResourceOwnerCredentials)
//!         }
//!     }
//! }
//!
//! # let authlete = authlete::testing::MockAuthlete::start().await?;
//! # authlete.register_client("my-client", Some("client-secret"));
//! # let client = authlete.client()?;
//! let endpoint = TokenEndpoint::new(client, Users)
//!     .token_endpoint_url("https://as.example.com/token");
//!
//! let request = http::Request::post("/token")
//!     .header("content-type", "application/x-www-form-urlencoded")
//!     .header("authorization", "Basic bXktY2xpZW50OmNsaWVudC1zZWNyZXQ=") // my-client:client-secret
//!     .body("grant_type=password&username=john&password=secret")?;
//! let response = endpoint.handle(request).await;
//! assert_eq!(response.status(), 200);
//! # Ok(()) }
//! ```

use std::future::Future;

use base64::Engine;
use http::header::{ALLOW, AUTHORIZATION, HeaderValue, WWW_AUTHENTICATE};
use http::{Method, StatusCode};

use crate::client::Client;
use crate::enums::{TokenAction, TokenFailReason};
use crate::error::Error;
use crate::http_response::{CLIENT_CHALLENGE, json_response};
use crate::tokens::TokenResponse;

/// The verdict on a resource owner's username and password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserCheck {
    /// The credentials are right; tokens are issued for this subject (the
    /// user's stable, unique identifier).
    Authenticated {
        /// The resource owner's identifier.
        subject: String,
    },
    /// The credentials are wrong (or the account cannot get tokens); the
    /// request is failed with this reason.
    Rejected(TokenFailReason),
}

/// What the application decides, for the steps Authlete leaves to it.
///
/// Only [`authenticate_user`](Self::authenticate_user) must be written; the
/// other methods have defaults: grants the application does not support are
/// refused with 400 `unsupported_grant_type`, and an ID token that could be
/// reissued is not.
pub trait TokenEndpointDelegate: Send + Sync {
    /// Checks a username and password (resource owner password grant).
    fn authenticate_user(
        &self,
        username: &str,
        password: &str,
    ) -> impl Future<Output = UserCheck> + Send;

    /// Answers a token exchange request (RFC 8693) that Authlete validated.
    fn token_exchange(
        &self,
        _response: &TokenResponse,
    ) -> impl Future<Output = http::Response<String>> + Send {
        async { unsupported_grant_type() }
    }

    /// Answers a JWT bearer grant (RFC 7523) that Authlete validated.
    fn jwt_bearer(
        &self,
        _response: &TokenResponse,
    ) -> impl Future<Output = http::Response<String>> + Send {
        async { unsupported_grant_type() }
    }

    /// Answers a Native SSO token exchange that Authlete validated.
    fn native_sso(
        &self,
        _response: &TokenResponse,
    ) -> impl Future<Output = http::Response<String>> + Send {
        async { unsupported_grant_type() }
    }

    /// Whether to issue a new ID token for a refresh-token grant that allows
    /// it (`ID_TOKEN_REISSUABLE`). The default, `false`, answers with the
    /// tokens Authlete already prepared.
    fn reissue_id_token(&self, _response: &TokenResponse) -> impl Future<Output = bool> + Send {
        async { false }
    }
}

/// A client certificate (PEM) the server terminated mutual TLS with; put it
/// in the request's extensions for [`TokenEndpoint::handle`] to pass on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCertificate(pub String);

/// A token endpoint backed by Authlete; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct TokenEndpoint<D> {
    client: Client,
    delegate: D,
    token_endpoint_url: Option<String>,
}

impl<D: TokenEndpointDelegate> TokenEndpoint<D> {
    /// A token endpoint calling Authlete through `client`, asking `delegate`
    /// for the decisions that are the application's.
    pub fn new(client: Client, delegate: D) -> Self {
        TokenEndpoint {
            client,
            delegate,
            token_endpoint_url: None,
        }
    }

    /// The public URL of this endpoint, which DPoP proofs name (`htu`).
    /// Without it, the URL is rebuilt from the `Host` header as `https://`.
    pub fn token_endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.token_endpoint_url = Some(url.into());
        self
    }

    /// The delegate this endpoint asks.
    pub fn delegate(&self) -> &D {
        &self.delegate
    }

    /// Serves one token request: the form body as received, plus its
    /// method, URL and headers (`Authorization: Basic`, `DPoP`), plus a
    /// [`ClientCertificate`] in its extensions if there is one.
    pub async fn handle<B: AsRef<[u8]>>(
        &self,
        request: http::Request<B>,
    ) -> http::Response<String> {
        let (parts, body) = request.into_parts();
        if parts.method != Method::POST {
            let mut response =
                json_response(StatusCode::METHOD_NOT_ALLOWED, None, "invalid_request");
            response
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static("POST"));
            return response;
        }
        let Ok(parameters) = std::str::from_utf8(body.as_ref()) else {
            return json_response(StatusCode::BAD_REQUEST, None, "invalid_request");
        };
        let credentials = match basic_credentials(&parts.headers) {
            Ok(credentials) => credentials,
            Err(()) => return invalid_client(),
        };

        let mut call = self
            .client
            .tokens()
            .process(parameters)
            .htm(parts.method.as_str());
        if let Some((id, secret)) = credentials {
            call = call.client_id(id).client_secret(secret);
        }
        if let Some(dpop) = parts.headers.get("dpop").and_then(|v| v.to_str().ok()) {
            call = call.dpop(dpop);
        }
        if let Some(htu) = self.htu(&parts) {
            call = call.htu(htu);
        }
        if let Some(ClientCertificate(pem)) = parts.extensions.get::<ClientCertificate>() {
            call = call.client_certificate(pem.as_str());
        }
        let response = match call.send().await {
            Ok(response) => response,
            Err(error) => return outage("auth_token_api", &error),
        };

        match response.action() {
            Some(TokenAction::Password) => self.password_grant(response).await,
            Some(TokenAction::TokenExchange) => self.delegate.token_exchange(&response).await,
            Some(TokenAction::JwtBearer) => self.delegate.jwt_bearer(&response).await,
            Some(TokenAction::NativeSso) => self.delegate.native_sso(&response).await,
            Some(TokenAction::IdTokenReissuable)
                if self.delegate.reissue_id_token(&response).await =>
            {
                self.reissue(response).await
            }
            _ => response.into_http_response(),
        }
    }

    /// The resource owner password grant: check the credentials, then spend
    /// the ticket on exactly one of issue or fail.
    async fn password_grant(&self, response: TokenResponse) -> http::Response<String> {
        let username = response.username().unwrap_or_default();
        let password = response.password().unwrap_or_default();
        let verdict = self.delegate.authenticate_user(username, password).await;
        let Some(ticket) = response.ticket().map(str::to_owned) else {
            tracing::error!("Authlete answered PASSWORD without a ticket");
            return server_error();
        };
        let tokens = self.client.tokens();
        // `ticket` moves into one call or the other: it cannot be spent twice.
        let outcome = match verdict {
            UserCheck::Authenticated { subject } => tokens
                .issue(ticket, subject)
                .send()
                .await
                .map(|r| r.into_http_response())
                .map_err(|e| ("auth_token_issue_api", e)),
            UserCheck::Rejected(reason) => tokens
                .fail(ticket, reason)
                .send()
                .await
                .map(|r| r.into_http_response())
                .map_err(|e| ("auth_token_fail_api", e)),
        };
        outcome.unwrap_or_else(|(operation, error)| outage(operation, &error))
    }

    async fn reissue(&self, response: TokenResponse) -> http::Response<String> {
        let (Some(access_token), Some(refresh_token)) =
            (response.access_token(), response.refresh_token())
        else {
            return response.into_http_response();
        };
        match self
            .client
            .tokens()
            .reissue_id_token(access_token, refresh_token)
            .send()
            .await
        {
            Ok(reissued) => reissued.into_http_response(),
            Err(error) => outage("idtoken_reissue_api", &error),
        }
    }

    fn htu(&self, parts: &http::request::Parts) -> Option<String> {
        if let Some(url) = &self.token_endpoint_url {
            return Some(url.clone());
        }
        let host = parts.headers.get(http::header::HOST)?.to_str().ok()?;
        Some(format!("https://{host}{}", parts.uri.path()))
    }
}

/// Client credentials from `Authorization: Basic`, decoded as RFC 6749
/// §2.3.1 asks (base64, then form-urlencoding of each half).
///
/// `Ok(None)`: no Basic header. `Err`: a Basic header that cannot be read.
fn basic_credentials(headers: &http::HeaderMap) -> Result<Option<(String, String)>, ()> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| ())?;
    let Some((scheme, encoded)) = value.split_once(' ') else {
        return Ok(None);
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Ok(None);
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| ())?;
    let decoded = String::from_utf8(decoded).map_err(|_| ())?;
    let (id, secret) = decoded.split_once(':').ok_or(())?;
    let unescape = |s: &str| -> String {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Ok(Some((unescape(id), unescape(secret))))
}

fn invalid_client() -> http::Response<String> {
    let mut response = json_response(StatusCode::UNAUTHORIZED, None, "invalid_client");
    response
        .headers_mut()
        .insert(WWW_AUTHENTICATE, HeaderValue::from_static(CLIENT_CHALLENGE));
    response
}

fn unsupported_grant_type() -> http::Response<String> {
    json_response(StatusCode::BAD_REQUEST, None, "unsupported_grant_type")
}

fn server_error() -> http::Response<String> {
    json_response(StatusCode::INTERNAL_SERVER_ERROR, None, "server_error")
}

/// Authlete could not be used: log why, tell the client only that it failed.
///
/// The error's `Display` is safe to log: for an answer that did not decode
/// it names the field and the JSON types involved and describes the body's
/// shape, but never quotes a value from it (Authlete's answers carry the
/// tokens, the ticket and, for `/auth/token`, the resource owner's password).
fn outage(operation: &str, error: &Error) -> http::Response<String> {
    tracing::error!(
        operation,
        %error,
        status = error.status().map(|s| s.as_u16()),
        result_code = error.result_code(),
        request_id = error.request_id(),
        "Authlete call failed; answering the token request with server_error"
    );
    server_error()
}
