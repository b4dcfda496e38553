//! `GrantManagementEndpoint`: what it forwards to `/gm` and the answer to
//! each action. The stand-in keeps no grants, so its answers are scripted.

use authlete::endpoint::grant_management::GrantManagementEndpoint;
use authlete::operations::grant_management::PROCESS;
use authlete::testing::{MockAuthlete, MockReply};
use serde_json::json;

async fn start() -> (MockAuthlete, GrantManagementEndpoint) {
    let authlete = MockAuthlete::start().await.expect("mock");
    let endpoint = GrantManagementEndpoint::new(authlete.client().expect("client"))
        .endpoint_url("https://as.example.com/grants/");
    (authlete, endpoint)
}

fn request(method: &str) -> http::request::Builder {
    http::Request::builder()
        .method(method)
        .uri("/grants/g-42")
        .header("authorization", "DPoP at-1")
        .header("dpop", "proof-1")
}

#[tokio::test]
async fn a_query_forwards_the_token_proof_and_grant_and_answers_the_grant() {
    let (authlete, endpoint) = start().await;
    authlete.script(
        &PROCESS,
        MockReply::json(
            200,
            json!({"action": "OK", "responseContent": r#"{"scopes":[{"scope":"accounts"}]}"#, "dpopNonce": "n-1"}),
        ),
    );
    let response = endpoint
        .handle(request("GET").body("").expect("request"), "g-42")
        .await;
    assert_eq!(response.status(), 200);
    assert!(response.body().contains("accounts"));
    assert_eq!(response.headers()["dpop-nonce"], "n-1");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let sent = authlete.requests_to(&PROCESS)[0].json();
    assert_eq!(sent["gmAction"], "QUERY");
    assert_eq!(sent["grantId"], "g-42");
    assert_eq!(sent["accessToken"], "at-1");
    assert_eq!(sent["dpop"], "proof-1");
    assert_eq!(sent["htm"], "GET");
    assert_eq!(sent["htu"], "https://as.example.com/grants/g-42");
}

#[tokio::test]
async fn each_action_gets_its_status() {
    let (authlete, endpoint) = start().await;
    for (action, status) in [
        ("NO_CONTENT", 204),
        ("UNAUTHORIZED", 401),
        ("FORBIDDEN", 403),
        ("NOT_FOUND", 404),
        ("CALLER_ERROR", 500),
        ("AUTHLETE_ERROR", 500),
        ("SOMETHING_NEWER", 500),
    ] {
        authlete.script(
            &PROCESS,
            MockReply::json(
                200,
                json!({"action": action, "responseContent": r#"{"error":"x"}"#}),
            ),
        );
        let response = endpoint
            .handle(request("DELETE").body("").expect("request"), "g-42")
            .await;
        assert_eq!(response.status(), status, "{action}");
        match status {
            204 => assert!(response.body().is_empty()),
            401 => assert_eq!(
                response.headers()["www-authenticate"],
                "Bearer error=\"invalid_token\""
            ),
            500 => assert_eq!(response.body(), r#"{"error":"server_error"}"#, "{action}"),
            _ => assert_eq!(response.body(), r#"{"error":"x"}"#),
        }
    }
    assert!(
        authlete
            .requests_to(&PROCESS)
            .iter()
            .all(|r| r.json()["gmAction"] == "REVOKE")
    );
}

#[tokio::test]
async fn no_token_or_another_method_never_reaches_authlete() {
    let (authlete, endpoint) = start().await;
    let bare = http::Request::get("/grants/g-42")
        .body("")
        .expect("request");
    let response = endpoint.handle(bare, "g-42").await;
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    let put = request("PUT").body("").expect("request");
    assert_eq!(endpoint.handle(put, "g-42").await.status(), 405);
    assert!(authlete.requests_to(&PROCESS).is_empty());
}
