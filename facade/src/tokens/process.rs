//! `/auth/token`: hand a token request to Authlete and learn what to do with it.

use http::StatusCode;

use super::TokenResponse;
use crate::endpoint::token::Decision;
use crate::enums::TokenAction;
use crate::http_response::{CLIENT_CHALLENGE, json_response, with_challenge, with_dpop_nonce};

impl TokenResponse {
    /// Whether the action leaves a decision to the authorization server
    /// (`PASSWORD`, `TOKEN_EXCHANGE`, `JWT_BEARER`, `NATIVE_SSO`), so that
    /// [`into_http_response`](Self::into_http_response) is not the next step.
    pub fn needs_decision(&self) -> bool {
        Decision::of(self.action()).is_some()
    }

    /// The response the token endpoint should send to the OAuth client, for
    /// the actions Authlete answers itself.
    ///
    /// `OK` and `ID_TOKEN_REISSUABLE` give 200, `BAD_REQUEST` 400,
    /// `INVALID_CLIENT` 401 with `WWW-Authenticate: Basic realm="token"`,
    /// `INTERNAL_SERVER_ERROR` 500; the body is `responseContent` unchanged
    /// and a `dpopNonce` is passed on as `DPoP-Nonce`. The actions that need
    /// a decision (see [`needs_decision`](Self::needs_decision)), a missing
    /// action and one newer than this crate give 500 `server_error`.
    pub fn into_http_response(self) -> http::Response<String> {
        let action = self.action();
        let body = self.into_raw();
        let (status, fallback) = match action {
            Some(TokenAction::Ok | TokenAction::IdTokenReissuable) => {
                (StatusCode::OK, "server_error")
            }
            Some(TokenAction::BadRequest) => (StatusCode::BAD_REQUEST, "invalid_request"),
            Some(TokenAction::InvalidClient) => (StatusCode::UNAUTHORIZED, "invalid_client"),
            Some(TokenAction::InternalServerError) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "server_error")
            }
            // The application's to decide: answered here only if it did not.
            Some(
                TokenAction::Password
                | TokenAction::TokenExchange
                | TokenAction::JwtBearer
                | TokenAction::NativeSso,
            ) => (StatusCode::INTERNAL_SERVER_ERROR, "server_error"),
            // No action, or one newer than this crate.
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "server_error"),
        };
        let content = if status == StatusCode::INTERNAL_SERVER_ERROR
            && action != Some(TokenAction::InternalServerError)
        {
            // Nothing Authlete wrote applies when the action is not one it answers.
            None
        } else {
            body.response_content
        };
        let mut response = json_response(status, content, fallback);
        if action == Some(TokenAction::InvalidClient) {
            response = with_challenge(response, CLIENT_CHALLENGE);
        }
        with_dpop_nonce(response, body.dpop_nonce.as_deref())
    }
}
