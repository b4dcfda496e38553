//! `/auth/authorization/issue`: answer an authorization request the user approved.

use super::AuthorizationIssueResponse;
use super::process::{Answer, respond};
use crate::enums::AuthorizationIssueAction;

impl AuthorizationIssueResponse {
    /// The response the authorization endpoint should send to the user
    /// agent.
    ///
    /// `LOCATION` gives 302 with `Location: <responseContent>` (the redirect
    /// carrying the code or tokens) and no body; `FORM` 200
    /// `text/html;charset=UTF-8` with the auto-posting form; `BAD_REQUEST`
    /// 400 and `INTERNAL_SERVER_ERROR` 500 with the JSON `responseContent`;
    /// a missing action and one newer than this crate 500
    /// `{"error":"server_error"}`. Every response is `Cache-Control:
    /// no-store`, `Pragma: no-cache`.
    pub fn into_http_response(self) -> http::Response<String> {
        let answer = match self.action() {
            Some(AuthorizationIssueAction::Location) => Some(Answer::Location),
            Some(AuthorizationIssueAction::Form) => Some(Answer::Form),
            Some(AuthorizationIssueAction::BadRequest) => Some(Answer::BadRequest),
            Some(AuthorizationIssueAction::InternalServerError) => {
                Some(Answer::InternalServerError)
            }
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
            AuthorizationIssueResponse::new(
                types::AuthorizationIssueResponse {
                    action: action.map(types::AuthorizationIssueAction::from),
                    response_content: content.map(str::to_owned),
                    authorization_code: Some("SplxlOBeZQQYbYS6WxSbIA".into()),
                    ..Default::default()
                },
                None,
            )
            .into_http_response()
        });
    }
}
