//! Scopes per client and per subject: the requestable scopes an
//! administrator limits a client to (`/client/extension/requestable_scopes/*`)
//! and the scopes a subject has granted a client
//! (`/client/granted_scopes/*`).
//!
//! Requestable scopes, once set, limit what the client gets at the
//! authorization endpoint, PAR, the token endpoint and the device and CIBA
//! endpoints: a scope outside the list is dropped from the request, as
//! Authlete drops it. Setting them enables the limit; deleting them lifts
//! it. For a client made through the API they live in its settings
//! (`extension.requestableScopes`, `requestableScopesEnabled`), so `get`
//! shows them and an update can change them.
//!
//! Granted scopes are recorded whenever a token is issued for a subject:
//! the last grant's scopes (`latestGrantedScopes`) and every scope granted
//! so far (`mergedGrantedScopes`). Deleting the record leaves the tokens
//! as they are, as Authlete documents. A subject with no record gets both
//! lists left out (Authlete's JSON omits what is null). An unknown client is a 400 in both families (their spec lists no 404).

use serde_json::{Value, json};

use crate::operations::{self as op, OperationInfo};

use super::reply::{Reply, api_error};
use super::request::{query_pairs, strings};
use super::state::State;

/// The answer to these operations; `None` for the others.
pub(super) fn respond(
    state: &mut State,
    operation: &OperationInfo,
    body: &Value,
    path_and_query: &str,
) -> Option<Reply> {
    let path = path_and_query.split('?').next().unwrap_or_default();
    let mut segments = path.rsplit('/').map(percent_decoded);
    let last = segments.next().unwrap_or_default();
    let before_last = segments.next().unwrap_or_default();
    let query = query_pairs(path_and_query);
    let query_subject = query
        .iter()
        .find(|(k, _)| k == "subject")
        .map(|(_, v)| v.clone());
    let body_subject = body["subject"].as_str().map(str::to_owned);
    Some(match *operation {
        op::clients::REQUESTABLE_SCOPES => with_client(state, &last, |state, key| {
            let scopes = state
                .clients
                .get(key)
                .and_then(|c| c.requestable_scopes.clone());
            match scopes {
                Some(scopes) => Reply::json(200, json!({"requestableScopes": scopes})),
                None => Reply::json(200, json!({})),
            }
        }),
        op::clients::UPDATE_REQUESTABLE_SCOPES
        | op::clients::UPDATE_REQUESTABLE_SCOPES_VIA_POST => {
            let scopes = strings(body.get("requestableScopes"));
            with_client(state, &last, |state, key| {
                set_requestable(state, key, Some(scopes.clone()));
                Reply::json(200, json!({"requestableScopes": scopes}))
            })
        }
        op::clients::DELETE_REQUESTABLE_SCOPES => with_client(state, &last, |state, key| {
            set_requestable(state, key, None);
            Reply::no_content()
        }),
        op::clients::GRANTED_SCOPES => granted(state, &last, query_subject),
        op::clients::GRANTED_SCOPES_BY_BODY => granted(state, &last, body_subject),
        op::clients::GRANTED_SCOPES_BY_PATH => granted(state, &before_last, Some(last)),
        op::clients::DELETE_GRANTED_SCOPES => forget_granted(state, &last, query_subject),
        op::clients::DELETE_GRANTED_SCOPES_BY_PATH => {
            forget_granted(state, &before_last, Some(last))
        }
        _ => return None,
    })
}

fn percent_decoded(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8_lossy()
        .into_owned()
}

/// `answer` for the client `id` names, or Authlete's 404.
fn with_client(
    state: &mut State,
    id: &str,
    answer: impl FnOnce(&mut State, &str) -> Reply,
) -> Reply {
    match state.client(id).map(|(key, _)| key.to_owned()) {
        Some(key) => answer(state, &key),
        // The spec lists 400, not 404, for these operations.
        None => api_error(400, &format!("No client with ID {id} in this service.")),
    }
}

/// Limits the client `key` to `scopes`, or lifts the limit; a client made
/// through the API keeps the change in its settings too.
fn set_requestable(state: &mut State, key: &str, scopes: Option<Vec<String>>) {
    if let Some(client) = state.clients.get_mut(key) {
        client.requestable_scopes.clone_from(&scopes);
    }
    let settings = key
        .parse::<i64>()
        .ok()
        .and_then(|id| state.admin_clients.get_mut(&id));
    if let Some(settings) = settings {
        let extension = settings.entry("extension").or_insert_with(|| json!({}));
        if !extension.is_object() {
            *extension = json!({});
        }
        extension["requestableScopesEnabled"] = json!(scopes.is_some());
        extension["requestableScopes"] = json!(scopes);
    }
}

fn granted(state: &mut State, client: &str, subject: Option<String>) -> Reply {
    let Some(subject) = subject.filter(|s| !s.is_empty()) else {
        return api_error(400, "The request has no subject.");
    };
    with_client(state, client, |state, key| {
        let number = state.clients.get(key).map(|c| c.number);
        let mut answer = json!({
            "resultCode": "A000000",
            "resultMessage": "[A000000] The granted scopes were found.",
            "clientId": number,
            "subject": subject,
        });
        // Authlete leaves out what is null rather than sending `null`.
        if let Some(record) = state.granted.get(&(key.to_owned(), subject.clone())) {
            answer["latestGrantedScopes"] = json!(record.latest);
            answer["mergedGrantedScopes"] = json!(record.merged);
            answer["modifiedAt"] = json!(record.modified_at);
        }
        Reply::json(200, answer)
    })
}

fn forget_granted(state: &mut State, client: &str, subject: Option<String>) -> Reply {
    let Some(subject) = subject.filter(|s| !s.is_empty()) else {
        return api_error(400, "The request has no subject.");
    };
    with_client(state, client, |state, key| {
        state.granted.remove(&(key.to_owned(), subject));
        Reply::json(
            200,
            json!({
                "resultCode": "A000000",
                "resultMessage": "[A000000] The granted scopes were deleted.",
            }),
        )
    })
}
