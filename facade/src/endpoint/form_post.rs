//! The first check of the endpoints that take a form POST (token,
//! revocation, introspection, PAR): the method is POST and the body is
//! text, and for a client's request, its authentication is readable.

use http::Method;
use http::request::Parts;

use super::client_auth::{ClientAuthentication, invalid_client};
use super::failure::{method_not_allowed, unreadable_body};

/// The form body of a POST, or the answer to a request that is not one:
/// 405 with `Allow: POST`, or 400 for a body that is not UTF-8 (a form body
/// is percent-encoded ASCII; anything else cannot be a valid request).
#[allow(
    clippy::result_large_err,
    reason = "the error is the response, sent at once; boxing it would only add an allocation"
)]
pub(crate) fn form_body<'b>(
    method: &Method,
    body: &'b [u8],
) -> Result<&'b str, http::Response<String>> {
    if method != Method::POST {
        return Err(method_not_allowed("POST"));
    }
    std::str::from_utf8(body).map_err(|_| unreadable_body())
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
    let parameters = form_body(&parts.method, body)?;
    let authentication =
        ClientAuthentication::read(parts).map_err(|_| invalid_client(challenge))?;
    Ok((parameters, authentication))
}
