//! The device authorization grant (RFC 8628) as Authlete runs it:
//! `/device/authorization` opens a request with a device code and a user
//! code, `/device/verification` looks the user code up, `/device/complete`
//! records the user's decision, and the token endpoint's
//! `urn:ietf:params:oauth:grant-type:device_code` grant polls for it.
//!
//! A request is a small state machine: pending until `/device/complete`,
//! then authorized, denied or failed; the first successful poll after
//! authorization spends the device code. Polling sooner than the interval
//! is `slow_down` and adds five seconds to it (RFC 8628 §3.5).
//!
//! Decisions where Authlete's documentation is silent: device requests live
//! 600 s and ask for a 5 s interval; the user code is eight letters from RFC
//! 8628 §6.1's consonants; the verification URI is `<issuer>/device`, under
//! the issuer as the mock's discovery document names its endpoints; a user
//! code that has been completed is spent (`USER_CODE_NOT_EXIST`,
//! `NOT_EXIST`), while its device code still answers polls; an expired
//! request is remembered ten more minutes, so that both the verification
//! page and the device hear "expired" rather than "unknown".

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};

use serde_json::{Value, json};

use crate::operations::{self as op, OperationInfo};

use super::reply::{Reply, direct, invalid_client, oauth_error};
use super::request::{AuthFailure, Authenticated, Form, authenticate, strings};
use super::state::{State, insert_bounded_by};
use super::tokens::{requestable, split_scope};

/// How long a device code and its user code stay valid, in seconds.
const LIFETIME: i64 = 600;
/// The polling interval the device is asked to keep, in seconds.
const INTERVAL: i64 = 5;
/// What `slow_down` adds to the interval (RFC 8628 §3.5).
const SLOW_DOWN_STEP: i64 = 5;
/// The letters user codes are made of: no vowels, so no words (RFC 8628 §6.1).
const USER_CODE_LETTERS: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";

/// One device's authorization request.
pub(super) struct DeviceRequest {
    client_key: String,
    scopes: Vec<String>,
    user_code: String,
    pub(super) waiting: Waiting,
}

/// A request the client polls for while the user decides elsewhere (the
/// device flow and CIBA's poll and ping modes): its expiry, its interval,
/// and the decision once there is one.
pub(super) struct Waiting {
    pub(super) expires_at: i64,
    interval: i64,
    last_poll: Option<i64>,
    pub(super) decision: Option<Decision>,
}

/// What the user decided.
pub(super) enum Decision {
    Authorized(Approval),
    Denied,
    Failed,
}

impl Waiting {
    pub(super) fn new(expires_at: i64, interval: i64) -> Waiting {
        Waiting {
            expires_at,
            interval,
            last_poll: None,
            decision: None,
        }
    }

    /// A poll at `now`: `Ok` once the user authorized (the caller then
    /// spends the request), or the OAuth error the client hears.
    pub(super) fn poll(&mut self, now: i64) -> Result<(), (&'static str, &'static str)> {
        if self.expires_at <= now {
            return Err(("expired_token", "The request has expired."));
        }
        let too_soon = self
            .last_poll
            .is_some_and(|last| now - last < self.interval);
        self.last_poll = Some(now);
        match &self.decision {
            None if too_soon => {
                self.interval += SLOW_DOWN_STEP;
                Err(("slow_down", "The client polls faster than its interval."))
            }
            None => Err((
                "authorization_pending",
                "The user has not yet decided on the request.",
            )),
            Some(Decision::Denied) => Err(("access_denied", "The user denied the request.")),
            Some(Decision::Failed) => Err(("expired_token", "The authorization did not complete.")),
            Some(Decision::Authorized(_)) => Ok(()),
        }
    }

    /// The approval, taken from a request whose poll answered `Ok`.
    pub(super) fn into_approval(self) -> Option<Approval> {
        match self.decision {
            Some(Decision::Authorized(approval)) => Some(approval),
            _ => None,
        }
    }
}

/// The decision `/complete` reports in `body` for a request that asked for
/// `scopes`; `None` when the body names no result, or no subject for an
/// authorization.
pub(super) fn decision(body: &Value, scopes: &[String]) -> Option<Decision> {
    let subject = body["subject"].as_str().filter(|s| !s.is_empty());
    match (body["result"].as_str(), subject) {
        (Some("AUTHORIZED"), Some(subject)) => Some(Decision::Authorized(Approval::from_complete(
            body, subject, scopes,
        ))),
        (Some("ACCESS_DENIED"), _) => Some(Decision::Denied),
        (Some("TRANSACTION_FAILED"), _) => Some(Decision::Failed),
        _ => None,
    }
}

/// What a user approved: the grant the token endpoint then issues.
pub(super) struct Approval {
    pub(super) subject: String,
    pub(super) scopes: Vec<String>,
    pub(super) auth_time: Option<i64>,
    pub(super) acr: Option<String>,
}

impl Approval {
    /// The approval `/complete` describes in `body` for a request that
    /// asked for `scopes`; `scopes` in the body replace them, as in Authlete.
    pub(super) fn from_complete(body: &Value, subject: &str, scopes: &[String]) -> Approval {
        let given = body["scopes"]
            .is_array()
            .then(|| strings(body.get("scopes")));
        Approval {
            subject: subject.to_owned(),
            scopes: given.unwrap_or_else(|| scopes.to_vec()),
            auth_time: body["authTime"].as_i64().filter(|t| *t > 0),
            acr: body["acr"].as_str().map(str::to_owned),
        }
    }
}

/// The answer to the device flow's operations; `None` for the others.
pub(super) fn respond(state: &mut State, operation: &OperationInfo, body: &Value) -> Option<Reply> {
    Some(match *operation {
        op::device_flow::AUTHORIZATION => authorization(state, body),
        op::device_flow::VERIFICATION => verification(state, body),
        op::device_flow::COMPLETE => complete(state, body),
        _ => return None,
    })
}

/// A refusal as the device and CIBA endpoints send it.
pub(super) fn bad(error: &str, description: &str) -> Reply {
    direct("BAD_REQUEST", oauth_error(error, description))
}

/// The checks a device authorization and a backchannel authentication
/// request share: no parameter twice, the client authenticated (or, public,
/// named), and the scopes it may ask for, all supported.
pub(super) fn checked_request(
    state: &State,
    body: &Value,
) -> Result<(Form, Authenticated, Vec<String>), Reply> {
    let form = Form::of(body);
    if let Some(name) = form.repeated() {
        return Err(bad(
            "invalid_request",
            &format!("The parameter {name} is given more than once."),
        ));
    }
    let client = match authenticate(state, body, &form) {
        Ok(client) => client,
        Err(AuthFailure::InvalidClient) => return Err(invalid_client("UNAUTHORIZED")),
        Err(AuthFailure::InvalidRequest(description)) => {
            return Err(bad("invalid_request", description));
        }
    };
    let scopes = requestable(state, &client.key, split_scope(form.get("scope")));
    if let Some(scope) = state.unsupported_scope(&scopes) {
        return Err(bad(
            "invalid_scope",
            &format!("The service does not support the scope {scope}."),
        ));
    }
    Ok((form, client, scopes))
}

/// `/device/authorization`: a new device code and user code.
fn authorization(state: &mut State, body: &Value) -> Reply {
    let (_, client, scopes) = match checked_request(state, body) {
        Ok(checked) => checked,
        Err(refusal) => return refusal,
    };
    let device_code = state.new_value("device");
    let user_code = new_user_code(state);
    let expires_at = state.now() + LIFETIME;
    let verification_uri = verification_uri(state);
    let complete_uri = format!("{verification_uri}?user_code={user_code}");
    let content = json!({
        "device_code": device_code,
        "user_code": user_code,
        "verification_uri": verification_uri,
        "verification_uri_complete": complete_uri,
        "expires_in": LIFETIME,
        "interval": INTERVAL,
    });
    let mut answer = client_fields(state, &client.key);
    answer["action"] = json!("OK");
    answer["responseContent"] = json!(content.to_string());
    answer["clientIdAliasUsed"] = json!(client.alias_used);
    answer["clientAuthMethod"] = json!(client.method);
    answer["deviceCode"] = json!(device_code);
    answer["userCode"] = json!(user_code);
    answer["verificationUri"] = json!(verification_uri);
    answer["verificationUriComplete"] = json!(complete_uri);
    answer["expiresIn"] = json!(LIFETIME);
    answer["interval"] = json!(INTERVAL);
    answer["scopes"] = scope_objects(&scopes);
    insert_bounded_by(
        &mut state.devices,
        device_code,
        DeviceRequest {
            client_key: client.key,
            scopes,
            user_code,
            waiting: Waiting::new(expires_at, INTERVAL),
        },
        |d| d.waiting.expires_at,
    );
    Reply::json(200, answer)
}

/// `/device/verification`: what the user code stands for.
fn verification(state: &mut State, body: &Value) -> Reply {
    let now = state.now();
    let Some(request) = open_request(state, body["userCode"].as_str()) else {
        return Reply::json(200, json!({"action": "NOT_EXIST"}));
    };
    if request.waiting.expires_at <= now {
        return Reply::json(200, json!({"action": "EXPIRED"}));
    }
    let (key, scopes, expires_at) = (
        request.client_key.clone(),
        scope_objects(&request.scopes),
        request.waiting.expires_at,
    );
    let mut answer = client_fields(state, &key);
    answer["action"] = json!("VALID");
    answer["scopes"] = scopes;
    answer["expiresAt"] = json!(expires_at * 1000);
    Reply::json(200, answer)
}

/// `/device/complete`: the user's decision for a user code, which spends it.
fn complete(state: &mut State, body: &Value) -> Reply {
    let now = state.now();
    let Some(request) = open_request_mut(state, body["userCode"].as_str()) else {
        return Reply::json(200, json!({"action": "USER_CODE_NOT_EXIST"}));
    };
    if request.waiting.expires_at <= now {
        return Reply::json(200, json!({"action": "USER_CODE_EXPIRED"}));
    }
    let Some(decision) = decision(body, &request.scopes) else {
        return Reply::json(
            200,
            json!({
                "action": "INVALID_REQUEST",
                "resultMessage": "The request needs a result, and a subject when AUTHORIZED.",
            }),
        );
    };
    request.waiting.decision = Some(decision);
    Reply::json(200, json!({"action": "SUCCESS"}))
}

/// A device code's poll at the token endpoint by `client`: the approval,
/// once, or the OAuth error and description the device hears.
pub(super) fn poll(
    state: &mut State,
    client: &Authenticated,
    device_code: Option<&str>,
) -> Result<Approval, (&'static str, &'static str)> {
    let Some(code) = device_code else {
        return Err(("invalid_request", "The request has no device_code."));
    };
    let now = state.now();
    take_approval(
        &mut state.devices,
        code,
        &client.key,
        now,
        "The device code is unknown, spent or another client's.",
    )
}

/// An open request a client polls for, by the identifier it was given.
pub(super) trait Polled {
    fn client_key(&self) -> &str;
    fn waiting(&mut self) -> &mut Waiting;
    fn into_waiting(self) -> Waiting;
}

impl Polled for DeviceRequest {
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

/// A poll of the request `id` in `requests` by the client `client_key` at
/// `now`: the approval, which spends the request, or the OAuth error;
/// `invalid_grant` with `unknown` when the request is not this client's.
pub(super) fn take_approval<V: Polled>(
    requests: &mut HashMap<String, V>,
    id: &str,
    client_key: &str,
    now: i64,
    unknown: &'static str,
) -> Result<Approval, (&'static str, &'static str)> {
    let Some(request) = requests
        .get_mut(id)
        .filter(|r| r.client_key() == client_key)
    else {
        return Err(("invalid_grant", unknown));
    };
    request.waiting().poll(now)?;
    requests
        .remove(id)
        .and_then(|r| r.into_waiting().into_approval())
        .ok_or(("invalid_grant", unknown))
}

/// The undecided request whose user code `user_code` is.
fn open_request<'s>(state: &'s State, user_code: Option<&str>) -> Option<&'s DeviceRequest> {
    let user_code = user_code?;
    state
        .devices
        .values()
        .find(|r| r.waiting.decision.is_none() && r.user_code == user_code)
}

fn open_request_mut<'s>(
    state: &'s mut State,
    user_code: Option<&str>,
) -> Option<&'s mut DeviceRequest> {
    let user_code = user_code?;
    state
        .devices
        .values_mut()
        .find(|r| r.waiting.decision.is_none() && r.user_code == user_code)
}

/// The client's identity and name, as Authlete's answers carry them.
pub(super) fn client_fields(state: &State, key: &str) -> Value {
    let mut fields = state.client_identity(key);
    if let Some(name) = state.clients.get(key).and_then(|c| c.name.as_ref()) {
        fields["clientName"] = json!(name);
    }
    fields
}

/// Scope names as Authlete's `Scope` objects.
pub(super) fn scope_objects(scopes: &[String]) -> Value {
    scopes.iter().map(|name| json!({"name": name})).collect()
}

/// `<issuer>/device`, under the issuer as the mock's discovery document
/// names its endpoints.
fn verification_uri(state: &State) -> String {
    format!("{}/device", state.issuer())
}

/// Eight letters nobody can predict, unused by any open request.
fn new_user_code(state: &mut State) -> String {
    loop {
        state.counter += 1;
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(state.counter);
        let mut bits = hasher.finish();
        let mut code = String::with_capacity(8);
        for _ in 0..8 {
            let letters = USER_CODE_LETTERS.len() as u64;
            code.push(char::from(USER_CODE_LETTERS[(bits % letters) as usize]));
            bits /= letters;
        }
        if !state.devices.values().any(|r| r.user_code == code) {
            return code;
        }
    }
}
