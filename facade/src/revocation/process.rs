//! `/auth/revocation`: hand a token revocation request to Authlete (RFC 7009).

use http::StatusCode;

use super::RevocationResponse;
use crate::enums::RevocationAction;
use crate::http_response::{
    javascript_response, json_response, server_error, with_attestation_challenge, with_challenge,
};

/// The challenge sent with a 401 for a failed client authentication at the
/// revocation endpoint.
const REVOCATION_CHALLENGE: &str = "Basic realm=\"revocation\"";

impl RevocationResponse {
    /// The response the revocation endpoint should send to the OAuth client.
    ///
    /// `OK` gives 200 with an empty body and no `Content-Type`, or 200
    /// `application/javascript;charset=UTF-8` with the JSONP script
    /// Authlete wrote when the client sent a `callback` (RFC 7009 §2.1);
    /// `BAD_REQUEST` 400, `INVALID_CLIENT` 401
    /// with `WWW-Authenticate: Basic realm="revocation"` and
    /// `INTERNAL_SERVER_ERROR` 500 carry the JSON `responseContent`; a
    /// missing action and one newer than this crate give 500
    /// `{"error":"server_error"}`. An `attestationChallenge` is passed on as
    /// `OAuth-Client-Attestation-Challenge`.
    pub fn into_http_response(self) -> http::Response<String> {
        let action = self.action();
        let body = self.into_raw();
        let content = body.response_content;
        let response = match action {
            Some(RevocationAction::Ok) => javascript_response(content),
            Some(RevocationAction::BadRequest) => {
                json_response(StatusCode::BAD_REQUEST, content, "invalid_request")
            }
            Some(RevocationAction::InvalidClient) => with_challenge(
                json_response(StatusCode::UNAUTHORIZED, content, "invalid_client"),
                REVOCATION_CHALLENGE,
            ),
            Some(RevocationAction::InternalServerError) => {
                json_response(StatusCode::INTERNAL_SERVER_ERROR, content, "server_error")
            }
            _ => server_error(),
        };
        with_attestation_challenge(response, body.attestation_challenge.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http_response::test_support::{assert_no_store, assert_server_error, header};
    use authlete_generated::types;

    fn response(action: Option<&str>, content: Option<&str>) -> RevocationResponse {
        RevocationResponse::new(
            types::RevocationResponse {
                action: action.map(types::RevocationAction::from),
                response_content: content.map(str::to_owned),
                ..Default::default()
            },
            None,
        )
    }

    #[test]
    fn ok_is_200_with_an_empty_body() {
        let r = response(Some("OK"), None).into_http_response();
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(r.body(), "");
        // An empty body is not a script: no type that says it is.
        assert_eq!(header(&r, "content-type"), "");
        assert!(r.headers().get("www-authenticate").is_none());
        assert_no_store(&r);
    }

    #[test]
    fn ok_passes_a_jsonp_script_on() {
        let r = response(Some("OK"), Some("cb();")).into_http_response();
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(r.body(), "cb();");
        assert_eq!(
            header(&r, "content-type"),
            "application/javascript;charset=UTF-8"
        );
    }

    #[test]
    fn error_actions_give_their_status_and_the_json_body() {
        let error = r#"{"error":"invalid_client","error_description":"[A067301] x"}"#;
        for (action, status, challenge) in [
            ("BAD_REQUEST", 400, ""),
            ("INVALID_CLIENT", 401, "Basic realm=\"revocation\""),
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
    fn a_missing_error_body_becomes_a_json_oauth_error() {
        for (action, status, error) in [
            ("BAD_REQUEST", 400, "invalid_request"),
            ("INVALID_CLIENT", 401, "invalid_client"),
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
        let secret = "cb({\"secret\":1});";
        for action in [Some("SOMETHING_NEWER"), None] {
            let r = response(action, Some(secret)).into_http_response();
            assert_server_error(&r, "secret");
            assert!(r.headers().get("www-authenticate").is_none());
        }
    }

    #[test]
    fn an_attestation_challenge_goes_to_the_client_in_its_header() {
        let mut answer = response(Some("INVALID_CLIENT"), Some("{}")).into_raw();
        answer.attestation_challenge = Some("c-8841".into());
        let http = RevocationResponse::new(answer, None).into_http_response();
        assert_eq!(http.status().as_u16(), 401);
        assert_eq!(
            header(&http, "oauth-client-attestation-challenge"),
            "c-8841"
        );
    }
}
