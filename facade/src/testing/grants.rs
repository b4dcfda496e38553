//! FAPI Grant Management as Authlete runs it: an authorization request
//! with `grant_management_action=create` makes a grant when its code is
//! exchanged, and the token response names it (`grant_id`); `merge` and
//! `replace` with a `grant_id` add to or replace that grant's scopes. `/gm`
//! reads (`QUERY`) or deletes (`REVOKE`) a grant for a client holding an
//! access token with `grant_management_query` or `grant_management_revoke`;
//! deleting a grant ends the tokens issued under it.
//!
//! Decisions where Authlete's documentation is silent: a `grant_id` another
//! client holds is `invalid_grant_id` at the authorization endpoint and
//! `NOT_FOUND` at `/gm` (FAPI Grant Management §6 lets the server hide
//! that it exists); the query answer lists the grant's scopes in one
//! `scopes` entry, with empty `claims` and `authorization_details`; a
//! token without the scope is `FORBIDDEN`; `CREATE`, `MERGE` and `REPLACE`
//! at `/gm` are the caller's error (they belong to the authorization
//! request); a `merge` or `replace` that another user approved leaves that
//! user's grant alone and makes a new one. At most 4,096 grants are kept,
//! like the mock's other records; the one changed longest ago makes room.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::operations::{self as op, OperationInfo};

use super::reply::{Reply, answer, oauth_error};
use super::request::Form;
use super::state::{State, insert_bounded_by};

/// The scope a token needs to read grants.
const QUERY_SCOPE: &str = "grant_management_query";
/// The scope a token needs to delete grants.
const REVOKE_SCOPE: &str = "grant_management_revoke";

/// A grant: whose, for whom, and what it covers.
pub(super) struct GrantRecord {
    client_key: String,
    subject: String,
    scopes: Vec<String>,
    /// When it was made or last changed, on the mock's clock.
    changed_at: i64,
}

/// What an authorization request asks to do with grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum GrantAction {
    /// Make a new grant.
    Create,
    /// Add the request's scopes to this grant.
    Merge(String),
    /// Make this grant cover the request's scopes only.
    Replace(String),
}

/// The grants by ID.
pub(super) type Grants = HashMap<String, GrantRecord>;

/// The grant action `form` asks for on behalf of `client_key`, or the
/// error (`invalid_request`, `invalid_grant_id`) with its description.
pub(super) fn requested(
    state: &State,
    client_key: &str,
    form: &Form,
) -> Result<Option<GrantAction>, (&'static str, &'static str)> {
    let grant_id = form.get("grant_id");
    let known = |id: &str| {
        state
            .grants
            .get(id)
            .is_some_and(|g| g.client_key == client_key)
    };
    match (form.get("grant_management_action"), grant_id) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err((
            "invalid_request",
            "A grant_id needs a grant_management_action.",
        )),
        (Some("create"), None) => Ok(Some(GrantAction::Create)),
        (Some("create"), Some(_)) => Err((
            "invalid_request",
            "grant_management_action=create takes no grant_id.",
        )),
        (Some("merge" | "replace"), None) => Err((
            "invalid_request",
            "grant_management_action=merge and replace need a grant_id.",
        )),
        (Some(action @ ("merge" | "replace")), Some(id)) if known(id) => {
            Ok(Some(if action == "merge" {
                GrantAction::Merge(id.to_owned())
            } else {
                GrantAction::Replace(id.to_owned())
            }))
        }
        (Some("merge" | "replace"), Some(_)) => Err((
            "invalid_grant_id",
            "The grant_id is unknown or another client's.",
        )),
        (Some(_), _) => Err((
            "invalid_request",
            "The grant_management_action is not create, merge or replace.",
        )),
    }
}

/// Carries out `action` as the code is exchanged: the ID of the grant the
/// tokens now belong to.
pub(super) fn apply(
    state: &mut State,
    action: &GrantAction,
    client_key: &str,
    subject: &str,
    scopes: &[String],
) -> String {
    let same_user = |id: &String| {
        state
            .grants
            .get(id)
            .is_some_and(|g| g.subject == subject && g.client_key == client_key)
    };
    let id = match action {
        GrantAction::Merge(id) | GrantAction::Replace(id) if same_user(id) => id.clone(),
        // Another user's grant (or one gone since) is left alone.
        _ => state.new_value("grant"),
    };
    let mut covered = match (action, state.grants.remove(&id)) {
        (GrantAction::Merge(_), Some(old)) => old.scopes,
        _ => Vec::new(),
    };
    for scope in scopes {
        if !covered.contains(scope) {
            covered.push(scope.clone());
        }
    }
    let record = GrantRecord {
        client_key: client_key.to_owned(),
        subject: subject.to_owned(),
        scopes: covered,
        changed_at: state.now(),
    };
    // Full: the grant changed longest ago makes room.
    insert_bounded_by(&mut state.grants, id.clone(), record, |g| g.changed_at);
    id
}

/// The answer to `/gm`; `None` for other operations.
pub(super) fn respond(state: &mut State, operation: &OperationInfo, body: &Value) -> Option<Reply> {
    (*operation == op::grant_management::PROCESS).then(|| manage(state, body))
}

fn manage(state: &mut State, body: &Value) -> Reply {
    let action = body["gmAction"].as_str();
    let needed = match action {
        Some("QUERY") => QUERY_SCOPE,
        Some("REVOKE") => REVOKE_SCOPE,
        _ => {
            return answer(
                "CALLER_ERROR",
                None,
                "gmAction must be QUERY or REVOKE at the grant management endpoint.",
            );
        }
    };
    let token = body["accessToken"].as_str().unwrap_or_default();
    let Some(record) = state.active_access_token(token) else {
        let challenge = r#"Bearer error="invalid_token",error_description="The access token is missing, unknown or expired.""#;
        return answer(
            "UNAUTHORIZED",
            Some(challenge.to_owned()),
            "No usable access token.",
        );
    };
    if !record.scopes.iter().any(|s| s == needed) {
        let content = oauth_error(
            "insufficient_scope",
            &format!("The access token lacks the scope {needed}."),
        );
        return answer(
            "FORBIDDEN",
            Some(content.to_string()),
            "Insufficient scope.",
        );
    }
    let client_key = record.client_id.clone();
    let grant_id = body["grantId"].as_str().unwrap_or_default();
    let owned = state
        .grants
        .get(grant_id)
        .filter(|g| g.client_key == client_key);
    let Some(grant) = owned else {
        let content = oauth_error("not_found", "No such grant.");
        return answer("NOT_FOUND", Some(content.to_string()), "No such grant.");
    };
    if action == Some("QUERY") {
        let content = json!({
            "scopes": [{"scope": grant.scopes.join(" ")}],
            "claims": [],
            "authorization_details": [],
        });
        return answer("OK", Some(content.to_string()), "The grant.");
    }
    state.grants.remove(grant_id);
    state
        .tokens
        .retain(|t| t.grant_id.as_deref() != Some(grant_id));
    answer("NO_CONTENT", None, "The grant was revoked.")
}
