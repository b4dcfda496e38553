//! How an OAuth client proves who it is, read from the HTTP request once for
//! every endpoint that hands it to Authlete (token, revocation, and the
//! others that take the same fields: PAR, device authorization, backchannel
//! authentication) or checks it itself (introspection).
//!
//! Credentials sent in the form body (`client_secret_post`, a
//! `client_assertion`) are not read here: they stay in the `parameters`
//! Authlete receives, where Authlete finds them, and where it can also see a
//! client that used two methods at once, which RFC 6749 §2.3 forbids.

use http::StatusCode;
use http::header::HOST;
use http::request::Parts;

use base64::Engine as _;

use super::request::{authorization, client_certificate, dpop, form_unescape, header};
use crate::http_response::{json_response, with_challenge};

/// A client certificate (PEM) the server terminated mutual TLS with.
///
/// The TLS layer (or the proxy in front) knows it, not the HTTP request:
/// put it in the request's extensions and the endpoints pass it on to
/// Authlete as `clientCertificate`, for `tls_client_auth` and for
/// certificate-bound tokens (RFC 8705).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCertificate(pub String);

/// A client identifier and secret from `Authorization: Basic`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Credentials {
    pub(crate) id: String,
    pub(crate) secret: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("id", &self.id)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// An `Authorization: Basic` header that cannot be decoded: the client
/// tried to authenticate and got it wrong, which is `invalid_client`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MalformedBasic;

/// Client credentials from `Authorization: Basic`, decoded as RFC 6749
/// §2.3.1 asks (base64, then form-urlencoding of each half).
///
/// `Ok(None)`: no Basic header (another scheme is not this endpoint's to
/// judge).
pub(crate) fn basic_credentials(
    headers: &http::HeaderMap,
) -> Result<Option<Credentials>, MalformedBasic> {
    let Some((scheme, encoded)) = authorization(headers).map_err(|()| MalformedBasic)? else {
        return Ok(None);
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Ok(None);
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| MalformedBasic)?;
    let decoded = String::from_utf8(decoded).map_err(|_| MalformedBasic)?;
    let (id, secret) = decoded.split_once(':').ok_or(MalformedBasic)?;
    Ok(Some(Credentials {
        id: form_unescape(id),
        secret: form_unescape(secret),
    }))
}

/// Every way of client authentication that travels outside the form body.
#[derive(Debug, Default)]
pub(crate) struct ClientAuthentication {
    /// From `Authorization: Basic` (`client_secret_basic`).
    pub(crate) credentials: Option<Credentials>,
    /// From the [`ClientCertificate`] extension (mutual TLS).
    pub(crate) certificate: Option<String>,
    /// `OAuth-Client-Attestation` (attestation-based client authentication).
    pub(crate) attestation: Option<String>,
    /// `OAuth-Client-Attestation-PoP`.
    pub(crate) attestation_pop: Option<String>,
}

impl ClientAuthentication {
    /// Reads the client authentication `parts` carries.
    pub(crate) fn read(parts: &Parts) -> Result<Self, MalformedBasic> {
        Ok(ClientAuthentication {
            credentials: basic_credentials(&parts.headers)?,
            certificate: client_certificate(parts).map(str::to_owned),
            attestation: header(&parts.headers, "oauth-client-attestation").map(str::to_owned),
            attestation_pop: header(&parts.headers, "oauth-client-attestation-pop")
                .map(str::to_owned),
        })
    }
}

/// Sets every field of `$auth` (a [`ClientAuthentication`]) that is present
/// on the Authlete request builder `$call`, and gives the builder back.
///
/// A macro because each operation has its own builder type; the setters
/// share their names (`client_id`, `client_secret`, `client_certificate`,
/// `oauth_client_attestation`, `oauth_client_attestation_pop`).
macro_rules! forward_client_auth {
    ($call:expr, $auth:expr) => {{
        let mut call = $call;
        let auth: &$crate::endpoint::client_auth::ClientAuthentication = $auth;
        if let Some(credentials) = &auth.credentials {
            call = call
                .client_id(credentials.id.as_str())
                .client_secret(credentials.secret.as_str());
        }
        if let Some(pem) = &auth.certificate {
            call = call.client_certificate(pem.as_str());
        }
        if let Some(attestation) = &auth.attestation {
            call = call.oauth_client_attestation(attestation.as_str());
        }
        if let Some(pop) = &auth.attestation_pop {
            call = call.oauth_client_attestation_pop(pop.as_str());
        }
        call
    }};
}
pub(crate) use forward_client_auth;

/// `$call` with the DPoP proof and what it must match (`htm`, `htu`) from a
/// [`DpopBinding`], for every builder that forwards DPoP (token, PAR,
/// UserInfo).
macro_rules! forward_dpop {
    ($call:expr, $binding:expr) => {{
        let binding: $crate::endpoint::client_auth::DpopBinding = $binding;
        let mut call = $call.htm(binding.htm);
        if let Some(proof) = binding.proof {
            call = call.dpop(proof);
        }
        if let Some(htu) = binding.htu {
            call = call.htu(htu);
        }
        call
    }};
}
pub(crate) use forward_dpop;

/// A DPoP proof and the request it must match (RFC 9449 §4.3).
#[derive(Debug)]
pub(crate) struct DpopBinding {
    /// The `DPoP` header.
    pub(crate) proof: Option<String>,
    /// The request's method, which the proof's `htm` must name.
    pub(crate) htm: String,
    /// The request's URL without query, which the proof's `htu` must name.
    pub(crate) htu: Option<String>,
}

/// Two `DPoP` headers, or one that is not text: RFC 9449 §4.3 allows one
/// proof per request, and forwarding only the first would skip that check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UnreadableDpop;

impl DpopBinding {
    /// The proof in `parts`, bound to its method and to `url` (the URL the
    /// client called, as [`public_url`] finds it).
    pub(crate) fn read(parts: &Parts, url: Option<String>) -> Result<Self, UnreadableDpop> {
        Ok(DpopBinding {
            proof: dpop(&parts.headers)
                .map_err(|()| UnreadableDpop)?
                .map(str::to_owned),
            htm: parts.method.as_str().to_owned(),
            htu: url,
        })
    }
}

/// The URL the client called, without query: `configured` when the
/// application said where it is public (behind a proxy the `Host` header may
/// name the wrong place); otherwise `https://` + `Host` + the path.
pub(crate) fn public_url(parts: &Parts, configured: Option<&str>) -> Option<String> {
    if let Some(url) = configured {
        return Some(url.to_owned());
    }
    let host = parts.headers.get(HOST)?.to_str().ok()?;
    Some(format!("https://{host}{}", parts.uri.path()))
}

/// 401 `{"error":"invalid_client"}` with `WWW-Authenticate: <challenge>`,
/// for a client whose authentication could not even be read.
pub(crate) fn invalid_client(challenge: &'static str) -> http::Response<String> {
    with_challenge(
        json_response(StatusCode::UNAUTHORIZED, None, "invalid_client"),
        challenge,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(request: http::request::Builder) -> Parts {
        request.body(()).expect("request").into_parts().0
    }

    #[test]
    fn basic_credentials_keep_the_secret_out_of_debug() {
        // "my client" / "p@ss:word", form-encoded then base64.
        let p = parts(
            http::Request::post("/")
                .header("authorization", "Basic bXkrY2xpZW50OnAlNDBzcyUzQXdvcmQ="),
        );
        let credentials = basic_credentials(&p.headers)
            .expect("readable")
            .expect("basic");
        assert_eq!(
            (credentials.id.as_str(), credentials.secret.as_str()),
            ("my client", "p@ss:word")
        );
        assert!(!format!("{credentials:?}").contains("p@ss"));
        for broken in ["Basic !!!", "Basic bm8tY29sb24="] {
            let p = parts(http::Request::post("/").header("authorization", broken));
            assert_eq!(
                basic_credentials(&p.headers),
                Err(MalformedBasic),
                "{broken}"
            );
        }
        // No header, or another scheme: not Basic's to judge.
        for other in [None, Some("Bearer x")] {
            let mut request = http::Request::post("/");
            if let Some(value) = other {
                request = request.header("authorization", value);
            }
            assert_eq!(basic_credentials(&parts(request).headers), Ok(None));
        }
    }

    #[test]
    fn every_way_outside_the_body_is_read() {
        let mut p = parts(
            http::Request::post("/")
                .header("authorization", "Basic Yzpz")
                .header("oauth-client-attestation", "att")
                .header("oauth-client-attestation-pop", "pop"),
        );
        p.extensions.insert(ClientCertificate("pem".into()));
        let auth = ClientAuthentication::read(&p).expect("readable");
        assert_eq!(auth.credentials.map(|c| c.id).as_deref(), Some("c"));
        assert_eq!(auth.certificate.as_deref(), Some("pem"));
        assert_eq!(auth.attestation.as_deref(), Some("att"));
        assert_eq!(auth.attestation_pop.as_deref(), Some("pop"));
    }

    #[test]
    fn two_dpop_proofs_are_unreadable() {
        let p = parts(
            http::Request::post("/")
                .header("dpop", "one")
                .header("dpop", "two"),
        );
        assert_eq!(DpopBinding::read(&p, None).map(|_| ()), Err(UnreadableDpop));
        let p = parts(http::Request::put("/").header("dpop", "one"));
        let binding = DpopBinding::read(&p, Some("https://rs/x".into())).expect("one proof");
        assert_eq!(
            (
                binding.proof.as_deref(),
                binding.htm.as_str(),
                binding.htu.as_deref()
            ),
            (Some("one"), "PUT", Some("https://rs/x"))
        );
    }

    #[test]
    fn the_public_url_is_configured_or_rebuilt_from_host() {
        let p = parts(http::Request::post("/oauth/token?x=1").header("host", "as.example"));
        assert_eq!(
            public_url(&p, None).as_deref(),
            Some("https://as.example/oauth/token")
        );
        assert_eq!(
            public_url(&p, Some("https://public/token")).as_deref(),
            Some("https://public/token")
        );
        let p = parts(http::Request::post("/token"));
        assert_eq!(public_url(&p, None), None);
    }
}
