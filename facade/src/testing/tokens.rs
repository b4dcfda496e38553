//! The token endpoint and token administration: `/auth/token` with the
//! password, client-credentials, authorization-code and refresh-token
//! grants; `/auth/token/issue` and `/fail` for password tickets; and
//! `/auth/token/create`, `/delete`, `/revoke` and `/get/list` on the tokens
//! the mock keeps.
//!
//! ID tokens are unsecured JWTs (`"alg":"none"`, empty signature): the mock
//! signs nothing, so a test can read their claims but must not verify them.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::authorization::is_pkce_value;
use super::behaviour::{Form, Reply, api_error, authenticate, direct, invalid_client, oauth_error};
use super::state::{
    ACCESS_TOKEN_LIFETIME, ChallengeMethod, CodeGrant, PendingTicket, REFRESH_TOKEN_LIFETIME,
    State, TokenRecord,
};

/// The answer to the token operations; `None` for the others.
pub(super) fn respond(
    state: &mut State,
    operation: &str,
    body: &Value,
    path_and_query: &str,
) -> Option<Reply> {
    Some(match operation {
        "auth_token_api" => process(state, body),
        "auth_token_issue_api" => issue(state, body),
        "auth_token_fail_api" => fail(state, body),
        "idtoken_reissue_api" => Reply::json(
            200,
            json!({
                "action": "OK",
                "idToken": "mock.id.token",
                "responseContent": json!({"id_token": "mock.id.token"}).to_string(),
            }),
        ),
        "auth_token_create_api" => create(state, body),
        "auth_token_update_api" => Reply::json(200, json!({"action": "OK"})),
        "auth_token_get_list_api" => Reply::json(
            200,
            json!({"start": 0, "end": 0, "totalCount": state.tokens.len(), "accessTokens": []}),
        ),
        "auth_token_revoke_api" => revoke(state, body),
        "auth_token_delete_api" => {
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
    let Ok(client_id) = authenticate(state, body, &form) else {
        return invalid_client("INVALID_CLIENT");
    };
    let public = state
        .clients
        .get(&client_id)
        .is_some_and(|c| c.secret.is_none());
    let bare = |error: &str| direct("BAD_REQUEST", json!({ "error": error }));
    match form.get("grant_type") {
        Some("password") => {
            let (Some(username), Some(password)) = (form.get("username"), form.get("password"))
            else {
                return bare("invalid_request");
            };
            let ticket = state.new_value("ticket");
            state.tickets.insert(
                ticket.clone(),
                PendingTicket {
                    client_id: client_id.clone(),
                    scope: form.get("scope").map(str::to_owned),
                },
            );
            Reply::json(
                200,
                json!({
                    "action": "PASSWORD",
                    "ticket": ticket,
                    "username": username,
                    "password": password,
                    "clientIdAlias": client_id,
                }),
            )
        }
        Some("client_credentials") if public => bare("unauthorized_client"),
        Some("client_credentials") => {
            let grant = Grant {
                client_id,
                subject: None,
                scopes: split_scope(form.get("scope")),
                grant_type: "CLIENT_CREDENTIALS",
                auth_time: None,
                acr: None,
            };
            let record = mint(state, grant, false);
            direct("OK", content(&record, None))
        }
        Some("authorization_code") => code_grant(state, &client_id, &form),
        Some("refresh_token") => refresh_grant(state, &client_id, &form),
        Some(_) => bare("unsupported_grant_type"),
        None => bare("invalid_request"),
    }
}

fn split_scope(scope: Option<&str>) -> Vec<String> {
    scope
        .unwrap_or_default()
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// What a new token record is made of.
struct Grant {
    client_id: String,
    subject: Option<String>,
    scopes: Vec<String>,
    grant_type: &'static str,
    auth_time: Option<i64>,
    acr: Option<String>,
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
    };
    let issued = Issued::of(state, &record);
    state.tokens.push(record);
    issued
}

/// A copy of a token record's public side, for building answers.
struct Issued {
    access_token: String,
    refresh_token: Option<String>,
    client_alias: String,
    client_number: Option<i64>,
    subject: Option<String>,
    scopes: Vec<String>,
    access_expires_at: i64,
    refresh_expires_at: i64,
}

impl Issued {
    fn of(state: &State, record: &TokenRecord) -> Issued {
        Issued {
            access_token: record.access_token.clone(),
            refresh_token: record.refresh_token.clone(),
            client_alias: record.client_id.clone(),
            client_number: state.clients.get(&record.client_id).map(|c| c.number),
            subject: record.subject.clone(),
            scopes: record.scopes.clone(),
            access_expires_at: record.access_expires_at,
            refresh_expires_at: record.refresh_expires_at,
        }
    }
}

/// The token endpoint's JSON for the client (RFC 6749 §5.1).
fn content(issued: &Issued, id_token: Option<&str>) -> Value {
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
    content
}

/// The fields `/auth/token` and `/auth/token/issue` share when they issue
/// tokens; times in milliseconds, as Authlete gives them.
fn issued_fields(issued: &Issued, id_token: Option<&str>) -> Value {
    let mut fields = json!({
        "action": "OK",
        "responseContent": content(issued, id_token).to_string(),
        "accessToken": issued.access_token,
        "accessTokenExpiresAt": issued.access_expires_at * 1000,
        "accessTokenDuration": ACCESS_TOKEN_LIFETIME,
        "clientIdAlias": issued.client_alias,
        "scopes": issued.scopes,
    });
    if let Some(number) = issued.client_number {
        fields["clientId"] = json!(number);
    }
    if let Some(subject) = &issued.subject {
        fields["subject"] = json!(subject);
    }
    if let Some(refresh_token) = &issued.refresh_token {
        fields["refreshToken"] = json!(refresh_token);
        fields["refreshTokenExpiresAt"] = json!(issued.refresh_expires_at * 1000);
        fields["refreshTokenDuration"] = json!(REFRESH_TOKEN_LIFETIME);
    }
    fields
}

fn code_grant(state: &mut State, client_id: &str, form: &Form) -> Reply {
    let Some(code) = form.get("code") else {
        return bad_request("invalid_request", "The request has no code.");
    };
    // A code is spent by the first request of its own client that presents
    // it, whether that request then succeeds or not (RFC 6749 §4.1.2: a
    // code is used once). Another client's attempt leaves it alone.
    let owned = state
        .codes
        .get(code)
        .is_some_and(|g| g.request.client_id == client_id);
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
    let openid = grant.request.scopes.iter().any(|s| s == "openid");
    let id_token = openid.then(|| id_token(state, &grant));
    let issued = mint(
        state,
        Grant {
            client_id: client_id.to_owned(),
            subject: Some(grant.subject.clone()),
            scopes: grant.request.scopes.clone(),
            grant_type: "AUTHORIZATION_CODE",
            auth_time: grant.auth_time,
            acr: grant.acr.clone(),
        },
        true,
    );
    let mut answer = issued_fields(&issued, id_token.as_deref());
    answer["grantType"] = json!("AUTHORIZATION_CODE");
    if let Some(id_token) = id_token {
        answer["idToken"] = json!(id_token);
    }
    Reply::json(200, answer)
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

/// An unsecured ID token (RFC 7519 §6) for the code's end-user.
fn id_token(state: &State, grant: &CodeGrant) -> String {
    let now = state.now();
    let mut claims = json!({});
    if let Some(Value::Object(given)) = &grant.claims {
        for (name, value) in given {
            claims[name] = value.clone();
        }
    }
    claims["iss"] = json!(state.issuer());
    claims["sub"] = json!(grant.subject);
    claims["aud"] = json!(grant.request.client_id);
    claims["iat"] = json!(now);
    claims["exp"] = json!(now + ACCESS_TOKEN_LIFETIME);
    if let Some(nonce) = &grant.request.nonce {
        claims["nonce"] = json!(nonce);
    }
    if let Some(auth_time) = grant.auth_time {
        claims["auth_time"] = json!(auth_time);
    }
    if let Some(acr) = &grant.acr {
        claims["acr"] = json!(acr);
    }
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{header}.{payload}.")
}

fn refresh_grant(state: &mut State, client_id: &str, form: &Form) -> Reply {
    let Some(token) = form.get("refresh_token") else {
        return bad_request("invalid_request", "The request has no refresh_token.");
    };
    let now = state.now();
    let Some(index) = state.tokens.iter().position(|r| {
        r.refresh_token.as_deref() == Some(token)
            && r.refresh_expires_at > now
            && r.client_id == client_id
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
    let issued = Issued::of(state, &state.tokens[index]);
    let mut answer = issued_fields(&issued, None);
    answer["grantType"] = json!("REFRESH_TOKEN");
    Reply::json(200, answer)
}

fn take_ticket(state: &mut State, body: &Value) -> Option<PendingTicket> {
    state.tickets.remove(body["ticket"].as_str()?)
}

fn issue(state: &mut State, body: &Value) -> Reply {
    let Some(pending) = take_ticket(state, body) else {
        return api_error(400, "The ticket is unknown or has already been used.");
    };
    let grant = Grant {
        client_id: pending.client_id,
        subject: body["subject"].as_str().map(str::to_owned),
        scopes: split_scope(pending.scope.as_deref()),
        grant_type: "PASSWORD",
        auth_time: None,
        acr: None,
    };
    let issued = mint(state, grant, true);
    Reply::json(200, issued_fields(&issued, None))
}

fn fail(state: &mut State, body: &Value) -> Reply {
    if take_ticket(state, body).is_none() {
        return api_error(400, "The ticket is unknown or has already been used.");
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

/// `/auth/token/create`: a token the authorization server mints directly.
fn create(state: &mut State, body: &Value) -> Reply {
    let client_id = match body["clientId"].as_i64() {
        Some(number) => state
            .client(&number.to_string())
            .map_or_else(|| number.to_string(), |(key, _)| key.to_owned()),
        None => String::new(),
    };
    let grant = Grant {
        client_id,
        subject: body["subject"].as_str().map(str::to_owned),
        scopes: body["scopes"]
            .as_array()
            .map(|s| {
                s.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
        grant_type: "CLIENT_CREDENTIALS",
        auth_time: None,
        acr: None,
    };
    let issued = mint(state, grant, false);
    Reply::json(
        200,
        json!({
            "action": "OK",
            "accessToken": issued.access_token,
            "tokenType": "Bearer",
            "expiresIn": ACCESS_TOKEN_LIFETIME,
            "expiresAt": issued.access_expires_at * 1000,
            "scopes": issued.scopes,
        }),
    )
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
