//! Smaller resources Authlete keeps: the service's hardware-secured keys
//! (`/hsk/*`), credential offers (`/vci/offer/*`), and clients registered
//! dynamically (`/client/registration*`, RFC 7591 and 7592), which are
//! the same clients as those made through `clients().create()`.
//!
//! Decisions where Authlete's documentation is silent:
//!
//! - **Keys.** `kty` must be `EC` or `RSA`, `hsmName` defaults to
//!   `google`, and the handle is new and unguessable. The mock has no HSM,
//!   so a key has no `publicKey`. An unknown handle is `NOT_FOUND` to `get`,
//!   and a 400 to `delete` (whose spec answers only 204 or an error).
//! - **Offers.** They need at least one credential configuration ID and a
//!   service whose `verifiableCredentialsEnabled` is not `false`
//!   (`FORBIDDEN` otherwise); they live `duration` seconds (86,400 unless
//!   given), after which `/vci/offer/info` is `NOT_FOUND`.
//! - **Registration.** The metadata's `redirect_uris` are required when its
//!   grant types (`authorization_code` unless given) need them, and may not
//!   hold a fragment (`invalid_redirect_uri`); anything but a JSON object is
//!   `invalid_client_metadata`. Any initial access token is accepted: that
//!   policy is the application's. The client gets a registration access
//!   token for RFC 7592's read, update and delete, where a wrong token or
//!   an unknown client is `UNAUTHORIZED` (RFC 7592 §2). An update replaces
//!   the metadata (what it leaves out is reset, RFC 7592 §2.2), and must
//!   name the same `client_id`. The registration client URI is
//!   `<issuer>/register/<client ID>`, beside the `registration_endpoint`
//!   the mock's discovery document names.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value, json};

use crate::operations::{self as op, OperationInfo};

use super::admin::{add_client, remove_client, replace_client, service};
use super::reply::{Reply, api_error, direct, oauth_error};
use super::request::{last_segment, strings};
use super::state::{State, insert_bounded_by};

/// How long a credential offer lives unless its request says, in seconds.
const OFFER_LIFETIME: i64 = 86_400;

/// What this module keeps.
#[derive(Default)]
pub(super) struct Records {
    /// Keys by handle.
    keys: BTreeMap<String, Value>,
    /// Credential offers by identifier, with when they expire.
    offers: HashMap<String, (Value, i64)>,
    /// Registration access tokens by client ID.
    registrations: HashMap<i64, String>,
}

/// The answer to these operations; `None` for the others.
pub(super) fn respond(
    state: &mut State,
    operation: &OperationInfo,
    body: &Value,
    path_and_query: &str,
) -> Option<Reply> {
    let handle = || last_segment(path_and_query);
    Some(match *operation {
        op::hsk::CREATE => create_key(state, body),
        op::hsk::GET => match state.records.keys.get(&handle()) {
            Some(key) => Reply::json(200, json!({"action": "SUCCESS", "hsk": key})),
            None => no_key(),
        },
        op::hsk::LIST => {
            let keys: Vec<&Value> = state.records.keys.values().collect();
            Reply::json(200, json!({"action": "SUCCESS", "hsks": keys}))
        }
        // The spec answers a deletion with 204 and no body.
        op::hsk::DELETE => match state.records.keys.remove(&handle()) {
            Some(_) => Reply::no_content(),
            None => api_error(400, "No key with this handle."),
        },
        op::credential_issuer::CREATE_OFFER => create_offer(state, body),
        op::credential_issuer::OFFER_INFO => {
            let now = state.now();
            match body["identifier"]
                .as_str()
                .and_then(|id| state.records.offers.get(id))
                .filter(|(_, expires_at)| *expires_at > now)
            {
                Some((info, _)) => Reply::json(200, json!({"action": "OK", "info": info})),
                None => Reply::json(
                    200,
                    json!({"action": "NOT_FOUND", "resultMessage": "No such credential offer."}),
                ),
            }
        }
        op::client_registration::REGISTER => register(state, body),
        op::client_registration::GET => manage(state, body, Management::Read),
        op::client_registration::UPDATE => manage(state, body, Management::Update),
        op::client_registration::DELETE => manage(state, body, Management::Delete),
        _ => return None,
    })
}

fn no_key() -> Reply {
    Reply::json(
        200,
        json!({"action": "NOT_FOUND", "resultMessage": "No key with this handle."}),
    )
}

/// `/hsk/create`: a key record with a new handle.
fn create_key(state: &mut State, body: &Value) -> Reply {
    let text = |name: &str| body[name].as_str().filter(|v| !v.is_empty());
    let Some(kty) = text("kty").filter(|k| matches!(*k, "EC" | "RSA")) else {
        return Reply::json(
            200,
            json!({"action": "INVALID_REQUEST", "resultMessage": "kty must be EC or RSA."}),
        );
    };
    let handle = state.new_value("hsk");
    let mut key = json!({
        "kty": kty,
        "hsmName": text("hsmName").unwrap_or("google"),
        "handle": handle,
    });
    for name in ["use", "alg", "kid"] {
        if let Some(value) = text(name) {
            key[name] = json!(value);
        }
    }
    state.records.keys.insert(handle, key.clone());
    Reply::json(200, json!({"action": "SUCCESS", "hsk": key}))
}

/// `/vci/offer/create`: an offer with its grants' codes.
fn create_offer(state: &mut State, body: &Value) -> Reply {
    if service(state).get("verifiableCredentialsEnabled") == Some(&json!(false)) {
        return Reply::json(
            200,
            json!({"action": "FORBIDDEN", "resultMessage": "The service does not issue verifiable credentials."}),
        );
    }
    let ids = strings(body.get("credentialConfigurationIds"));
    if ids.is_empty() {
        return Reply::json(
            200,
            json!({"action": "CALLER_ERROR", "resultMessage": "An offer needs at least one credential configuration ID."}),
        );
    }
    let flag = |name: &str| body[name].as_bool() == Some(true);
    let lifetime = body["duration"]
        .as_i64()
        .filter(|d| *d > 0)
        .unwrap_or(OFFER_LIFETIME);
    let identifier = state.new_value("offer");
    let issuer = state.issuer().to_owned();
    let mut grants = Map::new();
    let mut info = json!({
        "identifier": identifier,
        "credentialIssuer": issuer,
        "credentialConfigurationIds": ids,
        "authorizationCodeGrantIncluded": flag("authorizationCodeGrantIncluded"),
        "issuerStateIncluded": flag("issuerStateIncluded"),
        "preAuthorizedCodeGrantIncluded": flag("preAuthorizedCodeGrantIncluded"),
        "expiresAt": (state.now() + lifetime) * 1000,
    });
    if flag("authorizationCodeGrantIncluded") {
        let mut grant = json!({});
        if flag("issuerStateIncluded") {
            let issuer_state = state.new_value("issuer-state");
            grant["issuer_state"] = json!(issuer_state);
            info["issuerState"] = json!(issuer_state);
        }
        grants.insert("authorization_code".into(), grant);
    }
    if flag("preAuthorizedCodeGrantIncluded") {
        let code = state.new_value("pre-auth");
        let mut grant = json!({"pre-authorized_code": code});
        if let Some(tx_code) = body["txCode"].as_str() {
            info["txCode"] = json!(tx_code);
            grant["tx_code"] = json!({"length": tx_code.len()});
        }
        grants.insert(
            "urn:ietf:params:oauth:grant-type:pre-authorized_code".into(),
            grant,
        );
        info["preAuthorizedCode"] = json!(code);
    }
    for name in ["subject", "acr", "context"] {
        if let Some(value) = body[name].as_str() {
            info[name] = json!(value);
        }
    }
    let mut offer = json!({
        "credential_issuer": info["credentialIssuer"],
        "credential_configuration_ids": info["credentialConfigurationIds"],
    });
    if !grants.is_empty() {
        offer["grants"] = Value::Object(grants);
    }
    info["credentialOffer"] = json!(offer.to_string());
    let now = state.now();
    state.records.offers.retain(|_, (_, at)| *at > now);
    insert_bounded_by(
        &mut state.records.offers,
        identifier,
        (info.clone(), now + lifetime),
        |(_, at)| *at,
    );
    Reply::json(200, json!({"action": "CREATED", "info": info}))
}

/// RFC 7591 metadata as Authlete's client settings, or the error to send.
fn settings_of(metadata: &Value) -> Result<Map<String, Value>, Reply> {
    let Some(metadata) = metadata.as_object() else {
        return Err(refuse(
            "invalid_client_metadata",
            "The metadata is not a JSON object.",
        ));
    };
    let strings = |name: &str| strings(metadata.get(name));
    let grant_types = match strings("grant_types") {
        none if none.is_empty() => vec!["authorization_code".to_owned()],
        given => given,
    };
    let redirect_uris = strings("redirect_uris");
    let needs_redirect = grant_types
        .iter()
        .any(|g| g == "authorization_code" || g == "implicit");
    if needs_redirect && redirect_uris.is_empty() {
        return Err(refuse(
            "invalid_redirect_uri",
            "The grant types need at least one redirect URI.",
        ));
    }
    if redirect_uris.iter().any(|u| u.contains('#')) {
        return Err(refuse(
            "invalid_redirect_uri",
            "A redirect URI may not have a fragment.",
        ));
    }
    let method = metadata
        .get("token_endpoint_auth_method")
        .and_then(Value::as_str)
        .unwrap_or("client_secret_basic");
    let upper = |v: &str| v.to_ascii_uppercase().replace(' ', "_");
    let mut settings = Map::new();
    if let Some(name) = metadata.get("client_name") {
        settings.insert("clientName".into(), name.clone());
    }
    settings.insert("redirectUris".into(), json!(redirect_uris));
    settings.insert(
        "grantTypes".into(),
        json!(grant_types.iter().map(|g| upper(g)).collect::<Vec<_>>()),
    );
    let response_types = strings("response_types");
    if !response_types.is_empty() {
        settings.insert(
            "responseTypes".into(),
            json!(response_types.iter().map(|t| upper(t)).collect::<Vec<_>>()),
        );
    }
    settings.insert("tokenAuthMethod".into(), json!(upper(method)));
    settings.insert(
        "clientType".into(),
        json!(if method == "none" {
            "PUBLIC"
        } else {
            "CONFIDENTIAL"
        }),
    );
    settings.insert("dynamicallyRegistered".into(), json!(true));
    Ok(settings)
}

/// The client's RFC 7591 metadata, as registration answers show it.
fn metadata_of(state: &mut State, id: i64) -> Value {
    let Some(client) = state.admin_clients.get(&id) else {
        return json!({});
    };
    let lower = |v: &Value| v.as_str().map(|s| s.to_ascii_lowercase());
    let list = |name: &str, words: bool| -> Vec<String> {
        client
            .get(name)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(lower)
                    .map(|v| if words { v.replace('_', " ") } else { v })
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut metadata = json!({
        "client_id": id.to_string(),
        // Redirect URIs keep their case.
        "redirect_uris": client.get("redirectUris").cloned().unwrap_or(json!([])),
        "grant_types": list("grantTypes", false),
        "token_endpoint_auth_method": client.get("tokenAuthMethod").and_then(lower),
        "client_id_issued_at": client.get("createdAt").and_then(Value::as_i64).unwrap_or(0) / 1000,
    });
    let response_types = list("responseTypes", true);
    if !response_types.is_empty() {
        metadata["response_types"] = json!(response_types);
    }
    if let Some(name) = client.get("clientName") {
        metadata["client_name"] = name.clone();
    }
    if client.get("clientType").and_then(Value::as_str) != Some("PUBLIC") {
        metadata["client_secret"] = client.get("clientSecret").cloned().unwrap_or(Value::Null);
        metadata["client_secret_expires_at"] = json!(0);
    }
    // Under the issuer, as the mock's discovery document names its
    // registration endpoint.
    let issuer = state.issuer();
    metadata["registration_client_uri"] = json!(format!("{issuer}/register/{id}"));
    metadata
}

fn refuse(error: &str, description: &str) -> Reply {
    direct("BAD_REQUEST", oauth_error(error, description))
}

/// The metadata in a registration request's `json`.
fn requested_metadata(body: &Value) -> Result<Value, Reply> {
    let text = body["json"].as_str().unwrap_or_default();
    serde_json::from_str(text)
        .map_err(|_| refuse("invalid_client_metadata", "The metadata is not JSON."))
}

/// `/client/registration` (RFC 7591): a new client and its registration
/// access token.
fn register(state: &mut State, body: &Value) -> Reply {
    let settings = match requested_metadata(body).and_then(|m| settings_of(&m)) {
        Ok(settings) => settings,
        Err(refusal) => return refusal,
    };
    let client = add_client(state, settings);
    let Some(id) = client.get("clientId").and_then(Value::as_i64) else {
        return Reply::json(200, json!({"action": "INTERNAL_SERVER_ERROR"}));
    };
    let token = state.new_value("registration");
    state.records.registrations.insert(id, token.clone());
    let mut content = metadata_of(state, id);
    content["registration_access_token"] = json!(token);
    Reply::json(
        200,
        json!({
            "action": "CREATED",
            "responseContent": content.to_string(),
            "client": client,
        }),
    )
}

/// What a registration access token is used for (RFC 7592 §2).
#[derive(Clone, Copy)]
enum Management {
    Read,
    Update,
    Delete,
}

/// `/client/registration/get`, `/update` and `/delete` (RFC 7592).
fn manage(state: &mut State, body: &Value, what: Management) -> Reply {
    let id = body["clientId"]
        .as_str()
        .and_then(|id| id.parse::<i64>().ok());
    let token = body["token"].as_str();
    let Some(id) = id.filter(|id| {
        token.is_some()
            && state.records.registrations.get(id).map(String::as_str) == token
            && state.admin_clients.contains_key(id)
    }) else {
        return direct(
            "UNAUTHORIZED",
            oauth_error(
                "invalid_token",
                "The registration access token is not valid for this client.",
            ),
        );
    };
    match what {
        Management::Read => {
            let content = metadata_of(state, id);
            Reply::json(
                200,
                json!({"action": "OK", "responseContent": content.to_string()}),
            )
        }
        Management::Delete => {
            remove_client(state, id);
            state.records.registrations.remove(&id);
            Reply::json(200, json!({"action": "DELETED"}))
        }
        Management::Update => {
            let metadata = match requested_metadata(body) {
                Ok(metadata) => metadata,
                Err(refusal) => return refusal,
            };
            if metadata["client_id"].as_str() != Some(id.to_string().as_str()) {
                return refuse(
                    "invalid_client_metadata",
                    "The metadata's client_id is not the client being updated.",
                );
            }
            let mut settings = match settings_of(&metadata) {
                Ok(settings) => settings,
                Err(refusal) => return refusal,
            };
            settings.insert("dynamicallyRegistered".into(), json!(true));
            let Some(client) = replace_client(state, id, &Value::Object(settings)) else {
                return direct(
                    "UNAUTHORIZED",
                    oauth_error("invalid_token", "The client is gone."),
                );
            };
            let content = metadata_of(state, id);
            Reply::json(
                200,
                json!({"action": "UPDATED", "responseContent": content.to_string(), "client": client}),
            )
        }
    }
}
