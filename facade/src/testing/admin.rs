//! What Authlete keeps for administration: the service's settings and the
//! clients made through the API, each stored whole, as JSON.
//!
//! Authlete's `/service/update` and `/client/update/{clientId}` replace the
//! settings with the body they are given: a setting the body leaves out is
//! reset, not kept. The mock does the same, so a test that updates from a
//! partial body sees in the next `get` what production would show, and a
//! read-modify-write (`get`, change, `update` with `body(..)`) keeps every
//! setting, those the spec does not name included. What Authlete manages
//! itself is kept from before (`apiKey`, `serviceOwnerNumber`, `clientId`,
//! `clientSecret`, `createdAt`) or set by it (`modifiedAt`).
//!
//! Services: `/service/create` makes another service (an API key counting
//! up from 8,000,000,000, a new secret) that `/service/get/list` lists after
//! the mock's own; the mock serves only its own service ID, so the others
//! exist for listing. `/service/delete` deletes the mock's own service, and
//! from then on every call for it is a 404, as for a service that does not
//! exist (start a new mock to have it again).
//!
//! Decisions where Authlete's documentation is silent: an unknown client ID
//! is a 404 with Authlete's error body; client IDs are numbers counting up
//! from 6,000,000,000; the service starts from the spec's example of
//! `/service/get`; `/client/get/list` counts `start` and `end` as Authlete
//! does (from 0, `end` exclusive, 5 by default).
//!
//! One state, as in Authlete: a client made here can use the token and
//! authorization endpoints at once, under its client ID with the secret it
//! was given, its `redirectUris` and `responseTypes`; an update changes
//! what the endpoints accept; deleting it also deletes its tokens (the
//! mock's decision: Authlete's documentation does not say, and a token of
//! a client that no longer exists cannot be used anywhere). A subject's
//! authorizations are the clients holding its live tokens; deleting one
//! revokes those tokens.

use serde_json::{Map, Value, json};

use crate::operations::{self as op, OperationInfo};

use super::keys::SigningAlg;
use super::reply::{Reply, api_error};
use super::request::{last_segment, strings};
use super::state::{RegisteredClient, ResponseType, State};

/// Settings Authlete manages itself, kept through an update.
const SERVICE_MANAGED: [&str; 3] = ["apiKey", "serviceOwnerNumber", "createdAt"];
const CLIENT_MANAGED: [&str; 3] = ["clientId", "clientSecret", "createdAt"];

/// The first API key the mock gives a service made through the API.
const FIRST_SERVICE_API_KEY: i64 = 8_000_000_000;

/// The first client ID the mock gives out.
const FIRST_CLIENT_ID: i64 = 6_000_000_000;

/// The answer to these operations; `None` for the others.
pub(super) fn respond(
    state: &mut State,
    operation: &OperationInfo,
    body: &Value,
    path_and_query: &str,
) -> Option<Reply> {
    let last_segment = || last_segment(path_and_query);
    Some(match *operation {
        op::service::GET => Reply::json(200, Value::Object(service(state).clone())),
        op::service::UPDATE => update_service(state, body),
        op::service::CREATE => create_service(state, body),
        op::service::LIST => list_services(state, path_and_query),
        op::service::DELETE => {
            state.service_deleted = true;
            Reply::no_content()
        }
        op::clients::CREATE => create_client(state, body),
        op::clients::GET => match client_id(&last_segment()) {
            Some(id) => match state.admin_clients.get(&id) {
                Some(client) => Reply::json(200, Value::Object(client.clone())),
                None => no_client(id),
            },
            None => api_error(400, "The client ID is not a number."),
        },
        op::clients::UPDATE => match client_id(&last_segment()) {
            Some(id) => update_client(state, id, body),
            None => api_error(400, "The client ID is not a number."),
        },
        op::clients::DELETE => match client_id(&last_segment()) {
            Some(id) if remove_client(state, id) => Reply::no_content(),
            Some(id) => no_client(id),
            None => api_error(400, "The client ID is not a number."),
        },
        op::clients::LIST => list_clients(state, path_and_query),
        op::clients::AUTHORIZATIONS => {
            let query = super::request::query_pairs(path_and_query);
            let subject = query
                .iter()
                .find(|(k, _)| k == "subject")
                .map(|(_, v)| v.as_str());
            authorizations(state, subject)
        }
        op::clients::DELETE_AUTHORIZATION => {
            let query = super::request::query_pairs(path_and_query);
            let subject = query
                .iter()
                .find(|(k, _)| k == "subject")
                .map(|(_, v)| v.as_str());
            delete_authorization(state, &last_segment(), subject)
        }
        op::clients::AUTHORIZATIONS_BY_BODY => authorizations(state, body["subject"].as_str()),
        op::clients::AUTHORIZATIONS_BY_PATH => authorizations(state, Some(&last_segment())),
        op::clients::DELETE_AUTHORIZATION_BY_BODY => {
            delete_authorization(state, &last_segment(), body["subject"].as_str())
        }
        op::clients::DELETE_AUTHORIZATION_BY_PATH => {
            let mut segments = path_and_query
                .split('?')
                .next()
                .unwrap_or_default()
                .rsplit('/');
            let subject = segments.next().unwrap_or_default().to_owned();
            let client = segments.next().unwrap_or_default().to_owned();
            delete_authorization(state, &client, Some(&subject))
        }
        _ => return None,
    })
}

fn client_id(segment: &str) -> Option<i64> {
    segment.parse().ok()
}

fn no_client(id: i64) -> Reply {
    api_error(404, &format!("No client with ID {id} in this service."))
}

/// The service's settings, from the spec's example the first time.
pub(super) fn service(state: &mut State) -> &mut Map<String, Value> {
    state.service.get_or_insert_with(|| {
        authlete_generated::catalog::example_response(op::service::GET.id)
            .and_then(|(_, json)| json)
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or_default()
    })
}

/// The settings in `body`, with what Authlete manages carried over from
/// `before` and `modifiedAt` set to `now` (milliseconds, as Authlete).
fn replaced(
    before: &Map<String, Value>,
    body: &Value,
    managed: &[&str],
    now: i64,
) -> Option<Map<String, Value>> {
    let mut after = body.as_object()?.clone();
    for key in managed {
        match before.get(*key) {
            Some(value) => after.insert((*key).to_owned(), value.clone()),
            None => after.remove(*key),
        };
    }
    after.insert("modifiedAt".into(), json!(now * 1000));
    Some(after)
}

fn update_service(state: &mut State, body: &Value) -> Reply {
    let now = state.now();
    let before = service(state).clone();
    match replaced(&before, body, &SERVICE_MANAGED, now) {
        Some(after) => {
            state.service = Some(after.clone());
            Reply::json(200, Value::Object(after))
        }
        None => api_error(400, "The request body is not a service."),
    }
}

/// `/service/create`: another service, with its own API key and secret.
fn create_service(state: &mut State, body: &Value) -> Reply {
    let Some(mut created) = body.as_object().cloned() else {
        return api_error(400, "The request body is not a service.");
    };
    let api_key = state
        .services
        .keys()
        .next_back()
        .map_or(FIRST_SERVICE_API_KEY, |last| last + 1);
    let now = state.now() * 1000;
    let owner = service(state).get("serviceOwnerNumber").cloned();
    let secret = state.new_value("service-secret");
    created.insert("apiKey".into(), json!(api_key));
    created.insert("apiSecret".into(), json!(secret));
    created.insert("serviceOwnerNumber".into(), owner.unwrap_or(json!(1)));
    created.insert("createdAt".into(), json!(now));
    created.insert("modifiedAt".into(), json!(now));
    state.services.insert(api_key, created.clone());
    Reply::json(200, Value::Object(created))
}

/// `/service/get/list`: the mock's own service (unless deleted), then those
/// made through the API, from `start` up to (not including) `end`.
fn list_services(state: &mut State, path_and_query: &str) -> Reply {
    let (start, end) = page(path_and_query);
    let own = (!state.service_deleted).then(|| Value::Object(service(state).clone()));
    let all: Vec<Value> = own
        .into_iter()
        .chain(state.services.values().map(|s| Value::Object(s.clone())))
        .collect();
    let total = all.len();
    let services: Vec<Value> = all.into_iter().skip(start).take(end - start).collect();
    Reply::json(
        200,
        json!({"start": start, "end": end, "totalCount": total, "services": services}),
    )
}

/// `start` and `end` of a list request, as Authlete counts them: from 0,
/// `end` exclusive, 5 by default.
fn page(path_and_query: &str) -> (usize, usize) {
    let query = super::request::query_pairs(path_and_query);
    let number = |name: &str, default: usize| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(default)
    };
    let start = number("start", 0);
    (start, number("end", 5).max(start))
}

fn create_client(state: &mut State, body: &Value) -> Reply {
    match body.as_object() {
        Some(client) => Reply::json(200, Value::Object(add_client(state, client.clone()))),
        None => api_error(400, "The request body is not a client."),
    }
}

/// Deletes the client `id` made through the API, with its tokens; whether
/// there was one.
pub(super) fn remove_client(state: &mut State, id: i64) -> bool {
    if state.admin_clients.remove(&id).is_none() {
        return false;
    }
    let key = id.to_string();
    state.clients.remove(&key);
    state.revoke(|r| r.client_id == key);
    true
}

/// Makes a client from `client`'s settings: a new ID and secret, its
/// times; usable by the endpoints at once. Answers the settings kept.
pub(super) fn add_client(state: &mut State, mut client: Map<String, Value>) -> Map<String, Value> {
    let id = state
        .admin_clients
        .keys()
        .next_back()
        .map_or(FIRST_CLIENT_ID, |last| last + 1);
    let now = state.now() * 1000;
    state.counter += 1;
    client.insert("clientId".into(), json!(id));
    client.insert(
        "clientSecret".into(),
        json!(format!("mock-secret-{}", state.counter)),
    );
    client.insert("createdAt".into(), json!(now));
    client.insert("modifiedAt".into(), json!(now));
    state.admin_clients.insert(id, client.clone());
    register(state, id, &client);
    client
}

fn update_client(state: &mut State, id: i64, body: &Value) -> Reply {
    if !state.admin_clients.contains_key(&id) {
        return no_client(id);
    }
    match replace_client(state, id, body) {
        Some(after) => Reply::json(200, Value::Object(after)),
        None => api_error(400, "The request body is not a client."),
    }
}

/// Replaces the settings of the client `id` made through the API with
/// `body`'s, keeping what Authlete manages; `None` when there is no such
/// client or `body` is not an object.
pub(super) fn replace_client(
    state: &mut State,
    id: i64,
    body: &Value,
) -> Option<Map<String, Value>> {
    let now = state.now();
    let after = replaced(state.admin_clients.get(&id)?, body, &CLIENT_MANAGED, now)?;
    state.admin_clients.insert(id, after.clone());
    register(state, id, &after);
    Some(after)
}

/// Makes the client `id` usable by the OAuth endpoints as `settings` say.
fn register(state: &mut State, id: i64, settings: &Map<String, Value>) {
    let strings = |name: &str| strings(settings.get(name));
    // Authlete's `ResponseType` names: `CODE`, `CODE_ID_TOKEN`, ...
    let response_types: Vec<ResponseType> = strings("responseTypes")
        .iter()
        .filter_map(|t| ResponseType::parse(&t.to_ascii_lowercase().replace('_', " ")))
        .collect();
    let public = settings.get("clientType").and_then(Value::as_str) == Some("PUBLIC");
    state.clients.insert(
        id.to_string(),
        RegisteredClient {
            number: id,
            secret: (!public)
                .then(|| settings.get("clientSecret").and_then(Value::as_str))
                .flatten()
                .map(str::to_owned),
            name: settings
                .get("clientName")
                .and_then(Value::as_str)
                .map(str::to_owned),
            redirect_uris: strings("redirectUris"),
            response_types: if response_types.is_empty() {
                vec![ResponseType::CODE]
            } else {
                response_types
            },
            id_token_alg: SigningAlg::Rs256,
            userinfo_alg: None,
            requestable_scopes: requestable_scopes(settings),
        },
    );
}

/// The client's requestable scopes, when its `extension` enables them.
pub(super) fn requestable_scopes(settings: &Map<String, Value>) -> Option<Vec<String>> {
    let extension = settings.get("extension")?;
    if extension["requestableScopesEnabled"].as_bool() != Some(true) {
        return None;
    }
    Some(strings(extension.get("requestableScopes")))
}

/// `/client/get/list`: the clients made through the API, by ID, from
/// `start` up to (not including) `end`.
fn list_clients(state: &State, path_and_query: &str) -> Reply {
    let (start, end) = page(path_and_query);
    let total = state.admin_clients.len();
    let clients: Vec<Value> = state
        .admin_clients
        .values()
        .skip(start)
        .take(end - start)
        .map(|c| Value::Object(c.clone()))
        .collect();
    Reply::json(
        200,
        json!({"start": start, "end": end, "totalCount": total, "clients": clients}),
    )
}

/// The clients holding live tokens of `subject`.
fn authorizations(state: &State, subject: Option<&str>) -> Reply {
    let Some(subject) = subject.filter(|s| !s.is_empty()) else {
        return api_error(400, "The request has no subject.");
    };
    let now = state.now();
    let mut keys: Vec<&str> = state
        .tokens
        .iter()
        .filter(|r| {
            r.subject.as_deref() == Some(subject)
                && r.access_expires_at.max(r.refresh_expires_at) > now
        })
        .map(|r| r.client_id.as_str())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let clients: Vec<Value> = keys
        .iter()
        .filter_map(|key| {
            let client = state.clients.get(*key)?;
            let mut entry = state.client_identity(key);
            if let Some(name) = &client.name {
                entry["clientName"] = json!(name);
            }
            Some(entry)
        })
        .collect();
    let total = clients.len();
    Reply::json(
        200,
        json!({"subject": subject, "start": 0, "end": total, "totalCount": total, "clients": clients}),
    )
}

/// Ends `subject`'s authorization of the client `client`: its tokens go.
fn delete_authorization(state: &mut State, client: &str, subject: Option<&str>) -> Reply {
    let Some(subject) = subject.filter(|s| !s.is_empty()).map(str::to_owned) else {
        return api_error(400, "The request has no subject.");
    };
    let Some(key) = state.client(client).map(|(key, _)| key.to_owned()) else {
        return api_error(404, &format!("No client with ID {client} in this service."));
    };
    state.revoke(|r| r.client_id == key && r.subject.as_deref() == Some(subject.as_str()));
    Reply::json(
        200,
        json!({"resultCode": "A000000", "resultMessage": "Deleted the authorization."}),
    )
}
