//! `/auth/authorization`: hand an authorization request to Authlete and learn what to do with it.

use http::StatusCode;

use super::AuthorizationResponse;
use crate::enums::AuthorizationAction;
use crate::http_response::{html_response, json_response, redirect_response, server_error};

/// The four answers the authorization endpoint's three calls share.
pub(super) enum Answer {
    /// `LOCATION`: redirect the user agent to `responseContent`.
    Location,
    /// `FORM`: `responseContent` is an auto-posting HTML form.
    Form,
    /// `BAD_REQUEST`: no redirect URI can be trusted; tell the user agent.
    BadRequest,
    /// `INTERNAL_SERVER_ERROR`.
    InternalServerError,
}

/// The HTTP response for `answer` with Authlete's `content`; `None` (an
/// action no HTTP answer exists for) gives 500 `server_error` without
/// `content`.
pub(super) fn respond(answer: Option<Answer>, content: Option<String>) -> http::Response<String> {
    match answer {
        Some(Answer::Location) => redirect_response(content),
        Some(Answer::Form) => html_response(content),
        Some(Answer::BadRequest) => {
            json_response(StatusCode::BAD_REQUEST, content, "invalid_request")
        }
        Some(Answer::InternalServerError) => {
            json_response(StatusCode::INTERNAL_SERVER_ERROR, content, "server_error")
        }
        None => server_error(),
    }
}

impl AuthorizationResponse {
    /// Whether the action leaves the next step to the authorization server
    /// (`INTERACTION`: show the login / consent UI; `NO_INTERACTION`:
    /// `prompt=none`, decide at once), which ends with
    /// [`issue`](crate::authorization::Authorization::issue) or
    /// [`fail`](crate::authorization::Authorization::fail) on the response's `ticket`, so
    /// that [`into_http_response`](Self::into_http_response) is not the next
    /// step.
    pub fn needs_interaction(&self) -> bool {
        matches!(
            self.action(),
            Some(AuthorizationAction::Interaction | AuthorizationAction::NoInteraction)
        )
    }

    /// The response the authorization endpoint should send to the user
    /// agent, for the actions Authlete answers itself.
    ///
    /// `LOCATION` gives 302 with `Location: <responseContent>` and no body;
    /// `FORM` 200 `text/html;charset=UTF-8` with the auto-posting form;
    /// `BAD_REQUEST` 400 and `INTERNAL_SERVER_ERROR` 500 with the JSON
    /// `responseContent`. `INTERACTION` and `NO_INTERACTION` are no HTTP
    /// answer: handle them first (see
    /// [`needs_interaction`](Self::needs_interaction)); like a missing action
    /// and one newer than this crate, they give 500 `{"error":"server_error"}`.
    /// Every response is `Cache-Control: no-store`, `Pragma: no-cache`.
    pub fn into_http_response(self) -> http::Response<String> {
        let answer = match self.action() {
            Some(AuthorizationAction::Location) => Some(Answer::Location),
            Some(AuthorizationAction::Form) => Some(Answer::Form),
            Some(AuthorizationAction::BadRequest) => Some(Answer::BadRequest),
            Some(AuthorizationAction::InternalServerError) => Some(Answer::InternalServerError),
            // The application's to answer (see `needs_interaction`).
            Some(AuthorizationAction::Interaction | AuthorizationAction::NoInteraction) => None,
            // No action, or one newer than this crate.
            _ => None,
        };
        respond(answer, self.into_raw().response_content)
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::http_response::test_support::{assert_no_store, assert_server_error, header};
    use authlete_generated::types;

    const LOCATION: &str = "https://client.example/cb?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz";
    const FORM: &str = r#"<html><body onload="document.forms[0].submit()"><form method="post" action="https://client.example/cb"><input type="hidden" name="code" value="c"/></form></body></html>"#;
    const ERROR: &str = r#"{"error":"invalid_request","error_description":"[A004201] x"}"#;

    /// Checks the answer to each action the three calls share, given a
    /// way to build the response for an action and a content.
    pub(in super::super) fn check_shared_actions(
        respond: impl Fn(Option<&str>, Option<&str>) -> http::Response<String>,
    ) {
        let r = respond(Some("LOCATION"), Some(LOCATION));
        assert_eq!(r.status().as_u16(), 302);
        assert_eq!(header(&r, "location"), LOCATION);
        assert_eq!(header(&r, "content-type"), "");
        assert_eq!(r.body(), "");
        assert_no_store(&r);

        let r = respond(Some("FORM"), Some(FORM));
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(header(&r, "content-type"), "text/html;charset=UTF-8");
        assert_eq!(r.body(), FORM);
        assert!(r.headers().get("location").is_none());
        assert_no_store(&r);

        for (action, status) in [("BAD_REQUEST", 400), ("INTERNAL_SERVER_ERROR", 500)] {
            let r = respond(Some(action), Some(ERROR));
            assert_eq!(r.status().as_u16(), status, "{action}");
            assert_eq!(header(&r, "content-type"), "application/json;charset=UTF-8");
            assert_eq!(r.body(), ERROR);
            assert!(r.headers().get("location").is_none());
            assert_no_store(&r);
        }
        let r = respond(Some("BAD_REQUEST"), None);
        assert_eq!(r.status().as_u16(), 400);
        assert_eq!(r.body(), r#"{"error":"invalid_request"}"#);

        // Without a usable location or form there is nothing to send.
        for (action, content) in [
            ("LOCATION", None),
            ("LOCATION", Some("https://x/\r\n")),
            ("FORM", Some("")),
        ] {
            assert_server_error(&respond(Some(action), content), "https://x/");
        }
        // Unknown and missing actions: 500, nothing of responseContent.
        assert_server_error(&respond(Some("SOMETHING_NEWER"), Some(LOCATION)), LOCATION);
        assert_server_error(&respond(None, Some(LOCATION)), LOCATION);
    }

    fn response(action: Option<&str>, content: Option<&str>) -> AuthorizationResponse {
        AuthorizationResponse::new(
            types::AuthorizationResponse {
                action: action.map(types::AuthorizationAction::from),
                response_content: content.map(str::to_owned),
                ticket: Some("ticket-1".into()),
                ..Default::default()
            },
            None,
        )
    }

    #[test]
    fn location_form_bad_request_and_internal_server_error_are_answered() {
        check_shared_actions(|action, content| response(action, content).into_http_response());
    }

    #[test]
    fn interaction_and_no_interaction_are_left_to_the_caller() {
        for action in ["INTERACTION", "NO_INTERACTION"] {
            let response = response(Some(action), Some(ERROR));
            assert!(response.needs_interaction(), "{action}");
            assert_server_error(&response.into_http_response(), "A004201");
        }
        for action in [
            Some("LOCATION"),
            Some("FORM"),
            Some("BAD_REQUEST"),
            Some("INTERNAL_SERVER_ERROR"),
            Some("SOMETHING_NEWER"),
            None,
        ] {
            assert!(!response(action, None).needs_interaction(), "{action:?}");
        }
    }
}
