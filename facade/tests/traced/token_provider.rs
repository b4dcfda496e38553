//! `access_token_provider`: asked once per attempt, its token on the wire
//! and nowhere else; and `from_env`'s older name for the service ID.
//!
//! A capturing `tracing` subscriber is installed by every test that makes a
//! call (see tests/tracing.rs for why).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use authlete::operations::tokens;
use authlete::testing::{MOCK_SERVICE_ID, MockAuthlete, MockReply};
use authlete::{
    Client, ENV_SERVICE_APIKEY, ENV_SERVICE_ID, Error, RetryPolicy, ServiceToken,
    ServiceTokenFuture, ServiceTokenProvider,
};

const ROTATED: &str = "rotated-SECRET-token";

/// A provider that hands out `rotated-SECRET-token-<n>`, counting calls.
fn rotating(calls: Arc<AtomicUsize>) -> impl ServiceTokenProvider {
    move || {
        let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
        async move { Ok::<_, std::io::Error>(format!("{ROTATED}-{n}")) }
    }
}

fn builder(authlete: &MockAuthlete) -> authlete::ClientBuilder {
    Client::builder()
        .service_id(MOCK_SERVICE_ID)
        .base_url(authlete.uri())
        .retry_policy(
            RetryPolicy::default()
                .with_max_attempts(3)
                .with_initial_backoff(Duration::from_millis(1))
                .with_jitter(false),
        )
}

#[tokio::test]
async fn the_provider_is_asked_once_per_attempt_and_each_token_reaches_the_wire() {
    let (traces, _guard) = crate::traces::capture_traces();
    let authlete = MockAuthlete::start().await.expect("mock");
    let calls = Arc::new(AtomicUsize::new(0));
    let client = builder(&authlete)
        .access_token_provider(rotating(calls.clone()))
        .build()
        .expect("client");
    for _ in 0..2 {
        authlete.script(&tokens::LIST, MockReply::error(503, "A001001", "busy"));
    }
    // The mock takes only its own token; the scripted replies come first.
    let error = client.tokens().list().send().await.expect_err("refused");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401), "{error}");
    assert_eq!(calls.load(Ordering::SeqCst), 3, "one token per attempt");
    let sent: Vec<String> = authlete
        .requests_to(&tokens::LIST)
        .iter()
        .map(|r| {
            r.headers["authorization"]
                .to_str()
                .expect("ascii")
                .to_owned()
        })
        .collect();
    assert_eq!(
        sent,
        [1, 2, 3].map(|n| format!("Bearer {ROTATED}-{n}")),
        "each attempt carries the token it was given"
    );

    let shown = format!(
        "{client:?} {error} {error:?} {:?} {}",
        builder(&authlete).access_token_provider(rotating(calls.clone())),
        traces.text()
    );
    assert!(!shown.contains(ROTATED), "the token leaked into: {shown}");
}

#[tokio::test]
async fn the_mocks_token_from_a_provider_is_accepted() {
    let (_traces, _guard) = crate::traces::capture_traces();
    let authlete = MockAuthlete::start().await.expect("mock");
    let client = builder(&authlete)
        .access_token_provider(|| async {
            Ok::<_, std::io::Error>(authlete::testing::MOCK_ACCESS_TOKEN)
        })
        .build()
        .expect("client");
    client.tokens().list().send().await.expect("listed");
}

#[tokio::test]
async fn a_failing_provider_ends_the_call_unsent_and_unretried() {
    let (traces, _guard) = crate::traces::capture_traces();
    let authlete = MockAuthlete::start().await.expect("mock");
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let client = builder(&authlete)
        .access_token_provider(move || {
            counted.fetch_add(1, Ordering::SeqCst);
            async { Err::<String, _>("the vault is sealed") }
        })
        .build()
        .expect("client");
    let error = client.tokens().list().send().await.expect_err("no token");
    assert!(matches!(error, Error::ServiceToken { .. }), "{error:?}");
    assert!(error.to_string().contains("the vault is sealed"), "{error}");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert!(authlete.requests().is_empty());
    drop(traces);
}

#[tokio::test]
async fn a_provided_token_that_cannot_be_a_header_is_refused_without_quoting_it() {
    let (traces, _guard) = crate::traces::capture_traces();
    let authlete = MockAuthlete::start().await.expect("mock");
    let client = builder(&authlete)
        .access_token_provider(|| async {
            Ok::<_, std::io::Error>(format!("{ROTATED}\r\nX-Evil: 1"))
        })
        .build()
        .expect("client");
    let error = client.tokens().list().send().await.expect_err("refused");
    let shown = format!("{error} {error:?} {}", traces.text());
    assert!(matches!(error, Error::ServiceToken { .. }), "{error:?}");
    assert!(shown.contains("access_token"), "{shown}");
    assert!(!shown.contains(ROTATED), "the token leaked into: {shown}");
    assert!(authlete.requests().is_empty());
}

#[test]
fn a_type_of_its_own_is_a_provider_and_tokens_hide_in_debug() {
    struct Vault;
    impl ServiceTokenProvider for Vault {
        fn service_token(&self) -> ServiceTokenFuture<'_> {
            Box::pin(async { Ok(ServiceToken::new(ROTATED)) })
        }
    }
    let client = Client::builder()
        .service_id("1")
        .access_token_provider(Vault)
        .build()
        .expect("a provider is a token");
    assert!(format!("{client:?}").contains("access_token_provider: true"));
    assert_eq!(
        format!("{:?}", ServiceToken::from(ROTATED)),
        "ServiceToken(<redacted>)"
    );
    // The last of the two settings wins.
    let fixed = Client::builder()
        .service_id("1")
        .access_token_provider(Vault)
        .access_token("fixed")
        .build()
        .expect("client");
    assert!(format!("{fixed:?}").contains("access_token_provider: false"));
}

fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| vars.get(name).cloned()
}

const BASE: (&str, &str) = ("AUTHLETE_BASE_URL", "https://jp.authlete.com");
const TOKEN: (&str, &str) = ("AUTHLETE_SERVICE_ACCESSTOKEN", "env-SECRET-token");

#[test]
fn the_older_sdks_service_apikey_names_the_service_too() {
    let client = Client::builder()
        .from_lookup(lookup(&[BASE, TOKEN, (ENV_SERVICE_APIKEY, "4242")]))
        .expect("read")
        .build()
        .expect("client");
    assert_eq!(client.service_id(), "4242");

    let same = Client::builder()
        .from_lookup(lookup(&[
            BASE,
            TOKEN,
            (ENV_SERVICE_ID, "4242"),
            (ENV_SERVICE_APIKEY, "4242"),
        ]))
        .expect("the same service twice is fine")
        .build()
        .expect("client");
    assert_eq!(same.service_id(), "4242");
}

#[test]
fn two_different_service_ids_in_the_environment_are_an_error_naming_both() {
    let refused = Client::builder().from_lookup(lookup(&[
        BASE,
        TOKEN,
        (ENV_SERVICE_ID, "4242"),
        (ENV_SERVICE_APIKEY, "1717"),
    ]));
    let Err(Error::Config(message)) = refused else {
        panic!("accepted: {refused:?}");
    };
    assert!(message.contains(ENV_SERVICE_ID), "{message}");
    assert!(message.contains(ENV_SERVICE_APIKEY), "{message}");
    assert!(!message.contains("env-SECRET-token"), "{message}");

    let Err(Error::Config(message)) = Client::builder().from_lookup(lookup(&[BASE, TOKEN])) else {
        panic!("no service ID was accepted");
    };
    assert!(
        message.contains(ENV_SERVICE_ID) && message.contains(ENV_SERVICE_APIKEY),
        "{message}"
    );
}
