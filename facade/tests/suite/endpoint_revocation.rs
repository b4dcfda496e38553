//! `RevocationEndpoint::handle` (RFC 7009): what reaches `/auth/revocation`
//! and how each of its actions is answered.

use authlete::endpoint::ClientCertificate;
use authlete::endpoint::revocation::RevocationEndpoint;
use authlete::operations::revocation;
use authlete::testing::{MockAuthlete, MockReply};
use serde_json::json;

async fn endpoint() -> (MockAuthlete, RevocationEndpoint) {
    let authlete = MockAuthlete::start().await.expect("mock");
    let endpoint = RevocationEndpoint::new(authlete.client().expect("client"));
    (authlete, endpoint)
}

fn revoke() -> http::Request<&'static str> {
    http::Request::post("/revoke")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", "Basic bXktY2xpZW50OmNsaWVudC1zZWNyZXQ=") // my-client:client-secret
        .body("token=rt-secret-value&token_type_hint=refresh_token")
        .expect("request")
}

fn header<'a>(response: &'a http::Response<String>, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().expect("text"))
        .unwrap_or_default()
}

#[tokio::test]
async fn ok_is_200_with_an_empty_body() {
    let (authlete, endpoint) = endpoint().await;
    authlete.script(
        &revocation::PROCESS,
        MockReply::json(200, json!({"action": "OK"})),
    );
    let response = endpoint.handle(revoke()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.body(), "");
    assert_eq!(header(&response, "cache-control"), "no-store");
    assert!(response.headers().get("www-authenticate").is_none());
}

#[tokio::test]
async fn error_actions_give_their_status_challenge_and_body() {
    let error = r#"{"error":"invalid_client","error_description":"[A067301] x"}"#;
    for (action, status, challenge) in [
        ("BAD_REQUEST", 400, ""),
        ("INVALID_CLIENT", 401, "Basic realm=\"revocation\""),
        ("INTERNAL_SERVER_ERROR", 500, ""),
    ] {
        let (authlete, endpoint) = endpoint().await;
        authlete.script(
            &revocation::PROCESS,
            MockReply::json(200, json!({"action": action, "responseContent": error})),
        );
        let response = endpoint.handle(revoke()).await;
        assert_eq!(response.status().as_u16(), status, "{action}");
        assert_eq!(response.body(), error, "{action}");
        assert_eq!(header(&response, "www-authenticate"), challenge, "{action}");
        assert_eq!(header(&response, "content-type"), authlete::JSON_UTF8);
    }
}

#[tokio::test]
async fn an_unknown_action_leaks_nothing() {
    let (authlete, endpoint) = endpoint().await;
    authlete.script(
        &revocation::PROCESS,
        MockReply::json(
            200,
            json!({"action": "SOMETHING_NEWER", "responseContent": "leak-me"}),
        ),
    );
    let response = endpoint.handle(revoke()).await;
    assert_eq!(response.status(), 500);
    assert_eq!(response.body(), r#"{"error":"server_error"}"#);
    for (name, value) in response.headers() {
        assert!(
            !value.to_str().unwrap_or_default().contains("leak-me"),
            "{name}"
        );
    }
}

#[tokio::test]
async fn the_body_and_every_client_authentication_are_forwarded() {
    let (authlete, endpoint) = endpoint().await;
    authlete.script(
        &revocation::PROCESS,
        MockReply::json(200, json!({"action": "OK"})),
    );
    let mut request = revoke();
    let headers = request.headers_mut();
    headers.insert(
        "oauth-client-attestation",
        http::HeaderValue::from_static("att.jwt"),
    );
    headers.insert(
        "oauth-client-attestation-pop",
        http::HeaderValue::from_static("pop.jwt"),
    );
    headers.insert("dpop", http::HeaderValue::from_static("not-for-revocation"));
    request
        .extensions_mut()
        .insert(ClientCertificate("-----BEGIN CERTIFICATE-----".into()));
    endpoint.handle(request).await;
    assert_eq!(
        authlete.requests_to(&revocation::PROCESS)[0].json(),
        json!({
            "parameters": "token=rt-secret-value&token_type_hint=refresh_token",
            "clientId": "my-client",
            "clientSecret": "client-secret",
            "clientCertificate": "-----BEGIN CERTIFICATE-----",
            "oauthClientAttestation": "att.jwt",
            "oauthClientAttestationPop": "pop.jwt"
        })
    );
}

#[tokio::test]
async fn unreadable_requests_and_outages_get_plain_errors() {
    let (authlete, endpoint) = endpoint().await;
    let broken_basic = http::Request::post("/revoke")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", "Basic !!!")
        .body("token=x")
        .expect("request");
    let response = endpoint.handle(broken_basic).await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        header(&response, "www-authenticate"),
        "Basic realm=\"revocation\""
    );
    assert_eq!(response.body(), r#"{"error":"invalid_client"}"#);

    let get = http::Request::get("/revoke").body("").expect("request");
    let response = endpoint.handle(get).await;
    assert_eq!(response.status(), 405);
    assert_eq!(header(&response, "allow"), "POST");
    assert!(authlete.requests().is_empty());

    authlete.script(&revocation::PROCESS, MockReply::DropConnection);
    let response = endpoint.handle(revoke()).await;
    assert_eq!(response.status(), 500);
    assert_eq!(response.body(), r#"{"error":"server_error"}"#);
}
