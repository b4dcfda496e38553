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
//! Client authentication is forwarded from wherever it travels:
//! `Authorization: Basic`, the form body (Authlete reads it there), a
//! [`ClientCertificate`](super::ClientCertificate) extension (mutual TLS) and
//! the `OAuth-Client-Attestation` / `OAuth-Client-Attestation-PoP` headers
//! (attestation-based client authentication). Authlete's answer to the latter
//! may hold a fresh challenge (`attestationChallenge`, for the
//! `OAuth-Client-Attestation-Challenge` header), but that field is missing
//! from the API description this crate is generated from, so the header is
//! not sent yet.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use authlete::endpoint::token::{TokenEndpoint, TokenEndpointDelegate, UserCheck};
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

use http::StatusCode;

use super::client_auth::{DpopBinding, forward_client_auth, forward_dpop, public_url};
use super::failure::outage;
use super::form_post::client_form;
use crate::client::Client;
use crate::enums::{TokenAction, TokenFailReason};
use crate::http_response::{CLIENT_CHALLENGE, json_response, server_error, with_dpop_nonce};
use crate::operations::tokens::{FAIL, ISSUE, PROCESS, REISSUE_ID_TOKEN};
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
    /// request is failed with this reason through `/auth/token/fail`.
    ///
    /// With [`TokenFailReason::InvalidResourceOwnerCredentials`], Authlete
    /// answers 400 with `"error":"invalid_request"`, not the
    /// `invalid_grant` of RFC 6749 §5.2: a client library that looks for
    /// `invalid_grant` to say "wrong password" will not find it. The
    /// stand-in answers the same way.
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
    /// method, URL and headers (`Authorization: Basic`, `DPoP`,
    /// `OAuth-Client-Attestation`, `OAuth-Client-Attestation-PoP`), plus a
    /// [`ClientCertificate`](super::ClientCertificate) in its extensions if
    /// there is one.
    ///
    /// Authorization code, refresh token, client credentials, device code and
    /// CIBA grants are answered by Authlete (`OK`, or an error); the resource
    /// owner password grant, token exchange, JWT bearer and Native SSO go
    /// through the [delegate](TokenEndpointDelegate) first.
    pub async fn handle<B: AsRef<[u8]>>(
        &self,
        request: http::Request<B>,
    ) -> http::Response<String> {
        let (parts, body) = request.into_parts();
        let (parameters, authentication) =
            match client_form(&parts, body.as_ref(), CLIENT_CHALLENGE) {
                Ok(read) => read,
                Err(refusal) => return refusal,
            };
        let url = public_url(&parts, self.token_endpoint_url.as_deref());
        let Ok(dpop) = DpopBinding::read(&parts, url) else {
            // RFC 9449 §4.3: a token endpoint refuses a bad proof this way.
            return json_response(StatusCode::BAD_REQUEST, None, "invalid_dpop_proof");
        };

        let call = forward_client_auth!(self.client.tokens().process(parameters), &authentication);
        let response = match forward_dpop!(call, dpop).send().await {
            Ok(response) => response,
            Err(error) => return outage(PROCESS.id, &error),
        };

        match Decision::of(response.action()) {
            Some(Decision::Password) => return self.password_grant(response).await,
            Some(Decision::TokenExchange) => return self.delegate.token_exchange(&response).await,
            Some(Decision::JwtBearer) => return self.delegate.jwt_bearer(&response).await,
            Some(Decision::NativeSso) => return self.delegate.native_sso(&response).await,
            None => {}
        }
        if matches!(response.action(), Some(TokenAction::IdTokenReissuable))
            && self.delegate.reissue_id_token(&response).await
        {
            return self.reissue(response).await;
        }
        // OK, ID_TOKEN_REISSUABLE kept as it is, the errors, and actions
        // newer than this crate: `into_http_response` decides each.
        response.into_http_response()
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
                .map_err(|e| (ISSUE.id, e)),
            UserCheck::Rejected(reason) => tokens
                .fail(ticket, reason)
                .send()
                .await
                .map(|r| r.into_http_response())
                .map_err(|e| (FAIL.id, e)),
        };
        match outcome {
            // The nonce came with `/auth/token`; the client needs it whichever
            // call answered (issue and fail carry none of their own).
            Ok(answer) => with_dpop_nonce(answer, response.dpop_nonce()),
            Err((operation, error)) => outage(operation, &error),
        }
    }

    async fn reissue(&self, response: TokenResponse) -> http::Response<String> {
        let (Some(access_token), Some(refresh_token)) = (
            response.jwt_access_token().or(response.access_token()),
            response.refresh_token(),
        ) else {
            return response.into_http_response();
        };
        match self
            .client
            .tokens()
            .reissue_id_token(access_token, refresh_token)
            .send()
            .await
        {
            Ok(reissued) => with_dpop_nonce(reissued.into_http_response(), response.dpop_nonce()),
            Err(error) => outage(REISSUE_ID_TOKEN.id, &error),
        }
    }
}

/// The actions of `/auth/token` that leave a decision to the authorization
/// server: the one list both [`TokenResponse::needs_decision`] and
/// [`TokenEndpoint::handle`]'s dispatch read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// `PASSWORD`: check the resource owner's credentials.
    Password,
    /// `TOKEN_EXCHANGE`: judge the exchange (RFC 8693).
    TokenExchange,
    /// `JWT_BEARER`: judge the assertion (RFC 7523).
    JwtBearer,
    /// `NATIVE_SSO`: judge the device secret (OpenID Connect Native SSO).
    NativeSso,
}

impl Decision {
    /// The decision `action` leaves to the authorization server, if any.
    pub(crate) fn of(action: Option<TokenAction>) -> Option<Decision> {
        match action? {
            TokenAction::Password => Some(Decision::Password),
            TokenAction::TokenExchange => Some(Decision::TokenExchange),
            TokenAction::JwtBearer => Some(Decision::JwtBearer),
            TokenAction::NativeSso => Some(Decision::NativeSso),
            // Authlete has decided these; `into_http_response` delivers them.
            TokenAction::Ok
            | TokenAction::IdTokenReissuable
            | TokenAction::BadRequest
            | TokenAction::InvalidClient
            | TokenAction::InternalServerError => None,
            // Newer than this crate: nothing to decide that we know of.
            _ => None,
        }
    }
}

fn unsupported_grant_type() -> http::Response<String> {
    json_response(StatusCode::BAD_REQUEST, None, "unsupported_grant_type")
}
