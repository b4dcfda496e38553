//! The answers an endpoint gives when it cannot follow Authlete, and what
//! it tells the operator about them.

use http::StatusCode;
use http::header::{ALLOW, HeaderValue};

use crate::error::Error;
use crate::http_response::{json_response, server_error};

/// Authlete could not be used: log why, tell the client only that it failed.
///
/// The error's `Display` is safe to log: it never quotes a value from
/// Authlete's answer (which holds tickets, codes and tokens), only the
/// shape of a body that did not decode.
pub(crate) fn outage(operation: &str, error: &Error) -> http::Response<String> {
    tracing::error!(
        operation,
        %error,
        status = error.status().map(|s| s.as_u16()),
        result_code = error.result_code(),
        request_id = error.request_id(),
        "Authlete call failed; answering with server_error"
    );
    server_error()
}

/// Logs an action Authlete sent that this crate has no answer for (newer
/// than the crate, missing, or one that needs data Authlete left out). The
/// action's name is a fixed word of the API, safe to log; the response
/// content is not, so it stays out.
pub(crate) fn unexpected_action(operation: &str, action: Option<&str>, why: &str) {
    tracing::error!(
        operation,
        action,
        why,
        "cannot act on Authlete's answer; answering with server_error"
    );
}

/// 405 with `Allow: <allow>` and `{"error":"invalid_request"}`.
pub(crate) fn method_not_allowed(allow: &'static str) -> http::Response<String> {
    let mut response = json_response(StatusCode::METHOD_NOT_ALLOWED, None, "invalid_request");
    response
        .headers_mut()
        .insert(ALLOW, HeaderValue::from_static(allow));
    response
}

/// 400 `{"error":"invalid_request"}`: a request body that is not text.
pub(crate) fn unreadable_body() -> http::Response<String> {
    json_response(StatusCode::BAD_REQUEST, None, "invalid_request")
}
