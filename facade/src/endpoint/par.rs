//! A ready pushed authorization request endpoint (RFC 9126): the client
//! POSTs its authorization request here first and gets a `request_uri` to
//! use at the authorization endpoint.
//!
//! [`ParEndpoint::handle`] forwards the form body to Authlete's
//! `/pushed_auth_req` with the client's authentication (a `Basic` header,
//! a [`ClientCertificate`](super::ClientCertificate) in the request's
//! extensions, the `OAuth-Client-Attestation` headers; form credentials
//! stay in the body, where Authlete reads them) and its DPoP proof, and
//! answers with Authlete's verdict: 201 with the `request_uri`, or 400,
//! 401, 403, 413, 500 with the error.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use authlete::endpoint::par::ParEndpoint;
//! # use authlete::operations::pushed_authorization;
//! # use authlete::testing::{MockAuthlete, MockReply};
//! # let authlete = MockAuthlete::start().await?;
//! # authlete.script(&pushed_authorization::PROCESS, MockReply::json(200, serde_json::json!({
//! #     "action": "CREATED",
//! #     "responseContent": r#"{"request_uri":"urn:ietf:params:oauth:request_uri:abc","expires_in":60}"#,
//! # })));
//! # let client = authlete.client()?;
//! let endpoint = ParEndpoint::new(client).endpoint_url("https://as.example.com/par");
//!
//! let request = http::Request::post("/par")
//!     .header("content-type", "application/x-www-form-urlencoded")
//!     .header("authorization", "Basic bXktY2xpZW50OmNsaWVudC1zZWNyZXQ=") // my-client:client-secret
//!     .body("response_type=code&client_id=my-client&redirect_uri=https%3A%2F%2Fapp.example%2Fcb")?;
//! let response = endpoint.handle(request).await;
//! assert_eq!(response.status(), 201);
//! assert!(response.body().contains("request_uri"));
//! # Ok(()) }
//! ```

use http::StatusCode;

use super::client_auth::{DpopBinding, forward_client_auth, forward_dpop};
use super::failure::{outage, unexpected_action};
use super::form_post::client_form;
use crate::client::Client;
use crate::enums::PushedAuthorizationAction;
use crate::http_response::{json_response, with_challenge};
use crate::operations::pushed_authorization::PROCESS;

/// The challenge sent with a 401: RFC 6749 §5.2, which RFC 9126 §2.3
/// applies, asks for one, though Authlete's reference handler sends none.
const PAR_CHALLENGE: &str = "Basic realm=\"par\"";

/// A pushed authorization request endpoint backed by Authlete; see the
/// [module docs](self).
#[derive(Debug, Clone)]
pub struct ParEndpoint {
    client: Client,
    endpoint_url: Option<String>,
}

impl ParEndpoint {
    /// A PAR endpoint calling Authlete through `client`.
    pub fn new(client: Client) -> Self {
        ParEndpoint {
            client,
            endpoint_url: None,
        }
    }

    /// The public URL of this endpoint, which DPoP proofs name (`htu`).
    ///
    /// Without it Authlete checks proofs against the service's registered
    /// `pushedAuthReqEndpoint`, not against a URL rebuilt from the request's
    /// `Host` header: that header is the client's to choose, and a check
    /// against it would accept a proof made for another server.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// Serves one pushed authorization request: a POST with the
    /// authorization request as a form body. Other methods get 405.
    pub async fn handle<B: AsRef<[u8]>>(
        &self,
        request: http::Request<B>,
    ) -> http::Response<String> {
        let (parts, body) = request.into_parts();
        let (parameters, auth) = match client_form(&parts, body.as_ref(), PAR_CHALLENGE) {
            Ok(read) => read,
            Err(refusal) => return refusal,
        };
        let Ok(dpop) = DpopBinding::read(&parts, self.endpoint_url.clone()) else {
            return json_response(StatusCode::BAD_REQUEST, None, "invalid_dpop_proof");
        };

        let call = forward_client_auth!(
            self.client.pushed_authorization().process(parameters),
            &auth
        );
        let response = match forward_dpop!(call, dpop).send().await {
            Ok(response) => response,
            Err(error) => return outage(PROCESS.id, &error),
        };

        let action = response.action();
        match action {
            Some(PushedAuthorizationAction::Unauthorized) => {
                with_challenge(response.into_http_response(), PAR_CHALLENGE)
            }
            None | Some(PushedAuthorizationAction::Unrecognized(_)) => {
                unexpected_action(
                    PROCESS.id,
                    action.as_ref().map(|a| a.as_str()),
                    "unknown action",
                );
                response.into_http_response()
            }
            Some(
                PushedAuthorizationAction::Created
                | PushedAuthorizationAction::BadRequest
                | PushedAuthorizationAction::Forbidden
                | PushedAuthorizationAction::PayloadTooLarge
                | PushedAuthorizationAction::InternalServerError,
            ) => response.into_http_response(),
            // Newer values than the generated enum knows are `Unrecognized`.
            Some(_) => response.into_http_response(),
        }
    }
}
