//! `/idtoken/reissue`: issue an ID token again during a refresh-token grant.

use std::fmt;

use authlete_generated::types;
use http::StatusCode;

use crate::call::{Operation, execute_with_body};
use crate::client::Client;
use crate::enums::IdTokenReissueAction;
use crate::error::Error;
use crate::http_response::json_response;
use crate::request::setters;
use crate::response::response;
use crate::retry::Replay;

const OPERATION: Operation = Operation {
    id: "idtoken_reissue_api",
    // Each call issues a new ID token; without a guarantee that a repeat is
    // harmless, it is repeated only when nothing was sent.
    replay: Replay::OnlyIfNeverSent,
};

/// An `/idtoken/reissue` call, ready to send; see
/// [`Tokens::reissue_id_token`](crate::tokens::Tokens::reissue_id_token).
#[must_use = "nothing is sent until `send` is awaited"]
pub struct ReissueIdTokenRequest<'a> {
    client: &'a Client,
    body: types::builder::IdtokenReissueRequest,
}

impl fmt::Debug for ReissueIdTokenRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReissueIdTokenRequest")
            .finish_non_exhaustive()
    }
}

impl<'a> ReissueIdTokenRequest<'a> {
    pub(crate) fn new(client: &'a Client, access_token: String, refresh_token: String) -> Self {
        ReissueIdTokenRequest {
            client,
            body: types::IdtokenReissueRequest::builder()
                .access_token(access_token)
                .refresh_token(refresh_token),
        }
    }

    /// The subject (`sub` claim) to put in the ID token, when it differs from the token's.
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.body = self.body.sub(Some(subject.into()));
        self
    }

    setters! {
        /// Extra claims for the ID token, as a JSON object.
        claims: text;
        /// Extra JOSE header parameters for the ID token, as a JSON object.
        idt_header_params: text;
        /// How the `aud` claim is written (`array` or `string`).
        id_token_aud_type: text;
    }

    /// Sends the call.
    pub async fn send(self) -> Result<IdTokenReissueResponse, Error> {
        let reply = execute_with_body(
            self.client,
            OPERATION,
            self.body,
            |generated, service_id, body| async move {
                generated
                    .idtoken_reissue_api()
                    .service_id(service_id)
                    .body(body)
                    .send()
                    .await
            },
        )
        .await?;
        Ok(IdTokenReissueResponse::new(reply.body, reply.request_id))
    }
}

response! {
    /// Authlete's answer to `/idtoken/reissue`.
    pub struct IdTokenReissueResponse wraps types::IdtokenReissueResponse, with result;
    debug { action }
    fields {
        /// What to do with [`response_content`](Self::response_content).
        action: open<IdTokenReissueAction>;
        /// The JSON body for the client (the token response with the new ID token).
        response_content: text;
        /// The new ID token.
        id_token: text;
    }
}

impl IdTokenReissueResponse {
    /// The response the token endpoint should send to the OAuth client:
    /// `OK` gives 200, anything else 500, with `responseContent` as the body.
    pub fn into_http_response(self) -> http::Response<String> {
        let status = match self.action() {
            Some(IdTokenReissueAction::Ok) => StatusCode::OK,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        json_response(status, self.body.response_content, "server_error")
    }
}
