//! Shaping an Authlete-prepared body into the HTTP response a token endpoint sends.
//!
//! Authlete hands back `responseContent`, a JSON document meant for the OAuth
//! client, and an `action` that fixes the status. The headers are the ones
//! RFC 6749 §5.1 requires for token responses, so the result can be returned
//! as it is from axum, hyper or actix handlers.

use http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue, PRAGMA};
use http::{Response, StatusCode};

/// The `Content-Type` of every token endpoint response.
pub const JSON_UTF8: &str = "application/json;charset=UTF-8";

/// The challenge sent with a 401 for a failed client authentication
/// (RFC 6749 §5.2 asks for one matching the scheme the client used; Basic is
/// the scheme clients send to token endpoints).
pub const CLIENT_CHALLENGE: &str = "Basic realm=\"token\"";

/// Builds a no-store JSON response with `body`.
///
/// When Authlete provided no body, the client still gets well-formed JSON:
/// `{"error":"<fallback_error>"}` with `status`, or, if `status` was a
/// success (there is nothing to deliver), `{"error":"server_error"}` with 500.
pub(crate) fn json_response(
    status: StatusCode,
    body: Option<String>,
    fallback_error: &str,
) -> Response<String> {
    let (status, body) = match body.filter(|b| !b.trim().is_empty()) {
        Some(body) => (status, body),
        None if status.is_success() => (
            StatusCode::INTERNAL_SERVER_ERROR,
            serde_json::json!({ "error": "server_error" }).to_string(),
        ),
        None => (
            status,
            serde_json::json!({ "error": fallback_error }).to_string(),
        ),
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(PRAGMA, HeaderValue::from_static("no-cache"));
    response
}
