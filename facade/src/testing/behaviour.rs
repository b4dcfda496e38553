//! How the mock answers when no reply is scripted: Authlete's behaviour for
//! the token operations, reduced to what a token endpoint's tests exercise.

use serde_json::{Value, json};

use super::{MOCK_ACCESS_TOKEN, PendingTicket, RecordedRequest, Shared, State, lock};

/// An HTTP reply before it is put on the wire.
#[derive(Debug)]
pub(super) struct Reply {
    pub(super) status: u16,
    pub(super) content_type: Option<String>,
    pub(super) body: Vec<u8>,
}

impl Reply {
    pub(super) fn json(status: u16, body: Value) -> Reply {
        Reply {
            status,
            content_type: Some("application/json".into()),
            body: body.to_string().into_bytes(),
        }
    }

    fn no_content() -> Reply {
        Reply {
            status: 204,
            content_type: None,
            body: Vec::new(),
        }
    }
}

/// Authlete's error shape; the codes are those Authlete documents for each status.
fn api_error(status: u16, message: &str) -> Reply {
    let code = match status {
        401 => "A001202",
        403 => "A001215",
        500 => "A001101",
        _ => "A001201",
    };
    Reply::json(
        status,
        json!({ "resultCode": code, "resultMessage": format!("[{code}] {message}") }),
    )
}

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
    let mut state = lock(state);
    match operation.id {
        "auth_token_api" => process(&mut state, &body),
        "auth_token_issue_api" => issue(&mut state, &body),
        "auth_token_fail_api" => fail(&mut state, &body),
        "idtoken_reissue_api" => Reply::json(
            200,
            json!({
                "action": "OK",
                "idToken": "mock.id.token",
                "responseContent": json!({"id_token": "mock.id.token"}).to_string(),
            }),
        ),
        "auth_token_create_api" => {
            let token = new_token(&mut state, "at");
            Reply::json(
                200,
                json!({"action": "OK", "accessToken": token, "tokenType": "Bearer", "expiresIn": 3600}),
            )
        }
        "auth_token_update_api" => Reply::json(200, json!({"action": "OK"})),
        "auth_token_get_list_api" => {
            let total = state.issued_tokens.len();
            Reply::json(
                200,
                json!({"start": 0, "end": 0, "totalCount": total, "accessTokens": []}),
            )
        }
        "auth_token_revoke_api" => Reply::json(200, json!({"count": 0})),
        "auth_token_delete_api" => {
            let id = request
                .path_and_query
                .rsplit('/')
                .next()
                .unwrap_or_default();
            state.issued_tokens.retain(|t| t != id);
            Reply::no_content()
        }
        // Every other operation answers with a well-formed example of its
        // success body, made from the spec (script a reply for anything else).
        other => example_reply(other),
    }
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

fn new_token(state: &mut State, prefix: &str) -> String {
    state.counter += 1;
    let token = format!("mock-{prefix}-{}", state.counter);
    if prefix == "at" {
        state.issued_tokens.push(token.clone());
    }
    token
}

/// The answer Authlete gives the token endpoint directly (`responseContent`).
fn direct(action: &str, status_body: Value) -> Reply {
    Reply::json(
        200,
        json!({ "action": action, "responseContent": status_body.to_string() }),
    )
}

fn process(state: &mut State, body: &Value) -> Reply {
    let parameters: Vec<(String, String)> =
        url::form_urlencoded::parse(body["parameters"].as_str().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let param = |name: &str| {
        parameters
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let client_id = body["clientId"].as_str().or(param("client_id"));
    let client_secret = body["clientSecret"].as_str().or(param("client_secret"));
    let invalid_client = || {
        direct(
            "INVALID_CLIENT",
            json!({"error": "invalid_client", "error_description": "Client authentication failed."}),
        )
    };
    let Some(client_id) = client_id else {
        return invalid_client();
    };
    let Some(client) = state.clients.get(client_id) else {
        return invalid_client();
    };
    if let Some(secret) = &client.secret
        && client_secret != Some(secret.as_str())
    {
        return invalid_client();
    }
    let bad_request = |error: &str| direct("BAD_REQUEST", json!({ "error": error }));
    match param("grant_type") {
        Some("password") => {
            let (Some(username), Some(password)) = (param("username"), param("password")) else {
                return bad_request("invalid_request");
            };
            state.counter += 1;
            let ticket = format!("mock-ticket-{}", state.counter);
            state.tickets.insert(
                ticket.clone(),
                PendingTicket {
                    client_id: client_id.to_owned(),
                    scope: param("scope").map(str::to_owned),
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
        Some("client_credentials") if client.secret.is_none() => bad_request("unauthorized_client"),
        Some("client_credentials") => {
            let token = new_token(state, "at");
            direct(
                "OK",
                json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600}),
            )
        }
        Some(_) => bad_request("unsupported_grant_type"),
        None => bad_request("invalid_request"),
    }
}

fn take_ticket(state: &mut State, body: &Value) -> Option<PendingTicket> {
    state.tickets.remove(body["ticket"].as_str()?)
}

fn issue(state: &mut State, body: &Value) -> Reply {
    let Some(pending) = take_ticket(state, body) else {
        return api_error(400, "The ticket is unknown or has already been used.");
    };
    let access_token = new_token(state, "at");
    let refresh_token = new_token(state, "rt");
    let mut content = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": 3600,
        "refresh_token": refresh_token,
    });
    if let Some(scope) = &pending.scope {
        content["scope"] = json!(scope);
    }
    Reply::json(
        200,
        json!({
            "action": "OK",
            "responseContent": content.to_string(),
            "accessToken": access_token,
            "refreshToken": refresh_token,
            "subject": body["subject"],
            "clientIdAlias": pending.client_id,
        }),
    )
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
