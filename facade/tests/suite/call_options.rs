//! Per-call options (`.timeout`, `.retry_policy`, `.service_id`, `.header`,
//! `.options`): each shows on the wire and beats the client's setting for
//! that call only.

use std::time::Duration;

use authlete::operations::tokens;
use authlete::testing::{MOCK_ACCESS_TOKEN, MOCK_SERVICE_ID, MockAuthlete, MockReply};
use authlete::{CallOptions, Client, Error, RetryPolicy};

fn fast_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(attempts)
        .with_initial_backoff(Duration::from_millis(1))
        .with_max_backoff(Duration::from_millis(5))
        .with_jitter(false)
}

fn unavailable() -> MockReply {
    MockReply::error(503, "A001001", "busy")
}

async fn mock() -> MockAuthlete {
    MockAuthlete::start().await.expect("the mock starts")
}

#[tokio::test]
async fn a_call_timeout_shorter_than_the_reply_fails_while_the_client_default_waits() {
    let authlete = mock().await;
    // The client would wait 5 s; the reply comes after 400 ms.
    let client = Client::builder()
        .service_id(MOCK_SERVICE_ID)
        .access_token(MOCK_ACCESS_TOKEN)
        .base_url(authlete.uri())
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("client");
    let slow = || MockReply::delay(Duration::from_millis(400));

    authlete.script(&tokens::LIST, slow());
    let error = client
        .tokens()
        .list()
        .timeout(Duration::from_millis(50))
        .send()
        .await
        .expect_err("the call's own deadline passes first");
    assert!(
        matches!(
            error,
            Error::Timeout {
                deadline: Some(deadline),
                ..
            } if deadline == Duration::from_millis(50)
        ),
        "the call's deadline, not the client's: {error:?}"
    );

    authlete.script(&tokens::LIST, slow());
    client
        .tokens()
        .list()
        .send()
        .await
        .expect("the client's 5 s are enough");
}

#[tokio::test]
async fn a_call_retry_policy_replaces_the_clients_in_both_directions() {
    let authlete = mock().await;
    let never = authlete.client().expect("client without retries");
    for _ in 0..3 {
        authlete.script(&tokens::LIST, unavailable());
    }
    let error = never
        .tokens()
        .list()
        .retry_policy(fast_retries(3))
        .send()
        .await
        .expect_err("503 three times");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(authlete.requests_to(&tokens::LIST).len(), 3);

    let patient = Client::builder()
        .service_id(MOCK_SERVICE_ID)
        .access_token(MOCK_ACCESS_TOKEN)
        .base_url(authlete.uri())
        .retry_policy(fast_retries(3))
        .build()
        .expect("client with retries");
    authlete.script(&tokens::LIST, unavailable());
    patient
        .tokens()
        .list()
        .retry_policy(RetryPolicy::never())
        .send()
        .await
        .expect_err("sent once");
    assert_eq!(authlete.requests_to(&tokens::LIST).len(), 4, "one more");
}

#[tokio::test]
async fn a_call_service_id_changes_the_path_of_that_call_only() {
    let authlete = mock().await;
    // A client made for another service reaches the mock's for one call.
    let other = Client::builder()
        .service_id("1042843946")
        .access_token(MOCK_ACCESS_TOKEN)
        .base_url(authlete.uri())
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("client");
    other
        .tokens()
        .list()
        .service_id(MOCK_SERVICE_ID)
        .send()
        .await
        .expect("the mock's service answers");
    let _ = other.tokens().list().send().await;
    let paths: Vec<String> = authlete
        .requests()
        .into_iter()
        .map(|r| r.path_and_query)
        .collect();
    assert!(
        paths[0].starts_with(&format!("/api/{MOCK_SERVICE_ID}/auth/token/get/list")),
        "{paths:?}"
    );
    assert!(
        paths[1].starts_with("/api/1042843946/auth/token/get/list"),
        "{paths:?}"
    );
    assert_eq!(other.service_id(), "1042843946");

    // Checked as `for_service` checks it, before anything is sent.
    let refused = other.tokens().list().service_id("..").send().await;
    assert!(matches!(refused, Err(Error::Config(_))), "{refused:?}");
    assert_eq!(authlete.requests().len(), 2);
}

#[tokio::test]
async fn call_headers_reach_the_wire_of_every_attempt_and_that_call_only() {
    let authlete = mock().await;
    let client = authlete.client().expect("client");
    for _ in 0..2 {
        authlete.script(&tokens::LIST, unavailable());
    }
    client
        .tokens()
        .list()
        .retry_policy(fast_retries(3))
        .header("X-Correlation-Id", "c0ffee")
        .header("x-tenant", "a")
        .header("x-tenant", "b")
        .send()
        .await
        .expect("third attempt answers");
    client.tokens().list().send().await.expect("plain call");
    let requests = authlete.requests_to(&tokens::LIST);
    assert_eq!(requests.len(), 4);
    for request in &requests[..3] {
        assert_eq!(request.headers["x-correlation-id"], "c0ffee");
        let tenants: Vec<_> = request.headers.get_all("x-tenant").iter().collect();
        assert_eq!(tenants, ["a", "b"]);
        assert_eq!(
            request.headers["authorization"],
            format!("Bearer {MOCK_ACCESS_TOKEN}").as_str()
        );
    }
    assert!(requests[3].headers.get("x-correlation-id").is_none());
    // progenitor adds `api-version`, which Authlete does not define; the
    // generator drops it, so it never reaches the wire.
    assert!(
        requests
            .iter()
            .all(|r| r.headers.get("api-version").is_none())
    );
}

#[tokio::test]
async fn headers_the_client_owns_are_refused_without_quoting_them() {
    let authlete = mock().await;
    let client = authlete.client().expect("client");
    for (name, value) in [
        ("Authorization", "Bearer stolen-or-leaked"),
        ("content-type", "text/plain"),
        ("host", "elsewhere.example"),
    ] {
        let refused = client.tokens().list().header(name, value).send().await;
        let Err(Error::InvalidRequest(message)) = refused else {
            panic!("{name} was accepted: {refused:?}");
        };
        assert!(message.contains(&name.to_ascii_lowercase()), "{message}");
        assert!(!message.contains(value), "{message}");
    }
    let malformed = client
        .tokens()
        .list()
        .header("x-ok", "line\nbreak-secret")
        .send()
        .await;
    let Err(Error::InvalidRequest(message)) = malformed else {
        panic!("a malformed value was accepted: {malformed:?}");
    };
    assert!(!message.contains("secret"), "{message}");
    assert!(authlete.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn options_set_once_apply_to_any_builder_and_hide_header_values() {
    let authlete = mock().await;
    let client = authlete.client().expect("client");
    let options = CallOptions::new()
        .header("x-api-key-of-a-proxy", "proxy-secret")
        .timeout(Duration::from_secs(2));
    let debug = format!("{options:?}");
    assert!(debug.contains("x-api-key-of-a-proxy"), "{debug}");
    assert!(!debug.contains("proxy-secret"), "{debug}");

    client
        .tokens()
        .list()
        .options(options.clone())
        .send()
        .await
        .expect("listed");
    let metadata = client
        .service()
        .configuration()
        .options(options)
        .send()
        .await
        .expect("configuration");
    // The discovery document keeps its `Request-Id` as every answer does.
    assert!(metadata.request_id().is_some(), "{metadata:?}");
    for request in authlete.requests() {
        assert_eq!(request.headers["x-api-key-of-a-proxy"], "proxy-secret");
    }
}
