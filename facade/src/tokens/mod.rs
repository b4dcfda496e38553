//! Token operations: `client.tokens().<verb>(..).send().await`.
//!
//! | method | Authlete API | retried |
//! |---|---|---|
//! | [`Tokens::fail`] | `POST /api/{serviceId}/auth/token/fail` | only if the request never left |
//! | [`Tokens::delete`] | `DELETE /api/{serviceId}/auth/token/delete/{id}` | on transient failures |
//! | [`Tokens::revoke`] | `POST /api/{serviceId}/auth/token/revoke` | on transient failures |

mod delete;
mod fail;
mod revoke;

pub use delete::DeleteTokenRequest;
pub use fail::{FailTokenRequest, TokenFailResponse};
pub use revoke::{RevokeTokensRequest, TokenRevokeResponse};

use crate::client::Client;

/// The token operations of one [`Client`]; get it with [`Client::tokens`].
#[derive(Debug, Clone, Copy)]
pub struct Tokens<'a> {
    client: &'a Client,
}

impl<'a> Tokens<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Tokens { client }
    }

    /// Tells Authlete that the token request behind `ticket` cannot be
    /// honoured, and gets the error response for the OAuth client.
    ///
    /// Use it after `/auth/token` returned `PASSWORD` and the resource
    /// owner's credentials turned out to be wrong, for example.
    pub fn fail(
        self,
        ticket: impl Into<String>,
        reason: crate::TokenFailReason,
    ) -> FailTokenRequest<'a> {
        FailTokenRequest::new(self.client, ticket.into(), reason)
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
