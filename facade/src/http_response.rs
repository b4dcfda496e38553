//! Shaping an Authlete-prepared body into the HTTP response an OAuth / OpenID
//! Connect endpoint sends.
//!
//! Authlete hands back `responseContent`, the document meant for the OAuth
//! client, and an `action` that fixes the status. Most answers are JSON
//! ([`json_response`]); the others have one helper per shape: a redirect
//! ([`redirect_response`]), an HTML form ([`html_response`]), a JWT
//! ([`jwt_response`]), a JSONP script ([`javascript_response`]), no body at
//! all ([`empty_response`]) and a bare `WWW-Authenticate` challenge
//! ([`challenge_response`]). Every one carries `Cache-Control: no-store` and
//! `Pragma: no-cache` (RFC 6749 §5.1), so the result can be returned as it is
//! from axum, hyper or actix handlers.

use http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, HeaderName, HeaderValue, LOCATION,
    PRAGMA, WWW_AUTHENTICATE,
};
use http::{Response, StatusCode};

/// The `Content-Type` of every token endpoint response.
pub const JSON_UTF8: &str = "application/json;charset=UTF-8";

/// The challenge sent with a 401 for a failed client authentication
/// (RFC 6749 §5.2 asks for one matching the scheme the client used; Basic is
/// the scheme clients send to token endpoints).
pub const CLIENT_CHALLENGE: &str = "Basic realm=\"token\"";

/// The `Content-Type` of an auto-posting form (`response_mode=form_post`).
pub(crate) const HTML_UTF8: &str = "text/html;charset=UTF-8";

/// The `Content-Type` of a signed or encrypted UserInfo response
/// (OpenID Connect Core §5.3.2).
pub(crate) const JWT: &str = "application/jwt";

/// The `Content-Type` of a JWT introspection response (RFC 9701).
pub(crate) const INTROSPECTION_JWT: &str = "application/token-introspection+jwt";

/// The `Content-Type` of a revocation endpoint's success (RFC 7009 §2.1:
/// JSONP when the client sent a `callback`).
pub(crate) const JAVASCRIPT_UTF8: &str = "application/javascript;charset=UTF-8";

/// The response header carrying a DPoP nonce (RFC 9449 §8, §9).
pub(crate) const DPOP_NONCE: HeaderName = HeaderName::from_static("dpop-nonce");

/// The challenge a client puts in its next client attestation PoP
/// (OAuth 2.0 Attestation-Based Client Authentication).
pub(crate) const ATTESTATION_CHALLENGE: HeaderName =
    HeaderName::from_static("oauth-client-attestation-challenge");

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
    typed_response(status, JSON_UTF8, body)
}

/// The answer to an action this crate cannot turn into an HTTP response (one
/// newer than the crate, a missing one, or one the caller must handle
/// first): 500 `{"error":"server_error"}`, with nothing of what Authlete
/// wrote for it.
pub(crate) fn server_error() -> Response<String> {
    json_response(StatusCode::INTERNAL_SERVER_ERROR, None, "server_error")
}

/// A no-store response with `status`, no `Content-Type` and `body`.
fn no_store(status: StatusCode, body: String) -> Response<String> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// A no-store response with `status`, `content_type` and `body`.
fn typed_response(
    status: StatusCode,
    content_type: &'static str,
    body: String,
) -> Response<String> {
    let mut response = no_store(status, body);
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// `body` unless it is missing or blank.
fn present(body: Option<String>) -> Option<String> {
    body.filter(|b| !b.trim().is_empty())
}

/// 302 with `Location: <location>` and no body (nor `Content-Type`).
///
/// A missing location, or one that cannot be a header value, gives
/// [`server_error`]: there is nowhere to send the user agent.
pub(crate) fn redirect_response(location: Option<String>) -> Response<String> {
    match present(location).and_then(|l| HeaderValue::from_str(&l).ok()) {
        Some(location) => {
            let mut response = no_store(StatusCode::FOUND, String::new());
            response.headers_mut().insert(LOCATION, location);
            response
        }
        None => server_error(),
    }
}

/// 200 `text/html;charset=UTF-8` with `body` (an auto-posting form), or
/// [`server_error`] when Authlete sent no body.
///
/// The page gets the headers of every page for a person
/// ([`crate::browser::secure_page_headers`]: no framing, `nosniff`, no
/// `Referer`), with a policy of its own: Authlete's form submits itself
/// from an inline `onload` handler, to the client's redirect URI.
pub(crate) fn html_response(body: Option<String>) -> Response<String> {
    match present(body) {
        Some(body) => {
            let mut response = typed_response(StatusCode::OK, HTML_UTF8, body);
            response.headers_mut().insert(
                CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(FORM_POST_CSP),
            );
            crate::browser::secure_page_headers(response.headers_mut());
            response
        }
        None => server_error(),
    }
}

/// The `Content-Security-Policy` of an auto-posting form: its inline script
/// runs, nothing is loaded, and no site may frame it.
const FORM_POST_CSP: &str = "default-src 'none'; script-src 'unsafe-inline'; \
     style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

/// 200 with the JWT `body` as `content_type` ([`JWT`] or
/// [`INTROSPECTION_JWT`]), or [`server_error`] when Authlete sent no body.
pub(crate) fn jwt_response(content_type: &'static str, body: Option<String>) -> Response<String> {
    match present(body) {
        Some(body) => typed_response(StatusCode::OK, content_type, body),
        None => server_error(),
    }
}

/// 200 `application/javascript;charset=UTF-8` with `body` when the client
/// asked for JSONP; without a script (the usual case) 200 with no body and
/// no `Content-Type`, since an empty body is not a script.
pub(crate) fn javascript_response(body: Option<String>) -> Response<String> {
    match present(body) {
        Some(body) => typed_response(StatusCode::OK, JAVASCRIPT_UTF8, body),
        None => empty_response(StatusCode::OK),
    }
}

/// `status` with no body and no `Content-Type` (204 after a deletion).
pub(crate) fn empty_response(status: StatusCode) -> Response<String> {
    no_store(status, String::new())
}

/// `status` with `WWW-Authenticate: <challenge>` and no body (nor
/// `Content-Type`): the error answer of a resource protected by an access
/// token (RFC 6750 §3), Authlete having chosen the scheme and parameters.
///
/// A missing challenge, or one that cannot be a header value, becomes
/// `Bearer error="<fallback_error>"`.
pub(crate) fn challenge_response(
    status: StatusCode,
    challenge: Option<String>,
    fallback_error: &str,
) -> Response<String> {
    let challenge = present(challenge)
        .and_then(|c| HeaderValue::from_str(&c).ok())
        .or_else(|| HeaderValue::from_str(&format!("Bearer error=\"{fallback_error}\"")).ok());
    let mut response = no_store(status, String::new());
    if let Some(challenge) = challenge {
        response.headers_mut().insert(WWW_AUTHENTICATE, challenge);
    }
    response
}

/// Adds `WWW-Authenticate: <challenge>`, a fixed client authentication
/// challenge such as [`CLIENT_CHALLENGE`].
pub(crate) fn with_challenge(
    mut response: Response<String>,
    challenge: &'static str,
) -> Response<String> {
    response
        .headers_mut()
        .insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    response
}

/// Adds `DPoP-Nonce: <nonce>` when Authlete sent a nonce that can be a
/// header value.
pub(crate) fn with_dpop_nonce(
    mut response: Response<String>,
    nonce: Option<&str>,
) -> Response<String> {
    if let Some(value) = nonce.and_then(|n| HeaderValue::from_str(n).ok()) {
        response.headers_mut().insert(DPOP_NONCE, value);
    }
    response
}

/// Adds `OAuth-Client-Attestation-Challenge: <challenge>` when Authlete
/// sent a challenge (`attestationChallenge`) that can be a header value.
pub(crate) fn with_attestation_challenge(
    mut response: Response<String>,
    challenge: Option<&str>,
) -> Response<String> {
    if let Some(value) = challenge.and_then(|c| HeaderValue::from_str(c).ok()) {
        response.headers_mut().insert(ATTESTATION_CHALLENGE, value);
    }
    response
}

/// What the endpoint tests read from a response.
#[cfg(test)]
pub(crate) mod test_support {
    /// The value of header `name`, or "" when absent.
    pub(crate) fn header<'a>(r: &'a http::Response<String>, name: &str) -> &'a str {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// Asserts the no-store headers every endpoint response carries.
    pub(crate) fn assert_no_store(r: &http::Response<String>) {
        assert_eq!(header(r, "cache-control"), "no-store");
        assert_eq!(header(r, "pragma"), "no-cache");
    }

    /// Asserts `r` is 500 `{"error":"server_error"}` and shows nothing of
    /// `leaked` (the `responseContent` of an action the crate does not
    /// answer).
    pub(crate) fn assert_server_error(r: &http::Response<String>, leaked: &str) {
        assert_eq!(r.status().as_u16(), 500);
        assert_eq!(header(r, "content-type"), super::JSON_UTF8);
        let body: serde_json::Value = serde_json::from_str(r.body()).expect("well-formed JSON");
        assert_eq!(body, serde_json::json!({ "error": "server_error" }));
        assert!(!r.body().contains(leaked), "responseContent leaked");
        for (name, value) in r.headers() {
            assert!(
                !value.to_str().unwrap_or_default().contains(leaked),
                "responseContent leaked into {name}"
            );
        }
        assert_no_store(r);
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{assert_no_store, assert_server_error, header};
    use super::*;

    #[test]
    fn a_redirect_has_a_location_and_no_body() {
        let r = redirect_response(Some("https://client.example/cb?code=x".into()));
        assert_eq!(r.status(), StatusCode::FOUND);
        assert_eq!(header(&r, "location"), "https://client.example/cb?code=x");
        assert_eq!(header(&r, "content-type"), "");
        assert_eq!(r.body(), "");
        assert_no_store(&r);
    }

    #[test]
    fn a_redirect_without_a_usable_location_is_a_server_error() {
        for location in [None, Some(""), Some(" "), Some("https://x/\n")] {
            assert_server_error(
                &redirect_response(location.map(str::to_owned)),
                "https://x/",
            );
        }
    }

    #[test]
    fn html_jwt_and_javascript_bodies_are_passed_through_with_their_type() {
        let r = html_response(Some("<html/>".into()));
        assert_eq!(
            (
                r.status().as_u16(),
                header(&r, "content-type"),
                r.body().as_str()
            ),
            (200, HTML_UTF8, "<html/>")
        );
        assert_no_store(&r);
        let r = jwt_response(JWT, Some("a.b.c".into()));
        assert_eq!(
            (
                r.status().as_u16(),
                header(&r, "content-type"),
                r.body().as_str()
            ),
            (200, JWT, "a.b.c")
        );
        assert_no_store(&r);
        assert_eq!(
            header(&html_response(Some("<html/>".into())), "x-frame-options"),
            "DENY"
        );
        let r = javascript_response(Some("cb({})".into()));
        assert_eq!(
            (
                r.status().as_u16(),
                header(&r, "content-type"),
                r.body().as_str()
            ),
            (200, JAVASCRIPT_UTF8, "cb({})")
        );
        assert_no_store(&r);
        // No script, no claim to be one.
        for nothing in [None, Some(String::new())] {
            let r = javascript_response(nothing);
            assert_eq!((r.status().as_u16(), header(&r, "content-type")), (200, ""));
            assert_no_store(&r);
        }
        assert_server_error(&html_response(None), "<");
        assert_server_error(&jwt_response(INTROSPECTION_JWT, Some(" ".into())), ".");
    }

    #[test]
    fn an_empty_response_has_neither_body_nor_type() {
        let r = empty_response(StatusCode::NO_CONTENT);
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        assert_eq!(header(&r, "content-type"), "");
        assert_eq!(r.body(), "");
        assert_no_store(&r);
    }

    #[test]
    fn a_challenge_is_sent_verbatim_or_replaced_by_a_bearer_error() {
        let r = challenge_response(
            StatusCode::UNAUTHORIZED,
            Some("DPoP error=\"invalid_token\"".into()),
            "x",
        );
        assert_eq!(
            header(&r, "www-authenticate"),
            "DPoP error=\"invalid_token\""
        );
        assert_eq!(
            (
                r.status().as_u16(),
                r.body().as_str(),
                header(&r, "content-type")
            ),
            (401, "", "")
        );
        assert_no_store(&r);
        for challenge in [None, Some(""), Some("Bearer\r\n")] {
            let r = challenge_response(
                StatusCode::FORBIDDEN,
                challenge.map(str::to_owned),
                "insufficient_scope",
            );
            assert_eq!(
                header(&r, "www-authenticate"),
                "Bearer error=\"insufficient_scope\""
            );
        }
    }

    #[test]
    fn a_dpop_nonce_is_added_only_when_usable() {
        let r = with_dpop_nonce(empty_response(StatusCode::OK), Some("n-1"));
        assert_eq!(header(&r, "dpop-nonce"), "n-1");
        let r = with_dpop_nonce(empty_response(StatusCode::OK), Some("bad\n"));
        assert!(r.headers().get("dpop-nonce").is_none());
        let r = with_dpop_nonce(empty_response(StatusCode::OK), None);
        assert!(r.headers().get("dpop-nonce").is_none());
    }
}
