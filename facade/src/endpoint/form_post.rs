//! The first check of the endpoints that take a form POST (token,
//! revocation, introspection, PAR): the method is POST, the body is a
//! form and text, and for a client's request, its authentication is
//! readable.

use http::request::Parts;
use http::{Method, StatusCode};

use super::client_auth::{ClientAuthentication, invalid_client};
use super::failure::{method_not_allowed, unreadable_body};
use super::request::is_form;
use crate::http_response::json_response;

/// The form body of a POST, or the answer to a request that is not one:
/// 405 with `Allow: POST`; 400 `invalid_request` for a body not labelled
/// `application/x-www-form-urlencoded` (RFC 6749 §3.2, RFC 7009 §2.1,
/// RFC 7662 §2.1 and RFC 9126 §2.1 all require it: parsing JSON or plain
/// text as a form would take parameters the client never meant to send);
/// or 400 for a body that is not UTF-8 (a form body is percent-encoded
/// ASCII).
#[allow(
    clippy::result_large_err,
    reason = "the error is the response, sent at once; boxing it would only add an allocation"
)]
pub(crate) fn form_body<'b>(
    parts: &Parts,
    body: &'b [u8],
) -> Result<&'b str, http::Response<String>> {
    if parts.method != Method::POST {
        return Err(method_not_allowed("POST"));
    }
    if !is_form(&parts.headers) {
        return Err(not_a_form());
    }
    std::str::from_utf8(body).map_err(|_| unreadable_body())
}

/// 400 `invalid_request` saying which content type the endpoint takes.
fn not_a_form() -> http::Response<String> {
    let body = serde_json::json!({
        "error": "invalid_request",
        "error_description": "The request body must be sent as \
            Content-Type: application/x-www-form-urlencoded.",
    });
    json_response(
        StatusCode::BAD_REQUEST,
        Some(body.to_string()),
        "invalid_request",
    )
}

/// A client's form POST (token, revocation, PAR): its form body and how it
/// authenticated, or the answer to send: [`form_body`]'s, or 401 with
/// `challenge` when its Basic credentials cannot be read.
#[allow(
    clippy::result_large_err,
    reason = "the error is the response, sent at once; boxing it would only add an allocation"
)]
pub(crate) fn client_form<'b>(
    parts: &Parts,
    body: &'b [u8],
    challenge: &'static str,
) -> Result<(&'b str, ClientAuthentication), http::Response<String>> {
    let parameters = form_body(parts, body)?;
    let authentication =
        ClientAuthentication::read(parts).map_err(|_| invalid_client(challenge))?;
    Ok((parameters, authentication))
}
