//! The exact request each generated operation puts on the wire.
//!
//! A local mock server on 127.0.0.1 records what arrives; the snapshot shows
//! method, path, the headers that matter (the token itself reduced to its
//! scheme) and the JSON body. Volatile headers (`host`) are left out.

use authlete_generated::Client;
use authlete_generated::hooks::CallContext;
use authlete_generated::types;
use reqwest::header::HeaderValue;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "wire-test-token";

async fn client_for(server: &MockServer) -> Client {
    let auth = HeaderValue::from_str(&format!("Bearer {TOKEN}")).expect("valid header");
    Client::new_with_client(
        &server.uri(),
        reqwest::Client::new(),
        CallContext::with_authorization(auth),
    )
}

async fn server_answering(status: u16, body: Option<serde_json::Value>) -> MockServer {
    let server = MockServer::start().await;
    let mut response = ResponseTemplate::new(status);
    if let Some(body) = body {
        response = response.set_body_json(body);
    }
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

/// Renders the one request `server` received.
async fn received(server: &MockServer) -> String {
    let requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "exactly one request per call");
    render(&requests[0])
}

fn render(request: &Request) -> String {
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .map(|v| v.to_str().expect("ascii header").to_owned())
    };
    let authorization = header("authorization").expect("authorization is sent");
    assert_eq!(authorization, format!("Bearer {TOKEN}"));
    let mut names: Vec<&str> = request
        .headers
        .keys()
        .map(|k| k.as_str())
        .filter(|k| *k != "host")
        .collect();
    names.sort_unstable();
    let body = if request.body.is_empty() {
        "(none)".to_owned()
    } else {
        let json: serde_json::Value = serde_json::from_slice(&request.body).expect("JSON body");
        serde_json::to_string_pretty(&json).expect("printable")
    };
    format!(
        "{} {}{}\nheaders: {}\ncontent-type: {}\naccept: {}\nauthorization: {} <token>\nbody: {body}\n",
        request.method,
        request.url.path(),
        request
            .url
            .query()
            .map(|q| format!("?{q}"))
            .unwrap_or_default(),
        names.join(", "),
        header("content-type").unwrap_or_else(|| "(none)".into()),
        header("accept").unwrap_or_else(|| "(none)".into()),
        authorization.split(' ').next().unwrap_or_default(),
    )
}

#[tokio::test]
async fn token_fail_request() {
    let server = server_answering(
        200,
        Some(serde_json::json!({"action": "BAD_REQUEST", "resultCode": "A066001"})),
    )
    .await;
    let response = client_for(&server)
        .await
        .auth_token_fail_api()
        .service_id("715948317")
        .body(types::TokenFailRequest {
            ticket: "ticket-123".into(),
            reason: types::TokenFailRequestReason::InvalidResourceOwnerCredentials,
        })
        .send()
        .await
        .expect("200 decodes");
    assert_eq!(
        response.into_inner().action,
        Some(types::TokenFailResponseAction::BadRequest)
    );
    insta::assert_snapshot!(received(&server).await);
}

#[tokio::test]
async fn token_delete_request() {
    let server = server_answering(204, None).await;
    client_for(&server)
        .await
        .auth_token_delete_api()
        .service_id("715948317")
        .access_token_identifier("at/with?odd#chars %")
        .send()
        .await
        .expect("204 is success");
    insta::assert_snapshot!(received(&server).await);
}

#[tokio::test]
async fn token_revoke_request() {
    let server = server_answering(200, Some(serde_json::json!({"count": 2}))).await;
    let response = client_for(&server)
        .await
        .auth_token_revoke_api()
        .service_id("715948317")
        .body(types::TokenRevokeRequest {
            client_identifier: Some("57297408867".into()),
            subject: Some("john".into()),
            ..Default::default()
        })
        .send()
        .await
        .expect("200 decodes");
    assert_eq!(response.into_inner().count, Some(2));
    insta::assert_snapshot!(received(&server).await);
}

#[tokio::test]
async fn token_process_request() {
    let server = server_answering(200, Some(serde_json::json!({"action": "PASSWORD"}))).await;
    let response = client_for(&server)
        .await
        .auth_token_api()
        .service_id("715948317")
        .body_map(|b| {
            b.parameters("grant_type=password&username=john&password=pw")
                .client_id(Some("57297408867".to_owned()))
                .client_secret(Some("client-secret".to_owned()))
                .dpop(Some("eyJ0eXAiOiJkcG9wK2p3dCJ9.e30.sig".to_owned()))
                .htm(Some("POST".to_owned()))
                .htu(Some("https://as.example.com/token".to_owned()))
        })
        .send()
        .await
        .expect("200 decodes");
    assert_eq!(
        response.into_inner().action,
        Some(types::TokenResponseAction::Password)
    );
    insta::assert_snapshot!(received(&server).await);
}

#[tokio::test]
async fn token_issue_request() {
    let server = server_answering(200, Some(serde_json::json!({"action": "OK"}))).await;
    client_for(&server)
        .await
        .auth_token_issue_api()
        .service_id("715948317")
        .body_map(|b| {
            b.ticket("ticket-123")
                .subject("john")
                .properties(vec![types::Property {
                    key: Some("tier".into()),
                    value: Some("gold".into()),
                    hidden: Some(true),
                }])
        })
        .send()
        .await
        .expect("200 decodes");
    insta::assert_snapshot!(received(&server).await);
}

#[tokio::test]
async fn token_create_request() {
    let server = server_answering(200, Some(serde_json::json!({"action": "OK"}))).await;
    client_for(&server)
        .await
        .auth_token_create_api()
        .service_id("715948317")
        .body_map(|b| {
            b.grant_type(types::GrantType::ClientCredentials)
                .client_id(Some(57297408867))
                .scopes(vec!["read".to_owned(), "write".to_owned()])
                .access_token_duration(Some(3600))
        })
        .send()
        .await
        .expect("200 decodes");
    insta::assert_snapshot!(received(&server).await);
}

#[tokio::test]
async fn token_update_request() {
    let server = server_answering(200, Some(serde_json::json!({"action": "OK"}))).await;
    client_for(&server)
        .await
        .auth_token_update_api()
        .service_id("715948317")
        .body(types::TokenUpdateRequest {
            access_token: Some("at-123".into()),
            access_token_expires_at: Some(1_900_000_000_000),
            scopes: vec!["read".into()],
            ..Default::default()
        })
        .send()
        .await
        .expect("200 decodes");
    insta::assert_snapshot!(received(&server).await);
}

#[tokio::test]
async fn token_list_request() {
    let server = server_answering(200, Some(serde_json::json!({"totalCount": 0}))).await;
    client_for(&server)
        .await
        .auth_token_get_list_api()
        .service_id("715948317")
        .client_identifier("57297408867")
        .subject("john doe")
        .start(0)
        .end(5)
        .send()
        .await
        .expect("200 decodes");
    insta::assert_snapshot!(received(&server).await);
}

#[tokio::test]
async fn id_token_reissue_request() {
    let server = server_answering(200, Some(serde_json::json!({"action": "OK"}))).await;
    client_for(&server)
        .await
        .idtoken_reissue_api()
        .service_id("715948317")
        .body_map(|b| b.access_token("at-123").refresh_token("rt-456"))
        .send()
        .await
        .expect("200 decodes");
    insta::assert_snapshot!(received(&server).await);
}
