//! The token-endpoint calls and token administration beyond fail/delete/revoke,
//! against a mock Authlete: what is sent, what is decoded, how each answer
//! becomes the HTTP response for the OAuth client, and which calls are retried.

use crate::common;

use authlete::model::Property;
use authlete::{
    GrantType, IdTokenReissueAction, TokenAction, TokenCreateAction, TokenIssueAction, TokenType,
    TokenUpdateAction,
};
use common::{SERVICE, client, hits};
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn answering(route: &str, body: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path(format!("/api/{SERVICE}{route}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    server
}

fn header<'a>(response: &'a http::Response<String>, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn process_sends_what_the_token_endpoint_received() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SERVICE}/auth/token")))
        .and(body_json(json!({
            "parameters": "grant_type=password&username=john&password=pw",
            "clientId": "57297408867",
            "clientSecret": "s3cret",
            "dpop": "proof",
            "htm": "POST",
            "htu": "https://as.example.com/token",
            "accessTokenDuration": 600
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "action": "PASSWORD",
            "username": "john",
            "password": "pw",
            "ticket": "ticket-1",
            "subjectTokenType": "ID_TOKEN",
            "scopes": ["openid"]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server)
        .tokens()
        .process("grant_type=password&username=john&password=pw")
        .client_id("57297408867")
        .client_secret("s3cret")
        .dpop("proof")
        .htm("POST")
        .htu("https://as.example.com/token")
        .access_token_duration(600)
        .send()
        .await
        .expect("decodes");
    assert_eq!(response.action(), Some(TokenAction::Password));
    assert!(response.needs_decision());
    assert_eq!(response.username(), Some("john"));
    assert_eq!(response.password(), Some("pw"));
    assert_eq!(response.ticket(), Some("ticket-1"));
    assert_eq!(response.subject_token_type(), Some(TokenType::IdToken));
    assert_eq!(response.scopes(), ["openid"]);
    let debug = format!("{response:?}");
    for secret in ["pw", "ticket-1", "john"] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
}

#[tokio::test]
async fn each_token_action_becomes_the_right_http_response() {
    let content = r#"{"access_token":"at"}"#;
    for (action, status) in [
        ("OK", 200),
        ("ID_TOKEN_REISSUABLE", 200),
        ("BAD_REQUEST", 400),
        ("INVALID_CLIENT", 401),
        ("INTERNAL_SERVER_ERROR", 500),
    ] {
        let server = answering(
            "/auth/token",
            json!({"action": action, "responseContent": content, "dpopNonce": "n-1"}),
        )
        .await;
        let response = client(&server)
            .tokens()
            .process("grant_type=client_credentials")
            .send()
            .await
            .expect("decodes");
        assert!(!response.needs_decision());
        let http = response.into_http_response();
        assert_eq!(http.status().as_u16(), status, "{action}");
        assert_eq!(http.body(), content, "{action}");
        assert_eq!(header(&http, "cache-control"), Some("no-store"));
        assert_eq!(header(&http, "pragma"), Some("no-cache"));
        assert_eq!(
            header(&http, "content-type"),
            Some("application/json;charset=UTF-8")
        );
        assert_eq!(header(&http, "dpop-nonce"), Some("n-1"));
        assert_eq!(
            header(&http, "www-authenticate"),
            (action == "INVALID_CLIENT").then_some("Basic realm=\"token\"")
        );
    }
}

#[tokio::test]
async fn actions_that_need_a_decision_never_leak_content_as_a_response() {
    for action in [
        "PASSWORD",
        "TOKEN_EXCHANGE",
        "JWT_BEARER",
        "NATIVE_SSO",
        "FUTURE_ACTION",
    ] {
        let server = answering(
            "/auth/token",
            json!({"action": action, "responseContent": "{\"leak\":true}"}),
        )
        .await;
        let http = client(&server)
            .tokens()
            .process("grant_type=x")
            .send()
            .await
            .expect("decodes")
            .into_http_response();
        assert_eq!(http.status().as_u16(), 500, "{action}");
        assert_eq!(http.body(), r#"{"error":"server_error"}"#, "{action}");
    }
}

#[tokio::test]
async fn issue_spends_the_ticket_and_yields_the_tokens() {
    let server = MockServer::start().await;
    Mock::given(path(format!("/api/{SERVICE}/auth/token/issue")))
        .and(body_json(json!({
            "ticket": "ticket-1",
            "subject": "john",
            "properties": [{"key": "tier", "value": "gold", "hidden": true}]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "action": "OK",
            "responseContent": "{\"access_token\":\"at-1\"}",
            "accessToken": "at-1",
            "accessTokenExpiresAt": 1900000000000i64,
            "subject": "john"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server)
        .tokens()
        .issue("ticket-1", "john")
        .properties([Property {
            key: Some("tier".into()),
            value: Some("gold".into()),
            hidden: Some(true),
            ..Default::default()
        }])
        .send()
        .await
        .expect("issued");
    assert_eq!(response.action(), Some(TokenIssueAction::Ok));
    assert_eq!(response.access_token(), Some("at-1"));
    assert_eq!(response.access_token_expires_at(), Some(1_900_000_000_000));
    assert!(!format!("{response:?}").contains("at-1"));
    let http = response.into_http_response();
    assert_eq!(http.status(), 200);
    assert_eq!(http.body(), "{\"access_token\":\"at-1\"}");
}

#[tokio::test]
async fn ticket_and_code_spending_calls_are_sent_once_on_a_503() {
    let server = common::server_answering(ResponseTemplate::new(503)).await;
    let client = client(&server);
    let tokens = client.tokens();
    tokens
        .process("grant_type=authorization_code&code=c")
        .send()
        .await
        .expect_err("503");
    tokens.issue("t", "s").send().await.expect_err("503");
    tokens
        .reissue_id_token("at", "rt")
        .send()
        .await
        .expect_err("503");
    tokens
        .create(GrantType::ClientCredentials)
        .send()
        .await
        .expect_err("503");
    assert_eq!(hits(&server).await, 4, "one request per call");
}

#[tokio::test]
async fn update_and_list_are_retried_on_a_503() {
    let server = common::server_answering(ResponseTemplate::new(503)).await;
    let client = client(&server);
    client.tokens().update("at").send().await.expect_err("503");
    assert_eq!(hits(&server).await, 3);
    client.tokens().list().send().await.expect_err("503");
    assert_eq!(hits(&server).await, 6);
}

#[tokio::test]
async fn reissue_id_token_round_trip() {
    let server = MockServer::start().await;
    Mock::given(path(format!("/api/{SERVICE}/idtoken/reissue")))
        .and(body_json(
            json!({"accessToken": "at", "refreshToken": "rt", "sub": "john"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "action": "CALLER_ERROR",
            "responseContent": "{\"error\":\"server_error\"}"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server)
        .tokens()
        .reissue_id_token("at", "rt")
        .subject("john")
        .send()
        .await
        .expect("decodes");
    assert_eq!(response.action(), Some(IdTokenReissueAction::CallerError));
    assert_eq!(response.into_http_response().status(), 500);
}

#[tokio::test]
async fn create_sends_the_grant_type_by_its_wire_name_even_if_newer_than_the_crate() {
    for (grant, wire) in [
        (GrantType::ClientCredentials, "CLIENT_CREDENTIALS"),
        (GrantType::from("QUANTUM_GRANT"), "QUANTUM_GRANT"),
    ] {
        let server = MockServer::start().await;
        Mock::given(path(format!("/api/{SERVICE}/auth/token/create")))
            .and(body_json(
                json!({"grantType": wire, "clientId": 42, "scopes": ["a", "b"]}),
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "action": "OK", "accessToken": "created", "tokenType": "Bearer"
            })))
            .expect(1)
            .mount(&server)
            .await;
        let response = client(&server)
            .tokens()
            .create(grant)
            .client_id(42)
            .scopes(["a", "b"])
            .send()
            .await
            .expect("created");
        assert_eq!(response.action(), Some(TokenCreateAction::Ok));
        assert_eq!(response.access_token(), Some("created"));
        assert_eq!(response.token_type(), Some("Bearer"));
    }
}

#[tokio::test]
async fn update_sends_the_token_and_changes() {
    let server = MockServer::start().await;
    Mock::given(path(format!("/api/{SERVICE}/auth/token/update")))
        .and(body_json(
            json!({"accessToken": "at", "scopes": ["read"], "accessTokenPersistent": true}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"action": "NOT_FOUND"})))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server)
        .tokens()
        .update("at")
        .scopes(["read"])
        .access_token_persistent(true)
        .send()
        .await
        .expect("decodes");
    assert_eq!(response.action(), Some(TokenUpdateAction::NotFound));
}

#[tokio::test]
async fn list_sends_its_filters_as_query_parameters() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SERVICE}/auth/token/get/list")))
        .and(query_param("clientIdentifier", "57297408867"))
        .and(query_param("subject", "john doe"))
        .and(query_param("start", "0"))
        .and(query_param("end", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "start": 0, "end": 2, "totalCount": 7,
            "client": {"clientId": 57297408867i64, "clientType": "HYBRID"},
            "accessTokens": [{"accessTokenHash": "h1", "grantType": "PASSWORD"}, {"accessTokenHash": "h2"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server)
        .tokens()
        .list()
        .client_identifier("57297408867")
        .subject("john doe")
        .range(0, 2)
        .send()
        .await
        .expect("decodes");
    assert_eq!(page.total_count(), Some(7));
    assert_eq!(page.access_tokens().len(), 2);
    assert_eq!(
        page.access_tokens()[0].access_token_hash.as_deref(),
        Some("h1")
    );
    let client_type = page
        .client()
        .and_then(|c| c.client_type.as_ref())
        .map(|t| t.as_str());
    assert_eq!(
        client_type,
        Some("HYBRID"),
        "an unknown client type still decodes"
    );
}
