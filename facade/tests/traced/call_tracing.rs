//! What the client tells `tracing`: a span per call with the facts an
//! operator needs, retries as events, and never a secret.
//!
//! Every test here installs a capturing subscriber first: `tracing` caches
//! per call site whether anyone listens, so mixing these tests with ones that
//! run without a subscriber in the same binary would make them flaky.

use crate::common;

use authlete::TokenFailReason;
use common::{TOKEN, client};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn each_call_has_a_span_with_operation_attempt_status_and_request_id() {
    let (traces, _guard) = crate::traces::capture_traces();
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
    let (traces, _guard) = crate::traces::capture_traces();
    let client = common::client_for_closed_port(common::fast_retries(3));
    let error = client
        .tokens()
        .fail("t", TokenFailReason::Unknown)
        .send()
        .await
        .expect_err("nothing listens");
    assert!(error.is_never_sent(), "{error:?}");
    let text = traces.text();
    assert_eq!(text.matches("retrying").count(), 2, "{text}");
    assert!(text.contains("attempt=3"), "{text}");
}

#[tokio::test]
async fn traces_never_contain_the_token_or_identifiers() {
    let (traces, _guard) = crate::traces::capture_traces();
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
        .fail("secret-ticket-value", TokenFailReason::Unknown)
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

#[tokio::test]
async fn an_outage_is_logged_for_the_operator_not_shown_to_the_client() {
    use authlete::endpoint::token::{TokenEndpoint, TokenEndpointDelegate, UserCheck};
    use authlete::operations::tokens;
    use authlete::testing::{MockAuthlete, MockReply};

    struct Nobody;
    impl TokenEndpointDelegate for Nobody {
        async fn authenticate_user(&self, _: &str, _: &str) -> UserCheck {
            UserCheck::Rejected(TokenFailReason::InvalidResourceOwnerCredentials)
        }
    }

    let (traces, _guard) = crate::traces::capture_traces();
    let authlete = MockAuthlete::start().await.expect("mock");
    authlete.script(
        &tokens::PROCESS,
        MockReply::error(500, "A001101", "[A001101] database unavailable"),
    );
    let endpoint = TokenEndpoint::new(authlete.client().expect("client"), Nobody);
    let response = endpoint
        .handle(
            http::Request::post("/token")
                .header("content-type", "application/x-www-form-urlencoded")
                .body("grant_type=password")
                .expect("request"),
        )
        .await;
    assert_eq!(response.status(), 500);
    assert_eq!(response.body(), r#"{"error":"server_error"}"#);
    let text = traces.text();
    assert!(text.contains("Authlete call failed"), "{text}");
    assert!(
        text.contains("A001101") && text.contains("database unavailable"),
        "{text}"
    );
    assert!(
        !text.contains(authlete::testing::MOCK_ACCESS_TOKEN),
        "{text}"
    );
}

#[tokio::test]
async fn endpoints_and_the_guard_log_outages_without_tokens_or_secrets() {
    use authlete::endpoint::introspection::{
        CallerCredentials, IntrospectionEndpoint, ResourceServer,
    };
    use authlete::endpoint::revocation::RevocationEndpoint;
    use authlete::endpoint::token::{TokenEndpoint, TokenEndpointDelegate, UserCheck};
    use authlete::operations::{introspection, revocation, tokens};
    use authlete::resource::ResourceGuard;
    use authlete::testing::{MockAuthlete, MockReply};

    struct Nobody;
    impl TokenEndpointDelegate for Nobody {
        async fn authenticate_user(&self, _: &str, _: &str) -> UserCheck {
            UserCheck::Rejected(TokenFailReason::InvalidResourceOwnerCredentials)
        }
    }
    // "my-client:s3cr3t-client-secret"
    const BASIC: &str = "Basic bXktY2xpZW50OnMzY3IzdC1jbGllbnQtc2VjcmV0";
    const SECRETS: [&str; 4] = [
        "s3cr3t-client-secret",
        "tok-secret-access-token",
        "pw-secret-password",
        "ticket-secret",
    ];

    let (traces, _guard) = crate::traces::capture_traces();
    let authlete = MockAuthlete::start().await.expect("mock");
    let client = authlete.client().expect("client");
    // The password grant fails at issue, after Authlete handed out the
    // password and the ticket; the others fail straight away, one with a
    // body that does not decode.
    authlete.script(
        &tokens::PROCESS,
        MockReply::json(
            200,
            serde_json::json!({
                "action": "PASSWORD", "ticket": "ticket-secret",
                "username": "john", "password": "pw-secret-password"
            }),
        ),
    );
    authlete.script(
        &tokens::FAIL,
        MockReply::error(500, "A001101", "[A001101] down"),
    );
    authlete.script(&revocation::PROCESS, MockReply::MalformedBody);
    authlete.script(
        &introspection::STANDARD,
        MockReply::error(500, "A001101", "[A001101] down"),
    );
    authlete.script(&introspection::PROCESS, MockReply::MalformedBody);

    let form = |body: &str| {
        http::Request::post("/x")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("authorization", BASIC)
            .header("dpop", "dpop-proof")
            .body(body.to_owned())
            .expect("request")
    };
    let token = TokenEndpoint::new(client.clone(), Nobody)
        .handle(form(
            "grant_type=password&username=john&password=pw-secret-password",
        ))
        .await;
    let revoked = RevocationEndpoint::new(client.clone())
        .handle(form("token=tok-secret-access-token"))
        .await;
    let introspected = IntrospectionEndpoint::new(client.clone(), |_: CallerCredentials| async {
        Some(ResourceServer::new())
    })
    .handle(form("token=tok-secret-access-token"))
    .await;
    let (parts, ()) = http::Request::get("/photos")
        .header("authorization", "Bearer tok-secret-access-token")
        .body(())
        .expect("request")
        .into_parts();
    let guarded = ResourceGuard::new(client)
        .check(&parts)
        .await
        .expect_err("outage");

    for response in [&token, &revoked, &introspected, &guarded] {
        assert_eq!(response.status(), 500);
        assert_eq!(response.body(), r#"{"error":"server_error"}"#);
    }
    let text = traces.text();
    for operation in [
        "auth_token_fail_api",
        "auth_revocation_api",
        "auth_introspection_standard_api",
        "auth_introspection_api",
    ] {
        assert!(
            text.lines()
                .any(|l| l.contains("Authlete call failed") && l.contains(operation)),
            "no outage logged for {operation}:\n{text}"
        );
    }
    for secret in SECRETS {
        assert!(
            !text.contains(secret),
            "{secret} leaked into traces:\n{text}"
        );
    }
}
