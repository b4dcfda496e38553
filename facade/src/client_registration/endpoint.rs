//! The HTTP responses of the client registration endpoint (RFC 7591) and the
//! client configuration endpoint (RFC 7592): the four calls share one
//! response type, one action set, and answer alike.

use http::StatusCode;

use super::ClientRegistrationResponse;
use crate::enums::ClientRegistrationAction;
use crate::http_response::{empty_response, json_response, server_error};

/// The HTTP response for `action` with Authlete's `content`.
fn respond(
    action: Option<ClientRegistrationAction>,
    content: Option<String>,
) -> http::Response<String> {
    match action {
        Some(ClientRegistrationAction::Created) => {
            json_response(StatusCode::CREATED, content, "server_error")
        }
        Some(ClientRegistrationAction::Ok | ClientRegistrationAction::Updated) => {
            json_response(StatusCode::OK, content, "server_error")
        }
        Some(ClientRegistrationAction::Deleted) => empty_response(StatusCode::NO_CONTENT),
        Some(ClientRegistrationAction::BadRequest) => {
            json_response(StatusCode::BAD_REQUEST, content, "invalid_request")
        }
        Some(ClientRegistrationAction::Unauthorized) => {
            json_response(StatusCode::UNAUTHORIZED, content, "invalid_token")
        }
        Some(ClientRegistrationAction::InternalServerError) => {
            json_response(StatusCode::INTERNAL_SERVER_ERROR, content, "server_error")
        }
        _ => server_error(),
    }
}

impl ClientRegistrationResponse {
    /// The response the client registration endpoint (RFC 7591 §3.2) or the
    /// client configuration endpoint (RFC 7592 §2.1 read, §2.2 update, §2.3
    /// deletion) should send to the client.
    ///
    /// `CREATED` gives 201 with the client's metadata, `OK` and `UPDATED`
    /// 200 with it, `DELETED` 204 with no body (nor `Content-Type`);
    /// `BAD_REQUEST` 400, `UNAUTHORIZED` 401 (a bad initial or registration
    /// access token) and `INTERNAL_SERVER_ERROR` 500 carry the JSON
    /// `responseContent`; a missing action and one newer than this crate
    /// give 500 `{"error":"server_error"}`. Every response is
    /// `Cache-Control: no-store`, `Pragma: no-cache`.
    pub fn into_http_response(self) -> http::Response<String> {
        let action = self.action();
        respond(action, self.into_raw().response_content)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http_response::test_support::{assert_no_store, assert_server_error, header};
    use authlete_generated::types;

    const METADATA: &str = r#"{"client_id":"s6BhdRkqt3","registration_access_token":"this.is.a.token","redirect_uris":["https://client.example/cb"]}"#;
    const ERROR: &str = r#"{"error":"invalid_client_metadata","error_description":"[A147301] x"}"#;

    fn body(action: Option<&str>, content: Option<&str>) -> types::ClientRegistrationResponse {
        types::ClientRegistrationResponse {
            action: action.map(types::ClientRegistrationAction::from),
            response_content: content.map(str::to_owned),
            ..Default::default()
        }
    }

    /// The answer as each of the four calls receives it (one response type
    /// now), turned into its HTTP response.
    fn all(
        action: Option<&str>,
        content: Option<&str>,
    ) -> [(&'static str, http::Response<String>); 4] {
        ["register", "get", "update", "delete"].map(|call| {
            (
                call,
                ClientRegistrationResponse::new(body(action, content), None).into_http_response(),
            )
        })
    }

    #[test]
    fn every_action_gives_its_status_and_body_for_every_call() {
        for (action, status, content) in [
            ("CREATED", 201, METADATA),
            ("OK", 200, METADATA),
            ("UPDATED", 200, METADATA),
            ("BAD_REQUEST", 400, ERROR),
            ("UNAUTHORIZED", 401, ERROR),
            ("INTERNAL_SERVER_ERROR", 500, ERROR),
        ] {
            for (call, r) in all(Some(action), Some(content)) {
                assert_eq!(r.status().as_u16(), status, "{call} {action}");
                assert_eq!(r.body(), content, "{call} {action}");
                assert_eq!(header(&r, "content-type"), "application/json;charset=UTF-8");
                assert!(r.headers().get("www-authenticate").is_none());
                assert_no_store(&r);
            }
        }
    }

    #[test]
    fn deleted_is_204_with_no_body() {
        for content in [None, Some(METADATA)] {
            for (call, r) in all(Some("DELETED"), content) {
                assert_eq!(r.status().as_u16(), 204, "{call}");
                assert_eq!(r.body(), "", "{call}");
                assert_eq!(header(&r, "content-type"), "", "{call}");
                assert_no_store(&r);
            }
        }
    }

    #[test]
    fn a_missing_body_becomes_a_json_oauth_error() {
        for (action, status, error) in [
            ("CREATED", 500, "server_error"),
            ("OK", 500, "server_error"),
            ("UPDATED", 500, "server_error"),
            ("BAD_REQUEST", 400, "invalid_request"),
            ("UNAUTHORIZED", 401, "invalid_token"),
            ("INTERNAL_SERVER_ERROR", 500, "server_error"),
        ] {
            for (call, r) in all(Some(action), None) {
                assert_eq!(r.status().as_u16(), status, "{call} {action}");
                let body: serde_json::Value =
                    serde_json::from_str(r.body()).expect("well-formed JSON");
                assert_eq!(body, serde_json::json!({ "error": error }));
            }
        }
    }

    #[test]
    fn unknown_and_missing_actions_give_500_without_the_content() {
        for action in [Some("SOMETHING_NEWER"), None] {
            for (_, r) in all(action, Some(METADATA)) {
                assert_server_error(&r, "this.is.a.token");
            }
        }
    }
}
