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
//! Decisions where Authlete's documentation is silent: an unknown client ID
//! is a 404 with Authlete's error body; client IDs are numbers counting up
//! from 6,000,000,000; the service starts from the spec's example of
//! `/service/get`. The clients made here are records for the
//! administration API only: the OAuth flows use the clients registered
//! with `MockAuthlete::register_client`.

use serde_json::{Map, Value, json};

use crate::operations::{self as op, OperationInfo};

use super::reply::{Reply, api_error};
use super::state::State;

/// Settings Authlete manages itself, kept through an update.
const SERVICE_MANAGED: [&str; 3] = ["apiKey", "serviceOwnerNumber", "createdAt"];
const CLIENT_MANAGED: [&str; 3] = ["clientId", "clientSecret", "createdAt"];

/// The first client ID the mock gives out.
const FIRST_CLIENT_ID: i64 = 6_000_000_000;

/// The answer to these operations; `None` for the others.
pub(super) fn respond(
    state: &mut State,
    operation: &OperationInfo,
    body: &Value,
    path_and_query: &str,
) -> Option<Reply> {
    let last_segment = || {
        path_and_query
            .split('?')
            .next()
            .and_then(|p| p.rsplit('/').next())
            .unwrap_or_default()
            .to_owned()
    };
    Some(match *operation {
        op::service::GET => Reply::json(200, Value::Object(service(state).clone())),
        op::service::UPDATE => update_service(state, body),
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
            Some(id) => match state.admin_clients.remove(&id) {
                Some(_) => Reply {
                    status: 204,
                    content_type: None,
                    body: Vec::new(),
                },
                None => no_client(id),
            },
            None => api_error(400, "The client ID is not a number."),
        },
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
fn service(state: &mut State) -> &mut Map<String, Value> {
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

fn create_client(state: &mut State, body: &Value) -> Reply {
    let Some(mut client) = body.as_object().cloned() else {
        return api_error(400, "The request body is not a client.");
    };
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
    Reply::json(200, Value::Object(client))
}

fn update_client(state: &mut State, id: i64, body: &Value) -> Reply {
    let now = state.now();
    let Some(before) = state.admin_clients.get(&id) else {
        return no_client(id);
    };
    match replaced(before, body, &CLIENT_MANAGED, now) {
        Some(after) => {
            state.admin_clients.insert(id, after.clone());
            Reply::json(200, Value::Object(after))
        }
        None => api_error(400, "The request body is not a client."),
    }
}
