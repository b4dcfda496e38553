//! The access token, and identifiers that may be tokens, never show up in
//! anything the crate can print: `Debug`, `Display`, errors. (Tokens in
//! response bodies that do not decode: see `decode_secrets.rs`.)

use crate::common;

use std::time::Duration;

use authlete::{Client, Error, TokenFailReason};
use common::TOKEN;
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn assert_clean(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "{what} leaks {secret:?}: {text}");
    }
}

#[tokio::test]
async fn nothing_printable_contains_the_token() {
    let builder = Client::builder()
        .service_id(common::SERVICE)
        .access_token(TOKEN)
        .base_url("http://127.0.0.1:9");
    assert_clean("ClientBuilder Debug", &format!("{builder:?}"), &[TOKEN]);
    let client = builder.build().expect("valid");
    let debug = format!("{client:?} {client:#?}");
    assert_clean("Client Debug", &debug, &[TOKEN]);
    assert!(debug.contains("<redacted>"), "{debug}");

    let tokens = client.tokens();
    let fail = tokens.fail("ticket-secret", TokenFailReason::Unknown);
    let delete = tokens.delete("access-token-secret");
    let revoke = tokens
        .revoke()
        .access_token_identifier("at-secret")
        .refresh_token_identifier("rt-secret");
    let secrets = [
        TOKEN,
        "ticket-secret",
        "access-token-secret",
        "at-secret",
        "rt-secret",
    ];
    assert_clean(
        "request Debug",
        &format!("{fail:?} {delete:?} {revoke:?}"),
        &secrets,
    );
}

#[tokio::test]
async fn no_error_contains_the_token_or_the_path() {
    let server = MockServer::start().await;
    let identifier = "access-token-in-path";
    let responses = [
        ResponseTemplate::new(400)
            .set_body_json(json!({"resultCode": "A1", "resultMessage": "no"})),
        ResponseTemplate::new(502).set_body_raw("<html>bad gateway</html>", "text/html"),
        ResponseTemplate::new(400).set_body_raw("not json", "application/json"),
        ResponseTemplate::new(204).set_delay(Duration::from_secs(5)),
        // Not a status delete expects, with the token echoed in a JSON body.
        ResponseTemplate::new(200).set_body_json(json!({"accessToken": identifier})),
    ];
    let mut seen = Vec::new();
    for response in responses {
        server.reset().await;
        Mock::given(any())
            .respond_with(response)
            .mount(&server)
            .await;
        let client = common::builder(&server)
            .timeout(Duration::from_millis(200))
            .retry_policy(authlete::RetryPolicy::never())
            .build()
            .expect("valid");
        let error = client
            .tokens()
            .delete(identifier)
            .send()
            .await
            .expect_err("fails");
        seen.push(error);
    }
    let refused = common::client_for_closed_port(authlete::RetryPolicy::never())
        .tokens()
        .delete(identifier)
        .send()
        .await
        .expect_err("refused");
    seen.push(refused);
    assert!(matches!(seen[0], Error::Api { .. }));
    assert!(matches!(seen[1], Error::UnexpectedResponse { .. }));
    assert!(matches!(seen[2], Error::Decode { .. }));
    assert!(matches!(seen[3], Error::Timeout { .. }));
    assert!(matches!(seen[4], Error::UnexpectedResponse { .. }));
    assert!(matches!(seen[5], Error::Transport { .. }));
    for error in &seen {
        let mut text = format!("{error} {error:?}");
        let mut source = std::error::Error::source(error);
        while let Some(s) = source {
            text.push_str(&format!(" {s} {s:?}"));
            source = s.source();
        }
        assert_clean("error", &text, &[TOKEN, identifier]);
    }
}
