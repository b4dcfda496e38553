//! `DiscoveryEndpoint` and `JwksEndpoint`: public documents with a cache
//! lifetime, and a plain 500 when Authlete fails.

use std::time::Duration;

use authlete::endpoint::discovery::DiscoveryEndpoint;
use authlete::endpoint::jwks::JwksEndpoint;
use authlete::operations::service;
use authlete::testing::{MockAuthlete, MockReply};
use serde_json::{Value, json};

fn header<'a>(r: &'a http::Response<String>, name: &str) -> &'a str {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

fn get(path: &str) -> http::Request<()> {
    http::Request::get(path).body(()).expect("request")
}

fn assert_plain_500(r: &http::Response<String>) {
    assert_eq!(r.status(), 500);
    assert_eq!(r.body(), r#"{"error":"server_error"}"#);
    assert_eq!(header(r, "cache-control"), "no-store");
    assert_eq!(header(r, "pragma"), "no-cache");
}

#[tokio::test]
async fn discovery_serves_authletes_metadata_with_a_cache_lifetime() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let metadata = json!({
        "issuer": "https://as.example.com",
        "authorization_endpoint": "https://as.example.com/authorize",
        "jwks_uri": "https://as.example.com/jwks",
    });
    authlete.script(
        &service::CONFIGURATION,
        MockReply::json(200, metadata.clone()),
    );
    let endpoint = DiscoveryEndpoint::new(authlete.client().expect("client"));
    let r = endpoint
        .handle(get("/.well-known/openid-configuration"))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "content-type"), "application/json;charset=UTF-8");
    assert_eq!(header(&r, "cache-control"), "public, max-age=300");
    assert!(r.headers().get("pragma").is_none());
    let body: Value = serde_json::from_str(r.body()).expect("JSON");
    assert_eq!(body, metadata);
    assert_eq!(authlete.requests_to(&service::CONFIGURATION).len(), 1);
}

#[tokio::test]
async fn the_cache_lifetime_can_be_changed_or_turned_off() {
    for (max_age, expected) in [
        (Duration::from_secs(60), "public, max-age=60"),
        (Duration::ZERO, "no-store"),
    ] {
        let authlete = MockAuthlete::start().await.expect("mock");
        authlete.script(
            &service::CONFIGURATION,
            MockReply::json(200, json!({"issuer": "x"})),
        );
        authlete.script(&service::JWKS, MockReply::json(200, json!({"keys": []})));
        let client = authlete.client().expect("client");
        let discovery = DiscoveryEndpoint::new(client.clone()).max_age(max_age);
        let r = discovery.handle(get("/")).await;
        assert_eq!(header(&r, "cache-control"), expected);
        let jwks = JwksEndpoint::new(client).max_age(max_age);
        let r = jwks.handle(get("/")).await;
        assert_eq!(header(&r, "cache-control"), expected);
    }
}

#[tokio::test]
async fn jwks_serves_the_public_keys_only() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let keys = json!({"keys": [{"kty": "EC", "kid": "k1", "crv": "P-256", "x": "x", "y": "y"}]});
    authlete.script(&service::JWKS, MockReply::json(200, keys.clone()));
    let endpoint = JwksEndpoint::new(authlete.client().expect("client"));
    let r = endpoint.handle(get("/jwks")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "content-type"), "application/json;charset=UTF-8");
    assert_eq!(header(&r, "cache-control"), "public, max-age=300");
    let body: Value = serde_json::from_str(r.body()).expect("JSON");
    assert_eq!(body, keys);
    let sent = authlete.requests_to(&service::JWKS);
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0].path_and_query.contains("includePrivateKeys=false"),
        "{}",
        sent[0].path_and_query
    );
}

#[tokio::test]
async fn an_empty_set_keeps_its_keys_member_and_no_set_is_204() {
    let authlete = MockAuthlete::start().await.expect("mock");
    authlete.script(&service::JWKS, MockReply::json(200, json!({})));
    authlete.script(
        &service::JWKS,
        MockReply::Raw {
            status: 204,
            content_type: "application/json".into(),
            body: String::new(),
        },
    );
    let endpoint = JwksEndpoint::new(authlete.client().expect("client"));
    let r = endpoint.handle(get("/jwks")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.body(), r#"{"keys":[]}"#);
    let r = endpoint.handle(get("/jwks")).await;
    assert_eq!(r.status(), 204);
    assert_eq!(r.body(), "");
    assert_eq!(header(&r, "content-type"), "");
}

#[tokio::test]
async fn authlete_failures_are_a_plain_500() {
    for reply in [
        MockReply::error(500, "A001101", "secret detail"),
        MockReply::error(401, "A001202", "secret detail"),
        MockReply::DropConnection,
        MockReply::MalformedBody,
    ] {
        let authlete = MockAuthlete::start().await.expect("mock");
        authlete.script(&service::CONFIGURATION, reply.clone());
        authlete.script(&service::JWKS, reply);
        let client = authlete.client().expect("client");
        let r = DiscoveryEndpoint::new(client.clone())
            .handle(get("/"))
            .await;
        assert_plain_500(&r);
        let r = JwksEndpoint::new(client).handle(get("/")).await;
        assert_plain_500(&r);
    }
}

#[tokio::test]
async fn only_get_and_head_are_served() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let client = authlete.client().expect("client");
    let post = || http::Request::post("/").body(()).expect("request");
    for r in [
        DiscoveryEndpoint::new(client.clone()).handle(post()).await,
        JwksEndpoint::new(client.clone()).handle(post()).await,
    ] {
        assert_eq!(r.status(), 405);
        assert_eq!(header(&r, "allow"), "GET, HEAD");
    }
    assert!(authlete.requests().is_empty());
    let head = http::Request::head("/").body(()).expect("request");
    let r = DiscoveryEndpoint::new(client).handle(head).await;
    assert_eq!(r.status(), 200);
}
