//! `/auth/userinfo`: check the access token the UserInfo endpoint received.

use http::StatusCode;

use super::UserInfoResponse;
use crate::enums::UserInfoAction;
use crate::http_response::{challenge_response, server_error, with_dpop_nonce};

impl UserInfoResponse {
    /// The error response the UserInfo endpoint should send to the client
    /// when the access token does not let it through (OpenID Connect Core
    /// §5.3.3, RFC 6750 §3).
    ///
    /// `BAD_REQUEST` (no token) gives 400, `UNAUTHORIZED` (token unknown,
    /// expired or without a subject) 401, `FORBIDDEN` (no `openid` scope) 403
    /// and `INTERNAL_SERVER_ERROR` 500, each with
    /// `WWW-Authenticate: <responseContent>` and no body. A `dpopNonce` is
    /// passed on as `DPoP-Nonce`.
    ///
    /// `OK` means the token is good: collect the claims of
    /// [`subject`](Self::subject) and call
    /// [`issue`](crate::userinfo::UserInfo::issue) with the response's `token`, then
    /// answer with
    /// [`UserInfoIssueResponse::into_http_response_with_dpop_nonce`](crate::userinfo::UserInfoIssueResponse::into_http_response_with_dpop_nonce)
    /// and this response's [`dpop_nonce`](Self::dpop_nonce). It is no HTTP
    /// answer here, so it gives 500 `{"error":"server_error"}`, as a
    /// missing action and one newer than this crate do.
    pub fn into_http_response(self) -> http::Response<String> {
        let action = self.action();
        let body = self.into_raw();
        let response = match action {
            Some(UserInfoAction::BadRequest) => challenge_response(
                StatusCode::BAD_REQUEST,
                body.response_content,
                "invalid_request",
            ),
            Some(UserInfoAction::Unauthorized) => challenge_response(
                StatusCode::UNAUTHORIZED,
                body.response_content,
                "invalid_token",
            ),
            Some(UserInfoAction::Forbidden) => challenge_response(
                StatusCode::FORBIDDEN,
                body.response_content,
                "insufficient_scope",
            ),
            Some(UserInfoAction::InternalServerError) => challenge_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                body.response_content,
                "server_error",
            ),
            // The application's to answer (`userinfo().issue()`).
            Some(UserInfoAction::Ok) => server_error(),
            // No action, or one newer than this crate.
            _ => server_error(),
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
    ) -> UserInfoResponse {
        UserInfoResponse::new(
            types::UserInfoResponse {
                action: action.map(types::UserInfoAction::from),
                response_content: content.map(str::to_owned),
                dpop_nonce: nonce.map(str::to_owned),
                subject: Some("user-1001".into()),
                ..Default::default()
            },
            None,
        )
    }

    const ACTIONS: [(&str, u16, &str, &str); 4] = [
        (
            "BAD_REQUEST",
            400,
            r#"Bearer error="invalid_token",error_description="[A034201] x""#,
            "invalid_request",
        ),
        (
            "UNAUTHORIZED",
            401,
            r#"Bearer error="invalid_token",error_description="[A034202] x""#,
            "invalid_token",
        ),
        (
            "FORBIDDEN",
            403,
            r#"Bearer error="insufficient_scope",error_description="[A034203] x""#,
            "insufficient_scope",
        ),
        (
            "INTERNAL_SERVER_ERROR",
            500,
            r#"Bearer error="server_error",error_description="[A034101] x""#,
            "server_error",
        ),
    ];

    #[test]
    fn error_actions_send_the_challenge_and_no_body() {
        for (action, status, challenge, _) in ACTIONS {
            let r = response(Some(action), Some(challenge), None).into_http_response();
            assert_eq!(r.status().as_u16(), status, "{action}");
            assert_eq!(header(&r, "www-authenticate"), challenge, "{action}");
            assert_eq!(r.body(), "");
            assert_eq!(header(&r, "content-type"), "");
            assert!(r.headers().get("dpop-nonce").is_none());
            assert_no_store(&r);
        }
    }

    #[test]
    fn a_missing_challenge_becomes_a_bearer_error() {
        for (action, status, _, error) in ACTIONS {
            let r = response(Some(action), None, None).into_http_response();
            assert_eq!(r.status().as_u16(), status);
            assert_eq!(
                header(&r, "www-authenticate"),
                format!("Bearer error=\"{error}\"")
            );
        }
    }

    #[test]
    fn a_dpop_nonce_rides_every_answer() {
        for (action, _, challenge, _) in ACTIONS {
            let r = response(Some(action), Some(challenge), Some("nonce-1")).into_http_response();
            assert_eq!(header(&r, "dpop-nonce"), "nonce-1", "{action}");
        }
    }

    #[test]
    fn ok_unknown_and_missing_actions_give_500_without_the_content() {
        let content = r#"Bearer error="secret""#;
        for action in [Some("OK"), Some("SOMETHING_NEWER"), None] {
            let r = response(action, Some(content), None).into_http_response();
            assert_server_error(&r, "secret");
            assert!(r.headers().get("www-authenticate").is_none(), "{action:?}");
        }
    }
}
