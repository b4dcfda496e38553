//! `/auth/token/issue`: issue the tokens of a password grant whose credentials checked out.

use http::StatusCode;

use super::TokenIssueResponse;
use crate::enums::TokenIssueAction;
use crate::http_response::json_response;

impl TokenIssueResponse {
    /// The response the token endpoint should send to the OAuth client:
    /// `OK` gives 200, anything else 500, with `responseContent` as the body.
    pub fn into_http_response(self) -> http::Response<String> {
        let status = match self.action() {
            Some(TokenIssueAction::Ok) => StatusCode::OK,
            Some(TokenIssueAction::InternalServerError) => StatusCode::INTERNAL_SERVER_ERROR,
            // No action, or one newer than this crate.
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        json_response(status, self.into_raw().response_content, "server_error")
    }
}
