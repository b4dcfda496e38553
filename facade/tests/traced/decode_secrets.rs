//! A response that does not decode never puts a secret into an error, its
//! `Debug`, its `source()` chain or the traces, yet the error still says
//! where (the field path, line and column) and what (the JSON type found,
//! the type expected) went wrong.
//!
//! Every operation is answered with a body whose secret-bearing fields hold
//! distinctive `SECRET-…` strings, broken in several ways. Every test here
//! installs a capturing subscriber first (see `tracing.rs` for why).

use crate::common;

use std::fmt::Write as _;

use crate::traces::Traces;
use authlete::endpoint::token::{TokenEndpoint, TokenEndpointDelegate, UserCheck};
use authlete::{Error, GrantType, TokenFailReason};
use serde_json::{Map, Value, json};
use wiremock::matchers::{any, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Every secret in these tests contains this marker, and nothing else does.
const MARK: &str = "SECRET-";

#[derive(Debug, Clone, Copy)]
enum Op {
    Process,
    Issue,
    Fail,
    Reissue,
    Create,
    Update,
    List,
    Revoke,
}

const OPS: [Op; 8] = [
    Op::Process,
    Op::Issue,
    Op::Fail,
    Op::Reissue,
    Op::Create,
    Op::Update,
    Op::List,
    Op::Revoke,
];

/// What a test needs to know about an operation's response.
struct Shape {
    /// A body that decodes, secrets in every secret-bearing field.
    valid: Map<String, Value>,
    /// A top-level string field holding a secret.
    secret_field: &'static str,
    /// A top-level field to give the wrong type, written right after `secret_field`.
    neighbour: &'static str,
    /// A top-level number field, if the response has one.
    number_field: Option<&'static str>,
    /// A top-level boolean field, if the response has one.
    flag_field: Option<&'static str>,
    /// A nested field to break (`path`, and the body that breaks it).
    nested: Option<(&'static str, Value)>,
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => unreachable!("an object"),
    }
}

fn shape(op: Op) -> Shape {
    match op {
        Op::Process => Shape {
            valid: object(json!({
                "resultCode": "A050001",
                "resultMessage": "[A050001] ok",
                "action": "PASSWORD",
                "responseContent": "{\"access_token\":\"SECRET-RC-process\"}",
                "username": "john",
                "password": "SECRET-PW-process",
                "ticket": "SECRET-TICKET-process",
                "accessToken": "SECRET-AT-process",
                "accessTokenExpiresAt": 1_700_000_000_000i64,
                "refreshToken": "SECRET-RT-process",
                "idToken": "SECRET-IDT-process",
                "jwtAccessToken": "SECRET-JWT-process",
                "subjectToken": "SECRET-SUBJTOK-process",
                "actorToken": "SECRET-ACTTOK-process",
                "assertion": "SECRET-ASSERTION-process",
                "dpopNonce": "SECRET-DPOPNONCE-process",
                "cnonce": "SECRET-CNONCE-process",
                "deviceSecret": "SECRET-DEVSEC-process",
                "clientIdAliasUsed": false,
                "properties": [{"key": "k", "value": "SECRET-PROP-process"}],
            })),
            secret_field: "password",
            neighbour: "ticket",
            number_field: Some("accessTokenExpiresAt"),
            flag_field: Some("clientIdAliasUsed"),
            nested: Some((
                "properties[0].key",
                json!([{"key": ["SECRET-PROPKEY-process"], "value": "SECRET-PROP-process"}]),
            )),
        },
        Op::Issue => Shape {
            valid: object(json!({
                "resultCode": "A054001",
                "resultMessage": "[A054001] ok",
                "action": "OK",
                "responseContent": "{\"access_token\":\"SECRET-RC-issue\"}",
                "accessToken": "SECRET-AT-issue",
                "accessTokenExpiresAt": 1_700_000_000_000i64,
                "refreshToken": "SECRET-RT-issue",
                "jwtAccessToken": "SECRET-JWT-issue",
                "clientIdAliasUsed": false,
                "properties": [{"key": "k", "value": "SECRET-PROP-issue"}],
            })),
            secret_field: "accessToken",
            neighbour: "accessTokenExpiresAt",
            number_field: Some("accessTokenExpiresAt"),
            flag_field: Some("clientIdAliasUsed"),
            nested: Some((
                "properties[0].value",
                json!([{"key": "k", "value": {"v": "SECRET-PROPVAL-issue"}}]),
            )),
        },
        Op::Fail => Shape {
            valid: object(json!({
                "resultCode": "A055001",
                "resultMessage": "[A055001] ok",
                "action": "BAD_REQUEST",
                "responseContent": "{\"error\":\"invalid_grant\",\"x\":\"SECRET-RC-fail\"}",
            })),
            secret_field: "responseContent",
            neighbour: "resultMessage",
            number_field: None,
            flag_field: None,
            nested: None,
        },
        Op::Reissue => Shape {
            valid: object(json!({
                "resultCode": "A330001",
                "resultMessage": "[A330001] ok",
                "action": "OK",
                "responseContent": "{\"id_token\":\"SECRET-RC-reissue\"}",
                "idToken": "SECRET-IDT-reissue",
            })),
            secret_field: "idToken",
            neighbour: "responseContent",
            number_field: None,
            flag_field: None,
            nested: None,
        },
        Op::Create => Shape {
            valid: object(json!({
                "resultCode": "A109001",
                "resultMessage": "[A109001] ok",
                "action": "OK",
                "accessToken": "SECRET-AT-create",
                "refreshToken": "SECRET-RT-create",
                "jwtAccessToken": "SECRET-JWT-create",
                "expiresAt": 1_700_000_000_000i64,
                "expiresIn": 3600,
                "forExternalAttachment": false,
                "tokenId": "SECRET-TOKID-create",
            })),
            secret_field: "refreshToken",
            neighbour: "expiresIn",
            number_field: Some("expiresAt"),
            flag_field: Some("forExternalAttachment"),
            nested: None,
        },
        Op::Update => Shape {
            valid: object(json!({
                "resultCode": "A135001",
                "resultMessage": "[A135001] ok",
                "action": "OK",
                "accessToken": "SECRET-AT-update",
                "accessTokenExpiresAt": 1_700_000_000_000i64,
                "forExternalAttachment": false,
                "tokenId": "SECRET-TOKID-update",
            })),
            secret_field: "accessToken",
            neighbour: "tokenId",
            number_field: Some("accessTokenExpiresAt"),
            flag_field: Some("forExternalAttachment"),
            nested: None,
        },
        Op::List => Shape {
            valid: object(json!({
                "start": 0,
                "end": 1,
                "totalCount": 1,
                "subject": "SECRET-SUBJ-list",
                "client": {"clientId": 1, "clientName": "app", "clientSecret": "SECRET-CS-list"},
                "accessTokens": [{
                    "accessTokenHash": "SECRET-ATH-list",
                    "refreshTokenHash": "SECRET-RTH-list",
                    "accessTokenExpiresAt": 1_700_000_000_000i64,
                }],
            })),
            secret_field: "subject",
            neighbour: "totalCount",
            number_field: Some("totalCount"),
            flag_field: None,
            nested: Some((
                "accessTokens[0].accessTokenExpiresAt",
                json!([{
                    "accessTokenHash": "SECRET-ATH-list",
                    "accessTokenExpiresAt": "SECRET-NESTED-list",
                }]),
            )),
        },
        Op::Revoke => Shape {
            valid: object(json!({
                "resultCode": "A170001",
                "resultMessage": "[A170001] SECRET-MSG-revoke",
                "count": 1,
            })),
            secret_field: "resultMessage",
            neighbour: "count",
            number_field: Some("count"),
            flag_field: None,
            nested: None,
        },
    }
}

/// Makes the call of `op` (its arguments are not what is tested).
async fn call(op: Op, client: &authlete::Client) -> Result<(), Error> {
    let tokens = client.tokens();
    match op {
        Op::Process => tokens
            .process("grant_type=password&username=john&password=pw")
            .send()
            .await
            .map(drop),
        Op::Issue => tokens.issue("ticket", "subject").send().await.map(drop),
        Op::Fail => tokens
            .fail("ticket", TokenFailReason::Unknown)
            .send()
            .await
            .map(drop),
        Op::Reissue => tokens.reissue_id_token("at", "rt").send().await.map(drop),
        Op::Create => tokens
            .create(GrantType::ClientCredentials)
            .client_id(1)
            .send()
            .await
            .map(drop),
        Op::Update => tokens.update("at").send().await.map(drop),
        Op::List => tokens.list().send().await.map(drop),
        Op::Revoke => tokens.revoke().subject("s").send().await.map(drop),
    }
}

/// JSON text of an object whose `first` members come first, in that order,
/// then the rest of `map`.
fn text(first: &[(&str, Value)], map: &Map<String, Value>) -> String {
    let mut out = String::from("{");
    let mut members: Vec<(String, String)> = first
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    for (k, v) in map {
        if !first.iter().any(|(f, _)| f == k) {
            members.push((k.clone(), v.to_string()));
        }
    }
    for (i, (k, v)) in members.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write!(out, "{}:{v}", Value::String(k.clone())).expect("write");
    }
    out.push('}');
    out
}

/// A broken body, where it breaks and what the message must say.
struct Case {
    name: String,
    body: String,
    /// The field path the message must name.
    path: Option<&'static str>,
    /// Words the message must contain.
    problem: &'static [&'static str],
}

fn cases(op: Op) -> Vec<Case> {
    let shape = shape(op);
    let valid = &shape.valid;
    let secret = valid[shape.secret_field].clone();
    assert!(secret.as_str().is_some_and(|s| s.contains(MARK)));
    let mut cases = Vec::new();
    let mut case = |name: &str, body: String, path, problem| {
        cases.push(Case {
            name: format!("{op:?}/{name}"),
            body,
            path,
            problem,
        })
    };
    if let Some(number) = shape.number_field {
        case(
            "number field holds text",
            text(&[(number, json!("not-a-number"))], valid),
            Some(number),
            &["invalid type", "a string", "i"],
        );
        case(
            "number field holds a secret",
            text(&[(number, json!("SECRET-NUM-1"))], valid),
            Some(number),
            &["invalid type", "a string"],
        );
    }
    if let Some(flag) = shape.flag_field {
        case(
            "flag field holds a secret",
            text(&[(flag, json!("SECRET-BOOL-1"))], valid),
            Some(flag),
            &["invalid type", "a string", "a boolean"],
        );
    }
    case(
        "the field after a secret has the wrong type",
        text(
            &[
                (shape.secret_field, secret.clone()),
                (shape.neighbour, json!({"inner": "SECRET-OBJ-1"})),
            ],
            valid,
        ),
        Some(shape.neighbour),
        &["invalid type", "an object"],
    );
    case(
        "the field after a secret holds an array of secrets",
        text(
            &[
                (shape.secret_field, secret.clone()),
                (shape.neighbour, json!(["SECRET-ARR-1", "SECRET-ARR-2"])),
            ],
            valid,
        ),
        Some(shape.neighbour),
        &["invalid type", "an array"],
    );
    case(
        "a secret field holds a number",
        text(
            &[
                (shape.neighbour, valid[shape.neighbour].clone()),
                (shape.secret_field, json!(42)),
            ],
            valid,
        ),
        Some(shape.secret_field),
        &["invalid type", "expected a string"],
    );
    let whole = text(&[(shape.secret_field, secret.clone())], valid);
    let inside = whole.find(MARK).expect("a secret") + MARK.len() + 4;
    case(
        "truncated inside a secret",
        whole[..inside].to_owned(),
        Some(shape.secret_field),
        &["EOF"],
    );
    let after = whole.find("\",").expect("a string member") + 2;
    case(
        "truncated after a secret",
        whole[..after].to_owned(),
        None,
        &["EOF"],
    );
    case(
        "trailing garbage",
        format!("{whole} {{\"leak\":\"SECRET-TRAIL-1\"}}"),
        None,
        &["trailing characters"],
    );
    case(
        "trailing garbage that is not JSON",
        format!("{whole}SECRET-TRAIL-2"),
        None,
        &["trailing characters"],
    );
    case(
        "an array instead of an object",
        format!("[\"SECRET-TOP-1\",{whole}]"),
        None,
        // serde reads a struct from an array too, field by field: what
        // breaks depends on the operation.
        &[],
    );
    if let Some((path, value)) = shape.nested.clone() {
        let field = path.split('[').next().expect("a field");
        case(
            "a nested field",
            text(&[(field, value)], valid),
            Some(path),
            &["invalid type"],
        );
    }
    cases
}

/// Everything the error can print: `Display`, both `Debug`s, the sources.
fn printed(error: &Error) -> String {
    let mut text = format!("{error}\n{error:?}\n{error:#?}\n");
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        writeln!(text, "{s}\n{s:?}\n{s:#?}").expect("write");
        source = s.source();
    }
    text
}

fn assert_no_secret(what: &str, text: &str) {
    assert!(!text.contains(MARK), "{what} leaks a secret:\n{text}");
}

async fn server_with(status: u16, content_type: &str, body: &str) -> MockServer {
    common::server_answering(ResponseTemplate::new(status).set_body_raw(body, content_type)).await
}

#[tokio::test]
async fn the_valid_bodies_decode() {
    // Without this, a broken body could fail for a reason the test did not mean.
    let (_traces, _guard) = crate::traces::capture_traces();
    for op in OPS {
        let body = Value::Object(shape(op).valid).to_string();
        let server = server_with(200, "application/json", &body).await;
        call(op, &common::client(&server))
            .await
            .unwrap_or_else(|e| panic!("{op:?}: {e:?}"));
    }
}

#[tokio::test]
async fn decode_errors_of_every_operation_name_the_field_and_hide_the_secrets() {
    let (traces, _guard) = crate::traces::capture_traces();
    for op in OPS {
        for case in cases(op) {
            let server = server_with(200, "application/json", &case.body).await;
            let client = common::builder(&server)
                .retry_policy(authlete::RetryPolicy::never())
                .build()
                .expect("valid");
            let before = traces.text().len();
            let error = call(op, &client)
                .await
                .expect_err(&format!("{}: the body does not decode", case.name));
            let name = &case.name;
            assert!(
                matches!(error, Error::Decode { status, .. } if status == 200),
                "{name}: {error:?}"
            );
            let all = printed(&error);
            assert_no_secret(name, &all);
            assert_no_secret(&format!("{name} traces"), &traces.text()[before..]);
            let message = error.to_string();
            if let Some(path) = case.path {
                assert!(
                    message.contains(&format!("at {path} ")),
                    "{name}: the message should name {path}: {message}"
                );
            }
            for word in case.problem {
                assert!(
                    message.contains(word),
                    "{name}: the message should say {word:?}: {message}"
                );
            }
            assert!(
                message.contains("line 1, column "),
                "{name}: no position: {message}"
            );
            assert!(
                message.contains(&format!("{} bytes", case.body.len())),
                "{name}: no body length: {message}"
            );
        }
    }
}

#[tokio::test]
async fn the_decode_message_reads_well() {
    let (_traces, _guard) = crate::traces::capture_traces();
    let body =
        r#"{"accessToken":"SECRET-AT-1","accessTokenExpiresAt":"not-a-number","action":"OK"}"#;
    let server = server_with(200, "application/json", body).await;
    let error = call(Op::Issue, &common::client(&server))
        .await
        .expect_err("does not decode");
    let Error::Decode {
        message, snippet, ..
    } = &error
    else {
        panic!("expected Decode, got {error:?}");
    };
    assert_eq!(
        message,
        "at accessTokenExpiresAt (line 1, column 66): invalid type: found a string, expected i64"
    );
    assert_eq!(
        snippet,
        &format!(
            "a JSON object of {} bytes: {{accessToken: string, accessTokenExpiresAt: string, action: string}}",
            body.len()
        )
    );
    assert_eq!(
        error.to_string(),
        format!("cannot decode the HTTP 200 OK response body: {message}; the body was {snippet}")
    );
    assert_no_secret("Decode", &printed(&error));
}

#[tokio::test]
async fn an_error_body_that_does_not_decode_hides_its_secrets_too() {
    // A documented error status decodes into Authlete's `result` body.
    let (traces, _guard) = crate::traces::capture_traces();
    let bodies = [
        (
            r#"{"resultCode":["SECRET-RC-1"],"accessToken":"SECRET-AT-2"}"#,
            "resultCode",
        ),
        (
            r#"{"accessToken":"SECRET-AT-3","resultMessage":{"m":"SECRET-M"}}"#,
            "resultMessage",
        ),
        (r#"{"accessToken":"SECRET-AT-4","resultMes"#, "?"),
    ];
    for (body, field) in bodies {
        let server = server_with(400, "application/json", body).await;
        let error = call(Op::Fail, &common::client(&server))
            .await
            .expect_err("does not decode");
        assert!(
            matches!(error, Error::Decode { status, .. } if status == 400),
            "{error:?}"
        );
        assert_no_secret(body, &printed(&error));
        if field != "?" {
            assert!(error.to_string().contains(field), "{error}");
        }
    }
    assert_no_secret("traces", &traces.text());
}

#[tokio::test]
async fn an_unexpected_json_body_shows_its_shape_not_its_values() {
    let (traces, _guard) = crate::traces::capture_traces();
    // Delete answers 204; a 200 with a token response is not what it expects.
    let body = r#"{"accessToken":"SECRET-AT-5","refreshToken":"SECRET-RT-5","expiresIn":3600,"scopes":["SECRET-SCOPE"],"client":{"clientSecret":"SECRET-CS-5"},"ok":true,"gone":null}"#;
    let server = server_with(200, "application/json", body).await;
    let error = common::client(&server)
        .tokens()
        .delete("identifier")
        .send()
        .await
        .expect_err("a 200 is not a 204");
    let Error::UnexpectedResponse { snippet, .. } = &error else {
        panic!("expected UnexpectedResponse, got {error:?}");
    };
    assert_eq!(
        snippet,
        &format!(
            "a JSON object of {} bytes: {{accessToken: string, refreshToken: string, expiresIn: number, scopes: array, client: object, ok: boolean, gone: null}}",
            body.len()
        )
    );
    assert_no_secret("UnexpectedResponse", &printed(&error));

    // Retried (revoke is idempotent, 502 is transient): the retries log the error.
    let bodies = [
        (
            "application/json",
            r#"{"accessToken":"SECRET-AT-6","note":"no result code"}"#,
        ),
        ("application/json", r#"["SECRET-ARR-6",{"a":"SECRET-B"}]"#),
        ("application/json", r#""SECRET-STRING-6""#),
        ("application/json", r#"{"accessToken":"SECRET-AT-7","trunc"#),
        ("text/html", r#"{"accessToken":"SECRET-AT-8"}"#),
        ("application/problem+json", r#"{"detail":"SECRET-DETAIL"}"#),
    ];
    for (content_type, body) in bodies {
        let server = server_with(502, content_type, body).await;
        let error = common::client(&server)
            .tokens()
            .revoke()
            .subject("s")
            .send()
            .await
            .expect_err("502");
        assert!(
            matches!(error, Error::UnexpectedResponse { status, .. } if status == 502),
            "{body}: {error:?}"
        );
        assert_no_secret(body, &printed(&error));
        assert!(
            error.to_string().contains(&format!("{} bytes", body.len())),
            "{error}"
        );
        assert_eq!(common::hits(&server).await, 3, "{body}: retried");
    }
    let text = traces.text();
    assert!(text.contains("retrying"), "{text}");
    assert_no_secret("traces", &text);
}

#[tokio::test]
async fn a_non_json_unexpected_body_is_still_shown_bounded() {
    let (_traces, _guard) = crate::traces::capture_traces();
    let page = "<html><body>502 Bad Gateway</body></html>";
    let server = server_with(502, "text/html", page).await;
    let error = common::client(&server)
        .tokens()
        .fail("t", TokenFailReason::Unknown)
        .send()
        .await
        .expect_err("502");
    assert!(
        matches!(&error, Error::UnexpectedResponse { snippet, .. } if snippet == page),
        "{error:?}"
    );
    assert!(error.to_string().contains("502 Bad Gateway"), "{error}");
}

struct Users;

impl TokenEndpointDelegate for Users {
    async fn authenticate_user(&self, username: &str, _password: &str) -> UserCheck {
        if username == "john" {
            UserCheck::Authenticated {
                subject: "user-1".into(),
            }
        } else {
            UserCheck::Rejected(TokenFailReason::InvalidResourceOwnerCredentials)
        }
    }
}

/// Sends a password grant through a `TokenEndpoint` whose Authlete is `server`.
async fn token_request(server: &MockServer, username: &str) -> http::Response<String> {
    let endpoint = TokenEndpoint::new(common::client(server), Users)
        .token_endpoint_url("https://as.example.com/token");
    let request = http::Request::post("/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "grant_type=password&username={username}&password=SECRET-PW-FORM"
        ))
        .expect("request");
    endpoint.handle(request).await
}

fn assert_outage_logged_cleanly(
    traces: &Traces,
    response: &http::Response<String>,
    path: &str,
    operation: &str,
) {
    assert_eq!(response.status(), 500);
    assert_eq!(response.body(), r#"{"error":"server_error"}"#);
    let text = traces.text();
    assert_no_secret("TokenEndpoint traces", &text);
    assert!(text.contains("Authlete call failed"), "{text}");
    assert!(text.contains(operation), "{text}");
    assert!(
        text.contains(&format!("at {path} ")),
        "the log should name {path}:\n{text}"
    );
}

#[tokio::test]
async fn token_endpoint_logs_a_broken_auth_token_answer_without_its_secrets() {
    let (traces, _guard) = crate::traces::capture_traces();
    let body = r#"{"action":"PASSWORD","username":"john","password":"SECRET-PW-1","ticket":"SECRET-TICKET-1","responseContent":"SECRET-RC-1","accessTokenExpiresAt":"SECRET-NUM-1"}"#;
    let server = server_with(200, "application/json", body).await;
    let response = token_request(&server, "john").await;
    assert_outage_logged_cleanly(&traces, &response, "accessTokenExpiresAt", "auth_token_api");
}

/// An Authlete whose `/auth/token` answers PASSWORD for `username`, and
/// whose `broken_path` answers `broken_body`.
async fn password_grant_then(username: &str, broken_path: &str, broken_body: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path_regex(broken_path))
        .respond_with(ResponseTemplate::new(200).set_body_raw(broken_body, "application/json"))
        .mount(&server)
        .await;
    Mock::given(path_regex(r"/auth/token$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "resultCode": "A050001",
            "action": "PASSWORD",
            "username": username,
            "password": "SECRET-PW-2",
            "ticket": "SECRET-TICKET-2",
            "responseContent": "{\"x\":\"SECRET-RC-2\"}",
        })))
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(599))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn token_endpoint_logs_a_broken_issue_answer_without_its_secrets() {
    let (traces, _guard) = crate::traces::capture_traces();
    let server = password_grant_then(
        "john",
        r"/auth/token/issue$",
        r#"{"action":"OK","accessToken":"SECRET-AT-9","refreshToken":"SECRET-RT-9","responseContent":"{\"access_token\":\"SECRET-AT-9\"}","accessTokenDuration":"SECRET-DUR-9"}"#,
    )
    .await;
    let response = token_request(&server, "john").await;
    assert_outage_logged_cleanly(
        &traces,
        &response,
        "accessTokenDuration",
        "auth_token_issue_api",
    );
}

#[tokio::test]
async fn token_endpoint_logs_a_broken_fail_answer_without_its_secrets() {
    let (traces, _guard) = crate::traces::capture_traces();
    let server = password_grant_then(
        "mallory",
        r"/auth/token/fail$",
        r#"{"action":"BAD_REQUEST","responseContent":"SECRET-RC-10","resultMessage":["SECRET-M-10"]}"#,
    )
    .await;
    let response = token_request(&server, "mallory").await;
    assert_outage_logged_cleanly(&traces, &response, "resultMessage", "auth_token_fail_api");
}
