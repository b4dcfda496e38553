//! A ready token introspection endpoint (RFC 7662), backed by
//! `/auth/introspection/standard`.
//!
//! A resource server posts a token (`token`, optionally `token_type_hint`)
//! and learns whether it is active and what it allows. RFC 7662 §2.1 wants
//! the caller authorized, and Authlete's standard introspection does not
//! check who calls, so [`IntrospectionEndpoint::handle`] first asks
//! [`ResourceServers`] about the caller's `Authorization: Basic`
//! credentials: unknown callers get 401 `{"error":"invalid_client"}` with
//! `WWW-Authenticate: Basic realm="introspection"`, and Authlete is not
//! called. A known caller's request goes to Authlete with its `Accept`
//! header (a JWT answer, RFC 9701, when it asks for
//! `application/token-introspection+jwt`) and the resource server's
//! settings from [`ResourceServer`].
//!
//! Authlete's `OK` gives 200 JSON (`{"active":...}`), `JWT` 200
//! `application/token-introspection+jwt`, `BAD_REQUEST` 400,
//! `INTERNAL_SERVER_ERROR` 500; an action newer than this crate, or Authlete
//! out of reach, 500 `{"error":"server_error"}` (details of an outage go to
//! `tracing`).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use authlete::endpoint::introspection::{CallerCredentials, IntrospectionEndpoint, ResourceServer};
//! use authlete::operations::introspection;
//! use authlete::testing::{MockAuthlete, MockReply};
//!
//! # let authlete = MockAuthlete::start().await?;
//! # authlete.script(
//! #     &introspection::STANDARD,
//! #     MockReply::json(200, serde_json::json!({
//! #         "action": "OK",
//! #         "responseContent": "{\"active\":true,\"scope\":\"read\"}"
//! #     })),
//! # );
//! // The resource servers allowed to ask, with their secrets.
//! let callers = |caller: CallerCredentials| async move {
//!     (caller.id() == "rs-1" && caller.secret() == "rs-secret").then(ResourceServer::new)
//! };
//! let endpoint = IntrospectionEndpoint::new(authlete.client()?, callers);
//!
//! let request = http::Request::post("/introspect")
//!     .header("content-type", "application/x-www-form-urlencoded")
//!     .header("authorization", "Basic cnMtMTpycy1zZWNyZXQ=") // rs-1:rs-secret
//!     .body("token=mF_9.B5f-4.1JqM")?;
//! let response = endpoint.handle(request).await;
//! assert_eq!(response.status(), 200);
//! assert_eq!(response.body(), r#"{"active":true,"scope":"read"}"#);
//! # Ok(()) }
//! ```

use std::future::Future;

use http::header::ACCEPT;

use super::client_auth::{Credentials, basic_credentials, invalid_client};
use super::failure::outage;
use super::form_post::form_body;
use crate::client::Client;
use crate::operations::introspection::STANDARD;

/// The challenge for a caller that did not authenticate.
const INTROSPECTION_CHALLENGE: &str = "Basic realm=\"introspection\"";

/// The client identifier and secret a caller sent with `Authorization:
/// Basic`. `Debug` leaves the secret out.
#[derive(Clone, PartialEq, Eq)]
pub struct CallerCredentials(Credentials);

impl CallerCredentials {
    /// The caller's client identifier.
    pub fn id(&self) -> &str {
        &self.0.id
    }

    /// The caller's secret, to compare with the one on record (in constant
    /// time, if the comparison can be timed).
    pub fn secret(&self) -> &str {
        &self.0.secret
    }
}

impl std::fmt::Debug for CallerCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A resource server allowed to introspect, and how it wants the answer
/// when it asks for a JWT (RFC 9701). Each setting left out uses what the
/// Authlete service has for it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ResourceServer {
    uri: Option<String>,
    sign_alg: Option<String>,
    encryption: Option<(String, String)>,
    shared_key_for_sign: Option<String>,
    shared_key_for_encryption: Option<String>,
    public_key_for_encryption: Option<String>,
}

impl ResourceServer {
    /// A resource server with no settings of its own.
    pub fn new() -> Self {
        Self::default()
    }

    /// Its identifier, the audience of a JWT answer (`rsUri`).
    pub fn uri(mut self, uri: impl Into<String>) -> Self {
        self.uri = Some(uri.into());
        self
    }

    /// The JWS algorithm that signs a JWT answer (`introspectionSignAlg`).
    pub fn sign_alg(mut self, alg: impl Into<String>) -> Self {
        self.sign_alg = Some(alg.into());
        self
    }

    /// The JWE algorithm and content encryption that encrypt a JWT answer
    /// (`introspectionEncryptionAlg`, `introspectionEncryptionEnc`).
    pub fn encryption(mut self, alg: impl Into<String>, enc: impl Into<String>) -> Self {
        self.encryption = Some((alg.into(), enc.into()));
        self
    }

    /// The shared key for an HMAC signature (`sharedKeyForSign`).
    pub fn shared_key_for_sign(mut self, key: impl Into<String>) -> Self {
        self.shared_key_for_sign = Some(key.into());
        self
    }

    /// The shared key for symmetric encryption (`sharedKeyForEncryption`).
    pub fn shared_key_for_encryption(mut self, key: impl Into<String>) -> Self {
        self.shared_key_for_encryption = Some(key.into());
        self
    }

    /// The resource server's public key (a JWK) for asymmetric encryption
    /// (`publicKeyForEncryption`).
    pub fn public_key_for_encryption(mut self, jwk: impl Into<String>) -> Self {
        self.public_key_for_encryption = Some(jwk.into());
        self
    }
}

impl std::fmt::Debug for ResourceServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redacted = |key: &Option<String>| key.as_ref().map(|_| "<redacted>");
        f.debug_struct("ResourceServer")
            .field("uri", &self.uri)
            .field("sign_alg", &self.sign_alg)
            .field("encryption", &self.encryption)
            .field("shared_key_for_sign", &redacted(&self.shared_key_for_sign))
            .field(
                "shared_key_for_encryption",
                &redacted(&self.shared_key_for_encryption),
            )
            .field("public_key_for_encryption", &self.public_key_for_encryption)
            .finish()
    }
}

/// Who may call the introspection endpoint.
///
/// Implemented for every `Fn(CallerCredentials) -> impl Future<Output =
/// Option<ResourceServer>>`, so a closure will do.
pub trait ResourceServers: Send + Sync {
    /// The resource server these credentials belong to, or `None` when they
    /// are not a resource server's (unknown identifier, wrong secret).
    fn authenticate(
        &self,
        caller: CallerCredentials,
    ) -> impl Future<Output = Option<ResourceServer>> + Send;
}

impl<F, Fut> ResourceServers for F
where
    F: Fn(CallerCredentials) -> Fut + Send + Sync,
    Fut: Future<Output = Option<ResourceServer>> + Send,
{
    fn authenticate(
        &self,
        caller: CallerCredentials,
    ) -> impl Future<Output = Option<ResourceServer>> + Send {
        self(caller)
    }
}

/// A token introspection endpoint backed by Authlete; see the
/// [module docs](self).
#[derive(Debug, Clone)]
pub struct IntrospectionEndpoint<R> {
    client: Client,
    callers: R,
}

impl<R: ResourceServers> IntrospectionEndpoint<R> {
    /// An introspection endpoint calling Authlete through `client`, serving
    /// the resource servers `callers` lets in.
    pub fn new(client: Client, callers: R) -> Self {
        IntrospectionEndpoint { client, callers }
    }

    /// Serves one introspection request: the form body as received, and
    /// its `Authorization` and `Accept` headers.
    pub async fn handle<B: AsRef<[u8]>>(
        &self,
        request: http::Request<B>,
    ) -> http::Response<String> {
        let (parts, body) = request.into_parts();
        let parameters = match form_body(&parts, body.as_ref()) {
            Ok(parameters) => parameters,
            Err(refusal) => return refusal,
        };
        let Ok(Some(credentials)) = basic_credentials(&parts.headers) else {
            return invalid_client(INTROSPECTION_CHALLENGE);
        };
        let Some(server) = self
            .callers
            .authenticate(CallerCredentials(credentials))
            .await
        else {
            return invalid_client(INTROSPECTION_CHALLENGE);
        };

        let mut call = self.client.introspection().standard(parameters);
        if let Some(accept) = parts.headers.get(ACCEPT).and_then(|v| v.to_str().ok()) {
            call = call.http_accept_header(accept);
        }
        let ResourceServer {
            uri,
            sign_alg,
            encryption,
            shared_key_for_sign,
            shared_key_for_encryption,
            public_key_for_encryption,
        } = server;
        if let Some(uri) = uri {
            call = call.rs_uri(uri);
        }
        if let Some(alg) = sign_alg {
            call = call.introspection_sign_alg(alg);
        }
        if let Some((alg, enc)) = encryption {
            call = call
                .introspection_encryption_alg(alg)
                .introspection_encryption_enc(enc);
        }
        if let Some(key) = shared_key_for_sign {
            call = call.shared_key_for_sign(key);
        }
        if let Some(key) = shared_key_for_encryption {
            call = call.shared_key_for_encryption(key);
        }
        if let Some(jwk) = public_key_for_encryption {
            call = call.public_key_for_encryption(jwk);
        }
        match call.send().await {
            Ok(response) => response.into_http_response(),
            Err(error) => outage(STANDARD.id, &error),
        }
    }
}
