//! Reading what an endpoint forwards to Authlete out of the HTTP request:
//! the access token, DPoP and the client certificate (client credentials
//! are [`client_auth`](super::client_auth)'s).
//!
//! Shared by every endpoint under [`crate::endpoint`], so that they all read
//! a `Basic` header or a bearer token the same way.

use http::header::{AUTHORIZATION, CONTENT_TYPE};

use super::ClientCertificate;

/// The access token of a request to a protected resource (RFC 6750 §2):
/// `Authorization: Bearer <token>` or `DPoP <token>` (RFC 9449 §7.1), or an
/// `access_token` in a form-encoded body.
///
/// `Err` when the client used both ways, which RFC 6750 §2 forbids, or
/// sent an `Authorization` header that is not text.
pub(crate) fn access_token(
    parts: &http::request::Parts,
    body: &[u8],
) -> Result<Option<String>, ()> {
    let from_header = match authorization(&parts.headers)? {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("dpop") =>
        {
            Some(token.to_owned())
        }
        _ => None,
    };
    let from_body = is_form(&parts.headers)
        .then(|| {
            url::form_urlencoded::parse(body)
                .find(|(name, _)| name == "access_token")
                .map(|(_, value)| value.into_owned())
        })
        .flatten();
    match (from_header, from_body) {
        (Some(_), Some(_)) => Err(()),
        (token, None) | (None, token) => Ok(token.filter(|t| !t.is_empty())),
    }
}

/// The `DPoP` proof, if the request has one.
///
/// `Err` for two proofs or one that is not text: RFC 9449 §4.3 allows one
/// per request, and forwarding only the first would quietly skip that
/// check. A missing proof is Authlete's to judge.
pub(crate) fn dpop(headers: &http::HeaderMap) -> Result<Option<&str>, ()> {
    let mut values = headers.get_all("dpop").iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(());
    }
    first.to_str().map(Some).map_err(|_| ())
}

/// A header's value when it is present and text.
pub(crate) fn header<'a>(headers: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The PEM the server put in the request's extensions after mutual TLS.
pub(crate) fn client_certificate(parts: &http::request::Parts) -> Option<&str> {
    parts
        .extensions
        .get::<ClientCertificate>()
        .map(|ClientCertificate(pem)| pem.as_str())
}

/// `Authorization: <scheme> <rest>`, split; `Ok(None)` without the header
/// or a space, `Err` for a value that is not text.
pub(crate) fn authorization(headers: &http::HeaderMap) -> Result<Option<(&str, &str)>, ()> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| ())?;
    Ok(value
        .split_once(' ')
        .map(|(scheme, rest)| (scheme, rest.trim())))
}

/// Whether the request's body is labelled `media_type` (compared without
/// case, with or without parameters such as `charset`).
pub(crate) fn is_labelled(headers: &http::HeaderMap, media_type: &str) -> bool {
    header(headers, CONTENT_TYPE.as_str()).is_some_and(|t| {
        t.split(';')
            .next()
            .is_some_and(|t| t.trim().eq_ignore_ascii_case(media_type))
    })
}

/// Whether the request's body is labelled a form
/// (`application/x-www-form-urlencoded`, with or without parameters).
pub(crate) fn is_form(headers: &http::HeaderMap) -> bool {
    is_labelled(headers, "application/x-www-form-urlencoded")
}

/// `s` with form-urlencoding undone (`+` for space, `%XX`).
pub(crate) fn form_unescape(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(headers: &[(&str, &str)]) -> http::request::Parts {
        let mut request = http::Request::post("/userinfo");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.body(()).expect("request").into_parts().0
    }

    #[test]
    fn the_access_token_comes_from_one_place_only() {
        let form = ("content-type", "application/x-www-form-urlencoded");
        let body = b"access_token=from-body";
        for (headers, body, expected) in [
            (
                vec![("authorization", "Bearer t-1")],
                &b""[..],
                Ok(Some("t-1")),
            ),
            (
                vec![("authorization", "dpop  t-2 ")],
                &b""[..],
                Ok(Some("t-2")),
            ),
            (vec![form], &body[..], Ok(Some("from-body"))),
            // Without the form content type the body is not read.
            (vec![], &body[..], Ok(None)),
            (vec![("authorization", "Basic eDp5")], &b""[..], Ok(None)),
            (vec![("authorization", "Bearer ")], &b""[..], Ok(None)),
            (
                vec![("authorization", "Bearer t-1"), form],
                &body[..],
                Err(()),
            ),
        ] {
            let p = parts(&headers);
            assert_eq!(
                access_token(&p, body).as_ref().map(|t| t.as_deref()),
                expected.as_ref().map(|t| t.as_deref()),
                "{headers:?}"
            );
        }
    }

    #[test]
    fn two_dpop_proofs_are_refused() {
        assert_eq!(dpop(&parts(&[("dpop", "p")]).headers), Ok(Some("p")));
        assert_eq!(dpop(&parts(&[]).headers), Ok(None));
        assert_eq!(
            dpop(&parts(&[("dpop", "p"), ("dpop", "q")]).headers),
            Err(())
        );
    }
}
