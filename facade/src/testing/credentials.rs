//! A Verifiable Credential Issuer (OpenID for Verifiable Credential
//! Issuance) as Authlete runs it for a service: the issuer metadata, the
//! JWT VC issuer metadata and the issuer's keys; `/vci/single/parse`,
//! `/vci/batch/parse` and `/vci/deferred/parse` check a wallet's request and
//! its access token and describe each credential asked for; the matching
//! `/issue` calls make the credentials the application's order describes,
//! or hand out a `transaction_id` for the deferred endpoint.
//!
//! Decisions where Authlete's documentation is silent:
//!
//! - The service offers one credential configuration, `IdentityCredential`
//!   in the `jwt_vc_json` format, with no scope of its own: any active
//!   access token may ask for it. A request names it by
//!   `credential_configuration_id` or by `format`; anything else is
//!   `invalid_credential_request`, an unknown configuration
//!   `unsupported_credential_type`, another format
//!   `unsupported_credential_format` (400).
//! - A credential is a JWT signed with the mock's RS256 key (the keys
//!   `/vci/jwks` publishes): `iss` the issuer, `sub` the token's subject,
//!   `iat`, and `vc` with the type and the order's payload as
//!   `credentialSubject`.
//! - Parsed requests wait for their `/issue` ten minutes, deferred
//!   transactions a day; each is spent by the call that settles it. An
//!   `/issue` with another access token than its parse, or naming a
//!   request it does not know, is the caller's error (`CALLER_ERROR`);
//!   a token no longer active is `UNAUTHORIZED`.
//! - A service whose `verifiableCredentialsEnabled` is `false` answers the
//!   metadata calls with `NOT_FOUND` and the others with `FORBIDDEN`.
//! - The endpoints the metadata names sit under the issuer:
//!   `<issuer>/credential`, `/batch_credential`, `/deferred_credential`, and
//!   the keys at `<issuer>/vci/jwks`.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::operations::{self as op, OperationInfo};

use super::admin::service;
use super::keys::{self, SigningAlg};
use super::reply::{Reply, direct, oauth_error};
use super::state::{State, insert_bounded_by};

/// The one credential configuration the mock's service offers.
const CONFIGURATION: &str = "IdentityCredential";
/// Its format.
const FORMAT: &str = "jwt_vc_json";
/// How long a parsed request waits for `/issue`, in seconds.
const REQUEST_LIFETIME: i64 = 600;
/// How long a deferred transaction waits, in seconds.
const TRANSACTION_LIFETIME: i64 = 86_400;

/// What this module keeps.
#[derive(Default)]
pub(super) struct Credentials {
    /// Parsed requests by identifier.
    requests: HashMap<String, Asked>,
    /// Deferred transactions by `transaction_id`.
    deferred: HashMap<String, Asked>,
}

impl Credentials {
    /// Forgets what expired before `cutoff`.
    pub(super) fn sweep(&mut self, cutoff: i64) {
        self.requests.retain(|_, r| r.expires_at > cutoff);
        self.deferred.retain(|_, r| r.expires_at > cutoff);
    }
}

/// A credential asked for: with which token, for whom.
#[derive(Clone)]
struct Asked {
    access_token: String,
    subject: Option<String>,
    expires_at: i64,
}

/// The answer to the credential issuer's operations; `None` for others.
pub(super) fn respond(state: &mut State, operation: &OperationInfo, body: &Value) -> Option<Reply> {
    // Offers are `records`'; the service's settings are read only for
    // this group's calls.
    if operation.group != "credential_issuer" {
        return None;
    }
    let disabled = service(state).get("verifiableCredentialsEnabled") == Some(&json!(false));
    let issuer = state.issuer().to_owned();
    let document = |content: Value| {
        if disabled {
            action("NOT_FOUND", None)
        } else {
            action("OK", Some(content.to_string()))
        }
    };
    Some(match *operation {
        op::credential_issuer::METADATA => document(metadata(&issuer)),
        op::credential_issuer::JWT_ISSUER => {
            document(json!({"issuer": issuer, "jwks_uri": format!("{issuer}/vci/jwks")}))
        }
        op::credential_issuer::JWKS => match keys::shared() {
            Ok(keys) => document(keys.jwks()),
            Err(e) => action("INTERNAL_SERVER_ERROR", Some(e.to_string())),
        },
        _ if disabled && is_issuance(operation) => {
            forbidden("The service does not issue verifiable credentials.")
        }
        op::credential_issuer::PARSE_SINGLE => single_parse(state, body),
        op::credential_issuer::ISSUE_SINGLE => single_issue(state, body),
        op::credential_issuer::PARSE_BATCH => batch_parse(state, body),
        op::credential_issuer::ISSUE_BATCH => batch_issue(state, body),
        op::credential_issuer::PARSE_DEFERRED => deferred_parse(state, body),
        op::credential_issuer::ISSUE_DEFERRED => deferred_issue(state, body),
        _ => return None,
    })
}

/// Whether `operation` is one of the parse or issue calls.
fn is_issuance(operation: &OperationInfo) -> bool {
    [
        op::credential_issuer::PARSE_SINGLE,
        op::credential_issuer::ISSUE_SINGLE,
        op::credential_issuer::PARSE_BATCH,
        op::credential_issuer::ISSUE_BATCH,
        op::credential_issuer::PARSE_DEFERRED,
        op::credential_issuer::ISSUE_DEFERRED,
    ]
    .contains(operation)
}

/// The credential issuer metadata (OpenID4VCI §11.2).
fn metadata(issuer: &str) -> Value {
    json!({
        "credential_issuer": issuer,
        "credential_endpoint": format!("{issuer}/credential"),
        "batch_credential_endpoint": format!("{issuer}/batch_credential"),
        "deferred_credential_endpoint": format!("{issuer}/deferred_credential"),
        "credential_configurations_supported": {
            CONFIGURATION: {
                "format": FORMAT,
                "cryptographic_signing_alg_values_supported": ["RS256"],
                "credential_definition": {"type": ["VerifiableCredential", CONFIGURATION]},
            }
        },
    })
}

/// An answer with `action` and, when given, `responseContent`.
fn action(action: &str, content: Option<String>) -> Reply {
    let mut answer = json!({"action": action});
    if let Some(content) = content {
        answer["responseContent"] = json!(content);
    }
    Reply::json(200, answer)
}

fn forbidden(description: &str) -> Reply {
    direct("FORBIDDEN", oauth_error("access_denied", description))
}

fn bad_request(error: &str, description: &str) -> Reply {
    direct("BAD_REQUEST", oauth_error(error, description))
}

fn caller_error(message: &str) -> Reply {
    Reply::json(
        200,
        json!({"action": "CALLER_ERROR", "resultMessage": message}),
    )
}

/// The subject of the active access token in `body`, or the `UNAUTHORIZED`
/// answer with its challenge.
fn token_subject(state: &State, body: &Value) -> Result<(String, Option<String>), Reply> {
    let token = body["accessToken"].as_str().unwrap_or_default();
    match state.active_access_token(token) {
        Some(record) => Ok((token.to_owned(), record.subject.clone())),
        None => Err(action(
            "UNAUTHORIZED",
            Some(r#"Bearer error="invalid_token",error_description="The access token is missing, unknown or expired.""#.to_owned()),
        )),
    }
}

/// Whether one credential request object asks for what the service
/// offers; the refusal if not.
fn check_request(request: &Value) -> Result<(), Reply> {
    if !request.is_object() {
        return Err(bad_request(
            "invalid_credential_request",
            "The credential request is not a JSON object.",
        ));
    }
    match (
        request["credential_configuration_id"].as_str(),
        request["format"].as_str(),
    ) {
        (Some(CONFIGURATION), _) | (None, Some(FORMAT)) => Ok(()),
        (Some(_), _) => Err(bad_request(
            "unsupported_credential_type",
            "The issuer offers no such credential configuration.",
        )),
        (None, Some(_)) => Err(bad_request(
            "unsupported_credential_format",
            "The issuer issues jwt_vc_json credentials only.",
        )),
        (None, None) => Err(bad_request(
            "invalid_credential_request",
            "The request names neither a credential_configuration_id nor a format.",
        )),
    }
}

/// Keeps a parsed request and describes it for the application.
fn remember(state: &mut State, token: &str, subject: Option<String>) -> Value {
    let identifier = state.new_value("vci-request");
    let expires_at = state.now() + REQUEST_LIFETIME;
    insert_bounded_by(
        &mut state.credentials.requests,
        identifier.clone(),
        Asked {
            access_token: token.to_owned(),
            subject,
            expires_at,
        },
        |r| r.expires_at,
    );
    json!({
        "identifier": identifier,
        "format": FORMAT,
        "details": json!({"type": ["VerifiableCredential", CONFIGURATION]}).to_string(),
    })
}

/// The wallet's JSON body.
fn request_content(body: &Value) -> Result<Value, Reply> {
    serde_json::from_str(body["requestContent"].as_str().unwrap_or_default()).map_err(|_| {
        bad_request(
            "invalid_credential_request",
            "The credential request is not JSON.",
        )
    })
}

/// `/vci/single/parse`.
fn single_parse(state: &mut State, body: &Value) -> Reply {
    let (token, subject) = match token_subject(state, body) {
        Ok(found) => found,
        Err(refusal) => return refusal,
    };
    if let Err(refusal) = request_content(body).and_then(|r| check_request(&r)) {
        return refusal;
    }
    let info = remember(state, &token, subject);
    Reply::json(200, json!({"action": "OK", "info": info}))
}

/// `/vci/batch/parse`: every request of `credential_requests`.
fn batch_parse(state: &mut State, body: &Value) -> Reply {
    let (token, subject) = match token_subject(state, body) {
        Ok(found) => found,
        Err(refusal) => return refusal,
    };
    let content = match request_content(body) {
        Ok(content) => content,
        Err(refusal) => return refusal,
    };
    let Some(requests) = content["credential_requests"]
        .as_array()
        .filter(|r| !r.is_empty())
    else {
        return bad_request(
            "invalid_credential_request",
            "A batch needs a non-empty credential_requests array.",
        );
    };
    if let Some(refusal) = requests.iter().find_map(|r| check_request(r).err()) {
        return refusal;
    }
    let info: Vec<Value> = (0..requests.len())
        .map(|_| remember(state, &token, subject.clone()))
        .collect();
    Reply::json(200, json!({"action": "OK", "info": info}))
}

/// `/vci/deferred/parse`: the transaction the wallet names.
fn deferred_parse(state: &mut State, body: &Value) -> Reply {
    let (token, _) = match token_subject(state, body) {
        Ok(found) => found,
        Err(refusal) => return refusal,
    };
    let content = match request_content(body) {
        Ok(content) => content,
        Err(refusal) => return refusal,
    };
    let transaction = content["transaction_id"].as_str().unwrap_or_default();
    let known = state
        .credentials
        .deferred
        .get(transaction)
        .is_some_and(|t| t.access_token == token);
    if !known {
        return bad_request(
            "invalid_transaction_id",
            "The transaction_id is unknown, settled or another token's.",
        );
    }
    let info = json!({"identifier": transaction, "format": FORMAT});
    Reply::json(200, json!({"action": "OK", "info": info}))
}

/// What one order comes to: the credential, or a transaction to come back
/// with.
fn fulfil(state: &mut State, asked: &Asked, order: &Value) -> Result<Value, Reply> {
    if order["issuanceDeferred"] == json!(true) {
        let transaction = state.new_value("vci-tx");
        let mut deferred = asked.clone();
        deferred.expires_at = state.now() + TRANSACTION_LIFETIME;
        insert_bounded_by(
            &mut state.credentials.deferred,
            transaction.clone(),
            deferred,
            |t| t.expires_at,
        );
        return Ok(json!({"transaction_id": transaction}));
    }
    let payload = match order["credentialPayload"]
        .as_str()
        .map(serde_json::from_str)
    {
        Some(Ok(payload @ Value::Object(_))) => payload,
        _ => {
            return Err(caller_error(
                "The order's credentialPayload is not a JSON object.",
            ));
        }
    };
    let keys = keys::shared().map_err(|e| caller_error(&e.to_string()))?;
    let claims = json!({
        "iss": state.issuer(),
        "sub": asked.subject,
        "iat": state.now(),
        "vc": {
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "type": ["VerifiableCredential", CONFIGURATION],
            "credentialSubject": payload,
        },
    });
    Ok(json!({"credential": keys.sign(SigningAlg::Rs256, &claims)}))
}

/// Whether `order` can be carried out for `token`: it names a request
/// that token parsed, and, unless it defers, a payload that is a JSON
/// object. Checked before anything is spent, so that a refused call (a
/// batch with one bad order) leaves every request as it was.
fn check_order(state: &State, token: &str, order: &Value) -> Result<(), Reply> {
    let identifier = order["requestIdentifier"].as_str().unwrap_or_default();
    let mine = state
        .credentials
        .requests
        .get(identifier)
        .is_some_and(|r| r.access_token == token);
    if !mine {
        return Err(caller_error(
            "The order names no request this access token parsed (unknown, spent or expired).",
        ));
    }
    let deferred = order["issuanceDeferred"] == json!(true);
    let payload = order["credentialPayload"]
        .as_str()
        .and_then(|p| serde_json::from_str::<Value>(p).ok());
    if !deferred && !payload.is_some_and(|p| p.is_object()) {
        return Err(caller_error(
            "The order's credentialPayload is not a JSON object.",
        ));
    }
    Ok(())
}

/// The checked request `order` names, taken out.
fn take_request(state: &mut State, order: &Value) -> Result<Asked, Reply> {
    let identifier = order["requestIdentifier"].as_str().unwrap_or_default();
    state
        .credentials
        .requests
        .remove(identifier)
        .ok_or_else(|| caller_error("The request is gone."))
}

/// `/vci/single/issue`.
fn single_issue(state: &mut State, body: &Value) -> Reply {
    let (token, _) = match token_subject(state, body) {
        Ok(found) => found,
        Err(refusal) => return refusal,
    };
    let order = &body["order"];
    let made = check_order(state, &token, order)
        .and_then(|()| take_request(state, order))
        .and_then(|asked| fulfil(state, &asked, order));
    match made {
        Ok(content) => {
            let mut answer = json!({"responseContent": content.to_string()});
            if let Some(transaction) = content["transaction_id"].as_str() {
                answer["action"] = json!("ACCEPTED");
                answer["transactionId"] = json!(transaction);
            } else {
                answer["action"] = json!("OK");
            }
            Reply::json(200, answer)
        }
        Err(refusal) => refusal,
    }
}

/// `/vci/batch/issue`: one answer per order, in order.
fn batch_issue(state: &mut State, body: &Value) -> Reply {
    let (token, _) = match token_subject(state, body) {
        Ok(found) => found,
        Err(refusal) => return refusal,
    };
    let orders = body["orders"].as_array().cloned().unwrap_or_default();
    if let Some(refusal) = orders
        .iter()
        .find_map(|order| check_order(state, &token, order).err())
    {
        return refusal;
    }
    let mut named: Vec<&str> = orders
        .iter()
        .filter_map(|o| o["requestIdentifier"].as_str())
        .collect();
    named.sort_unstable();
    if named.windows(2).any(|pair| pair[0] == pair[1]) {
        return caller_error("Two orders name the same request.");
    }
    let mut responses = Vec::with_capacity(orders.len());
    for order in &orders {
        let made = take_request(state, order).and_then(|asked| fulfil(state, &asked, order));
        match made {
            Ok(content) => responses.push(content),
            Err(refusal) => return refusal,
        }
    }
    let content = json!({"credential_responses": responses});
    action("OK", Some(content.to_string()))
}

/// `/vci/deferred/issue`: settles the transaction the order names.
fn deferred_issue(state: &mut State, body: &Value) -> Reply {
    let order = &body["order"];
    if order["issuanceDeferred"] == json!(true) {
        return caller_error(
            "A deferred transaction is settled by issuing; the endpoint answers issuance_pending itself.",
        );
    }
    let transaction = order["requestIdentifier"].as_str().unwrap_or_default();
    let Some(asked) = state.credentials.deferred.remove(transaction) else {
        return caller_error("The order names no open transaction.");
    };
    match fulfil(state, &asked, order) {
        Ok(content) => action("OK", Some(content.to_string())),
        Err(refusal) => {
            // A bad order leaves the transaction open for a good one.
            state
                .credentials
                .deferred
                .insert(transaction.to_owned(), asked);
            refusal
        }
    }
}
