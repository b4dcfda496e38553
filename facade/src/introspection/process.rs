//! `/auth/introspection`: check the access token a protected resource received.

use http::StatusCode;

use super::IntrospectionResponse;
use crate::enums::IntrospectionAction;
use crate::http_response::{challenge_response, server_error, with_dpop_nonce};

impl IntrospectionResponse {
    /// The error response the protected resource should send to the client
    /// when the access token does not let it through.
    ///
    /// `BAD_REQUEST` gives 400, `UNAUTHORIZED` 401, `FORBIDDEN` 403 (scope or
    /// subject mismatch) and `INTERNAL_SERVER_ERROR` 500, each with
    /// `WWW-Authenticate: <responseContent>` (Authlete picks the scheme and
    /// the RFC 6750 parameters) and no body. A `dpopNonce` is passed on as
    /// `DPoP-Nonce`.
    ///
    /// `OK` means the token is valid: serve the resource instead (with the
    /// `DPoP-Nonce` header when [`dpop_nonce`](Self::dpop_nonce) is set).
    /// It is no error answer, so here it gives 500 `{"error":"server_error"}`,
    /// as a missing action and one newer than this crate do.
    pub fn into_http_response(self) -> http::Response<String> {
        let action = self.action();
        let body = self.into_raw();
        let answer = match action {
            Some(IntrospectionAction::BadRequest) => {
                Some((StatusCode::BAD_REQUEST, "invalid_request"))
            }
            Some(IntrospectionAction::Unauthorized) => {
                Some((StatusCode::UNAUTHORIZED, "invalid_token"))
            }
            Some(IntrospectionAction::Forbidden) => {
                Some((StatusCode::FORBIDDEN, "insufficient_scope"))
            }
            Some(IntrospectionAction::InternalServerError) => {
                Some((StatusCode::INTERNAL_SERVER_ERROR, "server_error"))
            }
            // The resource server's to answer, with the resource.
            Some(IntrospectionAction::Ok) => None,
            // No action, or one newer than this crate.
            _ => None,
        };
        let response = match answer {
            Some((status, fallback)) => challenge_response(status, body.response_content, fallback),
            None => server_error(),
        };
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
    ) -> IntrospectionResponse {
        IntrospectionResponse::new(
            types::IntrospectionResponse {
                action: action.map(types::IntrospectionAction::from),
                response_content: content.map(str::to_owned),
                dpop_nonce: nonce.map(str::to_owned),
                ..Default::default()
            },
            None,
        )
    }

    const ACTIONS: [(&str, u16, &str); 4] = [
        (
            "BAD_REQUEST",
            400,
            r#"Bearer error="invalid_request",error_description="[A001201] x""#,
        ),
        (
            "UNAUTHORIZED",
            401,
            r#"DPoP error="invalid_token",error_description="[A065304] x",algs="ES256""#,
        ),
        (
            "FORBIDDEN",
            403,
            r#"Bearer error="insufficient_scope",scope="read""#,
        ),
        (
            "INTERNAL_SERVER_ERROR",
            500,
            r#"Bearer error="server_error",error_description="[A001101] x""#,
        ),
    ];

    #[test]
    fn error_actions_send_the_challenge_and_no_body() {
        for (action, status, challenge) in ACTIONS {
            let r = response(Some(action), Some(challenge), None).into_http_response();
            assert_eq!(r.status().as_u16(), status, "{action}");
            assert_eq!(header(&r, "www-authenticate"), challenge, "{action}");
            assert_eq!(r.body(), "", "{action}");
            assert_eq!(header(&r, "content-type"), "", "{action}");
            assert!(r.headers().get("dpop-nonce").is_none());
            assert_no_store(&r);
        }
    }

    #[test]
    fn a_dpop_nonce_rides_every_answer() {
        for (action, _, challenge) in ACTIONS {
            let r = response(Some(action), Some(challenge), Some("nonce-1")).into_http_response();
            assert_eq!(header(&r, "dpop-nonce"), "nonce-1", "{action}");
        }
        let r = response(Some("OK"), None, Some("nonce-1")).into_http_response();
        assert_eq!(header(&r, "dpop-nonce"), "nonce-1");
    }

    #[test]
    fn a_missing_challenge_becomes_a_bearer_error() {
        for (action, status, error) in [
            ("BAD_REQUEST", 400, "invalid_request"),
            ("UNAUTHORIZED", 401, "invalid_token"),
            ("FORBIDDEN", 403, "insufficient_scope"),
            ("INTERNAL_SERVER_ERROR", 500, "server_error"),
        ] {
            let r = response(Some(action), None, None).into_http_response();
            assert_eq!(r.status().as_u16(), status);
            assert_eq!(
                header(&r, "www-authenticate"),
                format!("Bearer error=\"{error}\"")
            );
        }
    }

    #[test]
    fn ok_unknown_and_missing_actions_give_500_without_the_content() {
        // OK: the resource is served instead; its spare challenge is not sent.
        let spare = r#"Bearer error="invalid_request""#;
        let r = response(Some("OK"), Some(spare), None).into_http_response();
        assert_server_error(&r, "invalid_request");
        assert!(r.headers().get("www-authenticate").is_none());
        for action in [Some("SOMETHING_NEWER"), None] {
            let r = response(action, Some(spare), None).into_http_response();
            assert_server_error(&r, "invalid_request");
            assert!(r.headers().get("www-authenticate").is_none());
        }
    }
}
