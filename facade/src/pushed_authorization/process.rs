//! `/pushed_auth_req`: register a pushed authorization request (RFC 9126).

use http::StatusCode;

use super::PushedAuthorizationResponse;
use crate::enums::PushedAuthorizationAction;
use crate::http_response::{
    json_response, server_error, with_attestation_challenge, with_dpop_nonce,
};

impl PushedAuthorizationResponse {
    /// The response the pushed authorization request endpoint should send
    /// to the OAuth client.
    ///
    /// `CREATED` gives 201 (`request_uri`, `expires_in`), `BAD_REQUEST` 400,
    /// `UNAUTHORIZED` 401, `FORBIDDEN` 403, `PAYLOAD_TOO_LARGE` 413 and
    /// `INTERNAL_SERVER_ERROR` 500, each with the JSON `responseContent`;
    /// a missing action and one newer than this crate give 500
    /// `{"error":"server_error"}`. `UNAUTHORIZED` carries no
    /// `WWW-Authenticate`, as in Authlete's reference handler. A `dpopNonce`
    /// is passed on as `DPoP-Nonce`, an `attestationChallenge` as
    /// `OAuth-Client-Attestation-Challenge`.
    pub fn into_http_response(self) -> http::Response<String> {
        let action = self.action();
        let body = self.into_raw();
        let answer = match action {
            Some(PushedAuthorizationAction::Created) => Some((StatusCode::CREATED, "server_error")),
            Some(PushedAuthorizationAction::BadRequest) => {
                Some((StatusCode::BAD_REQUEST, "invalid_request"))
            }
            Some(PushedAuthorizationAction::Unauthorized) => {
                Some((StatusCode::UNAUTHORIZED, "invalid_client"))
            }
            Some(PushedAuthorizationAction::Forbidden) => {
                Some((StatusCode::FORBIDDEN, "unauthorized_client"))
            }
            Some(PushedAuthorizationAction::PayloadTooLarge) => {
                Some((StatusCode::PAYLOAD_TOO_LARGE, "invalid_request"))
            }
            Some(PushedAuthorizationAction::InternalServerError) => {
                Some((StatusCode::INTERNAL_SERVER_ERROR, "server_error"))
            }
            _ => None,
        };
        let response = match answer {
            Some((status, fallback)) => json_response(status, body.response_content, fallback),
            None => server_error(),
        };
        let response = with_attestation_challenge(response, body.attestation_challenge.as_deref());
        with_dpop_nonce(response, body.dpop_nonce.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http_response::test_support::{assert_no_store, assert_server_error, header};
    use authlete_generated::types;

    fn response(
        action: Option<&str>,
        content: Option<&str>,
        nonce: Option<&str>,
    ) -> PushedAuthorizationResponse {
        PushedAuthorizationResponse::new(
            types::PushedAuthorizationResponse {
                action: action.map(types::PushedAuthorizationAction::from),
                response_content: content.map(str::to_owned),
                dpop_nonce: nonce.map(str::to_owned),
                ..Default::default()
            },
            None,
        )
    }

    #[test]
    fn every_action_gives_its_status_and_the_json_body() {
        let created = r#"{"request_uri":"urn:ietf:params:oauth:request_uri:abc","expires_in":600}"#;
        let error = r#"{"error":"invalid_request","error_description":"[A150301] x"}"#;
        for (action, status, content) in [
            ("CREATED", 201, created),
            ("BAD_REQUEST", 400, error),
            ("UNAUTHORIZED", 401, error),
            ("FORBIDDEN", 403, error),
            ("PAYLOAD_TOO_LARGE", 413, error),
            ("INTERNAL_SERVER_ERROR", 500, error),
        ] {
            let r = response(Some(action), Some(content), None).into_http_response();
            assert_eq!(r.status().as_u16(), status, "{action}");
            assert_eq!(r.body(), content, "{action}");
            assert_eq!(header(&r, "content-type"), "application/json;charset=UTF-8");
            assert!(r.headers().get("www-authenticate").is_none(), "{action}");
            assert!(r.headers().get("dpop-nonce").is_none(), "{action}");
            assert_no_store(&r);
        }
    }

    #[test]
    fn a_dpop_nonce_rides_every_answer() {
        for action in [
            "CREATED",
            "BAD_REQUEST",
            "UNAUTHORIZED",
            "FORBIDDEN",
            "PAYLOAD_TOO_LARGE",
            "INTERNAL_SERVER_ERROR",
        ] {
            let r = response(Some(action), Some("{}"), Some("nonce-1")).into_http_response();
            assert_eq!(header(&r, "dpop-nonce"), "nonce-1", "{action}");
        }
    }

    #[test]
    fn a_missing_body_becomes_a_json_oauth_error() {
        for (action, status, error) in [
            ("CREATED", 500, "server_error"),
            ("BAD_REQUEST", 400, "invalid_request"),
            ("UNAUTHORIZED", 401, "invalid_client"),
            ("FORBIDDEN", 403, "unauthorized_client"),
            ("PAYLOAD_TOO_LARGE", 413, "invalid_request"),
            ("INTERNAL_SERVER_ERROR", 500, "server_error"),
        ] {
            let r = response(Some(action), None, None).into_http_response();
            assert_eq!(r.status().as_u16(), status, "{action}");
            let body: serde_json::Value = serde_json::from_str(r.body()).expect("well-formed JSON");
            assert_eq!(body, serde_json::json!({ "error": error }));
        }
    }

    #[test]
    fn unknown_and_missing_actions_give_500_without_the_content() {
        let secret = r#"{"request_uri":"urn:secret"}"#;
        assert_server_error(
            &response(Some("SOMETHING_NEWER"), Some(secret), None).into_http_response(),
            "urn:secret",
        );
        let r = response(None, Some(secret), Some("nonce-1")).into_http_response();
        assert_server_error(&r, "urn:secret");
        assert_eq!(header(&r, "dpop-nonce"), "nonce-1");
    }

    #[test]
    fn an_attestation_challenge_goes_to_the_client_in_its_header() {
        let mut answer = response(Some("BAD_REQUEST"), Some("{}"), None).into_raw();
        answer.attestation_challenge = Some("c-8841".into());
        let http = PushedAuthorizationResponse::new(answer, None).into_http_response();
        assert_eq!(http.status().as_u16(), 400);
        assert_eq!(
            header(&http, "oauth-client-attestation-challenge"),
            "c-8841"
        );
    }
}
