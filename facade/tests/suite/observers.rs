//! `ClientBuilder::observer`: a `CallObserver` adds headers that reach the
//! wire, sees every attempt's outcome, and never the credentials.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use authlete::operations::tokens;
use authlete::testing::{MOCK_ACCESS_TOKEN, MOCK_SERVICE_ID, MockAuthlete, MockReply};
use authlete::{AttemptOutcome, CallObserver, Client, OutgoingRequest, RetryPolicy};
use http::HeaderValue;

/// One attempt's end as the observer saw it: attempt, status, whether it
/// failed, whether the response headers (with `Request-Id`) were there.
type Outcome = (u32, Option<u16>, bool, bool);

/// What one observer saw, attempt by attempt.
#[derive(Default)]
struct Seen {
    requests: Mutex<Vec<(&'static str, u32, bool)>>,
    outcomes: Mutex<Vec<Outcome>>,
}

impl CallObserver for Seen {
    fn on_request(&self, request: &mut OutgoingRequest<'_>) {
        let sees_credentials = request.headers().contains_key("authorization");
        self.requests.lock().expect("not poisoned").push((
            request.operation().id,
            request.attempt(),
            sees_credentials,
        ));
        let attempt = HeaderValue::from(request.attempt());
        let headers = request.headers_mut();
        headers.insert("x-attempt", attempt);
        // Replaced by the client's own: an observer cannot swap credentials.
        headers.insert("authorization", HeaderValue::from_static("Bearer hijacked"));
    }

    fn on_response(&self, outcome: &AttemptOutcome<'_>) {
        self.outcomes.lock().expect("not poisoned").push((
            outcome.attempt(),
            outcome.status().map(|s| s.as_u16()),
            outcome.error().is_some(),
            outcome
                .headers()
                .is_some_and(|h| h.contains_key("request-id")),
        ));
    }
}

fn client(authlete: &MockAuthlete, seen: Arc<Seen>) -> Client {
    Client::builder()
        .service_id(MOCK_SERVICE_ID)
        .access_token(MOCK_ACCESS_TOKEN)
        .base_url(authlete.uri())
        .retry_policy(
            RetryPolicy::default()
                .with_max_attempts(3)
                .with_initial_backoff(Duration::from_millis(1))
                .with_jitter(false),
        )
        .observer(seen)
        .build()
        .expect("client")
}

#[tokio::test]
async fn an_observer_sees_every_attempt_and_its_header_reaches_the_wire() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let seen = Arc::new(Seen::default());
    let client = client(&authlete, seen.clone());
    authlete.script(&tokens::LIST, MockReply::error(503, "A001001", "busy"));
    authlete.script(&tokens::LIST, MockReply::error(502, "A001001", "busy"));
    client
        .tokens()
        .list()
        .header("x-call", "1")
        .send()
        .await
        .expect("third attempt");

    let requests = authlete.requests_to(&tokens::LIST);
    assert_eq!(requests.len(), 3);
    for (n, request) in requests.iter().enumerate() {
        assert_eq!(request.headers["x-attempt"], (n + 1).to_string().as_str());
        assert_eq!(
            request.headers["authorization"],
            format!("Bearer {MOCK_ACCESS_TOKEN}").as_str()
        );
    }
    assert_eq!(
        *seen.requests.lock().expect("not poisoned"),
        [1, 2, 3].map(|n| ("auth_token_get_list_api", n, false))
    );
    assert_eq!(
        *seen.outcomes.lock().expect("not poisoned"),
        [
            (1, Some(503), true, true),
            (2, Some(502), true, true),
            (3, Some(200), false, true)
        ]
    );
}

#[tokio::test]
async fn an_attempt_without_a_response_is_observed_too() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let seen = Arc::new(Seen::default());
    let client = client(&authlete, seen.clone());
    authlete.script(&tokens::LIST, MockReply::delay(Duration::from_millis(300)));
    client
        .tokens()
        .list()
        .timeout(Duration::from_millis(30))
        .retry_policy(RetryPolicy::never())
        .send()
        .await
        .expect_err("timed out");
    assert_eq!(
        *seen.outcomes.lock().expect("not poisoned"),
        [(1, None, true, false)]
    );
}

#[tokio::test]
async fn observers_run_in_the_order_they_were_added() {
    struct Stamp(&'static str);
    impl CallObserver for Stamp {
        fn on_request(&self, request: &mut OutgoingRequest<'_>) {
            request
                .headers_mut()
                .append("x-order", HeaderValue::from_static(self.0));
        }
    }
    let authlete = MockAuthlete::start().await.expect("mock");
    let client = Client::builder()
        .service_id(MOCK_SERVICE_ID)
        .access_token(MOCK_ACCESS_TOKEN)
        .base_url(authlete.uri())
        .observer(Stamp("first"))
        .observer(Stamp("second"))
        .build()
        .expect("client");
    client.tokens().list().send().await.expect("listed");
    let request = &authlete.requests()[0];
    let order: Vec<_> = request.headers.get_all("x-order").iter().collect();
    assert_eq!(order, ["first", "second"]);
}
