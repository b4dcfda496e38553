//! `ParEndpoint`: what it forwards to `/pushed_auth_req`, and the answer to
//! each action.

use authlete::endpoint::ClientCertificate;
use authlete::endpoint::par::ParEndpoint;
use authlete::operations::pushed_authorization::PROCESS;
use authlete::testing::{MockAuthlete, MockReply};
use serde_json::{Value, json};

const CREATED: &str = r#"{"request_uri":"urn:ietf:params:oauth:request_uri:abc","expires_in":60}"#;
const ERROR: &str = r#"{"error":"invalid_request","error_description":"[A245301] x"}"#;

fn header<'a>(r: &'a http::Response<String>, name: &str) -> &'a str {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

fn assert_no_store(r: &http::Response<String>) {
    assert_eq!(header(r, "cache-control"), "no-store");
    assert_eq!(header(r, "pragma"), "no-cache");
}

async fn start() -> (MockAuthlete, ParEndpoint) {
    let authlete = MockAuthlete::start().await.expect("mock");
    let endpoint = ParEndpoint::new(authlete.client().expect("client"));
    (authlete, endpoint)
}

fn post() -> http::request::Builder {
    http::Request::post("/par").header("content-type", "application/x-www-form-urlencoded")
}

fn reply(action: &str, content: &str) -> MockReply {
    MockReply::json(200, json!({"action": action, "responseContent": content}))
}

#[tokio::test]
async fn forwards_the_body_client_authentication_and_dpop() {
    let (authlete, endpoint) = start().await;
    let endpoint = endpoint.endpoint_url("https://as.example.com/par");
    authlete.script(&PROCESS, reply("CREATED", CREATED));
    let body = "response_type=code&client_id=my+client&scope=openid";
    let mut request = post()
        // "my client" / "p@ss:word", form-encoded then base64 (RFC 6749 §2.3.1).
        .header("authorization", "Basic bXkrY2xpZW50OnAlNDBzcyUzQXdvcmQ=")
        .header("dpop", "dpop-proof")
        .header("oauth-client-attestation", "attestation-jwt")
        .header("oauth-client-attestation-pop", "attestation-pop-jwt")
        .body(body)
        .expect("request");
    request
        .extensions_mut()
        .insert(ClientCertificate("-----BEGIN CERTIFICATE-----".into()));
    let r = endpoint.handle(request).await;
    assert_eq!(r.status(), 201);
    let sent = authlete.requests_to(&PROCESS);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].json(),
        json!({
            "parameters": body,
            "clientId": "my client",
            "clientSecret": "p@ss:word",
            "clientCertificate": "-----BEGIN CERTIFICATE-----",
            "dpop": "dpop-proof",
            "htm": "POST",
            "htu": "https://as.example.com/par",
            "oauthClientAttestation": "attestation-jwt",
            "oauthClientAttestationPop": "attestation-pop-jwt",
        })
    );
}

#[tokio::test]
async fn form_credentials_stay_in_the_parameters_and_htu_is_left_to_authlete() {
    let (authlete, endpoint) = start().await;
    authlete.script(&PROCESS, reply("CREATED", CREATED));
    let body = "response_type=code&client_id=c1&client_secret=s1";
    let request = post()
        .header("host", "attacker.example")
        .body(body)
        .expect("request");
    endpoint.handle(request).await;
    assert_eq!(
        authlete.requests_to(&PROCESS)[0].json(),
        json!({"parameters": body, "htm": "POST"})
    );
}

#[tokio::test]
async fn every_action_gives_its_status_and_json_body() {
    for (action, status, content) in [
        ("CREATED", 201, CREATED),
        ("BAD_REQUEST", 400, ERROR),
        ("UNAUTHORIZED", 401, ERROR),
        ("FORBIDDEN", 403, ERROR),
        ("PAYLOAD_TOO_LARGE", 413, ERROR),
        ("INTERNAL_SERVER_ERROR", 500, ERROR),
    ] {
        let (authlete, endpoint) = start().await;
        authlete.script(&PROCESS, reply(action, content));
        let r = endpoint.handle(post().body("x=1").expect("request")).await;
        assert_eq!(r.status(), status, "{action}");
        assert_eq!(r.body(), content, "{action}");
        assert_eq!(header(&r, "content-type"), "application/json;charset=UTF-8");
        let challenge = if action == "UNAUTHORIZED" {
            r#"Basic realm="par""#
        } else {
            ""
        };
        assert_eq!(header(&r, "www-authenticate"), challenge, "{action}");
        assert!(r.headers().get("dpop-nonce").is_none());
        assert_no_store(&r);
    }
}

#[tokio::test]
async fn a_dpop_nonce_is_passed_on() {
    let (authlete, endpoint) = start().await;
    authlete.script(
        &PROCESS,
        MockReply::json(
            200,
            json!({"action": "BAD_REQUEST", "responseContent": r#"{"error":"use_dpop_nonce"}"#, "dpopNonce": "nonce-1"}),
        ),
    );
    let r = endpoint.handle(post().body("x=1").expect("request")).await;
    assert_eq!(r.status(), 400);
    assert_eq!(header(&r, "dpop-nonce"), "nonce-1");
}

#[tokio::test]
async fn unknown_actions_and_outages_are_a_500_that_shows_nothing() {
    let replies = [
        MockReply::json(
            200,
            json!({"action": "SOMETHING_NEWER", "responseContent": "RC-secret"}),
        ),
        MockReply::json(200, json!({"responseContent": "RC-secret"})),
        MockReply::error(500, "A001101", "RC-secret"),
        MockReply::DropConnection,
    ];
    for reply in replies {
        let (authlete, endpoint) = start().await;
        authlete.script(&PROCESS, reply);
        let r = endpoint.handle(post().body("x=1").expect("request")).await;
        assert_eq!(r.status(), 500);
        assert_eq!(r.body(), r#"{"error":"server_error"}"#);
        assert!(!r.body().contains("RC-secret"));
        assert_no_store(&r);
    }
}

#[tokio::test]
async fn requests_that_cannot_be_read_never_reach_authlete() {
    let (authlete, endpoint) = start().await;
    let cases: [(http::Request<Vec<u8>>, u16, Value, &str); 4] = [
        (
            http::Request::get("/par")
                .body(Vec::new())
                .expect("request"),
            405,
            json!({"error": "invalid_request"}),
            "",
        ),
        (
            http::Request::post("/par")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(vec![0xff, 0xfe])
                .expect("request"),
            400,
            json!({"error": "invalid_request"}),
            "",
        ),
        (
            http::Request::post("/par")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("authorization", "Basic !!!")
                .body(b"x=1".to_vec())
                .expect("request"),
            401,
            json!({"error": "invalid_client"}),
            r#"Basic realm="par""#,
        ),
        (
            http::Request::post("/par")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("dpop", "one")
                .header("dpop", "two")
                .body(b"x=1".to_vec())
                .expect("request"),
            400,
            json!({"error": "invalid_dpop_proof"}),
            "",
        ),
    ];
    for (request, status, error, challenge) in cases {
        let r = endpoint.handle(request).await;
        assert_eq!(r.status().as_u16(), status);
        let body: Value = serde_json::from_str(r.body()).expect("JSON");
        assert_eq!(body, error);
        assert_eq!(header(&r, "www-authenticate"), challenge);
        assert_no_store(&r);
    }
    let get = http::Request::get("/par")
        .body(Vec::new())
        .expect("request");
    assert_eq!(header(&endpoint.handle(get).await, "allow"), "POST");
    assert!(authlete.requests().is_empty());
}
