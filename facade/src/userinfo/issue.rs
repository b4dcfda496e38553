//! `/auth/userinfo/issue`: turn the collected claims into the UserInfo endpoint's answer.

use http::StatusCode;

use super::UserInfoIssueResponse;
use crate::enums::UserInfoIssueAction;
use crate::http_response::{
    JWT, challenge_response, json_response, jwt_response, server_error, with_dpop_nonce,
};

impl UserInfoIssueResponse {
    /// The response the UserInfo endpoint should send to the client
    /// (OpenID Connect Core §5.3.2, §5.3.3).
    ///
    /// `JSON` gives 200 `application/json;charset=UTF-8` with the claims;
    /// `JWT` 200 `application/jwt` with the signed or encrypted claims;
    /// `BAD_REQUEST` 400, `UNAUTHORIZED` 401, `FORBIDDEN` 403 and
    /// `INTERNAL_SERVER_ERROR` 500 `WWW-Authenticate: <responseContent>`
    /// with no body; a missing action and one newer than this crate 500
    /// `{"error":"server_error"}`.
    ///
    /// This response has no DPoP nonce of its own: to pass on the one of
    /// the [`process`](crate::userinfo::UserInfo::process) call, use
    /// [`into_http_response_with_dpop_nonce`](Self::into_http_response_with_dpop_nonce).
    pub fn into_http_response(self) -> http::Response<String> {
        self.into_http_response_with_dpop_nonce(None)
    }

    /// [`into_http_response`](Self::into_http_response), with
    /// `DPoP-Nonce: <dpop_nonce>` on the response when it is `Some`: the
    /// [`dpop_nonce`](crate::userinfo::UserInfoResponse::dpop_nonce) of the
    /// `/auth/userinfo` response this call followed.
    pub fn into_http_response_with_dpop_nonce(
        self,
        dpop_nonce: Option<&str>,
    ) -> http::Response<String> {
        let action = self.action();
        let content = self.into_raw().response_content;
        let response = match action {
            Some(UserInfoIssueAction::Json) => {
                json_response(StatusCode::OK, content, "server_error")
            }
            Some(UserInfoIssueAction::Jwt) => jwt_response(JWT, content),
            Some(UserInfoIssueAction::BadRequest) => {
                challenge_response(StatusCode::BAD_REQUEST, content, "invalid_request")
            }
            Some(UserInfoIssueAction::Unauthorized) => {
                challenge_response(StatusCode::UNAUTHORIZED, content, "invalid_token")
            }
            Some(UserInfoIssueAction::Forbidden) => {
                challenge_response(StatusCode::FORBIDDEN, content, "insufficient_scope")
            }
            Some(UserInfoIssueAction::InternalServerError) => {
                challenge_response(StatusCode::INTERNAL_SERVER_ERROR, content, "server_error")
            }
            _ => server_error(),
        };
        with_dpop_nonce(response, dpop_nonce)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http_response::test_support::{assert_no_store, assert_server_error, header};
    use authlete_generated::types;

    fn response(action: Option<&str>, content: Option<&str>) -> UserInfoIssueResponse {
        UserInfoIssueResponse::new(
            types::UserInfoIssueResponse {
                action: action.map(types::UserInfoIssueAction::from),
                response_content: content.map(str::to_owned),
                ..Default::default()
            },
            None,
        )
    }

    #[test]
    fn json_and_jwt_give_200_with_their_type() {
        let claims = r#"{"sub":"user-1001","name":"John"}"#;
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEwMDEifQ.sig";
        for (action, content_type, content) in [
            ("JSON", "application/json;charset=UTF-8", claims),
            ("JWT", "application/jwt", jwt),
        ] {
            let r = response(Some(action), Some(content)).into_http_response();
            assert_eq!(r.status().as_u16(), 200, "{action}");
            assert_eq!(header(&r, "content-type"), content_type);
            assert_eq!(r.body(), content);
            assert!(r.headers().get("www-authenticate").is_none());
            assert!(r.headers().get("dpop-nonce").is_none());
            assert_no_store(&r);
        }
    }

    #[test]
    fn error_actions_send_the_challenge_and_no_body() {
        for (action, status) in [
            ("BAD_REQUEST", 400),
            ("UNAUTHORIZED", 401),
            ("FORBIDDEN", 403),
            ("INTERNAL_SERVER_ERROR", 500),
        ] {
            let challenge = format!(r#"Bearer error="x",error_description="[A{status}] y""#);
            let r = response(Some(action), Some(&challenge)).into_http_response();
            assert_eq!(r.status().as_u16(), status, "{action}");
            assert_eq!(header(&r, "www-authenticate"), challenge);
            assert_eq!(r.body(), "");
            assert_eq!(header(&r, "content-type"), "");
            assert_no_store(&r);
        }
    }

    #[test]
    fn the_process_calls_dpop_nonce_rides_every_answer() {
        for action in [
            "JSON",
            "JWT",
            "BAD_REQUEST",
            "UNAUTHORIZED",
            "FORBIDDEN",
            "INTERNAL_SERVER_ERROR",
            "SOMETHING_NEWER",
        ] {
            let r = response(Some(action), Some("a.b.c"))
                .into_http_response_with_dpop_nonce(Some("nonce-1"));
            assert_eq!(header(&r, "dpop-nonce"), "nonce-1", "{action}");
        }
    }

    #[test]
    fn a_missing_body_or_challenge_never_gives_an_empty_success() {
        assert_server_error(&response(Some("JSON"), None).into_http_response(), "sub");
        assert_server_error(&response(Some("JWT"), Some("")).into_http_response(), ".");
        let r = response(Some("UNAUTHORIZED"), None).into_http_response();
        assert_eq!(r.status().as_u16(), 401);
        assert_eq!(
            header(&r, "www-authenticate"),
            r#"Bearer error="invalid_token""#
        );
    }

    #[test]
    fn unknown_and_missing_actions_give_500_without_the_content() {
        let secret = r#"{"sub":"user-secret"}"#;
        for action in [Some("SOMETHING_NEWER"), None] {
            assert_server_error(
                &response(action, Some(secret)).into_http_response(),
                "user-secret",
            );
        }
    }
}
