//! A ready token revocation endpoint (RFC 7009), backed by `/auth/revocation`.
//!
//! The OAuth client posts the token it no longer needs (`token`, optionally
//! `token_type_hint`) and authenticates as at the token endpoint.
//! [`RevocationEndpoint::handle`] forwards the form body and the client
//! authentication (`Authorization: Basic`, a
//! [`ClientCertificate`](super::ClientCertificate) extension, the
//! `OAuth-Client-Attestation` headers; form credentials stay in the body,
//! where Authlete reads them) and answers as Authlete says: `OK` 200 with an
//! empty body (also for a token that was unknown or already revoked, as RFC
//! 7009 §2.2 asks), `BAD_REQUEST` 400, `INVALID_CLIENT` 401 with
//! `WWW-Authenticate: Basic realm="revocation"`, `INTERNAL_SERVER_ERROR` 500.
//! An action newer than this crate, or Authlete out of reach, gives 500
//! `{"error":"server_error"}`; the details of an outage go to `tracing`.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use authlete::endpoint::revocation::RevocationEndpoint;
//! use authlete::operations::revocation;
//! use authlete::testing::{MockAuthlete, MockReply};
//!
//! let authlete = MockAuthlete::start().await?;
//! authlete.script(&revocation::PROCESS, MockReply::json(200, serde_json::json!({"action": "OK"})));
//! let endpoint = RevocationEndpoint::new(authlete.client()?);
//!
//! let request = http::Request::post("/revoke")
//!     .header("content-type", "application/x-www-form-urlencoded")
//!     .header("authorization", "Basic bXktY2xpZW50OmNsaWVudC1zZWNyZXQ=") // my-client:client-secret
//!     .body("token=45ghiukldjahdnhzdauz&token_type_hint=refresh_token")?;
//! let response = endpoint.handle(request).await;
//! assert_eq!(response.status(), 200);
//! assert_eq!(response.body(), "");
//! # Ok(()) }
//! ```

use super::client_auth::forward_client_auth;
use super::failure::outage;
use super::form_post::client_form;
use crate::client::Client;
use crate::operations::revocation::PROCESS;

/// The challenge for a client whose authentication failed here.
const REVOCATION_CHALLENGE: &str = "Basic realm=\"revocation\"";

/// A token revocation endpoint backed by Authlete; see the
/// [module docs](self).
#[derive(Debug, Clone)]
pub struct RevocationEndpoint {
    client: Client,
}

impl RevocationEndpoint {
    /// A revocation endpoint calling Authlete through `client`.
    pub fn new(client: Client) -> Self {
        RevocationEndpoint { client }
    }

    /// Serves one revocation request: the form body as received, its
    /// headers, and a [`ClientCertificate`](super::ClientCertificate) in its
    /// extensions if there is one.
    pub async fn handle<B: AsRef<[u8]>>(
        &self,
        request: http::Request<B>,
    ) -> http::Response<String> {
        let (parts, body) = request.into_parts();
        let (parameters, authentication) =
            match client_form(&parts, body.as_ref(), REVOCATION_CHALLENGE) {
                Ok(read) => read,
                Err(refusal) => return refusal,
            };
        let call = forward_client_auth!(
            self.client.revocation().process(parameters),
            &authentication
        );
        match call.send().await {
            Ok(response) => response.into_http_response(),
            Err(error) => outage(PROCESS.id, &error),
        }
    }
}
