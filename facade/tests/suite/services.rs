//! One token, several services: `Client::for_service` changes where calls
//! go and nothing else.

use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_client_for_another_service_calls_under_that_service_with_the_same_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/1042843946/auth/token/revoke"))
        .and(header("authorization", "Bearer organization-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"count": 2})))
        .expect(1)
        .mount(&server)
        .await;
    let org = authlete::Client::builder()
        .service_id("715948317")
        .access_token("organization-token")
        .base_url(server.uri())
        .build()
        .expect("client");
    let other = org.for_service("1042843946").expect("a valid service ID");
    let revoked = other
        .tokens()
        .revoke()
        .subject("john")
        .send()
        .await
        .expect("revoked");
    assert_eq!(revoked.count(), Some(2));
    // The original still calls its own service.
    assert_eq!(org.service_id(), "715948317");
    // As the builder does: a slash is percent-encoded, these cannot be a segment.
    for bad in ["", ".", ".."] {
        let refused = org.for_service(bad);
        assert!(
            matches!(refused, Err(authlete::Error::Config(_))),
            "{bad:?} was accepted"
        );
    }
}
