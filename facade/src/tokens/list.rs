//! `/auth/token/get/list`: page through the access tokens of a client or a user.

use std::fmt;

use authlete_generated::types;

use crate::call::{Operation, execute};
use crate::client::Client;
use crate::error::Error;
use crate::model::{AccessToken, ClientLimited};
use crate::response::response;
use crate::retry::Replay;

const OPERATION: Operation = Operation {
    id: "auth_token_get_list_api",
    replay: Replay::Idempotent,
};

/// A token listing, ready to send; see [`Tokens::list`](crate::tokens::Tokens::list).
#[must_use = "nothing is sent until `send` is awaited"]
#[derive(Clone)]
pub struct ListTokensRequest<'a> {
    client: &'a Client,
    client_identifier: Option<String>,
    subject: Option<String>,
    start: Option<i32>,
    end: Option<i32>,
}

impl fmt::Debug for ListTokensRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListTokensRequest")
            .field("client_identifier", &self.client_identifier)
            .field("subject", &self.subject)
            .field("start", &self.start)
            .field("end", &self.end)
            .finish()
    }
}

impl<'a> ListTokensRequest<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        ListTokensRequest {
            client,
            client_identifier: None,
            subject: None,
            start: None,
            end: None,
        }
    }

    /// Only tokens of this client (ID or alias).
    pub fn client_identifier(mut self, identifier: impl Into<String>) -> Self {
        self.client_identifier = Some(identifier.into());
        self
    }

    /// Only tokens of this resource owner.
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// Which tokens to return: from index `start` (inclusive) to `end`
    /// (exclusive), counting from 0.
    pub fn range(mut self, start: i32, end: i32) -> Self {
        self.start = Some(start);
        self.end = Some(end);
        self
    }

    /// Sends the call.
    pub async fn send(self) -> Result<TokenListResponse, Error> {
        let service_id = &self.client.inner().service_id;
        let query = &self;
        let reply = execute(self.client, OPERATION, |generated| async move {
            let mut call = generated
                .auth_token_get_list_api()
                .service_id(service_id.as_str());
            if let Some(v) = &query.client_identifier {
                call = call.client_identifier(v.as_str());
            }
            if let Some(v) = &query.subject {
                call = call.subject(v.as_str());
            }
            if let Some(v) = query.start {
                call = call.start(v);
            }
            if let Some(v) = query.end {
                call = call.end(v);
            }
            call.send().await
        })
        .await?;
        Ok(TokenListResponse::new(reply.body, reply.request_id))
    }
}

response! {
    /// One page of access tokens from `/auth/token/get/list`.
    pub struct TokenListResponse wraps types::TokenGetListResponse;
    debug { start, end, total_count }
    fields {
        /// Index of the first token on this page.
        start: int32;
        /// Index just past the last token on this page.
        end: int32;
        /// How many tokens match, over all pages.
        total_count: int32;
        /// The client the listing was limited to, if any.
        client: object<ClientLimited>;
        /// The resource owner the listing was limited to, if any.
        subject: text;
        /// The tokens on this page (hashes, not token values).
        access_tokens: list<AccessToken>;
    }
}
