//! What resource servers and clients ask about tokens: `/auth/introspection`
//! (a protected resource validating an access token), the standard
//! introspection endpoint (RFC 7662), revocation (RFC 7009), and the
//! UserInfo endpoint's `/auth/userinfo` and `/auth/userinfo/issue`.
//!
//! The errors of `/auth/introspection` and `/auth/userinfo*` carry, as
//! Authlete's do, a `WWW-Authenticate` value in `responseContent`.
//!
//! `/auth/userinfo` lists in `claims` what UserInfo should return: the
//! claims the token's scopes stand for (OpenID Connect Core §5.4) and those
//! the authorization request's `claims` parameter asked UserInfo for
//! (§5.5), which the grant kept. `/auth/userinfo/issue` answers the claims
//! it is given plus `sub`, as JSON, or as a signed JWT (with `iss` and
//! `aud`) for a client that registered `userinfo_signed_response_alg`.

use serde_json::{Map, Value, json};

use crate::operations::{self as op, OperationInfo};

use super::jwt;
use super::reply::{Reply, direct, invalid_client, oauth_error};
use super::request::{AuthFailure, Form, authenticate};
use super::state::{State, TokenRecord, claim_names};

/// The answer to these operations; `None` for the others.
pub(super) fn respond(state: &mut State, operation: &OperationInfo, body: &Value) -> Option<Reply> {
    Some(match *operation {
        op::introspection::PROCESS => introspect(state, body),
        op::introspection::STANDARD => standard(state, body),
        op::revocation::PROCESS => revoke(state, body),
        op::userinfo::PROCESS => userinfo(state, body),
        op::userinfo::ISSUE => userinfo_issue(state, body),
        _ => return None,
    })
}

/// A `Bearer` challenge (RFC 6750 §3).
fn challenge(error: &str, description: &str, scope: Option<&str>) -> String {
    let mut value = format!(r#"Bearer error="{error}",error_description="{description}""#);
    if let Some(scope) = scope {
        value.push_str(&format!(r#",scope="{scope}""#));
    }
    value
}

/// An answer whose `responseContent` is a challenge.
fn challenged(action: &str, error: &str, description: &str, scope: Option<&str>) -> Reply {
    Reply::json(
        200,
        json!({"action": action, "responseContent": challenge(error, description, scope)}),
    )
}

/// The record of the access token in `body`, if it is active; else
/// Authlete's refusal, with its challenge.
fn usable<'s>(state: &'s State, body: &Value) -> Result<&'s TokenRecord, Reply> {
    let Some(token) = body["token"].as_str().filter(|t| !t.is_empty()) else {
        return Err(challenged(
            "BAD_REQUEST",
            "invalid_request",
            "The request has no access token.",
            None,
        ));
    };
    if let Some(record) = state.active_access_token(token) {
        return Ok(record);
    }
    let description = if state.tokens.iter().any(|r| r.access_token == token) {
        "The access token has expired."
    } else {
        "The access token does not exist."
    };
    Err(challenged(
        "UNAUTHORIZED",
        "invalid_token",
        description,
        None,
    ))
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The client fields Authlete adds to answers about a token.
fn client_fields(state: &State, record: &TokenRecord, answer: &mut Value) {
    if let Value::Object(identity) = state.client_identity(&record.client_id) {
        for (name, value) in identity {
            answer[name] = value;
        }
    }
    if let Some(subject) = &record.subject {
        answer["subject"] = json!(subject);
    }
    answer["scopes"] = json!(record.scopes);
}

fn introspect(state: &State, body: &Value) -> Reply {
    let record = match usable(state, body) {
        Ok(record) => record,
        Err(refusal) => return refusal,
    };
    let required = strings(&body["scopes"]);
    let missing = required
        .iter()
        .any(|scope| !record.scopes.iter().any(|s| s == scope));
    if missing {
        return challenged(
            "FORBIDDEN",
            "insufficient_scope",
            "The access token does not cover the required scopes.",
            Some(&required.join(" ")),
        );
    }
    if let Some(subject) = body["subject"].as_str()
        && record.subject.as_deref() != Some(subject)
    {
        return challenged(
            "FORBIDDEN",
            "insufficient_scope",
            "The access token was not issued for the required subject.",
            None,
        );
    }
    let mut answer = json!({
        "action": "OK",
        // Authlete's spare value, for a 400 the resource server makes itself.
        "responseContent": r#"Bearer error="invalid_request""#,
        "existent": true,
        "usable": true,
        "sufficient": true,
        "refreshable": record.refresh_token.is_some(),
        "expiresAt": record.access_expires_at * 1000,
        "grantType": record.grant_type,
    });
    client_fields(state, record, &mut answer);
    if let Some(auth_time) = record.auth_time {
        answer["authTime"] = json!(auth_time);
    }
    if let Some(acr) = &record.acr {
        answer["acr"] = json!(acr);
    }
    Reply::json(200, answer)
}

fn standard(state: &State, body: &Value) -> Reply {
    let form = Form::of(body);
    let Some(token) = form.get("token") else {
        return direct(
            "BAD_REQUEST",
            oauth_error("invalid_request", "The request has no token."),
        );
    };
    let refresh_first = form.get("token_type_hint") == Some("refresh_token");
    let as_access = || {
        state.active_access_token(token).map(|r| {
            (r, json!({"token_type": "Bearer", "scope": r.scopes.join(" "), "exp": r.access_expires_at}))
        })
    };
    let as_refresh = || {
        state.active_refresh_token(token).map(|r| {
            (
                r,
                json!({"scope": r.refresh_scopes.join(" "), "exp": r.refresh_expires_at}),
            )
        })
    };
    let found = if refresh_first {
        as_refresh().or_else(as_access)
    } else {
        as_access().or_else(as_refresh)
    };
    let content = match found {
        Some((record, mut content)) => {
            content["active"] = json!(true);
            content["client_id"] = json!(record.client_id);
            content["iat"] = json!(record.issued_at);
            content["iss"] = json!(state.issuer());
            if let Some(subject) = &record.subject {
                content["sub"] = json!(subject);
            }
            content
        }
        None => json!({"active": false}),
    };
    direct("OK", content)
}

fn revoke(state: &mut State, body: &Value) -> Reply {
    let form = Form::of(body);
    if let Some(name) = form.repeated() {
        return direct(
            "BAD_REQUEST",
            oauth_error(
                "invalid_request",
                &format!("The parameter {name} is given more than once."),
            ),
        );
    }
    let client = match authenticate(state, body, &form) {
        Ok(client) => client.key,
        Err(AuthFailure::InvalidClient) => return invalid_client("INVALID_CLIENT"),
        Err(AuthFailure::InvalidRequest(description)) => {
            return direct("BAD_REQUEST", oauth_error("invalid_request", description));
        }
    };
    let Some(token) = form.get("token") else {
        return direct(
            "BAD_REQUEST",
            oauth_error("invalid_request", "The request has no token."),
        );
    };
    let matches =
        |r: &TokenRecord| r.access_token == token || r.refresh_token.as_deref() == Some(token);
    if state
        .tokens
        .iter()
        .any(|r| matches(r) && r.client_id != client)
    {
        return direct(
            "BAD_REQUEST",
            oauth_error("invalid_request", "The token was not issued to the client."),
        );
    }
    // An unknown token is no error (RFC 7009 §2.2); the answer has no content.
    state.revoke(matches);
    Reply::json(200, json!({"action": "OK"}))
}

/// The record behind a UserInfo request, or the refusal Authlete gives.
fn userinfo_token<'s>(state: &'s State, body: &Value) -> Result<&'s TokenRecord, Reply> {
    let record = usable(state, body)?;
    if record.subject.is_none() {
        return Err(challenged(
            "UNAUTHORIZED",
            "invalid_token",
            "The access token has no end-user.",
            None,
        ));
    }
    if !record.scopes.iter().any(|s| s == "openid") {
        return Err(challenged(
            "FORBIDDEN",
            "insufficient_scope",
            "The access token does not cover the openid scope.",
            Some("openid"),
        ));
    }
    Ok(record)
}

fn userinfo(state: &State, body: &Value) -> Reply {
    let record = match userinfo_token(state, body) {
        Ok(record) => record,
        Err(refusal) => return refusal,
    };
    let mut answer = json!({"action": "OK", "token": record.access_token});
    client_fields(state, record, &mut answer);
    let claims = claim_names(&record.scopes, record.userinfo_claims.as_ref());
    if !claims.is_empty() {
        answer["claims"] = json!(claims);
    }
    if let Some(requested) = &record.userinfo_claims {
        answer["userInfoClaims"] = json!(Value::Object(requested.clone()).to_string());
    }
    Reply::json(200, answer)
}

fn userinfo_issue(state: &State, body: &Value) -> Reply {
    let record = match userinfo_token(state, body) {
        Ok(record) => record,
        Err(refusal) => return refusal,
    };
    let mut claims = match body["claims"].as_str() {
        None => Map::new(),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(claims)) => claims,
            _ => {
                return challenged(
                    "INTERNAL_SERVER_ERROR",
                    "server_error",
                    "The claims are not a JSON object.",
                    None,
                );
            }
        },
    };
    // `sub` is the token's end-user unless the caller gives a pairwise one.
    claims.insert(
        "sub".into(),
        json!(body["sub"].as_str().or(record.subject.as_deref())),
    );
    let signed = state
        .clients
        .get(&record.client_id)
        .and_then(|c| c.userinfo_alg);
    match signed {
        None => Reply::json(
            200,
            json!({"action": "JSON", "responseContent": Value::Object(claims).to_string()}),
        ),
        Some(alg) => match jwt::userinfo(state, alg, &record.client_id, claims) {
            Ok(jwt) => Reply::json(200, json!({"action": "JWT", "responseContent": jwt})),
            Err(reply) => reply,
        },
    }
}
