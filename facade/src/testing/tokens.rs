//! The token endpoint and token administration: `/auth/token` with the
//! password, client-credentials, authorization-code and refresh-token
//! grants; `/auth/token/issue` and `/fail` for password tickets;
//! `/idtoken/reissue`; and `/auth/token/create`, `/delete`, `/revoke` and
//! `/get/list` on the tokens the mock keeps.
//!
//! `/auth/token` is as strict as Authlete: a parameter given twice, a
//! client that authenticates both with HTTP Basic and with a secret in the
//! form, or whose form `client_id` is not the client Basic names, gets
//! `invalid_request` (RFC 6749 §3.2, §2.3); a scope the service does not
//! support gets `invalid_scope` (refused rather than dropped: the mock's
//! decision, since Authlete's answer depends on the service's settings).
//! Its `OK` answers, and those of `/auth/token/issue`, carry beside
//! `responseContent` the fields Authlete's do: the tokens, their expiry
//! times (milliseconds) and durations (seconds), the ID token, scopes,
//! subject, client and grant type.
//!
//! ID tokens are signed (see the `jwt` module); the code grant's carries
//! `at_hash` for the access token issued with it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::authorization::is_pkce_value;
use crate::operations::{self as op, OperationInfo};

use super::jwt::{IdTokenFor, id_token};
use super::reply::{Reply, api_error, direct, invalid_client, oauth_error};
use super::request::{AuthFailure, Authenticated, Form, authenticate};
use super::state::{
    ACCESS_TOKEN_LIFETIME, ChallengeMethod, CodeGrant, PendingTicket, REFRESH_TOKEN_LIFETIME,
    State, TICKET_LIFETIME, TokenRecord, insert_bounded,
};

/// The answer to the token operations; `None` for the others.
pub(super) fn respond(
    state: &mut State,
    operation: &OperationInfo,
    body: &Value,
    path_and_query: &str,
) -> Option<Reply> {
    Some(match *operation {
        op::tokens::PROCESS => process(state, body),
        op::tokens::ISSUE => issue(state, body),
        op::tokens::FAIL => fail(state, body),
        op::tokens::REISSUE_ID_TOKEN => reissue(state, body),
        op::tokens::CREATE => create(state, body),
        op::tokens::UPDATE => update(state, body),
        op::tokens::LIST => list(state, path_and_query),
        op::tokens::REVOKE => revoke(state, body),
        op::tokens::DELETE => {
            // The identifier is the last path segment; the mock's tokens
            // need no percent-decoding.
            let id = path_and_query.rsplit('/').next().unwrap_or_default();
            state.revoke(|r| r.access_token == id);
            Reply::no_content()
        }
        _ => return None,
    })
}

fn bad_request(error: &str, description: &str) -> Reply {
    direct("BAD_REQUEST", oauth_error(error, description))
}

fn invalid_grant(description: &str) -> Reply {
    bad_request("invalid_grant", description)
}

fn process(state: &mut State, body: &Value) -> Reply {
    let form = Form::of(body);
    if let Some(name) = form.repeated() {
        return bad_request(
            "invalid_request",
            &format!("The parameter {name} is given more than once."),
        );
    }
    let client = match authenticate(state, body, &form) {
        Ok(client) => client,
        Err(AuthFailure::InvalidClient) => return invalid_client("INVALID_CLIENT"),
        Err(AuthFailure::InvalidRequest(description)) => {
            return bad_request("invalid_request", description);
        }
    };
    let public = state
        .clients
        .get(&client.key)
        .is_some_and(|c| c.secret.is_none());
    match form.get("grant_type") {
        Some("password") => password(state, &client, &form),
        Some("client_credentials") if public => bad_request(
            "unauthorized_client",
            "A public client cannot use the client credentials grant.",
        ),
        Some("client_credentials") => {
            let scopes = requestable(state, &client.key, split_scope(form.get("scope")));
            if let Some(refusal) = unsupported(state, &scopes) {
                return refusal;
            }
            let grant = Grant {
                client_id: client.key.clone(),
                subject: None,
                scopes,
                grant_type: "CLIENT_CREDENTIALS",
                auth_time: None,
                acr: None,
                userinfo_claims: None,
            };
            let issued = mint(state, grant, false);
            Reply::json(200, endpoint_answer(state, &issued, &client, None, None))
        }
        Some("authorization_code") => code_grant(state, &client, &form),
        Some("refresh_token") => refresh_grant(state, &client, &form),
        Some(DEVICE_CODE_GRANT) => {
            let polled = super::device::poll(state, &client, form.get("device_code"));
            approved(state, &client, polled, "DEVICE_CODE")
        }
        Some(CIBA_GRANT) => {
            let polled = super::ciba::poll(state, &client, form.get("auth_req_id"));
            approved(state, &client, polled, "CIBA")
        }
        Some(_) => bad_request("unsupported_grant_type", "The grant_type is not supported."),
        None => bad_request("invalid_request", "The request has no grant_type."),
    }
}

/// RFC 8628's grant type for a device's polls.
const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// CIBA's grant type for a client's polls (CIBA Core §10.1).
const CIBA_GRANT: &str = "urn:openid:params:grant-type:ciba";

/// Tokens for what a user approved out of band (device flow, CIBA), or the
/// OAuth error the poll heard.
fn approved(
    state: &mut State,
    client: &Authenticated,
    polled: Result<super::device::Approval, (&'static str, &'static str)>,
    grant_type: &'static str,
) -> Reply {
    let approval = match polled {
        Ok(approval) => approval,
        Err((error, description)) => return bad_request(error, description),
    };
    match mint_approved(state, &client.key, approval, grant_type, None) {
        Ok((issued, id_token)) => Reply::json(
            200,
            endpoint_answer(state, &issued, client, id_token.as_deref(), None),
        ),
        Err(reply) => reply,
    }
}

/// Tokens, and an ID token when `openid` was approved, for what a user
/// approved out of band; `claims` go into the ID token.
fn mint_approved(
    state: &mut State,
    client_key: &str,
    approval: super::device::Approval,
    grant_type: &'static str,
    claims: Option<&Value>,
) -> Result<(Issued, Option<String>), Reply> {
    let openid = approval.scopes.iter().any(|s| s == "openid");
    let (issued_auth_time, issued_acr) = (approval.auth_time, approval.acr.clone());
    let grant = Grant {
        client_id: client_key.to_owned(),
        subject: Some(approval.subject),
        scopes: approval.scopes,
        grant_type,
        auth_time: approval.auth_time,
        acr: approval.acr,
        userinfo_claims: None,
    };
    let issued = mint(state, grant, true);
    if !openid {
        return Ok((issued, None));
    }
    let id_token = id_token(
        state,
        &IdTokenFor {
            client_id: &issued.client_key,
            subject: issued.subject.as_deref().unwrap_or_default(),
            nonce: None,
            auth_time: issued_auth_time,
            acr: issued_acr.as_deref(),
            claims,
            access_token: Some(&issued.access_token),
            code: None,
        },
    )?;
    Ok((issued, Some(id_token)))
}

/// What `/backchannel/authentication/complete` tells a push client's
/// server to deliver once the user approved `auth_req_id` (CIBA Core
/// §10.3.1): the token response with `auth_req_id`, the ID token naming
/// the request in `urn:openid:params:jwt:claim:auth_req_id`, and the
/// fields the answer reports the tokens in.
pub(super) fn pushed(
    state: &mut State,
    client_key: &str,
    auth_req_id: &str,
    approval: super::device::Approval,
) -> Result<Value, Reply> {
    let claims = json!({ "urn:openid:params:jwt:claim:auth_req_id": auth_req_id });
    let (issued, id_token) = mint_approved(state, client_key, approval, "CIBA", Some(&claims))?;
    let mut content = content(&issued, id_token.as_deref(), None);
    content["auth_req_id"] = json!(auth_req_id);
    let mut fields = json!({
        "responseContent": content.to_string(),
        "accessToken": issued.access_token,
        "accessTokenDuration": ACCESS_TOKEN_LIFETIME,
    });
    if let Some(refresh_token) = &issued.refresh_token {
        fields["refreshToken"] = json!(refresh_token);
    }
    if let Some(id_token) = id_token {
        fields["idToken"] = json!(id_token);
    }
    Ok(fields)
}

/// `invalid_scope` for the first scope the service does not support.
fn unsupported(state: &State, scopes: &[String]) -> Option<Reply> {
    state.unsupported_scope(scopes).map(|scope| {
        bad_request(
            "invalid_scope",
            &format!("The service does not support the scope {scope}."),
        )
    })
}

fn password(state: &mut State, client: &Authenticated, form: &Form) -> Reply {
    let (Some(username), Some(password)) = (form.get("username"), form.get("password")) else {
        return bad_request(
            "invalid_request",
            "The password grant needs a username and a password.",
        );
    };
    let scopes = requestable(state, &client.key, split_scope(form.get("scope")));
    if let Some(refusal) = unsupported(state, &scopes) {
        return refusal;
    }
    let ticket = state.new_value("ticket");
    let expires_at = state.now() + TICKET_LIFETIME;
    let mut answer = state.client_identity(&client.key);
    answer["action"] = json!("PASSWORD");
    answer["ticket"] = json!(ticket);
    answer["username"] = json!(username);
    answer["password"] = json!(password);
    answer["clientIdAliasUsed"] = json!(client.alias_used);
    answer["clientAuthMethod"] = json!(client.method);
    answer["grantType"] = json!("PASSWORD");
    answer["scopes"] = json!(scopes);
    insert_bounded(
        &mut state.tickets,
        ticket,
        PendingTicket {
            client_id: client.key.clone(),
            alias_used: client.alias_used,
            scopes,
            expires_at,
        },
    );
    Reply::json(200, answer)
}

/// `scopes` without those the client `key` may not request.
pub(super) fn requestable(state: &State, key: &str, scopes: Vec<String>) -> Vec<String> {
    match state.clients.get(key) {
        Some(client) => client.requestable(scopes),
        None => scopes,
    }
}

pub(super) fn split_scope(scope: Option<&str>) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::new();
    for scope in scope.unwrap_or_default().split(' ') {
        if !scope.is_empty() && !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_owned());
        }
    }
    scopes
}

/// What a new token record is made of.
struct Grant {
    client_id: String,
    subject: Option<String>,
    scopes: Vec<String>,
    grant_type: &'static str,
    auth_time: Option<i64>,
    acr: Option<String>,
    userinfo_claims: Option<serde_json::Map<String, Value>>,
}

/// Issues an access token (and a refresh token if asked) for `grant`, keeps
/// them, and gives a copy of what was kept.
fn mint(state: &mut State, grant: Grant, with_refresh: bool) -> Issued {
    let now = state.now();
    let access_token = state.new_value("at");
    let refresh_token = with_refresh.then(|| state.new_value("rt"));
    let record = TokenRecord {
        access_token,
        refresh_token,
        client_id: grant.client_id,
        subject: grant.subject,
        refresh_scopes: grant.scopes.clone(),
        scopes: grant.scopes,
        grant_type: grant.grant_type,
        issued_at: now,
        access_expires_at: now + ACCESS_TOKEN_LIFETIME,
        refresh_expires_at: now + REFRESH_TOKEN_LIFETIME,
        auth_time: grant.auth_time,
        acr: grant.acr,
        userinfo_claims: grant.userinfo_claims,
        grant_id: None,
    };
    let issued = Issued::of(&record);
    state.keep_token(record);
    issued
}

/// A copy of a token record's public side, for building answers.
struct Issued {
    access_token: String,
    refresh_token: Option<String>,
    client_key: String,
    subject: Option<String>,
    scopes: Vec<String>,
    refresh_scopes: Vec<String>,
    grant_type: &'static str,
    access_expires_at: i64,
    refresh_expires_at: i64,
}

impl Issued {
    fn of(record: &TokenRecord) -> Issued {
        Issued {
            access_token: record.access_token.clone(),
            refresh_token: record.refresh_token.clone(),
            client_key: record.client_id.clone(),
            subject: record.subject.clone(),
            scopes: record.scopes.clone(),
            refresh_scopes: record.refresh_scopes.clone(),
            grant_type: record.grant_type,
            access_expires_at: record.access_expires_at,
            refresh_expires_at: record.refresh_expires_at,
        }
    }
}

/// The token endpoint's JSON for the client (RFC 6749 §5.1), with the
/// grant's ID when the request created or updated one (Grant Management
/// §5.4).
fn content(issued: &Issued, id_token: Option<&str>, grant_id: Option<&str>) -> Value {
    let mut content = json!({
        "access_token": issued.access_token,
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_LIFETIME,
    });
    if let Some(refresh_token) = &issued.refresh_token {
        content["refresh_token"] = json!(refresh_token);
    }
    if !issued.scopes.is_empty() {
        content["scope"] = json!(issued.scopes.join(" "));
    }
    if let Some(id_token) = id_token {
        content["id_token"] = json!(id_token);
    }
    if let Some(grant_id) = grant_id {
        content["grant_id"] = json!(grant_id);
    }
    content
}

/// The fields `/auth/token` and `/auth/token/issue` share when they issue
/// tokens; times in milliseconds and durations in seconds, as Authlete
/// gives them.
fn issued_fields(state: &State, issued: &Issued, alias_used: bool) -> Value {
    let mut fields = state.client_identity(&issued.client_key);
    fields["action"] = json!("OK");
    fields["responseContent"] = json!(content(issued, None, None).to_string());
    fields["accessToken"] = json!(issued.access_token);
    fields["accessTokenExpiresAt"] = json!(issued.access_expires_at * 1000);
    fields["accessTokenDuration"] = json!(ACCESS_TOKEN_LIFETIME);
    fields["clientIdAliasUsed"] = json!(alias_used);
    fields["scopes"] = json!(issued.scopes);
    if let Some(subject) = &issued.subject {
        fields["subject"] = json!(subject);
    }
    if let Some(refresh_token) = &issued.refresh_token {
        fields["refreshToken"] = json!(refresh_token);
        fields["refreshTokenExpiresAt"] = json!(issued.refresh_expires_at * 1000);
        fields["refreshTokenDuration"] = json!(REFRESH_TOKEN_LIFETIME);
        fields["refreshTokenScopes"] = json!(issued.refresh_scopes);
    }
    fields
}

/// `/auth/token`'s `OK`: the shared fields, plus the grant type, how the
/// client authenticated, and the ID token and grant ID if there are any.
fn endpoint_answer(
    state: &State,
    issued: &Issued,
    client: &Authenticated,
    id_token: Option<&str>,
    grant_id: Option<&str>,
) -> Value {
    let mut answer = issued_fields(state, issued, client.alias_used);
    answer["responseContent"] = json!(content(issued, id_token, grant_id).to_string());
    answer["grantType"] = json!(issued.grant_type);
    answer["clientAuthMethod"] = json!(client.method);
    if let Some(id_token) = id_token {
        answer["idToken"] = json!(id_token);
    }
    if let Some(grant_id) = grant_id {
        answer["grantId"] = json!(grant_id);
    }
    answer
}

fn code_grant(state: &mut State, client: &Authenticated, form: &Form) -> Reply {
    let Some(code) = form.get("code") else {
        return bad_request("invalid_request", "The request has no code.");
    };
    // A code is spent by the first request of its own client that presents
    // it, whether that request then succeeds or not (RFC 6749 §4.1.2: a
    // code is used once). Another client's attempt leaves it alone.
    let owned = state
        .codes
        .get(code)
        .is_some_and(|g| g.request.client_id == client.key);
    let now = state.now();
    let Some(grant) = owned
        .then(|| state.codes.remove(code))
        .flatten()
        .filter(|g| g.expires_at > now)
    else {
        return invalid_grant(
            "The authorization code is unknown, used, expired or another client's.",
        );
    };
    match form.get("redirect_uri") {
        Some(uri) if uri != grant.request.redirect_uri => {
            return invalid_grant("The redirect_uri differs from the authorization request's.");
        }
        None if grant.request.redirect_uri_given => {
            return invalid_grant(
                "The authorization request had a redirect_uri; this one has none.",
            );
        }
        _ => {}
    }
    if let Err(description) = check_verifier(&grant, form.get("code_verifier")) {
        return invalid_grant(description);
    }
    let issued = mint(
        state,
        Grant {
            client_id: client.key.clone(),
            subject: Some(grant.subject.clone()),
            scopes: grant.request.scopes.clone(),
            grant_type: "AUTHORIZATION_CODE",
            auth_time: grant.auth_time,
            acr: grant.acr.clone(),
            userinfo_claims: grant.request.userinfo_claims.clone(),
        },
        true,
    );
    let openid = grant.request.scopes.iter().any(|s| s == "openid");
    let id_token = if openid {
        let made = id_token(
            state,
            &IdTokenFor {
                client_id: &client.key,
                subject: &grant.subject,
                nonce: grant.request.nonce.as_deref(),
                auth_time: grant.auth_time.filter(|_| grant.request.auth_time_asked),
                acr: grant.acr.as_deref(),
                claims: grant.claims.as_ref(),
                access_token: Some(&issued.access_token),
                code: None,
            },
        );
        match made {
            Ok(id_token) => Some(id_token),
            Err(reply) => return reply,
        }
    } else {
        None
    };
    let grant_id = grant.request.grant.as_ref().map(|action| {
        let grant_id = super::grants::apply(
            state,
            action,
            &client.key,
            &grant.subject,
            &grant.request.scopes,
        );
        if let Some(record) = state
            .tokens
            .iter_mut()
            .find(|r| r.access_token == issued.access_token)
        {
            record.grant_id = Some(grant_id.clone());
        }
        grant_id
    });
    Reply::json(
        200,
        endpoint_answer(
            state,
            &issued,
            client,
            id_token.as_deref(),
            grant_id.as_deref(),
        ),
    )
}

/// Checks the PKCE verifier against the code's challenge (RFC 7636 §4.6).
fn check_verifier(grant: &CodeGrant, verifier: Option<&str>) -> Result<(), &'static str> {
    match (&grant.request.challenge, verifier) {
        (None, None) => Ok(()),
        // A verifier for a code without a challenge is a downgrade attempt.
        (None, Some(_)) => Err("The authorization request had no code_challenge."),
        (Some(_), None) => Err("The request has no code_verifier."),
        (Some(_), Some(verifier)) if !is_pkce_value(verifier) => {
            Err("The code_verifier is malformed.")
        }
        (Some((challenge, method)), Some(verifier)) => {
            let derived = match method {
                ChallengeMethod::S256 => {
                    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
                }
                ChallengeMethod::Plain => verifier.to_owned(),
            };
            if &derived == challenge {
                Ok(())
            } else {
                Err("The code_verifier does not match the code_challenge.")
            }
        }
    }
}

fn refresh_grant(state: &mut State, client: &Authenticated, form: &Form) -> Reply {
    let Some(token) = form.get("refresh_token") else {
        return bad_request("invalid_request", "The request has no refresh_token.");
    };
    let now = state.now();
    let Some(index) = state.tokens.iter().position(|r| {
        r.refresh_token.as_deref() == Some(token)
            && r.refresh_expires_at > now
            && r.client_id == client.key
    }) else {
        return invalid_grant(
            "The refresh token is unknown, revoked, expired or another client's.",
        );
    };
    let granted = state.tokens[index].refresh_scopes.clone();
    let scopes = match form.get("scope") {
        None => granted,
        Some(asked) => {
            let asked = split_scope(Some(asked));
            if !asked.iter().all(|s| granted.contains(s)) {
                return bad_request("invalid_scope", "The scope exceeds what was granted.");
            }
            asked
        }
    };
    // Rotation: the old refresh token and its access token stop working.
    let access_token = state.new_value("at");
    let refresh_token = state.new_value("rt");
    let record = &mut state.tokens[index];
    record.access_token = access_token;
    record.refresh_token = Some(refresh_token);
    record.scopes = scopes;
    record.issued_at = now;
    record.access_expires_at = now + ACCESS_TOKEN_LIFETIME;
    record.refresh_expires_at = now + REFRESH_TOKEN_LIFETIME;
    let mut issued = Issued::of(&state.tokens[index]);
    // The record keeps the grant's type; this answer is a refresh's.
    issued.grant_type = "REFRESH_TOKEN";
    Reply::json(200, endpoint_answer(state, &issued, client, None, None))
}

/// The open password ticket that `body` names, which this spends.
fn take_ticket(state: &mut State, body: &Value) -> Option<PendingTicket> {
    let now = state.now();
    state
        .tickets
        .remove(body["ticket"].as_str()?)
        .filter(|t| t.expires_at > now)
}

fn issue(state: &mut State, body: &Value) -> Reply {
    let Some(pending) = take_ticket(state, body) else {
        return api_error(400, "The ticket is unknown, expired or already used.");
    };
    let alias_used = pending.alias_used;
    let grant = Grant {
        client_id: pending.client_id,
        subject: body["subject"].as_str().map(str::to_owned),
        scopes: pending.scopes,
        grant_type: "PASSWORD",
        auth_time: None,
        acr: None,
        userinfo_claims: None,
    };
    let issued = mint(state, grant, true);
    Reply::json(200, issued_fields(state, &issued, alias_used))
}

fn fail(state: &mut State, body: &Value) -> Reply {
    if take_ticket(state, body).is_none() {
        return api_error(400, "The ticket is unknown, expired or already used.");
    }
    match body["reason"].as_str() {
        // Authlete's documented answer for wrong resource owner credentials.
        Some("INVALID_RESOURCE_OWNER_CREDENTIALS") => {
            let message = "[A067301] The resource owner's credentials are not valid.";
            Reply::json(
                200,
                json!({
                    "resultCode": "A067301",
                    "resultMessage": message,
                    "action": "BAD_REQUEST",
                    "responseContent": json!({"error": "invalid_request", "error_description": message}).to_string(),
                }),
            )
        }
        Some("INVALID_TARGET") => direct("BAD_REQUEST", json!({"error": "invalid_target"})),
        _ => direct("INTERNAL_SERVER_ERROR", json!({"error": "server_error"})),
    }
}

/// `/idtoken/reissue`: a new ID token for the grant behind a refresh that
/// has just happened (the access and refresh tokens it gave).
fn reissue(state: &State, body: &Value) -> Reply {
    let caller_error = |message: &str| {
        Reply::json(
            200,
            json!({
                "action": "CALLER_ERROR",
                "resultCode": "A001201",
                "resultMessage": format!("[A001201] {message}"),
            }),
        )
    };
    let (Some(access), Some(refresh)) =
        (body["accessToken"].as_str(), body["refreshToken"].as_str())
    else {
        return caller_error("The request needs accessToken and refreshToken.");
    };
    let Some(record) = state
        .active_access_token(access)
        .filter(|r| r.refresh_token.as_deref() == Some(refresh))
    else {
        return caller_error("The tokens are unknown, expired or of different grants.");
    };
    let Some(subject) = body["sub"].as_str().or(record.subject.as_deref()) else {
        return caller_error("The grant has no end-user.");
    };
    let claims = body["claims"]
        .as_str()
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
        .filter(Value::is_object);
    let issued = Issued::of(record);
    let made = id_token(
        state,
        &IdTokenFor {
            client_id: &record.client_id,
            subject,
            nonce: None,
            auth_time: None,
            acr: record.acr.as_deref(),
            claims: claims.as_ref(),
            access_token: Some(access),
            code: None,
        },
    );
    let id_token = match made {
        Ok(id_token) => id_token,
        Err(reply) => return reply,
    };
    Reply::json(
        200,
        json!({
            "action": "OK",
            "idToken": id_token,
            "responseContent": content(&issued, Some(&id_token), None).to_string(),
        }),
    )
}

/// `/auth/token/create`: a token the authorization server mints directly.
fn create(state: &mut State, body: &Value) -> Reply {
    // `clientId` (the number) or `clientIdentifier` (number or alias).
    let named = body["clientId"]
        .as_i64()
        .filter(|n| *n != 0)
        .map(|n| n.to_string())
        .or_else(|| body["clientIdentifier"].as_str().map(str::to_owned));
    let Some(client_id) = named
        .as_deref()
        .and_then(|id| state.client(id))
        .map(|(key, _)| key.to_owned())
    else {
        // Authlete refuses a token for a client it does not know.
        return Reply::json(
            200,
            json!({
                "action": "BAD_REQUEST",
                "resultCode": "A109201",
                "resultMessage": format!(
                    "[A109201] No client {} in this service.",
                    named.as_deref().unwrap_or("(none given)")
                ),
            }),
        );
    };
    let grant_type = match body["grantType"].as_str() {
        Some("AUTHORIZATION_CODE") => "AUTHORIZATION_CODE",
        Some("PASSWORD") => "PASSWORD",
        Some("REFRESH_TOKEN") => "REFRESH_TOKEN",
        Some("IMPLICIT") => "IMPLICIT",
        _ => "CLIENT_CREDENTIALS",
    };
    let scopes: Vec<String> = body["scopes"]
        .as_array()
        .map(|s| {
            s.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let subject = body["subject"].as_str().map(str::to_owned);
    // Only grants with an end-user get a refresh token.
    let with_refresh = subject.is_some() && grant_type != "CLIENT_CREDENTIALS";
    let grant = Grant {
        client_id,
        subject,
        scopes,
        grant_type,
        auth_time: body["authTime"].as_i64().filter(|t| *t > 0),
        acr: body["acr"].as_str().map(str::to_owned),
        userinfo_claims: None,
    };
    let issued = mint(state, grant, with_refresh);
    let mut answer = json!({
        "action": "OK",
        "accessToken": issued.access_token,
        "tokenType": "Bearer",
        "expiresIn": ACCESS_TOKEN_LIFETIME,
        "expiresAt": issued.access_expires_at * 1000,
        "grantType": grant_type,
        "scopes": issued.scopes,
    });
    if let Some(number) = state.clients.get(&issued.client_key).map(|c| c.number) {
        answer["clientId"] = json!(number);
    }
    if let Some(subject) = &issued.subject {
        answer["subject"] = json!(subject);
    }
    if let Some(refresh_token) = &issued.refresh_token {
        answer["refreshToken"] = json!(refresh_token);
        answer["refreshTokenScopes"] = json!(issued.refresh_scopes);
    }
    Reply::json(200, answer)
}

/// `/auth/token/update`: new scopes or a new expiry for a live access
/// token, which introspection and the token list then show. An unknown or
/// expired token is `NOT_FOUND`, as Authlete answers it. Of the other
/// settings (`properties`, `authorizationDetails`, ...) the mock keeps none.
fn update(state: &mut State, body: &Value) -> Reply {
    let Some(token) = body["accessToken"].as_str().filter(|t| !t.is_empty()) else {
        return Reply::json(
            200,
            json!({
                "action": "BAD_REQUEST",
                "resultMessage": "The request has no accessToken.",
            }),
        );
    };
    let now = state.now();
    let Some(record) = state
        .tokens
        .iter_mut()
        .find(|r| r.access_token == token && r.access_expires_at > now)
    else {
        return Reply::json(
            200,
            json!({
                "action": "NOT_FOUND",
                "resultMessage": "The access token does not exist or has expired.",
            }),
        );
    };
    if let Some(scopes) = body["scopes"].as_array() {
        record.scopes = scopes
            .iter()
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect();
    }
    // Milliseconds on the wire, seconds in the mock's records.
    if let Some(at) = body["accessTokenExpiresAt"].as_i64().filter(|at| *at > 0) {
        record.access_expires_at = at / 1000;
    }
    Reply::json(
        200,
        json!({
            "action": "OK",
            "accessToken": record.access_token,
            "accessTokenExpiresAt": record.access_expires_at * 1000,
            "scopes": record.scopes,
            "tokenType": "Bearer",
        }),
    )
}

/// `/auth/token/get/list`: the tokens of a client or a user (or all), as
/// Authlete lists them: hashes, never the tokens.
fn list(state: &State, path_and_query: &str) -> Reply {
    let query = super::request::query_pairs(path_and_query);
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    };
    let client = param("clientIdentifier").map(|id| {
        state
            .client(id)
            .map_or_else(|| id.to_owned(), |(key, _)| key.to_owned())
    });
    let subject = param("subject");
    let hash = |token: &str| URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()));
    let tokens: Vec<Value> = state
        .tokens
        .iter()
        .filter(|r| client.as_ref().is_none_or(|c| &r.client_id == c))
        .filter(|r| subject.is_none_or(|s| r.subject.as_deref() == Some(s)))
        .map(|r| {
            let mut token = json!({
                "accessTokenHash": hash(&r.access_token),
                "accessTokenExpiresAt": r.access_expires_at * 1000,
                "createdAt": r.issued_at * 1000,
                "grantType": r.grant_type,
                "scopes": r.scopes,
            });
            if let Some(number) = state.clients.get(&r.client_id).map(|c| c.number) {
                token["clientId"] = json!(number);
            }
            if let Some(subject) = &r.subject {
                token["subject"] = json!(subject);
            }
            if let Some(refresh) = &r.refresh_token {
                token["refreshTokenHash"] = json!(hash(refresh));
                token["refreshTokenExpiresAt"] = json!(r.refresh_expires_at * 1000);
                token["refreshTokenScopes"] = json!(r.refresh_scopes);
            }
            token
        })
        .collect();
    let total = tokens.len();
    let mut answer = json!({
        "start": 0,
        "end": total,
        "totalCount": total,
        "accessTokens": tokens,
    });
    if let Some(subject) = subject {
        answer["subject"] = json!(subject);
    }
    Reply::json(200, answer)
}

/// `/auth/token/revoke`: one token, or every token of a client, a user, or
/// a user at a client; answers how many.
fn revoke(state: &mut State, body: &Value) -> Reply {
    let field = |name: &str| body[name].as_str().filter(|s| !s.is_empty());
    let count = if let Some(token) = field("accessTokenIdentifier") {
        state.revoke(|r| r.access_token == token)
    } else if let Some(token) = field("refreshTokenIdentifier") {
        state.revoke(|r| r.refresh_token.as_deref() == Some(token))
    } else if field("clientIdentifier").is_some() || field("subject").is_some() {
        let client = field("clientIdentifier").map(|id| {
            state
                .client(id)
                .map_or_else(|| id.to_owned(), |(key, _)| key.to_owned())
        });
        let subject = field("subject");
        state.revoke(|r| {
            client.as_ref().is_none_or(|c| &r.client_id == c)
                && subject.is_none_or(|s| r.subject.as_deref() == Some(s))
        })
    } else {
        0
    };
    Reply::json(200, json!({ "count": count }))
}
