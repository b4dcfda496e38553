//! A ready UserInfo endpoint (OpenID Connect Core §5.3): the client
//! presents an access token and gets the user's claims.
//!
//! [`UserInfoEndpoint::handle`] takes the token from `Authorization:
//! Bearer` or `DPoP` (or an `access_token` form field of a POST), has
//! Authlete check it (`/auth/userinfo`, with the DPoP proof and the
//! [`ClientCertificate`](super::ClientCertificate) of a certificate-bound
//! token), asks the [`UserInfoDelegate`] for the claims Authlete lists, and
//! answers with what `/auth/userinfo/issue` makes of them: 200 JSON, or 200
//! `application/jwt` when the client registered signed or encrypted
//! UserInfo responses. A token that does not let the client through gets
//! 400, 401 or 403 with Authlete's `WWW-Authenticate` challenge (RFC 6750
//! §3, RFC 9449 §7.1); Authlete's `DPoP-Nonce` rides every answer.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use authlete::endpoint::userinfo::{UserInfoDelegate, UserInfoEndpoint};
//! use serde_json::{Map, Value, json};
//! # use authlete::operations::userinfo;
//! # use authlete::testing::{MockAuthlete, MockReply};
//!
//! struct Directory;
//!
//! impl UserInfoDelegate for Directory {
//!     async fn claims(&self, subject: &str, claims: &[String]) -> Map<String, Value> {
//!         let mut values = Map::new();
//!         if subject == "user-1001" && claims.iter().any(|c| c == "name") {
//!             values.insert("name".into(), json!("John Smith"));
//!         }
//!         values
//!     }
//! }
//!
//! # let authlete = MockAuthlete::start().await?;
//! # authlete.script(&userinfo::PROCESS, MockReply::json(200, json!({
//! #     "action": "OK", "subject": "user-1001", "claims": ["name"], "token": "at-1",
//! # })));
//! # authlete.script(&userinfo::ISSUE, MockReply::json(200, json!({
//! #     "action": "JSON", "responseContent": r#"{"sub":"user-1001","name":"John Smith"}"#,
//! # })));
//! # let client = authlete.client()?;
//! let endpoint = UserInfoEndpoint::new(client, Directory);
//!
//! let request = http::Request::get("/userinfo")
//!     .header("authorization", "Bearer at-1")
//!     .body(Vec::new())?;
//! let response = endpoint.handle(request).await;
//! assert_eq!(response.status(), 200);
//! assert_eq!(response.body(), r#"{"sub":"user-1001","name":"John Smith"}"#);
//! # Ok(()) }
//! ```

use std::future::Future;

use http::{Method, StatusCode};
use serde_json::{Map, Value};

use super::client_auth::{DpopBinding, forward_dpop};
use super::failure::{method_not_allowed, outage, unexpected_action};
use super::request::{access_token, client_certificate};
use crate::client::Client;
use crate::enums::UserInfoAction;
use crate::http_response::{challenge_response, server_error};
use crate::operations::userinfo::{ISSUE, PROCESS};
use crate::userinfo::UserInfoResponse;

/// What the application knows that the endpoint asks about.
pub trait UserInfoDelegate: Send + Sync {
    /// The values of the claims named in `claims` (`"name"`, `"email"`, or
    /// with a language tag, `"name#ja"`) for the user `subject`; claims the
    /// user has no value for are left out. Authlete adds `sub` itself.
    fn claims(
        &self,
        subject: &str,
        claims: &[String],
    ) -> impl Future<Output = Map<String, Value>> + Send;
}

/// A UserInfo endpoint backed by Authlete; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct UserInfoEndpoint<D> {
    client: Client,
    delegate: D,
    endpoint_url: Option<String>,
}

impl<D: UserInfoDelegate> UserInfoEndpoint<D> {
    /// A UserInfo endpoint calling Authlete through `client`, asking
    /// `delegate` for users' claims.
    pub fn new(client: Client, delegate: D) -> Self {
        UserInfoEndpoint {
            client,
            delegate,
            endpoint_url: None,
        }
    }

    /// The public URL of this endpoint, which DPoP proofs name (`htu`).
    ///
    /// Without it Authlete checks proofs against the service's registered
    /// `userInfoEndpoint`, rather than a URL rebuilt from the client-chosen
    /// `Host` header.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// The delegate this endpoint asks.
    pub fn delegate(&self) -> &D {
        &self.delegate
    }

    /// Serves one UserInfo request, GET or POST. Other methods get 405.
    pub async fn handle<B: AsRef<[u8]>>(
        &self,
        request: http::Request<B>,
    ) -> http::Response<String> {
        let (parts, body) = request.into_parts();
        if parts.method != Method::GET && parts.method != Method::POST {
            return method_not_allowed("GET, POST");
        }
        let token = match access_token(&parts, body.as_ref()) {
            Ok(Some(token)) => token,
            // RFC 6750 §3.1: a request without credentials gets the bare
            // challenge, no error code.
            Ok(None) => {
                return challenge_response(StatusCode::UNAUTHORIZED, Some("Bearer".into()), "");
            }
            Err(()) => {
                return challenge_response(
                    StatusCode::BAD_REQUEST,
                    Some("Bearer error=\"invalid_request\"".into()),
                    "invalid_request",
                );
            }
        };
        let Ok(dpop) = DpopBinding::read(&parts, self.endpoint_url.clone()) else {
            return challenge_response(
                StatusCode::UNAUTHORIZED,
                Some("DPoP error=\"invalid_dpop_proof\"".into()),
                "invalid_token",
            );
        };

        let mut call = forward_dpop!(self.client.userinfo().process(token.as_str()), dpop);
        if let Some(pem) = client_certificate(&parts) {
            call = call.client_certificate(pem);
        }
        let response = match call.send().await {
            Ok(response) => response,
            Err(error) => return outage(PROCESS.id, &error),
        };

        let action = response.action();
        match action {
            Some(UserInfoAction::Ok) => self.issue(response, &token).await,
            None | Some(UserInfoAction::Unrecognized(_)) => {
                unexpected_action(
                    PROCESS.id,
                    action.as_ref().map(|a| a.as_str()),
                    "unknown action",
                );
                response.into_http_response()
            }
            Some(
                UserInfoAction::BadRequest
                | UserInfoAction::Unauthorized
                | UserInfoAction::Forbidden
                | UserInfoAction::InternalServerError,
            ) => response.into_http_response(),
            // Newer values than the generated enum knows are `Unrecognized`.
            Some(_) => response.into_http_response(),
        }
    }

    /// The token is good: collect the claims and have Authlete shape the
    /// answer, passing on the nonce of the first call.
    async fn issue(&self, response: UserInfoResponse, token: &str) -> http::Response<String> {
        let nonce = response.dpop_nonce().map(str::to_owned);
        let Some(subject) = response.subject() else {
            unexpected_action(PROCESS.id, Some("OK"), "no subject");
            return server_error();
        };
        let token = response.token().unwrap_or(token);
        let claims = self.delegate.claims(subject, response.claims()).await;
        let mut call = self.client.userinfo().issue(token);
        if !claims.is_empty() {
            call = call.claims(Value::Object(claims).to_string());
        }
        match call.send().await {
            Ok(issued) => issued.into_http_response_with_dpop_nonce(nonce.as_deref()),
            Err(error) => outage(ISSUE.id, &error),
        }
    }
}
