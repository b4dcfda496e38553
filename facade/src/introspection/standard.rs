//! `/auth/introspection/standard`: build the answer of an RFC 7662 introspection endpoint.

use http::StatusCode;

use super::StandardIntrospectionResponse;
use crate::enums::StandardIntrospectionAction;
use crate::http_response::{INTROSPECTION_JWT, json_response, jwt_response, server_error};

impl StandardIntrospectionResponse {
    /// The response the introspection endpoint should send to the resource
    /// server that asked (which the endpoint must have authenticated: Authlete
    /// does not).
    ///
    /// `OK` gives 200 with the JSON `responseContent` (with `active`); `JWT`
    /// 200 `application/token-introspection+jwt` (RFC 9701) with the JWT;
    /// `BAD_REQUEST` 400 and `INTERNAL_SERVER_ERROR` 500 with the JSON
    /// `responseContent`; a missing action and one newer than this crate
    /// 500 `{"error":"server_error"}`.
    pub fn into_http_response(self) -> http::Response<String> {
        let action = self.action();
        let content = self.into_raw().response_content;
        match action {
            Some(StandardIntrospectionAction::Ok) => {
                json_response(StatusCode::OK, content, "server_error")
            }
            Some(StandardIntrospectionAction::Jwt) => jwt_response(INTROSPECTION_JWT, content),
            Some(StandardIntrospectionAction::BadRequest) => {
                json_response(StatusCode::BAD_REQUEST, content, "invalid_request")
            }
            Some(StandardIntrospectionAction::InternalServerError) => {
                json_response(StatusCode::INTERNAL_SERVER_ERROR, content, "server_error")
            }
            _ => server_error(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http_response::test_support::{assert_no_store, assert_server_error, header};
    use authlete_generated::types;

    fn response(action: Option<&str>, content: Option<&str>) -> StandardIntrospectionResponse {
        StandardIntrospectionResponse::new(
            types::StandardIntrospectionResponse {
                action: action.map(types::StandardIntrospectionAction::from),
                response_content: content.map(str::to_owned),
                ..Default::default()
            },
            None,
        )
    }

    #[test]
    fn every_action_gives_its_status_type_and_body() {
        let active = r#"{"active":true,"scope":"read","client_id":"c1"}"#;
        let jwt = "eyJhbGciOiJFUzI1NiJ9.eyJ0b2tlbl9pbnRyb3NwZWN0aW9uIjp7fX0.sig";
        let error = r#"{"error":"invalid_request","error_description":"[A145301] x"}"#;
        for (action, status, content_type, content) in [
            ("OK", 200, "application/json;charset=UTF-8", active),
            ("JWT", 200, "application/token-introspection+jwt", jwt),
            ("BAD_REQUEST", 400, "application/json;charset=UTF-8", error),
            (
                "INTERNAL_SERVER_ERROR",
                500,
                "application/json;charset=UTF-8",
                error,
            ),
        ] {
            let r = response(Some(action), Some(content)).into_http_response();
            assert_eq!(r.status().as_u16(), status, "{action}");
            assert_eq!(header(&r, "content-type"), content_type, "{action}");
            assert_eq!(r.body(), content, "{action}");
            assert!(r.headers().get("www-authenticate").is_none());
            assert_no_store(&r);
        }
    }

    #[test]
    fn a_missing_body_becomes_a_json_oauth_error() {
        for (action, status, error) in [
            ("OK", 500, "server_error"),
            ("JWT", 500, "server_error"),
            ("BAD_REQUEST", 400, "invalid_request"),
            ("INTERNAL_SERVER_ERROR", 500, "server_error"),
        ] {
            let r = response(Some(action), None).into_http_response();
            assert_eq!(r.status().as_u16(), status, "{action}");
            let body: serde_json::Value = serde_json::from_str(r.body()).expect("well-formed JSON");
            assert_eq!(body, serde_json::json!({ "error": error }));
        }
    }

    #[test]
    fn unknown_and_missing_actions_give_500_without_the_content() {
        let secret = r#"{"active":true,"sub":"user-secret"}"#;
        assert_server_error(
            &response(Some("SOMETHING_NEWER"), Some(secret)).into_http_response(),
            "user-secret",
        );
        assert_server_error(
            &response(None, Some(secret)).into_http_response(),
            "user-secret",
        );
    }
}
