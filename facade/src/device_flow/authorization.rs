//! `/device/authorization`: answer the device authorization endpoint (RFC 8628 §3.1, §3.2).

use http::StatusCode;

use super::DeviceAuthorizationResponse;
use crate::enums::DeviceAuthorizationAction;
use crate::http_response::{json_response, server_error, with_challenge};

/// The challenge sent with a 401 for a failed client authentication at the
/// device authorization endpoint.
const DEVICE_AUTHORIZATION_CHALLENGE: &str = "Basic realm=\"device/authorization\"";

impl DeviceAuthorizationResponse {
    /// The response the device authorization endpoint should send to the
    /// device.
    ///
    /// `OK` gives 200 (`device_code`, `user_code`, `verification_uri`, ...),
    /// `BAD_REQUEST` 400, `UNAUTHORIZED` 401 with
    /// `WWW-Authenticate: Basic realm="device/authorization"` and
    /// `INTERNAL_SERVER_ERROR` 500, each with the JSON `responseContent`; a
    /// missing action and one newer than this crate give 500
    /// `{"error":"server_error"}`.
    pub fn into_http_response(self) -> http::Response<String> {
        let action = self.action();
        let content = self.into_raw().response_content;
        match action {
            Some(DeviceAuthorizationAction::Ok) => {
                json_response(StatusCode::OK, content, "server_error")
            }
            Some(DeviceAuthorizationAction::BadRequest) => {
                json_response(StatusCode::BAD_REQUEST, content, "invalid_request")
            }
            Some(DeviceAuthorizationAction::Unauthorized) => with_challenge(
                json_response(StatusCode::UNAUTHORIZED, content, "invalid_client"),
                DEVICE_AUTHORIZATION_CHALLENGE,
            ),
            Some(DeviceAuthorizationAction::InternalServerError) => {
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

    fn response(action: Option<&str>, content: Option<&str>) -> DeviceAuthorizationResponse {
        DeviceAuthorizationResponse::new(
            types::DeviceAuthorizationResponse {
                action: action.map(types::DeviceAuthorizationAction::from),
                response_content: content.map(str::to_owned),
                ..Default::default()
            },
            None,
        )
    }

    #[test]
    fn every_action_gives_its_status_headers_and_body() {
        let ok = r#"{"device_code":"GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS","user_code":"WDJB-MJHT","verification_uri":"https://as.example/device","expires_in":1800}"#;
        let error = r#"{"error":"invalid_client","error_description":"[A222201] x"}"#;
        for (action, status, content, challenge) in [
            ("OK", 200, ok, ""),
            ("BAD_REQUEST", 400, error, ""),
            (
                "UNAUTHORIZED",
                401,
                error,
                "Basic realm=\"device/authorization\"",
            ),
            ("INTERNAL_SERVER_ERROR", 500, error, ""),
        ] {
            let r = response(Some(action), Some(content)).into_http_response();
            assert_eq!(r.status().as_u16(), status, "{action}");
            assert_eq!(r.body(), content, "{action}");
            assert_eq!(header(&r, "content-type"), "application/json;charset=UTF-8");
            assert_eq!(header(&r, "www-authenticate"), challenge, "{action}");
            assert_no_store(&r);
        }
    }

    #[test]
    fn a_missing_body_becomes_a_json_oauth_error() {
        for (action, status, error) in [
            ("OK", 500, "server_error"),
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
    fn unknown_and_missing_actions_give_500_without_the_content() {
        for action in [Some("SOMETHING_NEWER"), None] {
            let r = response(action, Some(r#"{"device_code":"secret-code"}"#)).into_http_response();
            assert_server_error(&r, "secret-code");
            assert!(r.headers().get("www-authenticate").is_none());
        }
    }
}
