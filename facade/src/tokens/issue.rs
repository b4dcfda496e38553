//! `/auth/token/issue`: issue the tokens of a password grant whose credentials checked out.

use std::fmt;

use authlete_generated::types;
use http::StatusCode;

use crate::call::{Operation, execute_with_body};
use crate::client::Client;
use crate::enums::TokenIssueAction;
use crate::error::Error;
use crate::http_response::json_response;
use crate::model::{AuthzDetails, Pair, Property};
use crate::request::setters;
use crate::response::response;
use crate::retry::Replay;

const OPERATION: Operation = Operation {
    id: "auth_token_issue_api",
    // The ticket is spent by the first request that reaches Authlete.
    replay: Replay::OnlyIfNeverSent,
};

/// A `/auth/token/issue` call, ready to send; see [`Tokens::issue`](crate::tokens::Tokens::issue).
#[must_use = "nothing is sent until `send` is awaited"]
pub struct IssueTokenRequest<'a> {
    client: &'a Client,
    body: types::builder::TokenIssueRequest,
}

impl fmt::Debug for IssueTokenRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssueTokenRequest").finish_non_exhaustive()
    }
}

impl<'a> IssueTokenRequest<'a> {
    pub(crate) fn new(client: &'a Client, ticket: String, subject: String) -> Self {
        IssueTokenRequest {
            client,
            body: types::TokenIssueRequest::builder()
                .ticket(ticket)
                .subject(subject),
        }
    }

    setters! {
        /// Extra key-value pairs to attach to the token.
        properties: items<Property>;
        /// Extra claims (a JSON object) for a JWT access token.
        jwt_at_claims: text;
        /// A value to use as the access token instead of one Authlete makes up.
        access_token: text;
        /// Lifetime of the access token in seconds, overriding the service's setting.
        access_token_duration: int;
        /// Lifetime of the refresh token in seconds, overriding the service's setting.
        refresh_token_duration: int;
    }

    /// Sends the call, spending the ticket. Not repeated once it may have
    /// reached Authlete.
    pub async fn send(self) -> Result<TokenIssueResponse, Error> {
        let reply = execute_with_body(
            self.client,
            OPERATION,
            self.body,
            |generated, service_id, body| async move {
                generated
                    .auth_token_issue_api()
                    .service_id(service_id)
                    .body(body)
                    .send()
                    .await
            },
        )
        .await?;
        Ok(TokenIssueResponse::new(reply.body, reply.request_id))
    }
}

response! {
    /// Authlete's answer to `/auth/token/issue`: the tokens, and the response for the client.
    ///
    /// `Debug` shows only the action, the result code and the request id.
    pub struct TokenIssueResponse wraps types::TokenIssueResponse, with result;
    debug { action }
    fields {
        /// What to do with [`response_content`](Self::response_content).
        action: open<TokenIssueAction>;
        /// The JSON body for the client.
        response_content: text;
        /// The access token issued.
        access_token: text;
        /// When the access token expires, in milliseconds since the Unix epoch.
        access_token_expires_at: int;
        /// The access token's lifetime in seconds.
        access_token_duration: int;
        /// The refresh token issued.
        refresh_token: text;
        /// When the refresh token expires, in milliseconds since the Unix epoch.
        refresh_token_expires_at: int;
        /// The refresh token's lifetime in seconds.
        refresh_token_duration: int;
        /// The client's numeric ID.
        client_id: int;
        /// The client's ID alias.
        client_id_alias: text;
        /// Whether the client identified itself by its alias.
        client_id_alias_used: flag;
        /// The resource owner the tokens are for.
        subject: text;
        /// The scopes granted.
        scopes: list<String>;
        /// Key-value pairs attached to the token.
        properties: list<Property>;
        /// The access token in JWT form, when the service issues JWTs.
        jwt_access_token: text;
        /// The resources the access token is meant for.
        access_token_resources: list<String>;
        /// Rich authorization details (RFC 9396).
        authorization_details: object<AuthzDetails>;
        /// The service's attributes.
        service_attributes: list<Pair>;
        /// The client's attributes.
        client_attributes: list<Pair>;
        /// The client's entity ID (OpenID Federation).
        client_entity_id: text;
        /// Whether the client identified itself by its entity ID.
        client_entity_id_used: flag;
        /// The scopes of the refresh token.
        refresh_token_scopes: list<String>;
        /// Where the client's metadata document is, when one was used.
        metadata_document_location: text;
        /// Whether the client was identified by a metadata document.
        metadata_document_used: flag;
    }
}

impl TokenIssueResponse {
    /// The response the token endpoint should send to the OAuth client:
    /// `OK` gives 200, anything else 500, with `responseContent` as the body.
    pub fn into_http_response(self) -> http::Response<String> {
        let status = match self.action() {
            Some(TokenIssueAction::Ok) => StatusCode::OK,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        json_response(status, self.body.response_content, "server_error")
    }
}
