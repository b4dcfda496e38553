//! The authorization endpoint's operations: `/auth/authorization` checks a
//! request and opens a single-use ticket, `/auth/authorization/issue` turns
//! the ticket into a code, `/auth/authorization/fail` into an error for the
//! client; `/pushed_auth_req` checks a request the same way and keeps it
//! under a request URI that `/auth/authorization` may use once.
//!
//! As at Authlete, an error goes back to the client through its redirect
//! URI only once the client and that URI are known; before that it is a
//! `BAD_REQUEST` for the user agent. The checks are the mock's own, and its
//! `error_description` texts too.
//!
//! Every response type of OAuth 2.0 Multiple Response Type Encoding
//! Practices but `none` is offered, to the clients that registered it:
//! `code` (the default), `token`, `id_token`, and their hybrids. Tokens
//! issued here travel in the fragment unless the client asks for
//! `form_post`; an ID token carries `c_hash` beside a code and `at_hash`
//! beside an access token. `/auth/authorization` lists in `claims` the
//! claims the ID token should carry (those the `claims` parameter names for
//! it, plus, for `response_type=id_token`, which gives no access token for
//! UserInfo, those the scopes stand for), and in `claimsAtUserInfo` those
//! UserInfo should; the claims `/issue` receives go into the ID token.
//!
//! A scope the service does not support is refused with `invalid_scope`
//! rather than dropped: Authlete's answer depends on the service's
//! settings, and a test learns more from a refusal.

use serde_json::{Map, Value, json};

use crate::operations::{self as op, OperationInfo};

use super::jwt::{IdTokenFor, id_token};
use super::reply::{Reply, api_error, direct, invalid_client, oauth_error};
use super::request::{AuthFailure, Form, authenticate};
use super::state::{
    ACCESS_TOKEN_LIFETIME, AuthorizationRequest, AuthorizationTicket, CODE_LIFETIME,
    ChallengeMethod, CodeGrant, PUSHED_REQUEST_LIFETIME, PushedRequest, RegisteredClient,
    ResponseMode, ResponseType, State, TICKET_LIFETIME, TokenRecord, claim_names, insert_bounded,
};

/// The answer to the authorization endpoint's operations and PAR; `None`
/// for the others.
pub(super) fn respond(state: &mut State, operation: &OperationInfo, body: &Value) -> Option<Reply> {
    Some(match *operation {
        op::authorization::PROCESS => process(state, body),
        op::authorization::ISSUE => issue(state, body),
        op::authorization::FAIL => fail(state, body),
        op::pushed_authorization::PROCESS => push(state, body),
        _ => return None,
    })
}

/// Where, and how, the answer to a request goes back to its client.
#[derive(Clone)]
struct Destination {
    redirect_uri: String,
    mode: ResponseMode,
    state: Option<String>,
}

impl Destination {
    fn of(request: &AuthorizationRequest) -> Destination {
        Destination {
            redirect_uri: request.redirect_uri.clone(),
            mode: request.response_mode,
            state: request.state.clone(),
        }
    }

    /// A refusal told to the client here.
    fn refuse(&self, error: &'static str, description: &str) -> Refusal {
        Refusal::Redirect(self.clone(), error, description.to_owned())
    }
}

/// A member of the `claims` parameter (OpenID Connect Core §5.5).
type Claims = Map<String, Value>;

/// Why a request is refused.
enum Refusal {
    /// No redirect URI can be trusted: the user agent is told directly.
    Direct(&'static str, String),
    /// The client is told through its redirect URI.
    Redirect(Destination, &'static str, String),
}

impl Refusal {
    fn into_reply(self, issuer: &str) -> Reply {
        match self {
            Refusal::Direct(error, description) => {
                direct("BAD_REQUEST", oauth_error(error, &description))
            }
            Refusal::Redirect(to, error, description) => {
                let (action, content) = to_client(
                    issuer,
                    &to,
                    &[("error", error), ("error_description", &description)],
                );
                Reply::json(200, json!({"action": action, "responseContent": content}))
            }
        }
    }

    /// The same refusal as a direct answer, as PAR gives every error.
    fn into_direct(self) -> Reply {
        let (Refusal::Direct(error, description) | Refusal::Redirect(_, error, description)) = self;
        direct("BAD_REQUEST", oauth_error(error, &description))
    }
}

/// Checks an authorization request's parameters as Authlete would for a
/// service that offers every response type but `none`, PKCE, and the
/// `claims` parameter, but no request objects.
fn validate(state: &State, form: &Form) -> Result<AuthorizationRequest, Refusal> {
    let (key, client, redirect_uri) = client_and_redirect_uri(state, form)?;
    let response_type = form.get("response_type").map(ResponseType::parse);
    // The answer, errors included, goes where the response type sends it
    // by default (Multiple Response Type Encoding Practices §2.1) unless
    // the client picks a mode.
    let fragment = response_type
        .flatten()
        .is_some_and(ResponseType::fragment_by_default);
    let (response_mode, mode_known) = response_mode(form, fragment);
    let to = Destination {
        redirect_uri,
        mode: response_mode,
        state: form.get("state").map(str::to_owned),
    };
    if !mode_known {
        return Err(to.refuse("invalid_request", "The response_mode is not supported."));
    }
    let response_type = allowed_response_type(response_type, client, fragment, form, &to)?;
    let challenge = challenge(form, client, response_type, &to)?;
    let prompts = prompts(form.get("prompt").unwrap_or_default())
        .ok_or_else(|| to.refuse("invalid_request", "The prompt is not valid."))?;
    let max_age = max_age(form, &to)?;
    let (id_token_claims, userinfo_claims) = claims(form, &to)?;
    let subject = id_token_claims
        .as_ref()
        .and_then(|c| c.get("sub"))
        .and_then(|sub| sub["value"].as_str())
        .map(str::to_owned);
    let scopes = scopes(state, client, form, response_type, &to)?;
    let auth_time_asked = max_age.is_some()
        || id_token_claims
            .as_ref()
            .is_some_and(|c| c.contains_key("auth_time"));
    let grant = super::grants::requested(state, key, form)
        .map_err(|(error, description)| to.refuse(error, description))?;
    let acrs = form
        .get("acr_values")
        .unwrap_or_default()
        .split(' ')
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect();
    Ok(AuthorizationRequest {
        client_id: key.to_owned(),
        redirect_uri: to.redirect_uri,
        redirect_uri_given: form.get("redirect_uri").is_some(),
        response_mode,
        scopes,
        state: form.get("state").map(str::to_owned),
        nonce: form.get("nonce").map(str::to_owned),
        challenge,
        prompts,
        max_age,
        login_hint: form.get("login_hint").map(str::to_owned),
        subject,
        response_type,
        auth_time_asked,
        id_token_claims,
        userinfo_claims,
        acrs,
        grant,
    })
}

/// The client (its registration key and record) and the redirect URI the
/// answer goes to. Until both are known, every refusal goes to the user
/// agent.
fn client_and_redirect_uri<'s>(
    state: &'s State,
    form: &Form,
) -> Result<(&'s str, &'s RegisteredClient, String), Refusal> {
    let refuse = |description: &str| Refusal::Direct("invalid_request", description.to_owned());
    if let Some(name) = form.repeated() {
        return Err(refuse(&format!(
            "The parameter {name} is given more than once."
        )));
    }
    let client_id = form
        .get("client_id")
        .ok_or_else(|| refuse("The request has no client_id."))?;
    let (key, client) = state
        .client(client_id)
        .ok_or_else(|| refuse("The client_id is not registered."))?;
    let redirect_uri = match (form.get("redirect_uri"), client.redirect_uris.as_slice()) {
        (Some(given), registered) if registered.iter().any(|r| r == given) => given.to_owned(),
        (Some(_), _) => return Err(refuse("The redirect_uri is not registered for the client.")),
        (None, [only]) => only.clone(),
        (None, _) => {
            return Err(refuse(
                "The request has no redirect_uri and the client has not exactly one registered.",
            ));
        }
    };
    Ok((key, client, redirect_uri))
}

/// The response mode the request asks for, or the default of its response
/// type (the fragment if `fragment`, else the query), and whether the mode
/// it asks for is known.
fn response_mode(form: &Form, fragment: bool) -> (ResponseMode, bool) {
    let default_mode = if fragment {
        ResponseMode::Fragment
    } else {
        ResponseMode::Query
    };
    match form.get("response_mode") {
        None => (default_mode, true),
        Some("query") => (ResponseMode::Query, true),
        Some("fragment") => (ResponseMode::Fragment, true),
        Some("form_post") => (ResponseMode::FormPost, true),
        Some(_) => (default_mode, false),
    }
}

/// The response type, if the request gives one the service offers, the
/// client registered, and the response mode can carry (`parsed` is `None`
/// when the request has none, `Some(None)` when it is unknown). Request
/// objects are refused here too, before anything else is read.
fn allowed_response_type(
    parsed: Option<Option<ResponseType>>,
    client: &RegisteredClient,
    fragment: bool,
    form: &Form,
    to: &Destination,
) -> Result<ResponseType, Refusal> {
    let response_type = match parsed {
        Some(Some(parsed)) => parsed,
        Some(None) => {
            return Err(to.refuse(
                "unsupported_response_type",
                "The response_type is not supported.",
            ));
        }
        None => {
            return Err(to.refuse("invalid_request", "The request has no response_type."));
        }
    };
    if !client.response_types.contains(&response_type) {
        return Err(to.refuse(
            "unauthorized_client",
            "The client has not registered this response_type.",
        ));
    }
    // Tokens in a query string end up in logs and Referer headers.
    if fragment && to.mode == ResponseMode::Query {
        return Err(to.refuse(
            "invalid_request",
            "response_mode=query cannot carry tokens.",
        ));
    }
    if form.get("request").is_some() {
        return Err(to.refuse(
            "request_not_supported",
            "Request objects are not supported.",
        ));
    }
    Ok(response_type)
}

/// The PKCE code challenge and its method, if the request has one; a
/// public client asking for a code must.
fn challenge(
    form: &Form,
    client: &RegisteredClient,
    response_type: ResponseType,
    to: &Destination,
) -> Result<Option<(String, ChallengeMethod)>, Refusal> {
    match (
        form.get("code_challenge"),
        form.get("code_challenge_method"),
    ) {
        // PKCE protects a code; a response without one has nothing to bind.
        (None, None) if client.secret.is_none() && response_type.code => {
            Err(to.refuse("invalid_request", "A public client must use PKCE."))
        }
        (None, None) => Ok(None),
        (None, Some(_)) => Err(to.refuse(
            "invalid_request",
            "code_challenge_method without code_challenge.",
        )),
        (Some(challenge), method) => {
            let method = match method {
                None | Some("plain") => ChallengeMethod::Plain,
                Some("S256") => ChallengeMethod::S256,
                Some(_) => {
                    return Err(to.refuse(
                        "invalid_request",
                        "The code_challenge_method is not supported.",
                    ));
                }
            };
            if !is_pkce_value(challenge) {
                return Err(to.refuse("invalid_request", "The code_challenge is malformed."));
            }
            Ok(Some((challenge.to_owned(), method)))
        }
    }
}

/// The `max_age` parameter, if given: a number of seconds, not negative.
fn max_age(form: &Form, to: &Destination) -> Result<Option<i32>, Refusal> {
    let Some(text) = form.get("max_age") else {
        return Ok(None);
    };
    text.parse::<i32>()
        .ok()
        .filter(|age| *age >= 0)
        .map(Some)
        .ok_or_else(|| to.refuse("invalid_request", "The max_age is not a number of seconds."))
}

/// The `claims` parameter's `id_token` and `userinfo` members, each a JSON
/// object if present.
fn claims(form: &Form, to: &Destination) -> Result<(Option<Claims>, Option<Claims>), Refusal> {
    let claims = match form.get("claims") {
        None => Map::new(),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(claims)) => claims,
            _ => {
                return Err(to.refuse("invalid_request", "The claims are not a JSON object."));
            }
        },
    };
    let member = |name: &str| match claims.get(name) {
        None => Ok(None),
        Some(Value::Object(member)) => Ok(Some(member.clone())),
        Some(_) => Err(to.refuse(
            "invalid_request",
            &format!("The claims' {name} member is not a JSON object."),
        )),
    };
    Ok((member("id_token")?, member("userinfo")?))
}

/// The requested scopes, each once, if the service supports them all and
/// they suit the response type.
fn scopes(
    state: &State,
    client: &RegisteredClient,
    form: &Form,
    response_type: ResponseType,
    to: &Destination,
) -> Result<Vec<String>, Refusal> {
    let mut scopes: Vec<String> = Vec::new();
    for scope in form.get("scope").unwrap_or_default().split(' ') {
        if !scope.is_empty() && !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_owned());
        }
    }
    let scopes = client.requestable(scopes);
    if let Some(scope) = state.unsupported_scope(&scopes) {
        return Err(to.refuse(
            "invalid_scope",
            &format!("The service does not support the scope {scope}."),
        ));
    }
    if response_type.id_token {
        // An ID token only answers an OpenID Connect request, and one that
        // travels through the front channel must be bound to the client's
        // session by a nonce (OpenID Connect Core §3.2.2.1, §3.3.2.11).
        if !scopes.iter().any(|s| s == "openid") {
            return Err(to.refuse(
                "invalid_scope",
                "response_type id_token needs the openid scope.",
            ));
        }
        if form.get("nonce").is_none() {
            return Err(to.refuse(
                "invalid_request",
                "A response_type with id_token needs a nonce.",
            ));
        }
    }
    Ok(scopes)
}

/// A code challenge or verifier: 43 to 128 unreserved characters (RFC 7636 §4.1).
pub(super) fn is_pkce_value(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// The `prompt` values as Authlete's `Prompt` names; `None` for an unknown
/// value, or `none` with another (OpenID Connect Core §3.1.2.1).
fn prompts(text: &str) -> Option<Vec<&'static str>> {
    let mut prompts = Vec::new();
    for value in text.split(' ').filter(|v| !v.is_empty()) {
        prompts.push(match value {
            "none" => "NONE",
            "login" => "LOGIN",
            "consent" => "CONSENT",
            "select_account" => "SELECT_ACCOUNT",
            "create" => "CREATE",
            _ => return None,
        });
    }
    (!prompts.contains(&"NONE") || prompts.len() == 1).then_some(prompts)
}

fn process(state: &mut State, body: &Value) -> Reply {
    let form = Form::of(body);
    let form = match form.get("request_uri") {
        Some(request_uri) => match take_pushed(state, request_uri, form.get("client_id")) {
            Ok(pushed) => pushed,
            Err(refusal) => return refusal.into_reply(state.issuer()),
        },
        None => form,
    };
    let request = match validate(state, &form) {
        Ok(request) => request,
        Err(refusal) => return refusal.into_reply(state.issuer()),
    };
    let ticket = state.new_value("ticket");
    let mut answer = json!({
        "action": if request.prompts.contains(&"NONE") { "NO_INTERACTION" } else { "INTERACTION" },
        "ticket": ticket,
        "client": client_json(state, &request.client_id),
        "clientIdAliasUsed": form.get("client_id").is_some_and(|id| id.parse::<i64>().is_err()),
        "service": {"serviceName": "MockAuthlete", "issuer": state.issuer()},
        "scopes": request.scopes.iter().map(|name| json!({"name": name})).collect::<Vec<_>>(),
        "prompts": request.prompts,
        "display": "PAGE",
    });
    // With an access token, what the scopes stand for is UserInfo's to
    // give (OpenID Connect Core §5.4); with an ID token alone, the ID
    // token's.
    let id_token_only = request.response_type == ResponseType::ID_TOKEN;
    let no_scopes: &[String] = &[];
    let (id_token_scopes, userinfo_scopes) = if id_token_only {
        (request.scopes.as_slice(), no_scopes)
    } else {
        (no_scopes, request.scopes.as_slice())
    };
    let claims = claim_names(id_token_scopes, request.id_token_claims.as_ref());
    let claims_at_userinfo = claim_names(userinfo_scopes, request.userinfo_claims.as_ref());
    let text = |member: &Option<Map<String, Value>>| {
        member
            .as_ref()
            .map(|m| Value::from(Value::Object(m.clone()).to_string()))
    };
    for (field, value) in [
        ("maxAge", request.max_age.map(Value::from)),
        ("loginHint", request.login_hint.clone().map(Value::from)),
        ("subject", request.subject.clone().map(Value::from)),
        ("claims", (!claims.is_empty()).then(|| json!(claims))),
        (
            "claimsAtUserInfo",
            (!claims_at_userinfo.is_empty()).then(|| json!(claims_at_userinfo)),
        ),
        ("idTokenClaims", text(&request.id_token_claims)),
        ("userInfoClaims", text(&request.userinfo_claims)),
        (
            "acrs",
            (!request.acrs.is_empty()).then(|| json!(request.acrs)),
        ),
    ] {
        if let Some(value) = value {
            answer[field] = value;
        }
    }
    let expires_at = state.now() + TICKET_LIFETIME;
    insert_bounded(
        &mut state.authorization_tickets,
        ticket,
        AuthorizationTicket {
            request,
            expires_at,
        },
    );
    Reply::json(200, answer)
}

/// The parameters pushed under `request_uri`, which this use spends.
fn take_pushed(
    state: &mut State,
    request_uri: &str,
    client_id: Option<&str>,
) -> Result<Form, Refusal> {
    let refuse = |error, description: &str| Refusal::Direct(error, description.to_owned());
    let Some(pushed) = state.pushed.get(request_uri) else {
        return Err(refuse(
            "invalid_request_uri",
            "The request_uri is unknown, used or expired.",
        ));
    };
    let client = client_id
        .and_then(|id| state.client(id))
        .map(|(key, _)| key);
    if client != Some(pushed.client_id.as_str()) {
        return Err(refuse(
            "invalid_request",
            "The client_id does not match the pushed request's.",
        ));
    }
    let now = state.now();
    match state.pushed.remove(request_uri) {
        Some(pushed) if pushed.expires_at > now => Ok(Form::parse(&pushed.parameters)),
        _ => Err(refuse(
            "invalid_request_uri",
            "The request_uri is unknown, used or expired.",
        )),
    }
}

/// Authlete's `client` object for the authorization page.
fn client_json(state: &State, key: &str) -> Value {
    let Some((_, client)) = state.client(key) else {
        return Value::Null;
    };
    // A client registered under its number has no alias.
    let mut shown = state.client_identity(key);
    shown["clientIdAliasEnabled"] = json!(shown.get("clientIdAlias").is_some());
    shown["clientType"] = json!(if client.secret.is_some() {
        "CONFIDENTIAL"
    } else {
        "PUBLIC"
    });
    if let Some(name) = &client.name {
        shown["clientName"] = json!(name);
    }
    shown
}

/// The open authorization ticket that `body` names, which this spends.
fn take_ticket(state: &mut State, body: &Value) -> Option<AuthorizationTicket> {
    let now = state.now();
    state
        .authorization_tickets
        .remove(body["ticket"].as_str()?)
        .filter(|ticket| ticket.expires_at > now)
}

fn issue(state: &mut State, body: &Value) -> Reply {
    let Some(subject) = body["subject"].as_str().filter(|s| !s.is_empty()) else {
        return api_error(400, "The request has no subject.");
    };
    let Some(ticket) = take_ticket(state, body) else {
        return api_error(400, "The ticket is unknown or has already been used.");
    };
    let mut request = ticket.request;
    // The authorization server may grant other scopes than those requested.
    if let Some(scopes) = body["scopes"].as_array() {
        request.scopes = scopes
            .iter()
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect();
    }
    let claims = body["claims"]
        .as_str()
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
        .filter(Value::is_object);
    // Authlete takes the authentication time in seconds; 0 means unknown.
    let auth_time = body["authTime"].as_i64().filter(|t| *t > 0);
    let acr = body["acr"].as_str().map(str::to_owned);
    let now = state.now();
    let to = Destination::of(&request);
    let kind = request.response_type;
    let mut fields: Vec<(&str, String)> = Vec::new();
    let mut answer = json!({});

    let code = kind.code.then(|| state.new_value("code"));
    if let Some(code) = &code {
        insert_bounded(
            &mut state.codes,
            code.clone(),
            CodeGrant {
                request: request.clone(),
                subject: subject.to_owned(),
                auth_time,
                acr: acr.clone(),
                claims: claims.clone(),
                expires_at: now + CODE_LIFETIME,
            },
        );
        fields.push(("code", code.clone()));
        answer["authorizationCode"] = json!(code);
    }

    let access_token = kind.token.then(|| state.new_value("at"));
    if let Some(access_token) = &access_token {
        let expires_at = now + ACCESS_TOKEN_LIFETIME;
        state.keep_token(TokenRecord {
            access_token: access_token.clone(),
            refresh_token: None,
            client_id: request.client_id.clone(),
            subject: Some(subject.to_owned()),
            scopes: request.scopes.clone(),
            refresh_scopes: request.scopes.clone(),
            grant_type: "IMPLICIT",
            issued_at: now,
            access_expires_at: expires_at,
            refresh_expires_at: expires_at,
            auth_time,
            acr: acr.clone(),
            userinfo_claims: request.userinfo_claims.clone(),
            grant_id: None,
        });
        fields.push(("access_token", access_token.clone()));
        fields.push(("token_type", "Bearer".to_owned()));
        fields.push(("expires_in", ACCESS_TOKEN_LIFETIME.to_string()));
        if !request.scopes.is_empty() {
            fields.push(("scope", request.scopes.join(" ")));
        }
        answer["accessToken"] = json!(access_token);
        answer["accessTokenExpiresAt"] = json!(expires_at * 1000);
        answer["accessTokenDuration"] = json!(ACCESS_TOKEN_LIFETIME);
    }

    if kind.id_token {
        let made = id_token(
            state,
            &IdTokenFor {
                client_id: &request.client_id,
                subject,
                nonce: request.nonce.as_deref(),
                auth_time: auth_time.filter(|_| request.auth_time_asked),
                acr: acr.as_deref(),
                claims: claims.as_ref(),
                access_token: access_token.as_deref(),
                code: code.as_deref(),
            },
        );
        let id_token = match made {
            Ok(id_token) => id_token,
            Err(reply) => return reply,
        };
        fields.push(("id_token", id_token.clone()));
        answer["idToken"] = json!(id_token);
    }

    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (action, content) = to_client(state.issuer(), &to, &fields);
    answer["action"] = json!(action);
    answer["responseContent"] = json!(content);
    Reply::json(200, answer)
}

fn fail(state: &mut State, body: &Value) -> Reply {
    let Some(reason) = body["reason"].as_str() else {
        return api_error(400, "The request has no reason.");
    };
    let Some(ticket) = take_ticket(state, body) else {
        return api_error(400, "The ticket is unknown or has already been used.");
    };
    let (error, description) = error_for(reason);
    let description = body["description"].as_str().unwrap_or(description);
    let to = Destination::of(&ticket.request);
    let (action, content) = to_client(
        state.issuer(),
        &to,
        &[("error", error), ("error_description", description)],
    );
    Reply::json(200, json!({"action": action, "responseContent": content}))
}

/// The error the client gets for a failure reason, as Authlete maps it.
fn error_for(reason: &str) -> (&'static str, &'static str) {
    match reason {
        "NOT_LOGGED_IN" => ("login_required", "The end-user has not logged in."),
        "MAX_AGE_NOT_SUPPORTED" | "EXCEEDS_MAX_AGE" => (
            "login_required",
            "The end-user's authentication is older than max_age allows.",
        ),
        "DIFFERENT_SUBJECT" => (
            "login_required",
            "The end-user is not the one the client asked for.",
        ),
        "ACR_NOT_SATISFIED" => (
            "login_required",
            "The end-user's authentication does not satisfy the requested ACR.",
        ),
        "NOT_AUTHENTICATED" => ("login_required", "The end-user was not authenticated."),
        "DENIED" => ("access_denied", "The end-user denied the request."),
        "ACCOUNT_SELECTION_REQUIRED" => (
            "account_selection_required",
            "The end-user must select an account.",
        ),
        "CONSENT_REQUIRED" => ("consent_required", "The end-user's consent is required."),
        "INTERACTION_REQUIRED" => (
            "interaction_required",
            "The end-user must interact with the server.",
        ),
        "INVALID_TARGET" => ("invalid_target", "The requested resource is not valid."),
        "INVALID_SCOPE" => ("invalid_scope", "The requested scope is not valid."),
        "UNAUTHORIZED_CLIENT" => (
            "unauthorized_client",
            "The client may not make this request.",
        ),
        "TEMPORARILY_UNAVAILABLE" => (
            "temporarily_unavailable",
            "The server cannot handle the request now.",
        ),
        _ => ("server_error", "The authorization server failed."),
    }
}

/// The action and content that carry `fields` (plus `state` and `iss`, RFC
/// 9207) to the client: a redirect with a query or a fragment, or an
/// auto-posting form.
fn to_client(issuer: &str, to: &Destination, fields: &[(&str, &str)]) -> (&'static str, String) {
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    if let Some(state) = &to.state {
        all.push(("state", state));
    }
    all.push(("iss", issuer));
    match to.mode {
        ResponseMode::Query => {
            let query = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&all)
                .finish();
            let separator = if to.redirect_uri.contains('?') {
                '&'
            } else {
                '?'
            };
            ("LOCATION", format!("{}{separator}{query}", to.redirect_uri))
        }
        ResponseMode::Fragment => {
            let fragment = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&all)
                .finish();
            ("LOCATION", format!("{}#{fragment}", to.redirect_uri))
        }
        ResponseMode::FormPost => ("FORM", auto_post_form(&to.redirect_uri, &all)),
    }
}

/// An HTML page that posts `fields` to `action` as soon as it loads (OAuth
/// 2.0 Form Post Response Mode).
fn auto_post_form(action: &str, fields: &[(&str, &str)]) -> String {
    let inputs: String = fields
        .iter()
        .map(|(name, value)| {
            format!(
                r#"<input type="hidden" name="{}" value="{}"/>"#,
                escape(name),
                escape(value)
            )
        })
        .collect();
    format!(
        r#"<!DOCTYPE html><html><head><title>Submit This Form</title></head><body onload="javascript:document.forms[0].submit()"><form method="post" action="{}">{inputs}</form></body></html>"#,
        escape(action)
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn push(state: &mut State, body: &Value) -> Reply {
    let form = Form::of(body);
    let refuse =
        |description: &str| direct("BAD_REQUEST", oauth_error("invalid_request", description));
    let client = match authenticate(state, body, &form) {
        Ok(client) => client,
        Err(AuthFailure::InvalidClient) => return invalid_client("UNAUTHORIZED"),
        Err(AuthFailure::InvalidRequest(description)) => return refuse(description),
    };
    let auth_method = client.method;
    let client = client.key;
    if form.get("request_uri").is_some() {
        return refuse("A pushed request cannot carry a request_uri.");
    }
    let named = form
        .get("client_id")
        .map(|id| state.client(id).map(|(key, _)| key));
    if named.is_some_and(|key| key != Some(client.as_str())) {
        return refuse("The client_id is not the authenticated client's.");
    }
    // Authentication may have named the client; the stored request must too.
    let mut parameters = body["parameters"].as_str().unwrap_or_default().to_owned();
    if named.is_none() {
        let id = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &client)
            .finish();
        parameters = if parameters.is_empty() {
            id
        } else {
            format!("{parameters}&{id}")
        };
    }
    if let Err(refusal) = validate(state, &Form::parse(&parameters)) {
        return refusal.into_direct();
    }
    let request_uri = format!(
        "urn:ietf:params:oauth:request_uri:{}",
        state.new_value("par")
    );
    let expires_at = state.now() + PUSHED_REQUEST_LIFETIME;
    insert_bounded(
        &mut state.pushed,
        request_uri.clone(),
        PushedRequest {
            client_id: client,
            parameters,
            expires_at,
        },
    );
    Reply::json(
        200,
        json!({
            "action": "CREATED",
            "requestUri": request_uri,
            "clientAuthMethod": auth_method,
            "responseContent": json!({
                "expires_in": PUSHED_REQUEST_LIFETIME,
                "request_uri": request_uri,
            }).to_string(),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_none_stands_alone() {
        assert_eq!(prompts(""), Some(vec![]));
        assert_eq!(prompts("login consent"), Some(vec!["LOGIN", "CONSENT"]));
        assert_eq!(prompts("none"), Some(vec!["NONE"]));
        assert_eq!(prompts("none login"), None);
        assert_eq!(prompts("sometimes"), None);
    }

    #[test]
    fn pkce_values_are_43_to_128_unreserved_characters() {
        assert!(is_pkce_value(&"a".repeat(43)));
        assert!(is_pkce_value(&"-._~".repeat(32)));
        assert!(!is_pkce_value(&"a".repeat(42)));
        assert!(!is_pkce_value(&"a".repeat(129)));
        assert!(!is_pkce_value(&format!("{}+", "a".repeat(42))));
    }

    #[test]
    fn form_post_escapes_what_it_embeds() {
        let page = auto_post_form("https://c.example/cb?a=1&b=2", &[("state", "\"><script>")]);
        assert!(page.contains(r#"action="https://c.example/cb?a=1&amp;b=2""#));
        assert!(page.contains(r#"value="&quot;&gt;&lt;script&gt;""#));
        assert!(!page.contains("<script>"));
    }

    #[test]
    fn a_redirect_keeps_the_registered_query_and_adds_state_and_iss() {
        let to = Destination {
            redirect_uri: "https://c.example/cb?x=1".into(),
            mode: ResponseMode::Query,
            state: Some("s 1".into()),
        };
        let (action, location) = to_client("https://iss.example", &to, &[("code", "c")]);
        assert_eq!(action, "LOCATION");
        assert_eq!(
            location,
            "https://c.example/cb?x=1&code=c&state=s+1&iss=https%3A%2F%2Fiss.example"
        );
    }
}
