//! Every way a call can fail maps onto the documented `Error` variant.

use crate::common;

use std::time::Duration;

use authlete::{Error, TokenFailReason};
use common::{client, hits};
use http::StatusCode;
use serde_json::json;
use wiremock::{MockServer, ResponseTemplate};

async fn fail_against(server: &MockServer) -> Error {
    client(server)
        .tokens()
        .fail("t", TokenFailReason::Unknown)
        .send()
        .await
        .expect_err("the call fails")
}

#[tokio::test]
async fn documented_json_errors_become_api_errors() {
    for status in [400u16, 401, 403, 500] {
        let server = common::server_answering(
            ResponseTemplate::new(status)
                .insert_header("request-id", "rid-7")
                .set_body_json(json!({
                    "resultCode": "A001201",
                    "resultMessage": "[A001201] refused"
                })),
        )
        .await;
        let error = fail_against(&server).await;
        match &error {
            Error::Api {
                status: s,
                result_code,
                result_message,
                request_id,
                ..
            } => {
                assert_eq!(s.as_u16(), status);
                assert_eq!(result_code.as_deref(), Some("A001201"));
                assert_eq!(result_message.as_deref(), Some("[A001201] refused"));
                assert_eq!(request_id.as_deref(), Some("rid-7"));
            }
            other => panic!("{status}: expected Api, got {other:?}"),
        }
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(error.result_code(), Some("A001201"));
        assert_eq!(
            error.to_string(),
            format!(
                "Authlete refused the call (HTTP {}, A001201): [A001201] refused [request id rid-7]",
                StatusCode::from_u16(status).expect("valid")
            )
        );
    }
}

#[tokio::test]
async fn a_404_the_spec_lists_is_an_api_error() {
    let server = common::server_answering(
        ResponseTemplate::new(404).set_body_json(json!({"resultCode": "A001203"})),
    )
    .await;
    let error = client(&server)
        .tokens()
        .revoke()
        .subject("nobody")
        .send()
        .await
        .expect_err("404");
    assert!(
        matches!(error, Error::Api { status, .. } if status == 404),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_json_result_on_an_unlisted_status_is_still_an_api_error() {
    // Delete does not list 404, but Authlete's body shape is recognisable.
    let server = common::server_answering(
        ResponseTemplate::new(404)
            .set_body_json(json!({"resultCode": "A001203", "resultMessage": "no such token"})),
    )
    .await;
    let error = client(&server)
        .tokens()
        .delete("gone")
        .send()
        .await
        .expect_err("404");
    assert_eq!(error.result_code(), Some("A001203"));
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
}

#[tokio::test]
async fn an_html_500_is_an_unexpected_response_with_a_snippet() {
    let page = "<html><body>Internal error at the proxy</body></html>";
    let server =
        common::server_answering(ResponseTemplate::new(500).set_body_raw(page, "text/html")).await;
    let error = fail_against(&server).await;
    match &error {
        Error::UnexpectedResponse {
            status,
            content_type,
            snippet,
            ..
        } => {
            assert_eq!(*status, StatusCode::INTERNAL_SERVER_ERROR);
            assert_eq!(content_type.as_deref(), Some("text/html"));
            assert_eq!(snippet, page);
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn an_html_502_from_a_proxy_is_unexpected_and_the_snippet_is_bounded() {
    let page = format!("<html>{}</html>", "x".repeat(10_000));
    let server =
        common::server_answering(ResponseTemplate::new(502).set_body_raw(page, "text/html")).await;
    let error = client(&server)
        .tokens()
        .revoke()
        .subject("s")
        .send()
        .await
        .expect_err("502");
    match &error {
        Error::UnexpectedResponse {
            status, snippet, ..
        } => {
            assert_eq!(*status, StatusCode::BAD_GATEWAY);
            assert_eq!(snippet.len(), 512);
            assert!(snippet.starts_with("<html>xxx"));
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
    assert!(error.is_retryable());
}

#[tokio::test]
async fn an_empty_error_body_is_unexpected_not_a_panic() {
    let server = common::server_answering(ResponseTemplate::new(503)).await;
    let error = fail_against(&server).await;
    assert!(
        matches!(&error, Error::UnexpectedResponse { status, snippet, .. } if *status == 503 && snippet.is_empty()),
        "{error:?}"
    );
}

#[tokio::test]
async fn invalid_json_on_200_is_a_decode_error_with_status_and_snippet() {
    let server = common::server_answering(
        ResponseTemplate::new(200).set_body_raw("{\"action\": \"BAD_REQ", "application/json"),
    )
    .await;
    let error = fail_against(&server).await;
    match &error {
        Error::Decode {
            status,
            snippet,
            message,
            ..
        } => {
            assert_eq!(*status, StatusCode::OK);
            // A JSON body's values may be tokens: its shape is shown, not its text.
            assert_eq!(
                snippet,
                "a JSON object of 19 bytes: {action: (cut)}, cut short at line 1, column 19"
            );
            assert!(message.contains("EOF"), "{message}");
            assert!(
                message.starts_with("at action (line 1, column 19)"),
                "{message}"
            );
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn a_wrongly_typed_field_is_a_decode_error() {
    let server = common::server_answering(
        ResponseTemplate::new(200).set_body_json(json!({"count": "three"})),
    )
    .await;
    let error = client(&server)
        .tokens()
        .revoke()
        .subject("s")
        .send()
        .await
        .expect_err("count is not a number");
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let server = common::server_answering(
        ResponseTemplate::new(200)
            .set_body_json(json!({}))
            .set_delay(Duration::from_secs(10)),
    )
    .await;
    let client = common::builder(&server)
        .timeout(Duration::from_millis(200))
        .build()
        .expect("valid");
    let error = client
        .tokens()
        .fail("t", TokenFailReason::Unknown)
        .send()
        .await
        .expect_err("too slow");
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(
        hits(&server).await,
        1,
        "a timed-out ticket is never re-sent"
    );
}

#[tokio::test]
async fn connection_refused_is_a_transport_error_before_sending() {
    let client = authlete::Client::builder()
        .service_id(common::SERVICE)
        .access_token(common::TOKEN)
        .base_url(common::closed_port_url())
        .retry_policy(common::fast_retries(2))
        .build()
        .expect("valid");
    let error = client
        .tokens()
        .delete("at")
        .send()
        .await
        .expect_err("refused");
    assert!(
        matches!(
            error,
            Error::Transport {
                connect: true,
                failure: authlete::TransportFailure::Refused,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.is_never_sent());
    assert!(error.is_retryable());
    // The cause reaches the message: an operator reading the log learns
    // that nothing was sent, and why.
    let message = error.to_string();
    assert!(
        message.starts_with(
            "cannot reach Authlete: connection refused (nothing was sent): error sending request: "
        ),
        "{message}"
    );
    assert!(message.to_lowercase().contains("refused"), "{message}");
    assert!(
        !error.to_string().contains("127.0.0.1"),
        "no URL in messages: {error}"
    );
}

/// Answers with a body that does not decode, labelled with the ticket it
/// was sent, after a delay that differs per ticket.
struct EchoTicketAsRequestId;

impl wiremock::Respond for EchoTicketAsRequestId {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap_or_default();
        let ticket = body["ticket"].as_str().unwrap_or_default().to_owned();
        let spread = ticket.bytes().map(u64::from).sum::<u64>() % 7;
        ResponseTemplate::new(200)
            .insert_header("Request-Id", ticket.as_str())
            .set_body_raw("{\"action\": ", "application/json")
            .set_delay(Duration::from_millis(5 * spread))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_through_one_client_each_report_their_own_response() {
    // The status and `Request-Id` in a decode error come from what the
    // hooks noted about the response; a record shared between calls would
    // hand one call another call's `Request-Id`.
    let server = MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(EchoTicketAsRequestId)
        .mount(&server)
        .await;
    let client = client(&server);
    let calls = (0..64).map(|n| {
        let client = client.clone();
        tokio::spawn(async move {
            let ticket = format!("ticket-{n}");
            let error = client
                .tokens()
                .fail(ticket.clone(), TokenFailReason::Unknown)
                .send()
                .await
                .expect_err("the body does not decode");
            (ticket, error)
        })
    });
    for call in futures::future::join_all(calls).await {
        let (ticket, error) = call.expect("no panic");
        match error {
            Error::Decode { request_id, .. } => {
                assert_eq!(request_id.as_deref(), Some(ticket.as_str()))
            }
            other => panic!("expected Decode, got {other:?}"),
        }
    }
}
