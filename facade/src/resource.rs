//! Protecting a resource server's routes with access tokens Authlete issued.
//!
//! A request to a protected resource carries an access token in
//! `Authorization: Bearer <token>`, or `Authorization: DPoP <token>` with a
//! `DPoP` proof (RFC 9449). [`ResourceGuard::check`] hands the token to
//! Authlete's `/auth/introspection` together with everything that binds it
//! (the proof, the request's method and public URL for the proof's `htm`
//! and `htu`, and a [`ClientCertificate`] extension for tokens bound to a
//! mutual-TLS certificate) and the scopes the route demands. A token that
//! passes becomes a [`ValidatedToken`]: who it was issued to, for whom, with
//! which scopes, until when, and not the token itself. A token that does
//! not gives the response to send: 400, 401 or 403 with the
//! `WWW-Authenticate` challenge Authlete wrote (RFC 6750 §3, RFC 9449 §7),
//! or 500.
//!
//! This lives apart from [`crate::endpoint`]: those are the authorization
//! server's own endpoints, while a guard runs in front of any API that
//! accepts the tokens, often a different service.
//!
//! With the `tower` feature, [`ResourceGuard::layer`] wraps any `tower`
//! service (an axum `Router` included): the inner service runs only for a
//! valid token and finds the [`ValidatedToken`] in the request's extensions
//! (in axum: `Extension<ValidatedToken>`).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use authlete::operations::introspection;
//! use authlete::resource::ResourceGuard;
//! use authlete::testing::{MockAuthlete, MockReply};
//!
//! # let authlete = MockAuthlete::start().await?;
//! # authlete.script(&introspection::PROCESS, MockReply::json(200, serde_json::json!({
//! #     "action": "OK", "subject": "user-1001", "clientId": 57297408867_i64,
//! #     "scopes": ["photos:read"], "expiresAt": 1_900_000_000_000_i64,
//! # })));
//! # authlete.script(&introspection::PROCESS, MockReply::json(200, serde_json::json!({
//! #     "action": "FORBIDDEN",
//! #     "responseContent": "Bearer error=\"insufficient_scope\",scope=\"photos:read\"",
//! # })));
//! let guard = ResourceGuard::new(authlete.client()?)
//!     .public_url("https://api.example.com")
//!     .required_scopes(["photos:read"]);
//!
//! let request = http::Request::get("/photos/42")
//!     .header("authorization", "Bearer mF_9.B5f-4.1JqM")
//!     .body(())?;
//! let (parts, _body) = request.into_parts();
//! let token = guard.check(&parts).await.expect("a valid token");
//! assert_eq!(token.subject(), Some("user-1001"));
//! assert!(token.has_scope("photos:read"));
//!
//! // A token without the scope: send the response the guard gives back.
//! let refusal = guard.check(&parts).await.expect_err("insufficient scope");
//! assert_eq!(refusal.status(), 403);
//! assert_eq!(
//!     refusal.headers()["www-authenticate"],
//!     "Bearer error=\"insufficient_scope\",scope=\"photos:read\""
//! );
//! # Ok(()) }
//! ```

#[cfg(feature = "tower")]
mod tower;

use std::time::{Duration, SystemTime};

use http::StatusCode;
use http::request::Parts;

use crate::client::Client;
use crate::endpoint::client_auth::DpopBinding;
use crate::endpoint::failure::outage;
use crate::endpoint::request::{access_token, client_certificate};
use crate::enums::IntrospectionAction;
use crate::http_response::challenge_response;
use crate::introspection::IntrospectionResponse;
use crate::operations::introspection::PROCESS;

#[doc(no_inline)]
pub use crate::endpoint::ClientCertificate;
#[cfg(feature = "tower")]
pub use tower::{ResourceGuardLayer, ResourceGuardService};

/// What Authlete vouched for about an access token that passed a
/// [`ResourceGuard`]. It does not hold the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidatedToken {
    subject: Option<String>,
    client_id: Option<i64>,
    client_id_alias: Option<String>,
    scopes: Vec<String>,
    expires_at: Option<SystemTime>,
    dpop_nonce: Option<String>,
}

impl ValidatedToken {
    fn from_introspection(response: &IntrospectionResponse) -> Self {
        ValidatedToken {
            subject: response.subject().map(str::to_owned),
            client_id: response.client_id(),
            client_id_alias: response.client_id_alias().map(str::to_owned),
            scopes: response.scopes().to_vec(),
            expires_at: response
                .expires_at()
                .and_then(|ms| u64::try_from(ms).ok())
                .map(|ms| SystemTime::UNIX_EPOCH + Duration::from_millis(ms)),
            dpop_nonce: response.dpop_nonce().map(str::to_owned),
        }
    }

    /// The resource owner the token was issued for; `None` for a token of
    /// the client credentials grant, which acts for no user.
    pub fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }

    /// The client the token was issued to (Authlete's numeric client ID).
    pub fn client_id(&self) -> Option<i64> {
        self.client_id
    }

    /// The client's alias, when it has one.
    pub fn client_id_alias(&self) -> Option<&str> {
        self.client_id_alias.as_deref()
    }

    /// Every scope the token carries (a superset of those the guard
    /// required).
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// Whether the token carries `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// When the token expires.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }

    /// A nonce for the client's next DPoP proof (RFC 9449 §9), to send as
    /// `DPoP-Nonce` with the resource. The `tower` layer adds it itself.
    pub fn dpop_nonce(&self) -> Option<&str> {
        self.dpop_nonce.as_deref()
    }
}

/// Checks the access token of requests to a protected resource through
/// Authlete; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct ResourceGuard {
    client: Client,
    public_url: Option<String>,
    scopes: Vec<String>,
}

impl ResourceGuard {
    /// A guard asking Authlete through `client`, demanding no scope.
    pub fn new(client: Client) -> Self {
        ResourceGuard {
            client,
            public_url: None,
            scopes: Vec::new(),
        }
    }

    /// Where the resource server is public, as scheme, host and any path
    /// prefix (`https://api.example.com`): a request's path is appended to
    /// it to give the URL DPoP proofs must name (`htu`). Without it, the
    /// URL is rebuilt from the `Host` header as `https://`; behind a proxy
    /// that rewrites the host or the path, set it.
    pub fn public_url(mut self, url: impl Into<String>) -> Self {
        self.public_url = Some(url.into());
        self
    }

    /// The scopes a token must carry, all of them, to pass (403
    /// `insufficient_scope` otherwise).
    pub fn required_scopes(mut self, scopes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// A `tower` layer running this guard in front of a service.
    #[cfg(feature = "tower")]
    pub fn layer(self) -> ResourceGuardLayer {
        ResourceGuardLayer::new(self)
    }

    /// Checks the access token of the request whose head is `parts`.
    ///
    /// `Err` is the response to send instead of the resource. A request
    /// without a token gets 401 `WWW-Authenticate: Bearer` without a call to
    /// Authlete (RFC 6750 §3.1: no error code when no credentials were
    /// sent); two tokens, or a header that is not text, 400
    /// `invalid_request`; two DPoP proofs 401 `invalid_dpop_proof`. Only the
    /// `Authorization` header is read: a token in a form body (RFC 6750
    /// §2.2) needs the body, which a guard in front of the handler does not
    /// consume.
    #[allow(
        clippy::result_large_err,
        reason = "the error is the response to send, handed over once per request"
    )]
    pub async fn check(&self, parts: &Parts) -> Result<ValidatedToken, http::Response<String>> {
        let token = match access_token(parts, b"") {
            Ok(Some(token)) => token,
            Ok(None) => {
                return Err(challenge_response(
                    StatusCode::UNAUTHORIZED,
                    Some("Bearer".into()),
                    "invalid_token",
                ));
            }
            Err(()) => {
                return Err(challenge_response(
                    StatusCode::BAD_REQUEST,
                    None,
                    "invalid_request",
                ));
            }
        };
        let Ok(dpop) = DpopBinding::read(parts, self.resource_url(parts)) else {
            return Err(challenge_response(
                StatusCode::UNAUTHORIZED,
                Some("DPoP error=\"invalid_dpop_proof\"".into()),
                "invalid_token",
            ));
        };

        let mut call = self.client.introspection().process(token).htm(dpop.htm);
        if !self.scopes.is_empty() {
            call = call.scopes(self.scopes.iter().map(String::as_str));
        }
        if let Some(proof) = dpop.proof {
            call = call.dpop(proof);
        }
        if let Some(htu) = dpop.htu {
            call = call.htu(htu);
        }
        if let Some(pem) = client_certificate(parts) {
            call = call.client_certificate(pem);
        }
        match call.send().await {
            Ok(response) if response.action() == Some(IntrospectionAction::Ok) => {
                Ok(ValidatedToken::from_introspection(&response))
            }
            // The errors, with Authlete's challenge; an action newer than
            // this crate, 500 without anything Authlete wrote for it.
            Ok(response) => Err(response.into_http_response()),
            Err(error) => Err(outage(PROCESS.id, &error)),
        }
    }

    /// The URL the client called, without query: the public URL plus the
    /// path, or `https://` + `Host` + the path.
    fn resource_url(&self, parts: &Parts) -> Option<String> {
        let path = parts.uri.path();
        match &self.public_url {
            Some(base) => Some(format!("{}{path}", base.trim_end_matches('/'))),
            None => {
                let host = parts.headers.get(http::header::HOST)?.to_str().ok()?;
                Some(format!("https://{host}{path}"))
            }
        }
    }
}
