//! How the mock answers when no reply is scripted: the service-token check,
//! then each operation with state to its module, and a well-formed example
//! for everything else. The pieces those modules share live apart (`reply`,
//! `request`), so that nothing the dispatcher calls imports it back.

use crate::operations::{self as op, OperationInfo};

use super::reply::{Reply, api_error};
use super::{
    MOCK_ACCESS_TOKEN, RecordedRequest, Shared, admin, authorization, ciba, credentials, device,
    discovery, federation, grants, keys, lock, records, resources, scopes, tokens,
};

/// The operations whose answers may be signed, or publish the keys.
const SIGNING_OPERATIONS: [OperationInfo; 5] = [
    op::tokens::PROCESS,
    op::authorization::ISSUE,
    op::userinfo::ISSUE,
    op::tokens::REISSUE_ID_TOKEN,
    op::service::JWKS,
];

/// The answer to `request`, which no script claimed.
pub(super) fn respond(state: &Shared, request: &RecordedRequest) -> Reply {
    let authorized = request
        .headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        == Some(&format!("Bearer {MOCK_ACCESS_TOKEN}"));
    if !authorized {
        return api_error(
            401,
            "The access token is missing or not valid for this service.",
        );
    }
    let Some(operation) = request.operation else {
        return api_error(404, "No such API in the mock (or another service ID).");
    };
    let body = request.json();
    if lock(state).service_deleted && operation.path.contains("{serviceId}") {
        return api_error(404, "The service does not exist: it was deleted.");
    }
    if SIGNING_OPERATIONS.contains(operation) {
        // The first use makes the process's keys, which takes a while in
        // an unoptimised build: better before the state is locked.
        let _ = keys::shared();
    }
    let mut state = lock(state);
    let state = &mut *state;
    state.sweep();
    if let Some(reply) = authorization::respond(state, operation, &body) {
        return reply;
    }
    if let Some(reply) = tokens::respond(state, operation, &body, &request.path_and_query) {
        return reply;
    }
    if let Some(reply) = resources::respond(state, operation, &body) {
        return reply;
    }
    if let Some(reply) = discovery::respond(state, operation) {
        return reply;
    }
    if let Some(reply) = admin::respond(state, operation, &body, &request.path_and_query) {
        return reply;
    }
    if let Some(reply) = scopes::respond(state, operation, &body, &request.path_and_query) {
        return reply;
    }
    if let Some(reply) = device::respond(state, operation, &body) {
        return reply;
    }
    if let Some(reply) = ciba::respond(state, operation, &body) {
        return reply;
    }
    if let Some(reply) = records::respond(state, operation, &body, &request.path_and_query) {
        return reply;
    }
    if let Some(reply) = grants::respond(state, operation, &body) {
        return reply;
    }
    if let Some(reply) = credentials::respond(state, operation, &body) {
        return reply;
    }
    if let Some(reply) = federation::respond(state, operation, &body) {
        return reply;
    }
    // Every other operation answers with a well-formed example of its
    // success body, made from the spec (script a reply for anything else).
    example_reply(operation.id)
}

fn example_reply(operation_id: &str) -> Reply {
    match authlete_generated::catalog::example_response(operation_id) {
        Some((status, Some(json))) => Reply {
            status,
            content_type: Some("application/json".into()),
            body: json.as_bytes().to_vec(),
        },
        Some((status, None)) => Reply {
            status,
            content_type: None,
            body: Vec::new(),
        },
        None => api_error(
            501,
            &format!("The mock has no answer for {operation_id}; script a reply for it."),
        ),
    }
}
