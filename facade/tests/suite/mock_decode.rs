//! Every answer the stand-in gives decodes through the generated types, and
//! names no field the spec does not.
//!
//! The flows are driven over plain HTTP, so that each answer is seen as
//! the mock wrote it. The answers of the operations the mock emulates are
//! decoded into their generated response type with `serde_path_to_error`
//! (a failure names the field), and every key the spec does not name is
//! reported, at any depth, by walking the answer along the type's JSON
//! Schema (the generated types keep such keys rather than ignore them, so
//! serde alone cannot tell); their actions must be values the spec
//! knows, and encoding the decoded value again must give back what was
//! sent. The other operations' example answers go through the catalog's
//! round trip by type name, with the same comparison.

use std::collections::BTreeSet;
use std::fmt::Debug;

use authlete::operations::{self, OperationInfo};
use authlete::testing::{MOCK_ACCESS_TOKEN, MOCK_SERVICE_ID, MockAuthlete, MockClient};
use authlete_generated::{catalog, types};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Talks to the mock as Authlete's API, keeping what it answered.
struct Api {
    http: reqwest::Client,
    base: String,
    /// (operation, status, body) for every call.
    seen: Vec<(&'static str, u16, Option<Value>)>,
}

impl Api {
    fn new(mock: &MockAuthlete) -> Api {
        Api {
            http: reqwest::Client::new(),
            base: mock.uri(),
            seen: Vec::new(),
        }
    }

    /// Calls `op` with `body` (path parameters other than the service are
    /// `p`); gives the JSON answer, `Null` for none.
    async fn call(&mut self, op: &'static OperationInfo, body: Value) -> Value {
        self.call_with(op, "p", body).await
    }

    async fn call_with(&mut self, op: &'static OperationInfo, param: &str, body: Value) -> Value {
        let path = op
            .path
            .split('/')
            .map(|segment| match segment {
                "{serviceId}" => MOCK_SERVICE_ID,
                s if s.starts_with('{') => param,
                s => s,
            })
            .collect::<Vec<_>>()
            .join("/");
        let method = reqwest::Method::from_bytes(op.method.as_bytes()).expect("a method");
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.base))
            .bearer_auth(MOCK_ACCESS_TOKEN);
        if method != reqwest::Method::GET && method != reqwest::Method::DELETE {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the mock answers");
        let status = response.status().as_u16();
        let text = response.text().await.expect("a body");
        let json = (!text.is_empty())
            .then(|| serde_json::from_str::<Value>(&text).expect("JSON, if anything"));
        self.seen.push((op.id, status, json.clone()));
        json.unwrap_or(Value::Null)
    }
}

/// What a strict decoding found: the keys the type ignored, the value
/// encoded again, and its `Debug` form.
#[derive(Debug)]
struct Decoded {
    ignored: Vec<String>,
    again: Value,
    debug: String,
}

/// Every generated type's JSON Schema, by type name.
fn schemas() -> &'static std::collections::BTreeMap<&'static str, Value> {
    static SCHEMAS: std::sync::OnceLock<std::collections::BTreeMap<&'static str, Value>> =
        std::sync::OnceLock::new();
    SCHEMAS.get_or_init(|| catalog::json_schemas().into_iter().collect())
}

/// The keys of `value` that `schema` (inside the document `root`) does not
/// name, as dotted paths from `at`.
fn unknown_keys(value: &Value, schema: &Value, root: &Value, at: &str, out: &mut Vec<String>) {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => match root.pointer(reference.trim_start_matches('#')) {
            Some(found) => found,
            None => return,
        },
        None => schema,
    };
    let join = |key: &str| {
        if at.is_empty() {
            key.to_owned()
        } else {
            format!("{at}.{key}")
        }
    };
    // An optional or composed type: the members that describe objects.
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(members) = schema.get(key).and_then(Value::as_array) {
            let mut named = serde_json::Map::new();
            for member in members {
                let member = match member.get("$ref").and_then(Value::as_str) {
                    Some(r) => root.pointer(r.trim_start_matches('#')).unwrap_or(member),
                    None => member,
                };
                if let Some(properties) = member.get("properties").and_then(Value::as_object) {
                    named.extend(properties.clone());
                }
            }
            if !named.is_empty() {
                let merged = json!({"properties": named});
                return unknown_keys(value, &merged, root, at, out);
            }
            if let Some(first) = members
                .iter()
                .find(|m| m.get("type") != Some(&json!("null")))
            {
                return unknown_keys(value, first, root, at, out);
            }
        }
    }
    match value {
        Value::Object(object) => {
            let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
                return;
            };
            for (key, member) in object {
                match properties.get(key) {
                    Some(inner) => unknown_keys(member, inner, root, &join(key), out),
                    None => out.push(join(key)),
                }
            }
        }
        Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                for element in items {
                    unknown_keys(element, item, root, &join("[]"), out);
                }
            }
        }
        _ => {}
    }
}

/// Decodes `json` as `T`, strictly: the error path if it does not decode.
fn strict<T: DeserializeOwned + Serialize + Debug>(json: &Value) -> Result<Decoded, String> {
    let text = json.to_string();
    let mut ignored = Vec::new();
    let name = std::any::type_name::<T>()
        .rsplit("::")
        .next()
        .unwrap_or_default();
    let schema = schemas()
        .get(name)
        .ok_or_else(|| format!("no JSON Schema for {name}"))?;
    unknown_keys(json, schema, schema, "", &mut ignored);
    let mut deserializer = serde_json::Deserializer::from_str(&text);
    let decoded: T = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| format!("at {}: {}", e.path(), e.inner()))?;
    let again = serde_json::to_value(&decoded).map_err(|e| e.to_string())?;
    Ok(Decoded {
        ignored,
        again,
        debug: format!("{decoded:?}"),
    })
}

/// The response types of the operations the mock emulates, decoded
/// strictly; `None` for the others.
fn decode_strictly(type_name: &str, json: &Value) -> Option<Result<Decoded, String>> {
    macro_rules! by_name {
        ($($name:ident),* $(,)?) => {
            match type_name {
                $(stringify!($name) => Some(strict::<types::$name>(json)),)*
                _ => None,
            }
        };
    }
    by_name!(
        AuthorizationResponse,
        AuthorizationIssueResponse,
        AuthorizationFailResponse,
        PushedAuthorizationResponse,
        TokenResponse,
        TokenIssueResponse,
        TokenFailResponse,
        TokenCreateResponse,
        TokenUpdateResponse,
        TokenGetListResponse,
        TokenRevokeResponse,
        IdtokenReissueResponse,
        IntrospectionResponse,
        StandardIntrospectionResponse,
        RevocationResponse,
        UserInfoResponse,
        UserInfoIssueResponse,
        ServiceJwksGetResponse,
        ResultBody,
    )
}

/// `value` without empty arrays, empty objects and nulls, at any depth:
/// the generated types leave empty lists, empty maps and absent options
/// out when they encode.
fn normalised(value: &Value) -> Value {
    let empty = |v: &Value| {
        v.is_null()
            || v.as_array().is_some_and(Vec::is_empty)
            || v.as_object().is_some_and(serde_json::Map::is_empty)
    };
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !empty(v))
                .map(|(k, v)| (k.clone(), normalised(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(normalised).collect()),
        other => other.clone(),
    }
}

/// Everything wrong with one answer; empty if nothing is.
fn problems(op: &str, status: u16, body: &Option<Value>) -> Vec<String> {
    let Some(operation) = catalog::operation(op) else {
        return vec![format!("{op}: not in the catalog")];
    };
    let Some(response) = operation
        .responses
        .iter()
        .find(|r| r.status == status.to_string())
    else {
        return vec![format!(
            "{op}: status {status}, which the spec does not list"
        )];
    };
    let (type_name, body) = match (response.body, body) {
        (None, None) => return Vec::new(),
        (None, Some(_)) => return vec![format!("{op} {status}: a body where the spec has none")],
        (Some(_), None) => return vec![format!("{op} {status}: no body")],
        (Some(name), Some(body)) => (name, body),
    };
    let mut found = Vec::new();
    if type_name == "Map" {
        // A JSON object with any members (the discovery document).
        if !body.is_object() {
            found.push(format!("{op} {status}: not a JSON object"));
        }
        return found;
    }
    match decode_strictly(type_name, body) {
        Some(Err(error)) => found.push(format!(
            "{op} {status}: {type_name} does not decode {error}"
        )),
        Some(Ok(Decoded {
            ignored,
            again,
            debug,
        })) => {
            if !ignored.is_empty() {
                found.push(format!("{op} {status}: {type_name} has no {ignored:?}"));
            }
            if debug.contains("Unrecognized(") {
                found.push(format!(
                    "{op} {status}: a value the spec does not know: {debug}"
                ));
            }
            if normalised(&again) != normalised(body) {
                found.push(format!(
                    "{op} {status}: {type_name} encodes again as {again}, not {body}"
                ));
            }
        }
        None => match catalog::roundtrip(type_name, &body.to_string()) {
            None => found.push(format!("{op} {status}: no type {type_name}")),
            Some(Err(error)) => found.push(format!(
                "{op} {status}: {type_name} does not decode: {error}"
            )),
            Some(Ok(again)) => {
                let again: Value = serde_json::from_str(&again).expect("JSON");
                if normalised(&again) != normalised(body) {
                    found.push(format!(
                        "{op} {status}: {type_name} encodes again as {again}, not {body}"
                    ));
                }
            }
        },
    }
    found
}

fn text(value: &Value, field: &str) -> String {
    value[field]
        .as_str()
        .unwrap_or_else(|| panic!("no {field} in {value}"))
        .to_owned()
}

/// The parameters of a redirect in a `LOCATION` answer's content.
fn redirect(answer: &Value) -> std::collections::HashMap<String, String> {
    let url = url::Url::parse(&text(answer, "responseContent")).expect("a URL");
    let params = url
        .fragment()
        .or(url.query())
        .unwrap_or_default()
        .to_owned();
    url::form_urlencoded::parse(params.as_bytes())
        .into_owned()
        .collect()
}

#[tokio::test]
async fn every_answer_decodes_through_the_generated_types() {
    use operations::{
        authorization as az, introspection as ins, pushed_authorization as par, revocation as rv,
        service as sv, tokens as tk, userinfo as ui,
    };
    let mock = MockAuthlete::start().await.expect("mock");
    mock.register(
        MockClient::new("web")
            .secret("web-secret")
            .name("Web")
            .redirect_uri("https://web.example/cb")
            .response_type("code")
            .response_type("code id_token token")
            .userinfo_signed_response_alg("RS256"),
    );
    mock.register(MockClient::new("4000").secret("numeric-secret"));
    let mut api = Api::new(&mock);
    let basic = |parameters: &str| json!({"parameters": parameters, "clientId": "web", "clientSecret": "web-secret"});

    // Authorization: interaction with claims, refusals, prompt=none, issue, fail.
    let claims = r#"{"id_token":{"email":null},"userinfo":{"nickname":null}}"#;
    let asked = api
        .call(
            &az::PROCESS,
            json!({"parameters": format!(
                "response_type=code&client_id=web&scope=openid+email&state=s&max_age=60&login_hint=a&acr_values=x&claims={}",
                url::form_urlencoded::byte_serialize(claims.as_bytes()).collect::<String>()
            )}),
        )
        .await;
    let issued = api
        .call(
            &az::ISSUE,
            json!({"ticket": text(&asked, "ticket"), "subject": "alice", "authTime": 1_700_000_000,
                   "acr": "x", "claims": r#"{"email":"a@example.com"}"#}),
        )
        .await;
    let code = redirect(&issued)["code"].clone();
    let hybrid = api
        .call(
            &az::PROCESS,
            json!({"parameters": "response_type=code+id_token+token&client_id=web&scope=openid&nonce=n"}),
        )
        .await;
    api.call(
        &az::ISSUE,
        json!({"ticket": text(&hybrid, "ticket"), "subject": "alice"}),
    )
    .await;
    let none = api
        .call(
            &az::PROCESS,
            json!({"parameters": "response_type=code&client_id=web&prompt=none&response_mode=form_post"}),
        )
        .await;
    api.call(
        &az::FAIL,
        json!({"ticket": text(&none, "ticket"), "reason": "NOT_LOGGED_IN"}),
    )
    .await;
    api.call(
        &az::PROCESS,
        json!({"parameters": "response_type=code&client_id=nobody"}),
    )
    .await;
    api.call(
        &az::PROCESS,
        json!({"parameters": "response_type=code&client_id=web&scope=bogus"}),
    )
    .await;
    api.call(&az::ISSUE, json!({"ticket": "spent", "subject": "alice"}))
        .await;

    // Tokens: every grant, refusals, the password ticket's issue and fail.
    let granted = api
        .call(
            &tk::PROCESS,
            basic(&format!("grant_type=authorization_code&code={code}")),
        )
        .await;
    let access = text(&granted, "accessToken");
    let refresh = text(&granted, "refreshToken");
    let refreshed = api
        .call(
            &tk::PROCESS,
            basic(&format!("grant_type=refresh_token&refresh_token={refresh}")),
        )
        .await;
    api.call(
        &tk::PROCESS,
        basic("grant_type=client_credentials&scope=email"),
    )
    .await;
    api.call(
        &tk::PROCESS,
        json!({"parameters": "grant_type=client_credentials&client_id=4000&client_secret=numeric-secret"}),
    )
    .await;
    let password = api
        .call(
            &tk::PROCESS,
            basic("grant_type=password&username=u&password=p&scope=openid"),
        )
        .await;
    api.call(
        &tk::ISSUE,
        json!({"ticket": text(&password, "ticket"), "subject": "u"}),
    )
    .await;
    let password = api
        .call(
            &tk::PROCESS,
            basic("grant_type=password&username=u&password=wrong"),
        )
        .await;
    api.call(
        &tk::FAIL,
        json!({"ticket": text(&password, "ticket"), "reason": "INVALID_RESOURCE_OWNER_CREDENTIALS"}),
    )
    .await;
    api.call(
        &tk::PROCESS,
        basic("grant_type=client_credentials&grant_type=password"),
    )
    .await;
    api.call(
        &tk::PROCESS,
        json!({"parameters": "grant_type=client_credentials", "clientId": "web", "clientSecret": "no"}),
    )
    .await;
    api.call(&tk::ISSUE, json!({"ticket": "spent", "subject": "u"}))
        .await;
    let new_access = text(&refreshed, "accessToken");
    let new_refresh = text(&refreshed, "refreshToken");
    api.call(
        &tk::REISSUE_ID_TOKEN,
        json!({"accessToken": new_access, "refreshToken": new_refresh}),
    )
    .await;
    api.call(
        &tk::REISSUE_ID_TOKEN,
        json!({"accessToken": "x", "refreshToken": "y"}),
    )
    .await;
    let created = api
        .call(
            &tk::CREATE,
            json!({"grantType": "PASSWORD", "clientId": 4000, "subject": "bob", "scopes": ["openid"]}),
        )
        .await;
    api.call(
        &tk::UPDATE,
        json!({"accessToken": text(&created, "accessToken")}),
    )
    .await;
    api.call(&tk::LIST, json!({})).await;
    api.call(&tk::REVOKE, json!({"subject": "bob"})).await;
    api.call_with(&tk::DELETE, "no-such-token", json!({})).await;

    // Resources: introspection, UserInfo, revocation.
    api.call(
        &ins::PROCESS,
        json!({"token": new_access, "scopes": ["openid"]}),
    )
    .await;
    api.call(
        &ins::PROCESS,
        json!({"token": new_access, "scopes": ["phone"]}),
    )
    .await;
    api.call(&ins::PROCESS, json!({"token": access})).await;
    api.call(&ins::PROCESS, json!({})).await;
    api.call(
        &ins::STANDARD,
        json!({"parameters": format!("token={new_access}")}),
    )
    .await;
    api.call(&ins::STANDARD, json!({"parameters": "token=unknown"}))
        .await;
    let userinfo = api.call(&ui::PROCESS, json!({"token": new_access})).await;
    api.call(
        &ui::ISSUE,
        json!({"token": text(&userinfo, "token"), "claims": r#"{"nickname":"al"}"#}),
    )
    .await;
    api.call(&ui::PROCESS, json!({"token": "unknown"})).await;
    api.call(&rv::PROCESS, basic(&format!("token={new_access}")))
        .await;
    api.call(
        &rv::PROCESS,
        json!({"parameters": "token=t", "clientId": "web", "clientSecret": "no"}),
    )
    .await;
    api.call(&rv::PROCESS, basic("token=t&client_secret=web-secret"))
        .await;

    // PAR, discovery, JWKS.
    api.call(
        &par::PROCESS,
        basic("response_type=code&scope=openid&redirect_uri=https%3A%2F%2Fweb.example%2Fcb"),
    )
    .await;
    api.call(&par::PROCESS, basic("response_type=code&request_uri=x"))
        .await;
    api.call(
        &par::PROCESS,
        json!({"parameters": "response_type=code", "clientId": "web", "clientSecret": "no"}),
    )
    .await;
    api.call(&sv::CONFIGURATION, json!({})).await;
    api.call(&sv::JWKS, json!({})).await;

    // A subject's authorizations, for a client the mock knows (the spec
    // lists no refusal for the POST form).
    api.call_with(
        &operations::clients::DELETE_AUTHORIZATION_BY_BODY,
        "web",
        json!({"subject": "alice"}),
    )
    .await;
    api.call_with(
        &operations::clients::DELETE_AUTHORIZATION_BY_PATH,
        "web",
        json!({}),
    )
    .await;

    // Scopes per client and subject, for a client the mock knows.
    for op in [
        &operations::clients::REQUESTABLE_SCOPES,
        &operations::clients::UPDATE_REQUESTABLE_SCOPES,
        &operations::clients::UPDATE_REQUESTABLE_SCOPES_VIA_POST,
        &operations::clients::DELETE_REQUESTABLE_SCOPES,
        &operations::clients::GRANTED_SCOPES_BY_BODY,
        &operations::clients::GRANTED_SCOPES_BY_PATH,
        &operations::clients::DELETE_GRANTED_SCOPES_BY_PATH,
    ] {
        api.call_with(
            op,
            "web",
            json!({"requestableScopes": ["openid"], "subject": "web"}),
        )
        .await;
    }

    // The device flow, CIBA, registration, keys and offers, with state.
    let device = api
        .call(
            &operations::device_flow::AUTHORIZATION,
            basic("scope=openid"),
        )
        .await;
    let user_code = json!({"userCode": text(&device, "userCode")});
    api.call(&operations::device_flow::VERIFICATION, user_code.clone())
        .await;
    let mut decided = user_code.clone();
    decided["result"] = json!("AUTHORIZED");
    decided["subject"] = json!("alice");
    api.call(&operations::device_flow::COMPLETE, decided).await;
    let ciba = api
        .call(
            &operations::ciba::PROCESS,
            basic("scope=openid&login_hint=alice"),
        )
        .await;
    let ticket = json!({"ticket": text(&ciba, "ticket")});
    api.call(&operations::ciba::ISSUE, ticket.clone()).await;
    let mut decided = ticket.clone();
    decided["result"] = json!("AUTHORIZED");
    decided["subject"] = json!("alice");
    api.call(&operations::ciba::COMPLETE, decided).await;
    // Push delivery: `/complete` carries the tokens.
    let pushed = api
        .call(
            &operations::clients::CREATE,
            json!({
                "clientName": "push",
                "bcDeliveryMode": "PUSH",
                "bcNotificationEndpoint": "https://rp.example/cb",
            }),
        )
        .await;
    let ciba = api
        .call(
            &operations::ciba::PROCESS,
            json!({
                "parameters": "scope=openid&login_hint=alice&client_notification_token=nt",
                "clientId": pushed["clientId"].to_string(),
                "clientSecret": text(&pushed, "clientSecret"),
            }),
        )
        .await;
    let ticket = json!({"ticket": text(&ciba, "ticket")});
    api.call(&operations::ciba::ISSUE, ticket.clone()).await;
    let mut decided = ticket.clone();
    decided["result"] = json!("AUTHORIZED");
    decided["subject"] = json!("alice");
    let completed = api.call(&operations::ciba::COMPLETE, decided).await;
    assert_eq!(completed["deliveryMode"], "PUSH", "{completed}");
    assert!(completed["idToken"].is_string(), "{completed}");
    api.call(
        &operations::client_registration::REGISTER,
        json!({"json": r#"{"redirect_uris":["https://dyn.example/cb"]}"#}),
    )
    .await;
    let key = api
        .call(
            &operations::hsk::CREATE,
            json!({"kty": "EC", "alg": "ES256"}),
        )
        .await;
    let handle = key["hsk"]["handle"].as_str().unwrap_or_default().to_owned();
    api.call_with(&operations::hsk::GET, &handle, json!({}))
        .await;
    api.call_with(&operations::hsk::DELETE, &handle, json!({}))
        .await;
    let offer = api
        .call(
            &operations::credential_issuer::CREATE_OFFER,
            json!({"credentialConfigurationIds": ["x"], "preAuthorizedCodeGrantIncluded": true}),
        )
        .await;
    api.call(
        &operations::credential_issuer::OFFER_INFO,
        json!({"identifier": offer["info"]["identifier"]}),
    )
    .await;
    // Credential issuance, with state: parse, then issue now or later.
    let wallet = api
        .call(
            &operations::tokens::PROCESS,
            basic("grant_type=client_credentials"),
        )
        .await;
    let token = text(&wallet, "accessToken");
    for op in [
        &operations::credential_issuer::METADATA,
        &operations::credential_issuer::JWT_ISSUER,
        &operations::credential_issuer::JWKS,
    ] {
        api.call(op, json!({"pretty": false})).await;
    }
    let single = json!({"accessToken": token, "requestContent": r#"{"format":"jwt_vc_json"}"#});
    let parsed = api
        .call(&operations::credential_issuer::PARSE_SINGLE, single.clone())
        .await;
    let order = |parsed: &Value, deferred: bool| {
        json!({
            "requestIdentifier": parsed["identifier"],
            "credentialPayload": r#"{"given_name":"Alice"}"#,
            "issuanceDeferred": deferred,
        })
    };
    api.call(
        &operations::credential_issuer::ISSUE_SINGLE,
        json!({"accessToken": token, "order": order(&parsed["info"], false)}),
    )
    .await;
    let parsed = api
        .call(&operations::credential_issuer::PARSE_SINGLE, single)
        .await;
    let accepted = api
        .call(
            &operations::credential_issuer::ISSUE_SINGLE,
            json!({"accessToken": token, "order": order(&parsed["info"], true)}),
        )
        .await;
    let transaction = text(&accepted, "transactionId");
    let deferred = api
        .call(
            &operations::credential_issuer::PARSE_DEFERRED,
            json!({"accessToken": token, "requestContent": json!({"transaction_id": transaction}).to_string()}),
        )
        .await;
    api.call(
        &operations::credential_issuer::ISSUE_DEFERRED,
        json!({"order": order(&deferred["info"], false)}),
    )
    .await;
    let batch = api
        .call(
            &operations::credential_issuer::PARSE_BATCH,
            json!({"accessToken": token, "requestContent": r#"{"credential_requests":[{"format":"jwt_vc_json"}]}"#}),
        )
        .await;
    api.call(
        &operations::credential_issuer::ISSUE_BATCH,
        json!({"accessToken": token, "orders": [order(&batch["info"][0], false)]}),
    )
    .await;

    // Everything else: the example answers.
    let called: BTreeSet<&str> = api.seen.iter().map(|(op, _, _)| *op).collect();
    for op in operations::ALL {
        if !called.contains(op.id) && *op != operations::service::DELETE {
            api.call(op, json!({})).await;
        }
    }
    // Last: after it the mock's service is gone, and every call for it is
    // a 404.
    api.call(&operations::service::DELETE, json!({})).await;

    let called: BTreeSet<&str> = api.seen.iter().map(|(op, _, _)| *op).collect();
    assert_eq!(
        called.len(),
        operations::ALL.len(),
        "every operation answered"
    );
    let mut actions = BTreeSet::new();
    let mut all = Vec::new();
    for (op, status, body) in &api.seen {
        if let Some(action) = body.as_ref().and_then(|b| b["action"].as_str()) {
            actions.insert(format!("{op}:{action}"));
        }
        all.extend(problems(op, *status, body));
    }
    assert!(
        all.is_empty(),
        "{} problems:\n{}",
        all.len(),
        all.join("\n")
    );
    // The flows reached the answers they were meant to.
    for expected in [
        "auth_authorization_api:INTERACTION",
        "auth_authorization_api:NO_INTERACTION",
        "auth_authorization_api:BAD_REQUEST",
        "auth_authorization_api:LOCATION",
        "auth_authorization_issue_api:LOCATION",
        "auth_authorization_fail_api:FORM",
        "auth_token_api:OK",
        "auth_token_api:PASSWORD",
        "auth_token_api:BAD_REQUEST",
        "auth_token_api:INVALID_CLIENT",
        "auth_token_issue_api:OK",
        "auth_token_fail_api:BAD_REQUEST",
        "idtoken_reissue_api:OK",
        "idtoken_reissue_api:CALLER_ERROR",
        "auth_introspection_api:OK",
        "auth_introspection_api:FORBIDDEN",
        "auth_introspection_api:UNAUTHORIZED",
        "auth_introspection_api:BAD_REQUEST",
        "auth_introspection_standard_api:OK",
        "auth_userinfo_api:OK",
        "auth_userinfo_api:UNAUTHORIZED",
        "auth_userinfo_issue_api:JWT",
        "auth_revocation_api:OK",
        "auth_revocation_api:INVALID_CLIENT",
        "auth_revocation_api:BAD_REQUEST",
        "pushed_auth_req_api:CREATED",
        "pushed_auth_req_api:BAD_REQUEST",
        "pushed_auth_req_api:UNAUTHORIZED",
    ] {
        assert!(
            actions.contains(expected),
            "{expected} not seen in {actions:?}"
        );
    }
}

#[test]
fn the_strict_decoder_reports_unknown_fields_at_any_depth() {
    let decoded = strict::<types::TokenResponse>(&json!({
        "action": "OK",
        "accessToken": "a",
        "tokenType": "Bearer",
        "subjectTokenInfo": {"subject": "s", "colour": "blue"},
    }))
    .expect("decodes");
    // The order follows serde_json's map, which depends on its features in
    // the build.
    let mut ignored = decoded.ignored.clone();
    ignored.sort();
    assert_eq!(ignored, ["subjectTokenInfo.colour", "tokenType"]);
    let error = strict::<types::TokenResponse>(&json!({"accessTokenExpiresAt": "soon"}))
        .expect_err("a string is no time");
    assert!(error.contains("accessTokenExpiresAt"), "{error}");
}
