//! `/auth/token/update`: change an existing access token.

use std::fmt;

use authlete_generated::types;

use crate::call::{Operation, execute_with_body};
use crate::client::Client;
use crate::enums::TokenUpdateAction;
use crate::error::Error;
use crate::model::{AuthzDetails, Property};
use crate::request::setters;
use crate::response::response;
use crate::retry::Replay;

const OPERATION: Operation = Operation {
    id: "auth_token_update_api",
    // Setting the same values twice leaves the token as setting them once.
    replay: Replay::Idempotent,
};

/// A `/auth/token/update` call, ready to send; see [`Tokens::update`](crate::tokens::Tokens::update).
#[must_use = "nothing is sent until `send` is awaited"]
pub struct UpdateTokenRequest<'a> {
    client: &'a Client,
    body: types::builder::TokenUpdateRequest,
}

impl fmt::Debug for UpdateTokenRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpdateTokenRequest").finish_non_exhaustive()
    }
}

impl<'a> UpdateTokenRequest<'a> {
    pub(crate) fn new(client: &'a Client, access_token: String) -> Self {
        UpdateTokenRequest {
            client,
            body: types::TokenUpdateRequest::builder().access_token(Some(access_token)),
        }
    }

    setters! {
        /// New expiry of the access token, in milliseconds since the Unix epoch.
        access_token_expires_at: int;
        /// New scopes of the token.
        scopes: strings;
        /// New key-value pairs of the token (they replace the old ones).
        properties: items<Property>;
        /// Whether changing the scopes also recomputes the access token's expiry.
        access_token_expires_at_updated_on_scope_update: flag;
        /// Name the token by its hash instead of its value.
        access_token_hash: text;
        /// Whether to give the token a new value.
        access_token_value_updated: flag;
        /// Whether the access token never expires.
        access_token_persistent: flag;
        /// The thumbprint of a client certificate to bind the token to (RFC 8705).
        certificate_thumbprint: text;
        /// The thumbprint of a DPoP key to bind the token to (RFC 9449).
        dpop_key_thumbprint: text;
        /// New rich authorization details (RFC 9396).
        authorization_details: object<AuthzDetails>;
        /// Whether the token is for external attachment.
        for_external_attachment: flag;
        /// New expiry of the refresh token, in milliseconds since the Unix epoch.
        refresh_token_expires_at: int;
        /// Whether changing the scopes also recomputes the refresh token's expiry.
        refresh_token_expires_at_updated_on_scope_update: flag;
        /// Name the token by its identifier instead of its value.
        token_id: text;
    }

    /// Sends the call; repeated on transient failures, since the same update
    /// twice has the effect of one.
    pub async fn send(self) -> Result<TokenUpdateResponse, Error> {
        let reply = execute_with_body(
            self.client,
            OPERATION,
            self.body,
            |generated, service_id, body| async move {
                generated
                    .auth_token_update_api()
                    .service_id(service_id)
                    .body(body)
                    .send()
                    .await
            },
        )
        .await?;
        Ok(TokenUpdateResponse::new(reply.body, reply.request_id))
    }
}

response! {
    /// Authlete's answer to `/auth/token/update`.
    ///
    /// `Debug` shows only the action, the result code and the request id.
    pub struct TokenUpdateResponse wraps types::TokenUpdateResponse, with result;
    debug { action }
    fields {
        /// Whether the token was changed.
        action: open<TokenUpdateAction>;
        /// The access token (its new value if it was changed).
        access_token: text;
        /// When the access token expires, in milliseconds since the Unix epoch.
        access_token_expires_at: int;
        /// Key-value pairs attached to the token.
        properties: list<Property>;
        /// The token's scopes.
        scopes: list<String>;
        /// Rich authorization details (RFC 9396).
        authorization_details: object<AuthzDetails>;
        /// The token type, such as `Bearer` or `DPoP`.
        token_type: text;
        /// Whether the token is for external attachment.
        for_external_attachment: flag;
        /// The token's identifier.
        token_id: text;
        /// When the refresh token expires, in milliseconds since the Unix epoch.
        refresh_token_expires_at: int;
    }
}
