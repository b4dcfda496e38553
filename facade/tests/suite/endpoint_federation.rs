//! `FederationEndpoint`: the entity configuration and explicit
//! registration, each action's answer and what reaches Authlete.

use authlete::endpoint::federation::FederationEndpoint;
use authlete::operations::federation::{CONFIGURATION, REGISTER};
use authlete::testing::{MockAuthlete, MockReply};
use serde_json::json;

const JWT: &str = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJodHRwczovL29wLmV4YW1wbGUifQ.c2ln";

async fn start() -> (MockAuthlete, FederationEndpoint) {
    let authlete = MockAuthlete::start().await.expect("mock");
    let endpoint = FederationEndpoint::new(authlete.client().expect("client"));
    (authlete, endpoint)
}

fn answer(action: &str, content: &str) -> MockReply {
    MockReply::json(200, json!({"action": action, "responseContent": content}))
}

#[tokio::test]
async fn the_entity_configuration_is_a_signed_statement_or_an_error() {
    let (authlete, endpoint) = start().await;
    let get = || {
        http::Request::get("/.well-known/openid-federation")
            .body(())
            .expect("request")
    };
    authlete.script(&CONFIGURATION, answer("OK", JWT));
    let ok = endpoint.entity_configuration(get()).await;
    assert_eq!(ok.status(), 200);
    assert_eq!(
        ok.headers()["content-type"],
        "application/entity-statement+jwt"
    );
    assert_eq!(ok.body(), JWT);

    authlete.script(
        &CONFIGURATION,
        answer("NOT_FOUND", r#"{"error":"not_found"}"#),
    );
    assert_eq!(endpoint.entity_configuration(get()).await.status(), 404);
    authlete.script(&CONFIGURATION, answer("NEWER", "x"));
    let newer = endpoint.entity_configuration(get()).await;
    assert_eq!(newer.status(), 500);
    assert_eq!(newer.body(), r#"{"error":"server_error"}"#);
    let post = http::Request::post("/.well-known/openid-federation")
        .body(())
        .expect("request");
    assert_eq!(endpoint.entity_configuration(post).await.status(), 405);
}

#[tokio::test]
async fn registration_forwards_what_the_content_type_says() {
    let (authlete, endpoint) = start().await;
    let post = |content_type: &str, body: &'static str| {
        http::Request::post("/federation/register")
            .header("content-type", content_type)
            .body(body)
            .expect("request")
    };
    authlete.script(&REGISTER, answer("OK", JWT));
    let ok = endpoint
        .register(post("application/entity-statement+jwt", JWT))
        .await;
    assert_eq!(ok.status(), 200);
    assert_eq!(
        ok.headers()["content-type"],
        "application/entity-statement+jwt"
    );
    authlete.script(
        &REGISTER,
        answer("BAD_REQUEST", r#"{"error":"invalid_request"}"#),
    );
    let chain = endpoint
        .register(post("application/trust-chain+json", r#"["a.b.c","d.e.f"]"#))
        .await;
    assert_eq!(chain.status(), 400);
    let sent = authlete.requests_to(&REGISTER);
    assert_eq!(sent[0].json()["entityConfiguration"], JWT);
    assert_eq!(sent[1].json()["trustChain"], r#"["a.b.c","d.e.f"]"#);

    let form = endpoint
        .register(post("application/x-www-form-urlencoded", "a=b"))
        .await;
    assert_eq!(form.status(), 400);
    assert_eq!(
        authlete.requests_to(&REGISTER).len(),
        2,
        "refused before Authlete"
    );
}
