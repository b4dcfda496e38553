//! OpenID Federation as Authlete runs it for a service: the service's
//! entity configuration (`/federation/configuration`), and explicit
//! registration (`/federation/registration`), which turns a relying
//! party's entity configuration into a client whose ID is its entity ID.
//!
//! Decisions where Authlete's documentation is silent, and what a mock
//! without a network cannot do:
//!
//! - The service takes part in a federation unless its `federationEnabled`
//!   is `false` (then both calls are `NOT_FOUND`). Its entity configuration
//!   names no authority: the mock has no trust anchor. It is signed with
//!   the mock's RS256 key, carries the public keys as `jwks`, and its
//!   `openid_provider` metadata is the discovery document's, plus
//!   `client_registration_types_supported` (`explicit`) and
//!   `federation_registration_endpoint` (`<issuer>/federation/register`).
//! - Registration does not resolve trust chains (that needs the network):
//!   it takes the relying party's entity configuration (alone, or first in
//!   a trust chain), checks that it is self-issued (`iss` = `sub`), unexpired,
//!   signed with a key of its own `jwks`, and holds
//!   `metadata.openid_relying_party` with `redirect_uris`; then registers
//!   (or re-registers) the client under the entity ID. The mock cannot
//!   check `private_key_jwt`, so such a client has no secret and is treated
//!   as public (PKCE applies). The answer is the registration entity
//!   statement (`iss` the issuer, `sub` and `aud` the entity ID, the
//!   registered metadata with `client_id`), signed like the configuration.

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{DecodingKey, Validation};
use serde_json::{Value, json};

use crate::operations::{self as op, OperationInfo};

use super::admin::service;
use super::keys::{self, SigningAlg};
use super::reply::{Reply, answer, oauth_error};
use super::state::{RegisteredClient, ResponseType, State};

/// The media type of entity statements, as their `typ` (OpenID Federation §3).
const ENTITY_STATEMENT: &str = "entity-statement+jwt";
/// How long the statements the mock signs are valid, in seconds.
const STATEMENT_LIFETIME: i64 = 86_400;

/// The answer to the federation operations; `None` for the others.
pub(super) fn respond(state: &mut State, operation: &OperationInfo, body: &Value) -> Option<Reply> {
    let reply = match *operation {
        op::federation::CONFIGURATION | op::federation::REGISTER
            if service(state).get("federationEnabled") == Some(&json!(false)) =>
        {
            answer(
                "NOT_FOUND",
                None,
                "The service takes part in no federation.",
            )
        }
        op::federation::CONFIGURATION => configuration(state),
        op::federation::REGISTER => register(state, body),
        _ => return None,
    };
    Some(reply)
}

fn bad_request(description: &str) -> Reply {
    let content = oauth_error("invalid_request", description);
    answer("BAD_REQUEST", Some(content.to_string()), description)
}

/// `/federation/configuration`: the service's entity configuration.
fn configuration(state: &State) -> Reply {
    let keys = match keys::shared() {
        Ok(keys) => keys,
        Err(e) => return answer("INTERNAL_SERVER_ERROR", None, &e.to_string()),
    };
    let issuer = state.issuer();
    let now = state.now();
    let mut provider = super::discovery::metadata(state);
    provider["client_registration_types_supported"] = json!(["explicit"]);
    provider["federation_registration_endpoint"] = json!(format!("{issuer}/federation/register"));
    let claims = json!({
        "iss": issuer,
        "sub": issuer,
        "iat": now,
        "exp": now + STATEMENT_LIFETIME,
        "jwks": keys.jwks(),
        "metadata": {"openid_provider": provider},
    });
    let statement = keys.sign_typed(SigningAlg::Rs256, ENTITY_STATEMENT, &claims);
    answer("OK", Some(statement), "The entity configuration.")
}

/// `/federation/registration`: registers the relying party whose entity
/// configuration `body` holds.
fn register(state: &mut State, body: &Value) -> Reply {
    let configuration = match (
        body["entityConfiguration"].as_str(),
        body["trustChain"].as_str(),
    ) {
        (Some(configuration), _) => configuration.to_owned(),
        (None, Some(chain)) => match serde_json::from_str::<Vec<String>>(chain) {
            Ok(chain) if !chain.is_empty() => chain[0].clone(),
            _ => return bad_request("The trust chain is not a JSON array of statements."),
        },
        (None, None) => {
            return bad_request(
                "The request has neither an entity configuration nor a trust chain.",
            );
        }
    };
    let claims = match self_signed_claims(&configuration, state.now()) {
        Ok(claims) => claims,
        Err(description) => return bad_request(description),
    };
    let Some(entity_id) = claims["sub"].as_str().map(str::to_owned) else {
        return bad_request("The entity configuration has no sub.");
    };
    let relying_party = &claims["metadata"]["openid_relying_party"];
    let redirect_uris: Vec<String> = relying_party["redirect_uris"]
        .as_array()
        .map(|uris| {
            uris.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if redirect_uris.is_empty() {
        return bad_request("The relying party's metadata has no redirect_uris.");
    }
    let number = match state.clients.get(&entity_id) {
        Some(existing) => existing.number,
        None => state.client_number(&entity_id),
    };
    let name = relying_party["client_name"].as_str().map(str::to_owned);
    state.clients.insert(
        entity_id.clone(),
        RegisteredClient {
            number,
            secret: None,
            name: name.clone(),
            redirect_uris: redirect_uris.clone(),
            response_types: vec![ResponseType::CODE],
            id_token_alg: SigningAlg::Rs256,
            userinfo_alg: None,
            requestable_scopes: None,
        },
    );
    let keys = match keys::shared() {
        Ok(keys) => keys,
        Err(e) => return answer("INTERNAL_SERVER_ERROR", None, &e.to_string()),
    };
    let mut registered = relying_party.clone();
    registered["client_id"] = json!(entity_id);
    let now = state.now();
    let statement = json!({
        "iss": state.issuer(),
        "sub": entity_id,
        "aud": entity_id,
        "iat": now,
        "exp": now + STATEMENT_LIFETIME,
        "metadata": {"openid_relying_party": registered},
    });
    let signed = keys.sign_typed(SigningAlg::Rs256, ENTITY_STATEMENT, &statement);
    let mut reply = json!({
        "action": "OK",
        "responseContent": signed,
        "resultMessage": "Registered.",
        "client": {
            "clientId": number,
            "clientIdAlias": entity_id,
            "clientEntityId": entity_id,
            "clientType": "PUBLIC",
            "redirectUris": redirect_uris,
        },
    });
    if let Some(name) = name {
        reply["client"]["clientName"] = json!(name);
    }
    Reply::json(200, reply)
}

/// The claims of a self-issued, unexpired entity configuration signed with
/// a key of its own `jwks`; or what is wrong with it.
fn self_signed_claims(jwt: &str, now: i64) -> Result<Value, &'static str> {
    let header =
        jsonwebtoken::decode_header(jwt).map_err(|_| "The entity configuration is not a JWS.")?;
    if header.typ.as_deref() != Some(ENTITY_STATEMENT) {
        return Err("The entity configuration's typ is not entity-statement+jwt.");
    }
    let unverified = jwt
        .split('.')
        .nth(1)
        .and_then(|payload| {
            use base64::Engine as _;
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .ok()
        })
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .ok_or("The entity configuration's payload is not JSON.")?;
    if unverified["iss"].as_str().is_none() || unverified["iss"] != unverified["sub"] {
        return Err("An entity configuration is issued by its subject (iss = sub).");
    }
    let jwks: JwkSet = serde_json::from_value(unverified["jwks"].clone())
        .map_err(|_| "The entity configuration has no usable jwks.")?;
    let jwk = match header.kid.as_deref() {
        Some(kid) => jwks.find(kid),
        None => jwks.keys.first(),
    }
    .ok_or("No key of the entity configuration's jwks signed it.")?;
    let key = DecodingKey::from_jwk(jwk).map_err(|_| "A key of its jwks is not usable.")?;
    let mut validation = Validation::new(header.alg);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_aud = false;
    let verified = jsonwebtoken::decode::<Value>(jwt, &key, &validation)
        .map_err(|_| "The entity configuration's signature does not verify.")?;
    if verified.claims["exp"].as_i64().is_none_or(|exp| exp <= now) {
        return Err("The entity configuration has expired (or has no exp).");
    }
    Ok(verified.claims)
}
