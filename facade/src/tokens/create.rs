//! `/auth/token/create`: create an access token directly, outside any OAuth flow.

use std::fmt;

use authlete_generated::types;

use crate::call::{Operation, execute_with_body};
use crate::client::Client;
use crate::enums::{GrantType, TokenCreateAction};
use crate::error::Error;
use crate::model::{AuthzDetails, Property};
use crate::request::setters;
use crate::response::response;
use crate::retry::Replay;

const OPERATION: Operation = Operation {
    id: "auth_token_create_api",
    // Each call that reaches Authlete creates a token: never duplicate it.
    replay: Replay::OnlyIfNeverSent,
};

/// A `/auth/token/create` call, ready to send; see [`Tokens::create`](crate::tokens::Tokens::create).
#[must_use = "nothing is sent until `send` is awaited"]
pub struct CreateTokenRequest<'a> {
    client: &'a Client,
    body: types::builder::TokenCreateRequest,
}

impl fmt::Debug for CreateTokenRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateTokenRequest").finish_non_exhaustive()
    }
}

impl<'a> CreateTokenRequest<'a> {
    pub(crate) fn new(client: &'a Client, grant_type: &GrantType) -> Self {
        CreateTokenRequest {
            client,
            body: types::TokenCreateRequest::builder()
                .grant_type(types::GrantType::from(grant_type)),
        }
    }

    setters! {
        /// The numeric ID of the client the token is for.
        client_id: int;
        /// The resource owner the token is for (not for client credentials).
        subject: text;
        /// The scopes to grant.
        scopes: strings;
        /// Lifetime of the access token in seconds.
        access_token_duration: int;
        /// Lifetime of the refresh token in seconds.
        refresh_token_duration: int;
        /// Key-value pairs to attach to the token.
        properties: items<Property>;
        /// Whether to record that the client was named by its alias.
        client_id_alias_used: flag;
        /// A value to use as the access token instead of one Authlete makes up.
        access_token: text;
        /// A value to use as the refresh token instead of one Authlete makes up.
        refresh_token: text;
        /// Whether the access token never expires.
        access_token_persistent: flag;
        /// The thumbprint of a client certificate to bind the token to (RFC 8705).
        certificate_thumbprint: text;
        /// The thumbprint of a DPoP key to bind the token to (RFC 9449).
        dpop_key_thumbprint: text;
        /// Rich authorization details (RFC 9396).
        authorization_details: object<AuthzDetails>;
        /// The resources (RFC 8707) the token is for.
        resources: strings;
        /// Whether the token is for external attachment.
        for_external_attachment: flag;
        /// Extra claims (a JSON object) for a JWT access token.
        jwt_at_claims: text;
        /// The authentication context class the resource owner met.
        acr: text;
        /// When the resource owner authenticated, in seconds since the Unix epoch.
        auth_time: int;
        /// Whether to record that the client was named by its entity ID.
        client_entity_id_used: flag;
        /// The client, by ID, alias or entity ID, instead of `client_id`.
        client_identifier: text;
        /// The authentication session the token belongs to.
        session_id: text;
        /// Whether to record that the client was named by a metadata document.
        metadata_document_used: flag;
    }

    /// Sends the call. Not repeated once it may have reached Authlete, so that
    /// one call never creates two tokens.
    pub async fn send(self) -> Result<TokenCreateResponse, Error> {
        let reply = execute_with_body(
            self.client,
            OPERATION,
            self.body,
            |generated, service_id, body| async move {
                generated
                    .auth_token_create_api()
                    .service_id(service_id)
                    .body(body)
                    .send()
                    .await
            },
        )
        .await?;
        Ok(TokenCreateResponse::new(reply.body, reply.request_id))
    }
}

response! {
    /// Authlete's answer to `/auth/token/create`.
    ///
    /// `Debug` shows only the action, the result code and the request id.
    pub struct TokenCreateResponse wraps types::TokenCreateResponse, with result;
    debug { action }
    fields {
        /// Whether the token was created.
        action: open<TokenCreateAction>;
        /// The access token created.
        access_token: text;
        /// The client's numeric ID.
        client_id: int;
        /// When the access token expires, in milliseconds since the Unix epoch.
        expires_at: int;
        /// The access token's lifetime in seconds.
        expires_in: int;
        /// The grant type recorded for the token.
        grant_type: text;
        /// Key-value pairs attached to the token.
        properties: list<Property>;
        /// The refresh token created.
        refresh_token: text;
        /// The scopes granted.
        scopes: list<String>;
        /// The resource owner the token is for.
        subject: text;
        /// The token type, such as `Bearer` or `DPoP`.
        token_type: text;
        /// The access token in JWT form, when the service issues JWTs.
        jwt_access_token: text;
        /// Rich authorization details (RFC 9396).
        authorization_details: object<AuthzDetails>;
        /// Whether the token is for external attachment.
        for_external_attachment: flag;
        /// The token's identifier.
        token_id: text;
        /// The scopes of the refresh token.
        refresh_token_scopes: list<String>;
        /// The client identifier that was given.
        client_identifier: text;
        /// The authentication session the token belongs to.
        session_id: text;
    }
}
