//! The first check of the endpoints that take a form POST (token,
//! revocation, introspection): the method is POST and the body is text.

use http::Method;

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
