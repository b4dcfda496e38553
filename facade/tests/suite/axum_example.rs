//! The axum example, end to end against the mock Authlete: a good password
//! gets tokens, a wrong one gets Authlete's 400, a wrong client secret a 401;
//! a ticket is spent once; an Authlete outage gives the client a bare 500.

#[path = "../../examples/axum_token_endpoint.rs"]
#[allow(dead_code)]
mod example;

use std::sync::Arc;

use authlete::TokenFailReason;
use authlete::endpoint::token::TokenEndpoint;
use authlete::operations::tokens;
use authlete::testing::{MockAuthlete, MockReply};
use example::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DemoUsers};

struct Running {
    authlete: MockAuthlete,
    url: String,
}

async fn start() -> Running {
    let authlete = MockAuthlete::start().await.expect("mock starts");
    authlete.register_client(DEMO_CLIENT_ID, Some(DEMO_CLIENT_SECRET));
    let endpoint = TokenEndpoint::new(authlete.client().expect("client"), DemoUsers);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/token", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, example::router(Arc::new(endpoint))).await;
    });
    Running { authlete, url }
}

async fn password_grant(url: &str, secret: &str, password: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(url)
        .basic_auth(DEMO_CLIENT_ID, Some(secret))
        .form(&[
            ("grant_type", "password"),
            ("username", "john"),
            ("password", password),
        ])
        .send()
        .await
        .expect("the example answers")
}

#[tokio::test]
async fn good_credentials_get_tokens() {
    let app = start().await;
    let response = password_grant(&app.url, DEMO_CLIENT_SECRET, "secret").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert!(
        body["access_token"].as_str().is_some_and(|t| !t.is_empty()),
        "{body}"
    );
    assert_eq!(body["token_type"], "Bearer");

    let issued = app.authlete.requests_to(&tokens::ISSUE);
    assert_eq!(issued.len(), 1);
    assert_eq!(issued[0].json()["subject"], "user-1001");
    assert!(app.authlete.requests_to(&tokens::FAIL).is_empty());
    assert_eq!(app.authlete.open_tickets(), 0, "the ticket was spent");
}

#[tokio::test]
async fn a_wrong_password_gets_authletes_400() {
    let app = start().await;
    let response = password_grant(&app.url, DEMO_CLIENT_SECRET, "wrong").await;
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["error"], "invalid_request");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap_or_default()
            .contains("A067301")
    );
    let failed = app.authlete.requests_to(&tokens::FAIL);
    assert_eq!(failed.len(), 1);
    assert_eq!(
        failed[0].json()["reason"],
        "INVALID_RESOURCE_OWNER_CREDENTIALS"
    );
    assert!(app.authlete.requests_to(&tokens::ISSUE).is_empty());
}

#[tokio::test]
async fn a_wrong_client_secret_gets_401_with_a_challenge() {
    let app = start().await;
    let response = password_grant(&app.url, "not-the-secret", "secret").await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.headers()["www-authenticate"],
        "Basic realm=\"token\""
    );
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["error"], "invalid_client");
    assert!(app.authlete.requests_to(&tokens::ISSUE).is_empty());
}

#[tokio::test]
async fn a_ticket_cannot_be_spent_twice() {
    let authlete = MockAuthlete::start().await.expect("mock");
    authlete.register_client("c", None);
    let client = authlete.client().expect("client");
    let response = client
        .tokens()
        .process("grant_type=password&username=u&password=p&client_id=c")
        .send()
        .await
        .expect("PASSWORD");
    let ticket = response.ticket().expect("a ticket").to_owned();
    client
        .tokens()
        .issue(ticket.clone(), "s")
        .send()
        .await
        .expect("first use works");
    let again = client.tokens().issue(ticket.clone(), "s").send().await;
    assert_eq!(
        again.expect_err("second use").status().map(|s| s.as_u16()),
        Some(400)
    );
    let late_fail = client
        .tokens()
        .fail(ticket, TokenFailReason::Unknown)
        .send()
        .await;
    assert!(late_fail.is_err(), "a spent ticket cannot be failed either");
}

#[tokio::test]
async fn an_authlete_outage_gives_a_bare_500() {
    for fault in [
        MockReply::error(500, "A001101", "[A001101] secret internal detail"),
        MockReply::DropConnection,
        MockReply::Raw {
            status: 502,
            content_type: "text/html".into(),
            body: "<html>proxy secret internal detail</html>".into(),
        },
    ] {
        let app = start().await;
        app.authlete.script(&tokens::PROCESS, fault);
        let response = password_grant(&app.url, DEMO_CLIENT_SECRET, "secret").await;
        assert_eq!(response.status(), 500);
        let body = response.text().await.expect("text");
        assert_eq!(body, r#"{"error":"server_error"}"#);
    }
}

#[tokio::test]
async fn an_outage_while_spending_the_ticket_gives_a_bare_500_and_one_attempt() {
    let app = start().await;
    app.authlete.script(
        &tokens::ISSUE,
        MockReply::error(500, "A001101", "[A001101] detail"),
    );
    let response = password_grant(&app.url, DEMO_CLIENT_SECRET, "secret").await;
    assert_eq!(response.status(), 500);
    assert_eq!(
        response.text().await.expect("text"),
        r#"{"error":"server_error"}"#
    );
    assert_eq!(app.authlete.requests_to(&tokens::ISSUE).len(), 1);
}

#[tokio::test]
async fn only_post_is_served() {
    let app = start().await;
    let response = reqwest::Client::new()
        .put(&app.url)
        .body("grant_type=password")
        .send()
        .await
        .expect("answers");
    // axum's router answers other methods itself.
    assert_eq!(response.status(), 405);
    assert!(app.authlete.requests().is_empty());
}
