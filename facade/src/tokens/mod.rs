//! Token operations: `client.tokens().<verb>(..).send().await`.
//!
//! | method | Authlete API | repeated after a failure |
//! |---|---|---|
//! | [`Tokens::process`] | `POST /api/{serviceId}/auth/token` | only if the request never left |
//! | [`Tokens::issue`] | `POST /api/{serviceId}/auth/token/issue` | only if the request never left |
//! | [`Tokens::fail`] | `POST /api/{serviceId}/auth/token/fail` | only if the request never left |
//! | [`Tokens::reissue_id_token`] | `POST /api/{serviceId}/idtoken/reissue` | only if the request never left |
//! | [`Tokens::create`] | `POST /api/{serviceId}/auth/token/create` | only if the request never left |
//! | [`Tokens::update`] | `POST /api/{serviceId}/auth/token/update` | on transient failures |
//! | [`Tokens::list`] | `GET /api/{serviceId}/auth/token/get/list` | on transient failures |
//! | [`Tokens::revoke`] | `POST /api/{serviceId}/auth/token/revoke` | on transient failures |
//! | [`Tokens::delete`] | `DELETE /api/{serviceId}/auth/token/delete/{id}` | on transient failures |
//!
//! "Only if the request never left" means: after a connection failure
//! before anything was sent. Those calls spend a ticket or an authorization
//! code, or create something, so a second copy must never reach Authlete.

mod create;
mod delete;
mod fail;
mod issue;
mod list;
mod process;
mod reissue;
mod revoke;
mod update;

pub use create::{CreateTokenRequest, TokenCreateResponse};
pub use delete::DeleteTokenRequest;
pub use fail::{FailTokenRequest, TokenFailResponse};
pub use issue::{IssueTokenRequest, TokenIssueResponse};
pub use list::{ListTokensRequest, TokenListResponse};
pub use process::{ProcessTokenRequest, TokenResponse};
pub use reissue::{IdTokenReissueResponse, ReissueIdTokenRequest};
pub use revoke::{RevokeTokensRequest, TokenRevokeResponse};
pub use update::{TokenUpdateResponse, UpdateTokenRequest};

use crate::client::Client;
use crate::enums::{GrantType, TokenFailReason};

/// The token operations of one [`Client`]; get it with [`Client::tokens`].
#[derive(Debug, Clone, Copy)]
pub struct Tokens<'a> {
    client: &'a Client,
}

impl<'a> Tokens<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Tokens { client }
    }

    /// Hands a token request to Authlete: `parameters` is the form body the
    /// token endpoint received, unchanged (`grant_type=...&code=...`).
    ///
    /// Add what else the endpoint saw (Basic client credentials, the `DPoP`
    /// header, the client certificate) with the builder's methods, then act
    /// on the [`action`](TokenResponse::action) of the answer.
    pub fn process(self, parameters: impl Into<String>) -> ProcessTokenRequest<'a> {
        ProcessTokenRequest::new(self.client, parameters.into())
    }

    /// Issues the tokens of a password grant once the resource owner's
    /// credentials checked out, spending the `ticket` `/auth/token` returned.
    pub fn issue(
        self,
        ticket: impl Into<String>,
        subject: impl Into<String>,
    ) -> IssueTokenRequest<'a> {
        IssueTokenRequest::new(self.client, ticket.into(), subject.into())
    }

    /// Tells Authlete that the token request behind `ticket` cannot be
    /// honoured, and gets the error response for the OAuth client.
    ///
    /// Use it after `/auth/token` returned `PASSWORD` and the resource
    /// owner's credentials turned out to be wrong, for example.
    pub fn fail(self, ticket: impl Into<String>, reason: TokenFailReason) -> FailTokenRequest<'a> {
        FailTokenRequest::new(self.client, ticket.into(), reason)
    }

    /// Issues an ID token again for a refresh-token grant that `/auth/token`
    /// answered with `ID_TOKEN_REISSUABLE`.
    pub fn reissue_id_token(
        self,
        access_token: impl Into<String>,
        refresh_token: impl Into<String>,
    ) -> ReissueIdTokenRequest<'a> {
        ReissueIdTokenRequest::new(self.client, access_token.into(), refresh_token.into())
    }

    /// Creates an access token directly, as if issued through `grant_type`.
    pub fn create(self, grant_type: GrantType) -> CreateTokenRequest<'a> {
        CreateTokenRequest::new(self.client, &grant_type)
    }

    /// Changes an existing access token.
    pub fn update(self, access_token: impl Into<String>) -> UpdateTokenRequest<'a> {
        UpdateTokenRequest::new(self.client, access_token.into())
    }

    /// Lists access tokens, optionally of one client and/or one user, a page at a time.
    pub fn list(self) -> ListTokensRequest<'a> {
        ListTokensRequest::new(self.client)
    }

    /// Deletes one access token, named by its value or by its hash.
    pub fn delete(self, access_token_identifier: impl Into<String>) -> DeleteTokenRequest<'a> {
        DeleteTokenRequest::new(self.client, access_token_identifier.into())
    }

    /// Revokes the access tokens matching the criteria set on the returned
    /// request (at least one is required).
    pub fn revoke(self) -> RevokeTokensRequest<'a> {
        RevokeTokensRequest::new(self.client)
    }
}
