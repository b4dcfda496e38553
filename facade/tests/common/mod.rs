//! Helpers shared by the facade's integration tests: a mock Authlete on
//! 127.0.0.1 and a client pointed at it.

use std::time::Duration;

use authlete::{Client, RetryPolicy};
use wiremock::MockServer;

pub const SERVICE: &str = "715948317";
pub const TOKEN: &str = "sat-Xq3vTest-SECRET-9f2";

/// One part of a compact JWT as JSON (0: the header, 1: the claims),
/// unverified: for tests of what a token says; the relying-party libraries'
/// tests check signatures.
pub fn jwt_part(jwt: &str, index: usize) -> serde_json::Value {
    use base64::Engine as _;
    let part = jwt.split('.').nth(index).expect("a JWT part");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON")
}

/// The claims of a JWT, unverified (see [`jwt_part`]).
pub fn jwt_claims(jwt: &str) -> serde_json::Value {
    jwt_part(jwt, 1)
}

/// A client for `server` with fast, jitter-free retries.
pub fn client(server: &MockServer) -> Client {
    builder(server).build().expect("valid configuration")
}

pub fn builder(server: &MockServer) -> authlete::ClientBuilder {
    Client::builder()
        .service_id(SERVICE)
        .access_token(TOKEN)
        .base_url(server.uri())
        .timeout(Duration::from_secs(5))
        .retry_policy(fast_retries(3))
}

pub fn fast_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(attempts)
        .with_initial_backoff(Duration::from_millis(1))
        .with_max_backoff(Duration::from_millis(5))
        .with_jitter(false)
}

/// How many requests the mock server has received.
pub async fn hits(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .map(|r| r.len())
        .unwrap_or_default()
}

/// A mock server that gives `response` to every request.
pub async fn server_answering(response: wiremock::ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

/// A client aimed at a loopback port where nothing listens.
pub fn client_for_closed_port(retry: RetryPolicy) -> Client {
    Client::builder()
        .service_id(SERVICE)
        .access_token(TOKEN)
        .base_url(closed_port_url())
        .retry_policy(retry)
        .build()
        .expect("valid configuration")
}

/// A loopback address where nothing listens (bound, then released).
pub fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}")
}
