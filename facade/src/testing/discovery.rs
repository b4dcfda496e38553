//! What the mock publishes about itself: the OpenID Provider metadata
//! (`/service/configuration`) for its issuer, and the JWK Set
//! (`/service/jwks/get`) of the keys it signs with.
//!
//! The endpoints in the metadata are the authorization server's, under the
//! issuer URL (`<issuer>/authorize`, `<issuer>/token`, `<issuer>/introspect`,
//! `<issuer>/revoke`, …), the paths the `authorization_server` example
//! serves, so that a client discovering it finds its endpoints; the mock
//! itself serves none of them. The ID token algorithms listed are those the
//! mock signs with, RS256 first, and `none` only once a registered client
//! asked for unsecured ID tokens: a relying party that takes its accepted
//! algorithms from discovery must not learn to accept `none` otherwise.

use serde_json::{Value, json};

use crate::operations::{self as op, OperationInfo};

use super::keys::{self, SigningAlg};
use super::reply::{Reply, api_error};
use super::state::{ResponseType, State};

/// The answer to the discovery and JWKS operations; `None` for the others.
pub(super) fn respond(state: &State, operation: &OperationInfo) -> Option<Reply> {
    match *operation {
        op::service::CONFIGURATION => Some(Reply::json(200, metadata(state))),
        op::service::JWKS => Some(match keys::shared() {
            Ok(keys) => Reply::json(200, keys.jwks()),
            Err(e) => api_error(500, &e.to_string()),
        }),
        _ => None,
    }
}

/// Every response type the mock offers, as discovery names them.
fn response_types() -> Vec<String> {
    [
        "code",
        "id_token",
        "token",
        "code id_token",
        "code token",
        "id_token token",
        "code id_token token",
    ]
    .iter()
    .filter_map(|t| ResponseType::parse(t))
    .map(ResponseType::name)
    .collect()
}

/// OpenID Provider metadata (OpenID Connect Discovery 1.0 §3, RFC 8414).
pub(super) fn metadata(state: &State) -> Value {
    let issuer = state.issuer();
    let at = |path: &str| format!("{issuer}/{path}");
    let signed: Vec<&str> = SigningAlg::SIGNED.iter().map(|a| a.name()).collect();
    let mut id_token_algs = signed.clone();
    if state
        .clients
        .values()
        .any(|c| c.id_token_alg == SigningAlg::None)
    {
        id_token_algs.push(SigningAlg::None.name());
    }
    let claims: Vec<&str> = ["sub", "iss", "auth_time", "acr"]
        .into_iter()
        .chain(
            ["profile", "email", "address", "phone"]
                .into_iter()
                .flat_map(|scope| super::state::scope_claims(scope).iter().copied()),
        )
        .collect();
    json!({
        "issuer": issuer,
        "authorization_endpoint": at("authorize"),
        "token_endpoint": at("token"),
        "userinfo_endpoint": at("userinfo"),
        "jwks_uri": at("jwks"),
        "introspection_endpoint": at("introspect"),
        "revocation_endpoint": at("revoke"),
        "pushed_authorization_request_endpoint": at("par"),
        "device_authorization_endpoint": at("device_authorization"),
        "registration_endpoint": at("register"),
        "backchannel_authentication_endpoint": at("backchannel/authentication"),
        "backchannel_token_delivery_modes_supported": ["poll", "ping", "push"],
        "backchannel_user_code_parameter_supported": false,
        "grant_management_endpoint": at("grants"),
        "grant_management_actions_supported": ["create", "merge", "replace"],
        "grant_management_action_required": false,
        "scopes_supported": state.supported_scopes,
        "response_types_supported": response_types(),
        "response_modes_supported": ["query", "fragment", "form_post"],
        "grant_types_supported": [
            "authorization_code", "implicit", "refresh_token", "password", "client_credentials",
            "urn:ietf:params:oauth:grant-type:device_code", "urn:openid:params:grant-type:ciba"
        ],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": id_token_algs,
        "userinfo_signing_alg_values_supported": signed,
        "claims_supported": claims,
        "claim_types_supported": ["normal"],
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
