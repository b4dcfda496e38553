//! Which failures are retried, per operation, counted at the server.

use crate::common;

use std::time::{Duration, Instant};

use authlete::{Error, RetryPolicy, TokenFailReason};
use common::{client, hits};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Answers `first` once, then `then` for every later request.
async fn once_then(first: ResponseTemplate, then: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(first)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(then)
        .with_priority(2)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn delete_retries_transient_statuses_up_to_the_attempt_limit() {
    for status in [408u16, 429, 502, 503, 504] {
        let server = common::server_answering(ResponseTemplate::new(status)).await;
        let error = client(&server)
            .tokens()
            .delete("at")
            .send()
            .await
            .expect_err("keeps failing");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(hits(&server).await, 3, "status {status}");
    }
}

#[tokio::test]
async fn delete_succeeds_after_one_transient_failure() {
    let server = once_then(ResponseTemplate::new(503), ResponseTemplate::new(204)).await;
    client(&server)
        .tokens()
        .delete("at")
        .send()
        .await
        .expect("second attempt succeeds");
    assert_eq!(hits(&server).await, 2);
}

#[tokio::test]
async fn errors_that_will_not_go_away_are_not_retried() {
    for status in [400u16, 401, 403, 500] {
        let server = common::server_answering(
            ResponseTemplate::new(status).set_body_json(json!({"resultCode": "A001201"})),
        )
        .await;
        client(&server)
            .tokens()
            .revoke()
            .subject("s")
            .send()
            .await
            .expect_err("refused");
        assert_eq!(hits(&server).await, 1, "status {status}");
    }
}

#[tokio::test]
async fn fail_is_never_resent_once_it_may_have_reached_authlete() {
    for response in [
        ResponseTemplate::new(503),
        ResponseTemplate::new(502).set_body_raw("<html/>", "text/html"),
        ResponseTemplate::new(429).insert_header("retry-after", "0"),
        ResponseTemplate::new(500).set_body_json(json!({"resultCode": "A001101"})),
    ] {
        let server = common::server_answering(response).await;
        client(&server)
            .tokens()
            .fail(
                "single-use",
                TokenFailReason::InvalidResourceOwnerCredentials,
            )
            .send()
            .await
            .expect_err("fails");
        assert_eq!(
            hits(&server).await,
            1,
            "the ticket reached the server exactly once"
        );
    }
}

#[tokio::test]
async fn retry_after_in_seconds_is_honoured() {
    let server = once_then(
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
        ResponseTemplate::new(200).set_body_json(json!({"count": 1})),
    )
    .await;
    let started = Instant::now();
    let response = client(&server)
        .tokens()
        .revoke()
        .subject("s")
        .send()
        .await
        .expect("second attempt succeeds");
    assert_eq!(response.count(), Some(1));
    assert_eq!(hits(&server).await, 2);
    // A lower bound only: the wait is at least what the server asked for.
    assert!(started.elapsed() >= Duration::from_secs(1));
}

#[tokio::test]
async fn retry_after_beyond_the_total_deadline_gives_up_at_once() {
    let server =
        common::server_answering(ResponseTemplate::new(503).insert_header("retry-after", "120"))
            .await;
    let error = client(&server)
        .tokens()
        .delete("at")
        .send()
        .await
        .expect_err("gives up");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(hits(&server).await, 1);
}

#[tokio::test]
async fn a_policy_of_never_sends_once() {
    let server = common::server_answering(ResponseTemplate::new(503)).await;
    let client = common::builder(&server)
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("valid");
    let error = client.tokens().delete("at").send().await.expect_err("503");
    assert!(matches!(error, Error::UnexpectedResponse { .. }));
    assert_eq!(hits(&server).await, 1);
}

#[tokio::test]
async fn an_absurd_retry_after_neither_overflows_nor_hangs() {
    for value in ["18446744073709551615", "301"] {
        let server = common::server_answering(
            ResponseTemplate::new(503).insert_header("retry-after", value),
        )
        .await;
        let client = common::builder(&server)
            .retry_policy(common::fast_retries(3).with_total_deadline(None))
            .build()
            .expect("valid");
        let started = Instant::now();
        let error = client.tokens().delete("at").send().await.expect_err("503");
        assert!(error.retry_after().is_some(), "{value}");
        assert_eq!(hits(&server).await, 1, "{value}: not retried");
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}

#[tokio::test]
async fn every_attempt_sends_the_same_body() {
    // Earlier attempts send copies and the last one the original: a copy
    // that drifted, or a last attempt without a body, would show here.
    let server = common::server_answering(ResponseTemplate::new(503)).await;
    let client = common::builder(&server)
        .retry_policy(common::fast_retries(4))
        .build()
        .expect("valid");
    client
        .tokens()
        .revoke()
        .subject("john")
        .client_identifier("my-client")
        .send()
        .await
        .expect_err("keeps failing");
    let bodies: Vec<serde_json::Value> = server
        .received_requests()
        .await
        .expect("recording is on")
        .iter()
        .map(|r| serde_json::from_slice(&r.body).expect("JSON body"))
        .collect();
    assert_eq!(bodies.len(), 4);
    for body in &bodies {
        assert_eq!(
            body,
            &json!({"subject": "john", "clientIdentifier": "my-client"})
        );
    }
}
