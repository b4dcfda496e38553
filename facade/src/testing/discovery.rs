//! What the mock publishes about itself: the OpenID Provider metadata
//! (`/service/configuration`) for its issuer, and a JWK Set
//! (`/service/jwks/get`) with one fixed public key.
//!
//! The endpoints in the metadata are the authorization server's, under the
//! issuer URL (`<issuer>/authorize`, `<issuer>/token`, `<issuer>/introspect`,
//! `<issuer>/revoke`, …), the paths the `authorization_server` example
//! serves, so that a client discovering it finds its endpoints; the mock
//! itself serves none of them. The key signs nothing: ID tokens are unsecured, so
//! the metadata lists `none` as their only signing algorithm.

use serde_json::{Value, json};

use super::behaviour::Reply;
use super::state::State;

/// The answer to the discovery and JWKS operations; `None` for the others.
pub(super) fn respond(state: &State, operation: &str) -> Option<Reply> {
    match operation {
        "service_configuration_api" => Some(Reply::json(200, metadata(state.issuer()))),
        "service_jwks_get_api" => Some(Reply::json(200, jwks())),
        _ => None,
    }
}

/// OpenID Provider metadata (OpenID Connect Discovery 1.0 §3, RFC 8414).
fn metadata(issuer: &str) -> Value {
    let at = |path: &str| format!("{issuer}/{path}");
    json!({
        "issuer": issuer,
        "authorization_endpoint": at("authorize"),
        "token_endpoint": at("token"),
        "userinfo_endpoint": at("userinfo"),
        "jwks_uri": at("jwks"),
        "introspection_endpoint": at("introspect"),
        "revocation_endpoint": at("revoke"),
        "pushed_authorization_request_endpoint": at("par"),
        "scopes_supported": ["openid"],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "form_post"],
        "grant_types_supported": [
            "authorization_code", "refresh_token", "password", "client_credentials"
        ],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["none"],
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic", "client_secret_post", "none"
        ],
        "revocation_endpoint_auth_methods_supported": [
            "client_secret_basic", "client_secret_post", "none"
        ],
        "code_challenge_methods_supported": ["S256", "plain"],
        "prompt_values_supported": ["none", "login", "consent", "select_account", "create"],
        "claims_parameter_supported": true,
        "request_parameter_supported": false,
        "require_pushed_authorization_requests": false,
        "authorization_response_iss_parameter_supported": true,
    })
}

/// A JWK Set with one P-256 public key, made once for the mock.
fn jwks() -> Value {
    json!({
        "keys": [{
            "kty": "EC",
            "crv": "P-256",
            "x": "8BhKjSwTAS4tCKQfNgHxiD7nx_IKVsNOzKVoGA_5d6s",
            "y": "s2VmkHybyZOjm9LS9HRSwM9YRr1dAnDru33d08soB-M",
            "use": "sig",
            "alg": "ES256",
            "kid": "mock-es256",
        }]
    })
}
