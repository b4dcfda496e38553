//! `/auth/authorization/fail`: answer an authorization request with an error.

use super::AuthorizationFailResponse;
use super::process::{Answer, respond};
use crate::enums::AuthorizationFailAction;

impl AuthorizationFailResponse {
    /// The response the authorization endpoint should send to the user
    /// agent.
    ///
    /// `LOCATION` gives 302 with `Location: <responseContent>` (the redirect
    /// carrying the error) and no body; `FORM` 200 `text/html;charset=UTF-8`
    /// with the auto-posting form; `BAD_REQUEST` 400 and
    /// `INTERNAL_SERVER_ERROR` 500 with the JSON `responseContent`; a missing
    /// action and one newer than this crate 500 `{"error":"server_error"}`.
    /// Every response is `Cache-Control: no-store`, `Pragma: no-cache`.
    pub fn into_http_response(self) -> http::Response<String> {
        let answer = match self.action() {
            Some(AuthorizationFailAction::Location) => Some(Answer::Location),
            Some(AuthorizationFailAction::Form) => Some(Answer::Form),
            Some(AuthorizationFailAction::BadRequest) => Some(Answer::BadRequest),
            Some(AuthorizationFailAction::InternalServerError) => Some(Answer::InternalServerError),
            _ => None,
        };
        respond(answer, self.into_raw().response_content)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authorization::process::tests::check_shared_actions;
    use authlete_generated::types;

    #[test]
    fn every_action_becomes_its_http_response() {
        check_shared_actions(|action, content| {
            AuthorizationFailResponse::new(
                types::AuthorizationFailResponse {
                    action: action.map(types::AuthorizationFailAction::from),
                    response_content: content.map(str::to_owned),
                    ..Default::default()
                },
                None,
            )
            .into_http_response()
        });
    }
}
