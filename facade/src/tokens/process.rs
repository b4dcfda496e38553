//! `/auth/token`: hand a token request to Authlete and learn what to do with it.

use http::StatusCode;

use super::TokenResponse;
use crate::endpoint::token::Decision;
use crate::enums::TokenAction;
use crate::http_response::{
    CLIENT_CHALLENGE, json_response, with_attestation_challenge, with_challenge, with_dpop_nonce,
};

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
    /// and a `dpopNonce` is passed on as `DPoP-Nonce`, an `attestationChallenge`
    /// as `OAuth-Client-Attestation-Challenge`. The actions that need
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
        let response = with_attestation_challenge(response, body.attestation_challenge.as_deref());
        with_dpop_nonce(response, body.dpop_nonce.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http_response::test_support::header;

    fn response(json: serde_json::Value) -> TokenResponse {
        TokenResponse::new(
            serde_json::from_value(json).expect("a token response"),
            None,
        )
    }

    #[test]
    fn an_attestation_challenge_goes_to_the_client_in_its_header() {
        // Authlete asks for a fresh challenge in the client's next
        // attestation PoP (use_attestation_challenge), or hands one out.
        for (action, status) in [("BAD_REQUEST", 400), ("OK", 200), ("INVALID_CLIENT", 401)] {
            let http = response(serde_json::json!({
                "action": action,
                "responseContent": "{}",
                "attestationChallenge": "c-8841"
            }))
            .into_http_response();
            assert_eq!(http.status().as_u16(), status);
            assert_eq!(
                header(&http, "oauth-client-attestation-challenge"),
                "c-8841"
            );
        }
        let without = response(serde_json::json!({"action": "OK", "responseContent": "{}"}))
            .into_http_response();
        assert!(
            without
                .headers()
                .get("oauth-client-attestation-challenge")
                .is_none()
        );
    }
}
