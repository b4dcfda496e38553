//! `/auth/token/revoke`: revoke the access tokens that match some criteria.

use std::fmt;

use authlete_generated::types;

use crate::call::{Operation, execute_with_body};
use crate::client::Client;
use crate::error::{Error, Redacted};
use crate::response::response;
use crate::retry::Replay;

const OPERATION: Operation = Operation {
    id: "auth_token_revoke_api",
    replay: Replay::Idempotent,
};

/// A revocation, ready to send once at least one criterion is set; see
/// [`Tokens::revoke`](crate::tokens::Tokens::revoke).
#[must_use = "nothing is sent until `send` is awaited"]
pub struct RevokeTokensRequest<'a> {
    client: &'a Client,
    body: types::TokenRevokeRequest,
}

impl fmt::Debug for RevokeTokensRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = |v: &Option<String>| v.as_ref().map(|_| Redacted);
        f.debug_struct("RevokeTokensRequest")
            .field(
                "access_token_identifier",
                &set(&self.body.access_token_identifier),
            )
            .field(
                "refresh_token_identifier",
                &set(&self.body.refresh_token_identifier),
            )
            .field("client_identifier", &self.body.client_identifier)
            .field("subject", &self.body.subject)
            .finish()
    }
}

impl<'a> RevokeTokensRequest<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        RevokeTokensRequest {
            client,
            body: types::TokenRevokeRequest::default(),
        }
    }

    /// Revoke this access token (its value or its hash).
    pub fn access_token_identifier(mut self, identifier: impl Into<String>) -> Self {
        self.body.access_token_identifier = Some(identifier.into());
        self
    }

    /// Revoke the access token issued with this refresh token (its value or its hash).
    pub fn refresh_token_identifier(mut self, identifier: impl Into<String>) -> Self {
        self.body.refresh_token_identifier = Some(identifier.into());
        self
    }

    /// Only tokens of this client (client ID or alias).
    pub fn client_identifier(mut self, identifier: impl Into<String>) -> Self {
        self.body.client_identifier = Some(identifier.into());
        self
    }

    /// Only tokens of this resource owner.
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.body.subject = Some(subject.into());
        self
    }

    /// Sends the call. A request without any criterion is refused with
    /// [`Error::InvalidRequest`] before anything is sent, since its meaning
    /// ("revoke what?") is never what the caller wants.
    pub async fn send(self) -> Result<TokenRevokeResponse, Error> {
        let b = &self.body;
        let criteria = [
            &b.access_token_identifier,
            &b.refresh_token_identifier,
            &b.client_identifier,
            &b.subject,
        ];
        if criteria
            .iter()
            .all(|c| c.as_deref().is_none_or(str::is_empty))
        {
            return Err(Error::InvalidRequest(
                "revoke needs at least one of access_token_identifier, \
                 refresh_token_identifier, client_identifier or subject"
                    .into(),
            ));
        }
        let reply = execute_with_body(
            self.client,
            OPERATION,
            self.body,
            |generated, service_id, body| async move {
                generated
                    .auth_token_revoke_api()
                    .service_id(service_id)
                    .body(body)
                    .send()
                    .await
            },
        )
        .await?;
        Ok(TokenRevokeResponse::new(reply.body, reply.request_id))
    }
}

response! {
    /// Authlete's answer to `/auth/token/revoke`.
    pub struct TokenRevokeResponse wraps types::TokenRevokeResponse, with result;
    debug { count }
    fields {
        /// How many access tokens were revoked.
        count: int;
    }
}
