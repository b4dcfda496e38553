//! Client-Initiated Backchannel Authentication (OpenID Connect CIBA Core)
//! as Authlete runs it: `/backchannel/authentication` checks the request
//! and hands the application a ticket to identify the user with
//! (`USER_IDENTIFICATION`); `/issue` turns the ticket into an
//! `auth_req_id`, or `/fail` refuses it; `/complete` records the user's
//! decision; the token endpoint's `urn:openid:params:grant-type:ciba` grant
//! polls for it, with the same `authorization_pending`, `slow_down`,
//! `access_denied` and `expired_token` as the device flow.
//!
//! The client's delivery mode is its `bcDeliveryMode` (`POLL` unless a
//! client made through the API sets another): `/complete` answers
//! `NO_ACTION` for poll and `NOTIFICATION` for ping and push, with the
//! client's notification endpoint and token and what to send: for ping
//! `{"auth_req_id": …}`, for push the token response with `auth_req_id`
//! (its ID token carrying `urn:openid:params:jwt:claim:auth_req_id`), or
//! `access_denied` / `expired_token` (CIBA Core §10.3.1, §12).
//!
//! Decisions where Authlete's documentation is silent: requests live 600 s
//! unless `requested_expiry` asks for less, and ask for a 5 s interval; a
//! public client is `unauthorized_client` (CIBA Core §7.1 wants an
//! authenticated client); a push client's request is spent by `/complete`,
//! and its polls at the token endpoint hear `unauthorized_client` (CIBA Core
//! §10.3 gives push clients no token endpoint); the push ID token has no
//! `rt_hash`; `/complete` for a ticket that was never issued is
//! `SERVER_ERROR`.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::operations::{self as op, OperationInfo};

use super::device::{
    Approval, Decision, Polled, Waiting, bad, checked_request, client_fields, decision,
    scope_objects, take_approval,
};
use super::reply::{Reply, direct, oauth_error};
use super::request::Authenticated;
use super::state::{State, insert_bounded_by};

/// How long a request may wait for the user, in seconds, at most.
const LIFETIME: i64 = 600;
/// The polling interval the client is asked to keep, in seconds.
const INTERVAL: i64 = 5;

/// CIBA's open tickets and requests.
#[derive(Default)]
pub(super) struct Backchannel {
    /// Tickets waiting for `/issue` or `/fail`.
    tickets: HashMap<String, Ticket>,
    /// Issued requests by `auth_req_id`.
    requests: HashMap<String, Request>,
}

impl Backchannel {
    /// Forgets tickets and requests that expired before `cutoff`.
    pub(super) fn sweep(&mut self, cutoff: i64) {
        self.tickets.retain(|_, t| t.expires_at > cutoff);
        self.requests.retain(|_, r| r.waiting.expires_at > cutoff);
    }
}

/// A request the application has yet to identify the user for.
struct Ticket {
    client_key: String,
    scopes: Vec<String>,
    notification_token: Option<String>,
    lifetime: i64,
    mode: Mode,
    expires_at: i64,
}

/// An issued request: its ticket (for `/complete`) and its state.
struct Request {
    client_key: String,
    ticket: String,
    scopes: Vec<String>,
    notification_token: Option<String>,
    mode: Mode,
    waiting: Waiting,
}

/// How the client hears that the user decided.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Poll,
    Ping,
    Push,
}

impl Mode {
    /// Authlete's `DeliveryMode` name.
    fn name(self) -> &'static str {
        match self {
            Mode::Poll => "POLL",
            Mode::Ping => "PING",
            Mode::Push => "PUSH",
        }
    }
}

/// The answer to CIBA's operations; `None` for the others.
pub(super) fn respond(state: &mut State, operation: &OperationInfo, body: &Value) -> Option<Reply> {
    Some(match *operation {
        op::ciba::PROCESS => authentication(state, body),
        op::ciba::ISSUE => issue(state, body),
        op::ciba::FAIL => fail(state, body),
        op::ciba::COMPLETE => complete(state, body),
        _ => return None,
    })
}

/// `/backchannel/authentication`: the request's checks, then a ticket.
fn authentication(state: &mut State, body: &Value) -> Reply {
    let (form, client, scopes) = match checked_request(state, body) {
        Ok(checked) => checked,
        Err(refusal) => return refusal,
    };
    if client.method == "NONE" {
        return bad(
            "unauthorized_client",
            "A public client cannot use CIBA: the request must authenticate the client.",
        );
    }
    let mode = match delivery_mode(state, &client.key) {
        Some("PUSH") => Mode::Push,
        Some("PING") => Mode::Ping,
        _ => Mode::Poll,
    };
    if !scopes.iter().any(|s| s == "openid") {
        return bad("invalid_scope", "A CIBA request needs the openid scope.");
    }
    let hints: Vec<(&str, &str)> = [
        ("login_hint", "LOGIN_HINT"),
        ("login_hint_token", "LOGIN_HINT_TOKEN"),
        ("id_token_hint", "ID_TOKEN_HINT"),
    ]
    .into_iter()
    .filter_map(|(name, kind)| form.get(name).map(|value| (kind, value)))
    .collect();
    let [(hint_type, hint)] = hints[..] else {
        return bad(
            "invalid_request",
            "A CIBA request needs exactly one of login_hint, login_hint_token and id_token_hint.",
        );
    };
    let notification_token = form.get("client_notification_token");
    if mode != Mode::Poll && notification_token.is_none() {
        return bad(
            "invalid_request",
            "A ping or push client must send a client_notification_token.",
        );
    }
    let lifetime = match form.get("requested_expiry").map(str::parse::<i64>) {
        None => LIFETIME,
        Some(Ok(asked)) if asked > 0 => asked.min(LIFETIME),
        Some(_) => {
            return bad(
                "invalid_request",
                "The requested_expiry is not a positive number.",
            );
        }
    };
    let ticket = state.new_value("ciba-ticket");
    let mut answer = client_fields(state, &client.key);
    answer["action"] = json!("USER_IDENTIFICATION");
    answer["ticket"] = json!(ticket);
    answer["hintType"] = json!(hint_type);
    answer["hint"] = json!(hint);
    answer["scopes"] = scope_objects(&scopes);
    answer["deliveryMode"] = json!(mode.name());
    answer["clientAuthMethod"] = json!(client.method);
    answer["clientIdAliasUsed"] = json!(client.alias_used);
    if let Some(message) = form.get("binding_message") {
        answer["bindingMessage"] = json!(message);
    }
    if let Some(user_code) = form.get("user_code") {
        answer["userCode"] = json!(user_code);
    }
    if let Some(token) = notification_token {
        answer["clientNotificationToken"] = json!(token);
    }
    let expires_at = state.now() + lifetime;
    insert_bounded_by(
        &mut state.backchannel.tickets,
        ticket,
        Ticket {
            client_key: client.key,
            scopes,
            notification_token: notification_token.map(str::to_owned),
            lifetime,
            mode,
            expires_at,
        },
        |t| t.expires_at,
    );
    Reply::json(200, answer)
}

/// `/backchannel/authentication/issue`: the ticket becomes an `auth_req_id`.
fn issue(state: &mut State, body: &Value) -> Reply {
    let now = state.now();
    let Some(ticket_id) = body["ticket"].as_str() else {
        return invalid_ticket();
    };
    let Some(ticket) = state
        .backchannel
        .tickets
        .remove(ticket_id)
        .filter(|t| t.expires_at > now)
    else {
        return invalid_ticket();
    };
    let auth_req_id = state.new_value("auth-req");
    let content = json!({
        "auth_req_id": auth_req_id,
        "expires_in": ticket.lifetime,
        "interval": INTERVAL,
    });
    let request = Request {
        client_key: ticket.client_key,
        ticket: ticket_id.to_owned(),
        scopes: ticket.scopes,
        notification_token: ticket.notification_token,
        mode: ticket.mode,
        waiting: Waiting::new(now + ticket.lifetime, INTERVAL),
    };
    insert_bounded_by(
        &mut state.backchannel.requests,
        auth_req_id.clone(),
        request,
        |r| r.waiting.expires_at,
    );
    Reply::json(
        200,
        json!({
            "action": "OK",
            "responseContent": content.to_string(),
            "authReqId": auth_req_id,
            "expiresIn": ticket.lifetime,
            "interval": INTERVAL,
        }),
    )
}

fn invalid_ticket() -> Reply {
    Reply::json(
        200,
        json!({
            "action": "INVALID_TICKET",
            "resultMessage": "The ticket is unknown, spent or expired.",
        }),
    )
}

/// `/backchannel/authentication/fail`: the ticket is spent on an error.
fn fail(state: &mut State, body: &Value) -> Reply {
    let Some(ticket) = body["ticket"]
        .as_str()
        .and_then(|t| state.backchannel.tickets.remove(t))
    else {
        return Reply::json(
            200,
            json!({"action": "INTERNAL_SERVER_ERROR", "resultMessage": "The ticket is unknown or spent."}),
        );
    };
    drop(ticket);
    let reason = body["reason"].as_str().unwrap_or("SERVER_ERROR");
    let description = body["errorDescription"]
        .as_str()
        .unwrap_or("The authorization server refused the request.");
    let (action, error) = match reason {
        "ACCESS_DENIED" => ("FORBIDDEN", "access_denied"),
        "SERVER_ERROR" => ("INTERNAL_SERVER_ERROR", "server_error"),
        "EXPIRED_LOGIN_HINT_TOKEN" => ("BAD_REQUEST", "expired_login_hint_token"),
        "INVALID_BINDING_MESSAGE" => ("BAD_REQUEST", "invalid_binding_message"),
        "INVALID_TARGET" => ("BAD_REQUEST", "invalid_target"),
        "INVALID_USER_CODE" => ("BAD_REQUEST", "invalid_user_code"),
        "MISSING_USER_CODE" => ("BAD_REQUEST", "missing_user_code"),
        "UNAUTHORIZED_CLIENT" => ("BAD_REQUEST", "unauthorized_client"),
        "UNKNOWN_USER_ID" => ("BAD_REQUEST", "unknown_user_id"),
        _ => ("INTERNAL_SERVER_ERROR", "server_error"),
    };
    direct(action, oauth_error(error, description))
}

/// `/backchannel/authentication/complete`: the user's decision.
fn complete(state: &mut State, body: &Value) -> Reply {
    let ticket = body["ticket"].as_str().unwrap_or_default();
    let Some((auth_req_id, request)) = state
        .backchannel
        .requests
        .iter_mut()
        .find(|(_, r)| r.ticket == ticket && r.waiting.decision.is_none())
    else {
        return Reply::json(
            200,
            json!({"action": "SERVER_ERROR", "resultMessage": "No open request has this ticket."}),
        );
    };
    let Some(decision) = decision(body, &request.scopes) else {
        return Reply::json(
            200,
            json!({
                "action": "SERVER_ERROR",
                "resultMessage": "The request needs a result, and a subject when AUTHORIZED.",
            }),
        );
    };
    request.waiting.decision = Some(decision);
    let (auth_req_id, key, mode, token) = (
        auth_req_id.clone(),
        request.client_key.clone(),
        request.mode,
        request.notification_token.clone(),
    );
    if mode == Mode::Poll {
        return Reply::json(
            200,
            json!({"action": "NO_ACTION", "authReqId": auth_req_id}),
        );
    }
    let mut answer = client_fields(state, &key);
    if mode == Mode::Push {
        match push_content(state, &auth_req_id, &key) {
            Ok(Value::Object(fields)) => answer.as_object_mut().map_or((), |a| a.extend(fields)),
            Ok(_) => {}
            Err(reply) => return reply,
        }
    } else {
        answer["responseContent"] = json!(json!({"auth_req_id": auth_req_id}).to_string());
    }
    answer["action"] = json!("NOTIFICATION");
    answer["deliveryMode"] = json!(mode.name());
    answer["authReqId"] = json!(auth_req_id);
    answer["clientNotificationToken"] = json!(token);
    if let Some(endpoint) =
        admin_settings(state, &key).and_then(|s| s.get("bcNotificationEndpoint"))
    {
        answer["clientNotificationEndpoint"] = endpoint.clone();
    }
    Reply::json(200, answer)
}

/// What a push client's server delivers: the tokens once the user
/// approved, or CIBA Core §12's error. The request is spent either way: a
/// push client never polls for it.
fn push_content(state: &mut State, auth_req_id: &str, client_key: &str) -> Result<Value, Reply> {
    let decision = state
        .backchannel
        .requests
        .remove(auth_req_id)
        .and_then(|r| r.waiting.decision);
    let (error, description) = match decision {
        Some(Decision::Authorized(approval)) => {
            return super::tokens::pushed(state, client_key, auth_req_id, approval);
        }
        Some(Decision::Denied) => ("access_denied", "The user denied the request."),
        Some(Decision::Failed) | None => ("expired_token", "The authorization did not complete."),
    };
    let content = json!({
        "auth_req_id": auth_req_id,
        "error": error,
        "error_description": description,
    });
    Ok(json!({ "responseContent": content.to_string() }))
}

/// A poll with `auth_req_id` by `client`: the approval, once, or the
/// OAuth error it hears.
pub(super) fn poll(
    state: &mut State,
    client: &Authenticated,
    auth_req_id: Option<&str>,
) -> Result<Approval, (&'static str, &'static str)> {
    let Some(id) = auth_req_id else {
        return Err(("invalid_request", "The request has no auth_req_id."));
    };
    let pushed = state
        .backchannel
        .requests
        .get(id)
        .is_some_and(|r| r.mode == Mode::Push && r.client_key == client.key);
    if pushed {
        return Err((
            "unauthorized_client",
            "A push client receives its tokens at its notification endpoint; it does not poll.",
        ));
    }
    let now = state.now();
    take_approval(
        &mut state.backchannel.requests,
        id,
        &client.key,
        now,
        "The auth_req_id is unknown, spent or another client's.",
    )
}

impl Polled for Request {
    fn client_key(&self) -> &str {
        &self.client_key
    }
    fn waiting(&mut self) -> &mut Waiting {
        &mut self.waiting
    }
    fn into_waiting(self) -> Waiting {
        self.waiting
    }
}

/// The settings of a client made through the API.
fn admin_settings<'s>(state: &'s State, key: &str) -> Option<&'s serde_json::Map<String, Value>> {
    state.admin_clients.get(&key.parse::<i64>().ok()?)
}

fn delivery_mode<'s>(state: &'s State, key: &str) -> Option<&'s str> {
    admin_settings(state, key)?.get("bcDeliveryMode")?.as_str()
}
