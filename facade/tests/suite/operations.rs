//! Each operation against a mock Authlete: what is sent and what comes back.

use crate::common;

use authlete::{Error, TokenFailAction, TokenFailReason};
use common::{SERVICE, client, hits};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn fail_sends_ticket_and_reason_and_decodes_the_answer() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SERVICE}/auth/token/fail")))
        .and(header("authorization", format!("Bearer {}", common::TOKEN)))
        .and(header("content-type", "application/json"))
        .and(body_json(
            json!({"ticket": "t-1", "reason": "INVALID_RESOURCE_OWNER_CREDENTIALS"}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Request-Id", "req-42")
                .set_body_json(json!({
                    "resultCode": "A067301",
                    "resultMessage": "[A067301] wrong password",
                    "action": "BAD_REQUEST",
                    "responseContent": "{\"error\":\"invalid_request\"}"
                })),
        )
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .tokens()
        .fail("t-1", TokenFailReason::InvalidResourceOwnerCredentials)
        .send()
        .await
        .expect("success");
    assert_eq!(response.action(), Some(TokenFailAction::BadRequest));
    assert_eq!(response.result_code(), Some("A067301"));
    assert_eq!(response.result_message(), Some("[A067301] wrong password"));
    assert_eq!(
        response.response_content(),
        Some("{\"error\":\"invalid_request\"}")
    );
    assert_eq!(response.request_id(), Some("req-42"));
}

#[tokio::test]
async fn fail_sends_a_reason_newer_than_the_crate_verbatim() {
    let server = MockServer::start().await;
    Mock::given(body_json(
        json!({"ticket": "t", "reason": "ACCOUNT_LOCKED"}),
    ))
    .respond_with(ResponseTemplate::new(200).set_body_json(json!({"action": "BAD_REQUEST"})))
    .expect(1)
    .mount(&server)
    .await;
    client(&server)
        .tokens()
        .fail("t", TokenFailReason::from("ACCOUNT_LOCKED"))
        .send()
        .await
        .expect("success");
}

#[tokio::test]
async fn an_action_newer_than_the_crate_is_kept_not_rejected() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "action": "TRY_LATER",
            "responseContent": "{}",
            "someFieldFromTheFuture": {"nested": [1, 2]}
        })))
        .mount(&server)
        .await;
    let response = client(&server)
        .tokens()
        .fail("t", TokenFailReason::Unknown)
        .send()
        .await
        .expect("an unknown action still decodes");
    let action = response.action().expect("an action");
    assert!(action.is_unrecognized());
    assert_eq!(action.as_str(), "TRY_LATER");
    assert_eq!(action, TokenFailAction::from("TRY_LATER"));
    assert_eq!(response.into_http_response().status(), 500);
}

#[tokio::test]
async fn missing_optional_fields_decode_as_absent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let response = client(&server)
        .tokens()
        .fail("t", TokenFailReason::Unknown)
        .send()
        .await
        .expect("an empty object is a valid answer");
    assert_eq!(response.action(), None);
    assert_eq!(response.response_content(), None);
    assert_eq!(response.request_id(), None);
}

#[tokio::test]
async fn delete_succeeds_on_204() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(format!("/api/{SERVICE}/auth/token/delete/at-123")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .tokens()
        .delete("at-123")
        .send()
        .await
        .expect("deleted");
}

#[tokio::test]
async fn revoke_sends_only_the_criteria_given() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SERVICE}/auth/token/revoke")))
        .and(body_json(
            json!({"clientIdentifier": "57297408867", "subject": "john"}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"resultCode": "A135001", "count": 2})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server)
        .tokens()
        .revoke()
        .client_identifier("57297408867")
        .subject("john")
        .send()
        .await
        .expect("revoked");
    assert_eq!(response.count(), Some(2));
    assert_eq!(response.result_code(), Some("A135001"));
}

#[tokio::test]
async fn revoke_without_criteria_is_refused_before_sending() {
    let server = MockServer::start().await;
    let error = client(&server)
        .tokens()
        .revoke()
        .subject("")
        .send()
        .await
        .expect_err("no criterion");
    assert!(
        matches!(error, Error::InvalidRequest(ref m) if m.contains("at least one")),
        "{error}"
    );
    assert_eq!(hits(&server).await, 0);
}

#[tokio::test]
async fn path_parameters_cannot_change_the_url() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client(&server);
    for (identifier, expected) in [
        ("a/b", "a%2Fb"),
        ("../../service/delete", "..%2F..%2Fservice%2Fdelete"),
        ("x?y=1", "x%3Fy=1"),
        ("x#frag", "x%23frag"),
        ("100%", "100%25"),
        ("%2F", "%252F"),
        ("two words", "two%20words"),
        ("line\r\nX-Injected: 1", "line%0D%0AX-Injected:%201"),
        ("nul\0byte", "nul%00byte"),
        ("tökén", "t%C3%B6k%C3%A9n"),
    ] {
        client
            .tokens()
            .delete(identifier)
            .send()
            .await
            .expect("sent");
        let requests = server.received_requests().await.expect("recorded");
        let last = requests.last().expect("one request");
        assert_eq!(
            last.url.path(),
            format!("/api/{SERVICE}/auth/token/delete/{expected}"),
            "identifier {identifier:?}"
        );
        assert!(last.headers.get("x-injected").is_none());
    }
    for dots in [".", "..", ""] {
        let error = client
            .tokens()
            .delete(dots)
            .send()
            .await
            .expect_err("refused");
        assert!(
            matches!(error, Error::InvalidRequest(_)),
            "{dots:?}: {error}"
        );
    }
    assert_eq!(
        hits(&server).await,
        10,
        "refused identifiers were never sent"
    );
}

#[tokio::test]
async fn service_id_is_encoded_too() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"count": 0})))
        .mount(&server)
        .await;
    let client = common::builder(&server)
        .service_id("1/../2?x")
        .build()
        .expect("valid");
    client
        .tokens()
        .revoke()
        .subject("s")
        .send()
        .await
        .expect("sent");
    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(
        requests[0].url.path(),
        "/api/1%2F..%2F2%3Fx/auth/token/revoke"
    );
}

#[test]
fn client_is_cheap_to_share_across_tasks() {
    fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>() {}
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync_clone::<authlete::Client>();
    assert_send_sync::<authlete::Error>();
}
