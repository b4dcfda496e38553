//! `/auth/token/fail`: close a token request with an error.

use std::fmt;

use authlete_generated::types;
use http::StatusCode;

use crate::call::{Operation, execute_with_body};
use crate::client::Client;
use crate::enums::{TokenFailAction, TokenFailReason};
use crate::error::{Error, Redacted};
use crate::http_response::json_response;
use crate::response::response;
use crate::retry::Replay;

const OPERATION: Operation = Operation {
    id: "auth_token_fail_api",
    // The ticket is spent by the first request that reaches Authlete.
    replay: Replay::OnlyIfNeverSent,
};

/// A `/auth/token/fail` call, ready to send; see [`Tokens::fail`](crate::tokens::Tokens::fail).
#[must_use = "nothing is sent until `send` is awaited"]
pub struct FailTokenRequest<'a> {
    client: &'a Client,
    ticket: String,
    reason: TokenFailReason,
}

impl fmt::Debug for FailTokenRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FailTokenRequest")
            .field("ticket", &Redacted)
            .field("reason", &self.reason)
            .finish()
    }
}

impl<'a> FailTokenRequest<'a> {
    pub(crate) fn new(client: &'a Client, ticket: String, reason: TokenFailReason) -> Self {
        FailTokenRequest {
            client,
            ticket,
            reason,
        }
    }

    /// Sends the call. The ticket is consumed with the request: it cannot be
    /// spent twice through this value.
    ///
    /// ```
    /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::path};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let authlete = MockServer::start().await;
    /// # Mock::given(path("/api/715948317/auth/token/fail"))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
    /// #         "action": "BAD_REQUEST",
    /// #         "responseContent": "{\"error\":\"invalid_grant\"}"
    /// #     })))
    /// #     .mount(&authlete).await;
    /// use authlete::{TokenFailAction, TokenFailReason};
    ///
    /// let client = authlete::Client::builder()
    ///     .service_id("715948317")
    ///     .access_token("service-access-token")
    /// #   .base_url(authlete.uri())
    ///     .build()?;
    ///
    /// let response = client
    ///     .tokens()
    ///     .fail("ticket-from-auth-token", TokenFailReason::InvalidResourceOwnerCredentials)
    ///     .send()
    ///     .await?;
    /// assert_eq!(response.action(), Some(TokenFailAction::BadRequest));
    ///
    /// // What the token endpoint sends back to the OAuth client:
    /// let http = response.into_http_response();
    /// assert_eq!(http.status(), 400);
    /// assert_eq!(http.body(), r#"{"error":"invalid_grant"}"#);
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<TokenFailResponse, Error> {
        let body = types::TokenFailRequest {
            ticket: self.ticket,
            reason: (&self.reason).into(),
        };
        let reply = execute_with_body(
            self.client,
            OPERATION,
            body,
            |generated, service_id, body| async move {
                generated
                    .auth_token_fail_api()
                    .service_id(service_id)
                    .body(body)
                    .send()
                    .await
            },
        )
        .await?;
        Ok(TokenFailResponse::new(reply.body, reply.request_id))
    }
}

response! {
    /// Authlete's answer to `/auth/token/fail`: the error response to give the client.
    pub struct TokenFailResponse wraps types::TokenFailResponse, with result;
    debug { action }
    fields {
        /// What to do with [`response_content`](Self::response_content).
        action: open<TokenFailAction>;
        /// The JSON body for the OAuth client, exactly as Authlete wrote it.
        response_content: text;
    }
}

impl TokenFailResponse {
    /// The response the token endpoint should send to the OAuth client.
    ///
    /// `BAD_REQUEST` gives 400; `INTERNAL_SERVER_ERROR`, a missing action and
    /// an action newer than this crate give 500. The body is
    /// `responseContent` unchanged, or `{"error":"invalid_request"}` /
    /// `{"error":"server_error"}` if Authlete sent none.
    pub fn into_http_response(self) -> http::Response<String> {
        let (status, fallback) = match self.action() {
            Some(TokenFailAction::BadRequest) => (StatusCode::BAD_REQUEST, "invalid_request"),
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "server_error"),
        };
        json_response(status, self.body.response_content, fallback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(action: Option<&str>, content: Option<&str>) -> TokenFailResponse {
        TokenFailResponse::new(
            types::TokenFailResponse {
                action: action.map(types::TokenFailResponseAction::from),
                response_content: content.map(str::to_owned),
                ..Default::default()
            },
            None,
        )
    }

    fn header<'a>(r: &'a http::Response<String>, name: &str) -> &'a str {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    #[test]
    fn action_decides_the_status_and_the_body_is_passed_through() {
        let content = r#"{"error":"invalid_request","error_description":"[A067301] x"}"#;
        for (action, status) in [
            (Some("BAD_REQUEST"), 400),
            (Some("INTERNAL_SERVER_ERROR"), 500),
            (Some("SOMETHING_NEWER"), 500),
            (None, 500),
        ] {
            let http = response(action, Some(content)).into_http_response();
            assert_eq!(http.status().as_u16(), status, "{action:?}");
            assert_eq!(http.body(), content, "body is verbatim");
            assert_eq!(
                header(&http, "content-type"),
                "application/json;charset=UTF-8"
            );
            assert_eq!(header(&http, "cache-control"), "no-store");
            assert_eq!(header(&http, "pragma"), "no-cache");
        }
    }

    #[test]
    fn a_missing_body_becomes_a_json_oauth_error_never_an_empty_response() {
        for (action, status, error) in [
            (Some("BAD_REQUEST"), 400, "invalid_request"),
            (Some("INTERNAL_SERVER_ERROR"), 500, "server_error"),
            (None, 500, "server_error"),
        ] {
            for content in [None, Some(""), Some("  ")] {
                let http = response(action, content).into_http_response();
                assert_eq!(http.status().as_u16(), status);
                let body: serde_json::Value =
                    serde_json::from_str(http.body()).expect("well-formed JSON");
                assert_eq!(body, serde_json::json!({ "error": error }));
            }
        }
    }
}
