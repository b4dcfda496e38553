//! `/backchannel/authentication`: answer the backchannel authentication endpoint (OpenID Connect CIBA Core §7).

use http::StatusCode;

use super::BackchannelAuthenticationResponse;
use crate::enums::CibaAction;
use crate::http_response::{json_response, server_error, with_challenge};

/// The challenge sent with a 401 for a failed client authentication at the
/// backchannel authentication endpoint.
const BACKCHANNEL_CHALLENGE: &str = "Basic realm=\"backchannel/authentication\"";

impl BackchannelAuthenticationResponse {
    /// Whether the action is `USER_IDENTIFICATION`: the request is valid and
    /// the authorization server must identify the user (from `hint`,
    /// `hintType`, `sub`, the user code, the binding message) and then call
    /// [`issue`](crate::ciba::Ciba::issue) or
    /// [`fail`](crate::ciba::Ciba::fail) with the response's `ticket`, so
    /// that [`into_http_response`](Self::into_http_response) is not the next
    /// step.
    pub fn needs_user_identification(&self) -> bool {
        matches!(self.action(), Some(CibaAction::UserIdentification))
    }

    /// The response the backchannel authentication endpoint should send to
    /// the client, for the actions Authlete answers itself.
    ///
    /// `BAD_REQUEST` gives 400, `UNAUTHORIZED` 401 with
    /// `WWW-Authenticate: Basic realm="backchannel/authentication"`,
    /// `INTERNAL_SERVER_ERROR` 500, each with the JSON `responseContent`.
    /// `USER_IDENTIFICATION` is no HTTP answer: handle it first (see
    /// [`needs_user_identification`](Self::needs_user_identification)); like
    /// a missing action and one newer than this crate, it gives 500
    /// `{"error":"server_error"}`.
    pub fn into_http_response(self) -> http::Response<String> {
        let action = self.action();
        let content = self.into_raw().response_content;
        match action {
            Some(CibaAction::BadRequest) => {
                json_response(StatusCode::BAD_REQUEST, content, "invalid_request")
            }
            Some(CibaAction::Unauthorized) => with_challenge(
                json_response(StatusCode::UNAUTHORIZED, content, "invalid_client"),
                BACKCHANNEL_CHALLENGE,
            ),
            Some(CibaAction::InternalServerError) => {
                json_response(StatusCode::INTERNAL_SERVER_ERROR, content, "server_error")
            }
            // The application's to handle (see `needs_user_identification`).
            Some(CibaAction::UserIdentification) => server_error(),
            // No action, or one newer than this crate.
            _ => server_error(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http_response::test_support::{assert_no_store, assert_server_error, header};
    use authlete_generated::types;

    fn response(action: Option<&str>, content: Option<&str>) -> BackchannelAuthenticationResponse {
        BackchannelAuthenticationResponse::new(
            types::BackchannelAuthenticationResponse {
                action: action.map(types::CibaAction::from),
                response_content: content.map(str::to_owned),
                ticket: Some("ticket-1".into()),
                ..Default::default()
            },
            None,
        )
    }

    #[test]
    fn error_actions_give_their_status_headers_and_body() {
        let error = r#"{"error":"invalid_request","error_description":"[A180301] x"}"#;
        for (action, status, challenge) in [
            ("BAD_REQUEST", 400, ""),
            (
                "UNAUTHORIZED",
                401,
                "Basic realm=\"backchannel/authentication\"",
            ),
            ("INTERNAL_SERVER_ERROR", 500, ""),
        ] {
            let r = response(Some(action), Some(error)).into_http_response();
            assert_eq!(r.status().as_u16(), status, "{action}");
            assert_eq!(r.body(), error, "{action}");
            assert_eq!(header(&r, "content-type"), "application/json;charset=UTF-8");
            assert_eq!(header(&r, "www-authenticate"), challenge, "{action}");
            assert_no_store(&r);
        }
    }

    #[test]
    fn a_missing_body_becomes_a_json_oauth_error() {
        for (action, status, error) in [
            ("BAD_REQUEST", 400, "invalid_request"),
            ("UNAUTHORIZED", 401, "invalid_client"),
            ("INTERNAL_SERVER_ERROR", 500, "server_error"),
        ] {
            let r = response(Some(action), None).into_http_response();
            assert_eq!(r.status().as_u16(), status, "{action}");
            let body: serde_json::Value = serde_json::from_str(r.body()).expect("well-formed JSON");
            assert_eq!(body, serde_json::json!({ "error": error }));
        }
    }

    #[test]
    fn user_identification_is_left_to_the_caller() {
        let response = response(Some("USER_IDENTIFICATION"), Some("{\"secret\":1}"));
        assert!(response.needs_user_identification());
        assert_server_error(&response.into_http_response(), "secret");
        for action in [
            Some("BAD_REQUEST"),
            Some("UNAUTHORIZED"),
            Some("INTERNAL_SERVER_ERROR"),
            Some("SOMETHING_NEWER"),
            None,
        ] {
            assert!(
                !self::response(action, None).needs_user_identification(),
                "{action:?}"
            );
        }
    }

    #[test]
    fn unknown_and_missing_actions_give_500_without_the_content() {
        for action in [Some("SOMETHING_NEWER"), None] {
            let r = response(action, Some(r#"{"auth_req_id":"secret-id"}"#)).into_http_response();
            assert_server_error(&r, "secret-id");
            assert!(r.headers().get("www-authenticate").is_none());
        }
    }
}
