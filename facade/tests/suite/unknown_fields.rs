//! Members Authlete sends that the spec does not name: kept, reachable by
//! name, sent back, and never shown by value in `Debug`.

use crate::common;

use common::{SERVICE, client};
use serde_json::json;
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_member_the_spec_does_not_name_is_kept_and_reached_by_name() {
    let server = MockServer::start().await;
    Mock::given(path(format!("/api/{SERVICE}/auth/token/fail")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "action": "BAD_REQUEST",
            "responseContent": "{\"error\":\"invalid_request\"}",
            "resultCode": "A001",
            "attestationChallenge": "challenge-value-7731",
            "nested": {"deeper": [1, 2]}
        })))
        .mount(&server)
        .await;
    let response = client(&server)
        .tokens()
        .fail("ticket-1", authlete::TokenFailReason::Unknown)
        .send()
        .await
        .expect("decodes");

    assert_eq!(
        response.unknown_field("attestationChallenge"),
        Some(&json!("challenge-value-7731"))
    );
    assert_eq!(
        response.unknown_field("nested"),
        Some(&json!({"deeper": [1, 2]}))
    );
    assert_eq!(
        response.unknown_field("action"),
        None,
        "a named member is a field"
    );
    let mut names: Vec<&str> = response.unknown_field_names().collect();
    names.sort_unstable();
    assert_eq!(names, ["attestationChallenge", "nested"]);

    // Debug names them (a reader learns Authlete sent more) but never shows
    // a value: an unknown member may hold a credential.
    let shown = format!("{response:?}");
    assert!(
        shown.contains("unknown_fields: [\"attestationChallenge\", \"nested\"]"),
        "{shown}"
    );
    assert!(!shown.contains("challenge-value-7731"), "{shown}");
    assert!(!shown.contains("deeper"), "{shown}");

    // Encoding the body gives every member back.
    let encoded = serde_json::to_value(response.raw()).expect("encodes");
    assert_eq!(encoded["attestationChallenge"], "challenge-value-7731");
    assert_eq!(encoded["nested"]["deeper"], json!([1, 2]));
}

#[tokio::test]
async fn a_member_the_spec_does_not_name_can_be_sent() {
    // A member a newer Authlete accepts, before the spec names it.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SERVICE}/auth/token/update")))
        .and(body_partial_json(json!({
            "accessToken": "at-1",
            "newerSetting": "on"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"action": "OK"})))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .tokens()
        .update("at-1")
        .unknown_field("newerSetting", json!("on"))
        .send()
        .await
        .expect("sent");
}

#[tokio::test]
async fn the_generated_body_builder_starts_with_no_unknown_members() {
    // progenitor's `body_map` starts from typify's builder, where the map
    // of unknown members must be empty, not an unset required field.
    let server = MockServer::start().await;
    Mock::given(path(format!("/api/{SERVICE}/auth/token/fail")))
        .and(body_partial_json(
            json!({"ticket": "t-1", "reason": "INVALID_TARGET"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"action": "BAD_REQUEST"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = authlete_generated::Client::new_with_client(
        &server.uri(),
        reqwest::Client::new(),
        authlete_generated::hooks::CallContext::with_authorization(http::HeaderValue::from_static(
            "Bearer t",
        )),
    );
    let answer = client
        .auth_token_fail_api()
        .service_id(SERVICE)
        .body_map(|b| {
            b.ticket("t-1")
                .reason(authlete_generated::types::TokenFailReason::InvalidTarget)
        })
        .send()
        .await
        .expect("sent and decoded");
    assert!(answer.into_inner().extra.is_empty());
}

#[tokio::test]
async fn a_token_is_updated_by_its_refresh_token() {
    // The corrections give TokenUpdateRequest Authlete's `refreshToken`.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SERVICE}/auth/token/update")))
        .and(wiremock::matchers::body_json(json!({
            "refreshToken": "rt-9",
            "scopes": ["read"]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"action": "OK"})))
        .expect(1)
        .mount(&server)
        .await;
    let authlete = client(&server);
    let request = authlete
        .tokens()
        .update_by_refresh_token("rt-9")
        .scopes(["read"]);
    let shown = format!("{request:?}");
    assert!(
        !shown.contains("rt-9"),
        "a refresh token is a secret: {shown}"
    );
    request.send().await.expect("sent");
}
