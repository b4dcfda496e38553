//! 10,000 token-fail calls with 128 in flight while the mock Authlete mixes
//! faults into its answers: every call ends in a value or a typed error, no
//! ticket reaches Authlete twice, the client keeps working afterwards, and no
//! task or connection is left behind.

use std::time::{Duration, Instant};

use authlete::operations::tokens;
use authlete::testing::{MockAuthlete, MockReply};
use authlete::{Error, RetryPolicy, TokenFailReason};
use futures::StreamExt;

const CALLS: usize = 10_000;
const IN_FLIGHT: usize = 128;

/// A small deterministic generator, so a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn reply(roll: u64) -> MockReply {
    match roll % 100 {
        0..=64 => MockReply::json(
            200,
            serde_json::json!({"action": "BAD_REQUEST", "responseContent": "{}"}),
        ),
        65..=71 => MockReply::error(500, "A001101", "[A001101] fault"),
        72..=78 => MockReply::Raw {
            status: 503,
            content_type: "text/html".into(),
            body: "<html>busy</html>".into(),
        },
        79..=84 => MockReply::MalformedBody,
        85..=90 => MockReply::DropConnection,
        91..=96 => MockReply::error(429, "A001201", "[A001201] slow down"),
        _ => MockReply::Delay(Duration::from_millis(700), None),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_calls_under_random_faults() {
    let metrics = tokio::runtime::Handle::current().metrics();
    let authlete = MockAuthlete::start().await.expect("mock");
    let baseline_tasks = metrics.num_alive_tasks();
    let mut rng = Lcg(0x5eed);
    for _ in 0..CALLS {
        authlete.script(&tokens::FAIL, reply(rng.next()));
    }
    let client = authlete::Client::builder()
        .service_id(authlete::testing::MOCK_SERVICE_ID)
        .access_token(authlete::testing::MOCK_ACCESS_TOKEN)
        .base_url(authlete.uri())
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::default().with_initial_backoff(Duration::from_millis(1)))
        .build()
        .expect("valid");

    let started = Instant::now();
    let outcomes: Vec<Result<authlete::tokens::TokenFailResponse, Error>> =
        futures::stream::iter(0..CALLS)
            .map(|i| {
                let client = client.clone();
                async move {
                    client
                        .tokens()
                        .fail(format!("ticket-{i}"), TokenFailReason::Unknown)
                        .send()
                        .await
                }
            })
            .buffer_unordered(IN_FLIGHT)
            .collect()
            .await;
    let elapsed = started.elapsed();

    let mut ok = 0;
    let mut by_kind = std::collections::BTreeMap::<&str, usize>::new();
    for outcome in &outcomes {
        match outcome {
            Ok(response) => {
                assert_eq!(
                    response.action(),
                    Some(authlete::TokenFailAction::BadRequest)
                );
                ok += 1;
            }
            Err(error) => {
                let kind = match error {
                    Error::Api { .. } => "api",
                    Error::UnexpectedResponse { .. } => "unexpected",
                    Error::Decode { .. } => "decode",
                    Error::Timeout { .. } => "timeout",
                    Error::Transport { .. } => "transport",
                    other => panic!("an error no fault should cause: {other:?}"),
                };
                *by_kind.entry(kind).or_default() += 1;
            }
        }
    }
    println!("{ok} ok, errors {by_kind:?}, in {elapsed:?}");
    assert_eq!(outcomes.len(), CALLS);
    assert!(ok > CALLS / 2, "{ok} successes");
    for kind in ["api", "unexpected", "decode", "timeout", "transport"] {
        assert!(
            by_kind.get(kind).copied().unwrap_or(0) > 0,
            "no {kind} errors seen: {by_kind:?}"
        );
    }
    // `fail` is never repeated: no ticket reaches Authlete twice. A call
    // that timed out or lost its connection may have ended before its
    // request was sent (under load, the 300 ms deadline can pass while
    // waiting for a connection); every other call was answered, so its
    // request arrived.
    let received = authlete.requests_to(&tokens::FAIL);
    let tickets: std::collections::HashSet<String> = received
        .iter()
        .filter_map(|r| r.json()["ticket"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        tickets.len(),
        received.len(),
        "a ticket reached Authlete twice"
    );
    let unanswered = by_kind.get("timeout").copied().unwrap_or(0)
        + by_kind.get("transport").copied().unwrap_or(0);
    assert!(
        received.len() <= CALLS && received.len() + unanswered >= CALLS,
        "{} of {CALLS} tickets reached Authlete, {unanswered} calls unanswered",
        received.len()
    );

    // Still usable afterwards.
    authlete.script(
        &tokens::FAIL,
        MockReply::json(200, serde_json::json!({"action": "BAD_REQUEST"})),
    );
    client
        .tokens()
        .fail("after", TokenFailReason::Unknown)
        .send()
        .await
        .expect("the client still works");

    // Dropping the client closes its pooled connections, which ends the
    // mock's per-connection tasks: nothing may be left over.
    drop(client);
    let deadline = Instant::now() + Duration::from_secs(10);
    while metrics.num_alive_tasks() > baseline_tasks && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        metrics.num_alive_tasks(),
        baseline_tasks,
        "tasks or connections leaked"
    );
}
