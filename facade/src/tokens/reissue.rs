//! `/idtoken/reissue`: issue an ID token again during a refresh-token grant.

use http::StatusCode;

use super::IdTokenReissueResponse;
use crate::enums::IdTokenReissueAction;
use crate::http_response::json_response;

impl IdTokenReissueResponse {
    /// The response the token endpoint should send to the OAuth client:
    /// `OK` gives 200, anything else 500, with `responseContent` as the body.
    pub fn into_http_response(self) -> http::Response<String> {
        let status = match self.action() {
            Some(IdTokenReissueAction::Ok) => StatusCode::OK,
            // CALLER_ERROR: the request to Authlete was wrong, not the client's.
            Some(IdTokenReissueAction::CallerError | IdTokenReissueAction::InternalServerError) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            // No action, or one newer than this crate.
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        json_response(status, self.into_raw().response_content, "server_error")
    }
}
