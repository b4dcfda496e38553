//! What the discovery and JWK Set endpoints share: public JSON documents,
//! the same for every caller, that clients may cache.

use std::time::Duration;

use http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use http::{Method, StatusCode};

use super::failure::method_not_allowed;
use crate::http_response::JSON_UTF8;

/// How long clients and caches may keep a document unless told otherwise.
pub(crate) const DEFAULT_MAX_AGE: Duration = Duration::from_secs(300);

/// The 405 for a method other than GET and HEAD; `None` when the method
/// is one of them.
pub(crate) fn refuse_method(method: &Method) -> Option<http::Response<String>> {
    if method == Method::GET || method == Method::HEAD {
        None
    } else {
        Some(method_not_allowed("GET, HEAD"))
    }
}

/// `status` with `body` (JSON, or nothing for 204) and `Cache-Control`
/// allowing `max_age` (zero: `no-store`, as Authlete's reference handler).
pub(crate) fn cacheable(
    status: StatusCode,
    body: String,
    max_age: Duration,
) -> http::Response<String> {
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if status != StatusCode::NO_CONTENT {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
    }
    let cache_control = if max_age.is_zero() {
        HeaderValue::from_static("no-store")
    } else {
        HeaderValue::from_str(&format!("public, max-age={}", max_age.as_secs()))
            .unwrap_or(HeaderValue::from_static("no-store"))
    };
    headers.insert(CACHE_CONTROL, cache_control);
    response
}
