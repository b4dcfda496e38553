//! `/auth/token/fail`: close a token request with an error.

use http::StatusCode;

use super::TokenFailResponse;
use crate::enums::TokenFailAction;
use crate::http_response::json_response;

impl TokenFailResponse {
    /// The response the token endpoint should send to the OAuth client.
    ///
    /// `BAD_REQUEST` gives 400; `INTERNAL_SERVER_ERROR`, a missing action and
    /// an action newer than this crate give 500. The body is
    /// `responseContent` unchanged, or `{"error":"invalid_request"}` /
    /// `{"error":"server_error"}` if Authlete sent none.
    pub fn into_http_response(self) -> http::Response<String> {
        let (status, fallback) = match self.action() {
            Some(TokenFailAction::BadRequest) => (StatusCode::BAD_REQUEST, "invalid_request"),
            Some(TokenFailAction::InternalServerError) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "server_error")
            }
            // No action, or one newer than this crate.
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "server_error"),
        };
        json_response(status, self.into_raw().response_content, fallback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use authlete_generated::types;

    fn response(action: Option<&str>, content: Option<&str>) -> TokenFailResponse {
        TokenFailResponse::new(
            types::TokenFailResponse {
                action: action.map(types::TokenFailAction::from),
                response_content: content.map(str::to_owned),
                ..Default::default()
            },
            None,
        )
    }

    fn header<'a>(r: &'a http::Response<String>, name: &str) -> &'a str {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    #[test]
    fn action_decides_the_status_and_the_body_is_passed_through() {
        let content = r#"{"error":"invalid_request","error_description":"[A067301] x"}"#;
        for (action, status) in [
            (Some("BAD_REQUEST"), 400),
            (Some("INTERNAL_SERVER_ERROR"), 500),
            (Some("SOMETHING_NEWER"), 500),
            (None, 500),
        ] {
            let http = response(action, Some(content)).into_http_response();
            assert_eq!(http.status().as_u16(), status, "{action:?}");
            assert_eq!(http.body(), content, "body is verbatim");
            assert_eq!(
                header(&http, "content-type"),
                "application/json;charset=UTF-8"
            );
            assert_eq!(header(&http, "cache-control"), "no-store");
            assert_eq!(header(&http, "pragma"), "no-cache");
        }
    }

    #[test]
    fn a_missing_body_becomes_a_json_oauth_error_never_an_empty_response() {
        for (action, status, error) in [
            (Some("BAD_REQUEST"), 400, "invalid_request"),
            (Some("INTERNAL_SERVER_ERROR"), 500, "server_error"),
            (None, 500, "server_error"),
        ] {
            for content in [None, Some(""), Some("  ")] {
                let http = response(action, content).into_http_response();
                assert_eq!(http.status().as_u16(), status);
                let body: serde_json::Value =
                    serde_json::from_str(http.body()).expect("well-formed JSON");
                assert_eq!(body, serde_json::json!({ "error": error }));
            }
        }
    }
}
