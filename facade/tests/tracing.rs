//! What the client tells `tracing`: a span per call with the facts an
//! operator needs, retries as events, and never a secret.
//!
//! Every test here installs a capturing subscriber first: `tracing` caches
//! per call site whether anyone listens, so mixing these tests with ones that
//! run without a subscriber in the same binary would make them flaky.

mod common;

use authlete::TokenFailReason;
use common::{TOKEN, client};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn each_call_has_a_span_with_operation_attempt_status_and_request_id() {
    let (traces, _guard) = common::capture_traces();
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("request-id", "rid-span")
                .set_body_json(json!({"count": 1})),
        )
        .mount(&server)
        .await;
    client(&server)
        .tokens()
        .revoke()
        .subject("s")
        .send()
        .await
        .expect("ok");
    let text = traces.text();
    let close = text
        .lines()
        .find(|l| l.contains("authlete.call") && l.contains("close"))
        .unwrap_or_else(|| panic!("no span close line in:\n{text}"));
    for field in [
        "operation=\"auth_token_revoke_api\"",
        "attempt=1",
        "status=\"ok\"",
        "request_id=\"rid-span\"",
        "elapsed_ms=",
    ] {
        assert!(close.contains(field), "missing {field} in {close}");
    }
}

#[tokio::test]
async fn fail_is_retried_when_the_connection_could_not_be_opened() {
    let (traces, _guard) = common::capture_traces();
    let client = common::client_for_closed_port(common::fast_retries(3));
    let error = client
        .tokens()
        .fail("t", TokenFailReason::Unspecified)
        .send()
        .await
        .expect_err("nothing listens");
    assert!(error.never_sent(), "{error:?}");
    let text = traces.text();
    assert_eq!(text.matches("retrying").count(), 2, "{text}");
    assert!(text.contains("attempt=3"), "{text}");
}

#[tokio::test]
async fn traces_never_contain_the_token_or_identifiers() {
    let (traces, _guard) = common::capture_traces();
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503).set_body_raw("<html/>", "text/html"))
        .mount(&server)
        .await;
    let client = client(&server);
    let _ = client
        .tokens()
        .delete("secret-access-token-value")
        .send()
        .await;
    let _ = client
        .tokens()
        .fail("secret-ticket-value", TokenFailReason::Unspecified)
        .send()
        .await;
    let text = traces.text();
    assert!(
        text.contains("authlete.call"),
        "tracing captured nothing:\n{text}"
    );
    for secret in [TOKEN, "secret-access-token-value", "secret-ticket-value"] {
        assert!(
            !text.contains(secret),
            "{secret} leaked into traces:\n{text}"
        );
    }
}
