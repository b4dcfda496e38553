//! `IntrospectionEndpoint::handle` (RFC 7662): the caller is authenticated
//! before Authlete hears of the request, then each action of
//! `/auth/introspection/standard` becomes its HTTP answer.

use authlete::endpoint::introspection::{
    CallerCredentials, IntrospectionEndpoint, ResourceServer, ResourceServers,
};
use authlete::operations::introspection;
use authlete::testing::{MockAuthlete, MockReply};
use serde_json::json;

/// `rs-1:rs-secret`.
const RS_1: &str = "Basic cnMtMTpycy1zZWNyZXQ=";

/// The one resource server allowed to introspect.
struct KnownServers;

impl ResourceServers for KnownServers {
    async fn authenticate(&self, caller: CallerCredentials) -> Option<ResourceServer> {
        (caller.id() == "rs-1" && caller.secret() == "rs-secret").then(|| {
            ResourceServer::new()
                .uri("https://rs-1.example")
                .sign_alg("ES256")
                .encryption("RSA-OAEP-256", "A256GCM")
                .public_key_for_encryption("{\"kty\":\"RSA\"}")
        })
    }
}

async fn endpoint() -> (MockAuthlete, IntrospectionEndpoint<KnownServers>) {
    let authlete = MockAuthlete::start().await.expect("mock");
    let endpoint = IntrospectionEndpoint::new(authlete.client().expect("client"), KnownServers);
    (authlete, endpoint)
}

fn request(authorization: Option<&str>) -> http::Request<&'static str> {
    let mut request = http::Request::post("/introspect")
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    request
        .body("token=at-secret-value&token_type_hint=access_token")
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
async fn callers_that_do_not_authenticate_get_401_and_authlete_is_not_called() {
    let (authlete, endpoint) = endpoint().await;
    for authorization in [
        None,
        Some("Basic cnMtMTp3cm9uZw=="), // rs-1:wrong
        Some("Basic !!!"),
        Some("Bearer at-of-the-rs"),
    ] {
        let response = endpoint.handle(request(authorization)).await;
        assert_eq!(response.status(), 401, "{authorization:?}");
        assert_eq!(
            header(&response, "www-authenticate"),
            "Basic realm=\"introspection\""
        );
        assert_eq!(response.body(), r#"{"error":"invalid_client"}"#);
        assert_eq!(header(&response, "cache-control"), "no-store");
    }
    assert!(authlete.requests().is_empty());
}

#[tokio::test]
async fn a_known_caller_gets_each_action_answered() {
    let active = r#"{"active":true,"scope":"read","client_id":"c1","sub":"u1"}"#;
    let jwt = "eyJhbGciOiJFUzI1NiJ9.eyJ0b2tlbl9pbnRyb3NwZWN0aW9uIjp7fX0.sig";
    let error = r#"{"error":"invalid_request","error_description":"[A145301] x"}"#;
    for (action, content, status, content_type) in [
        ("OK", active, 200, "application/json;charset=UTF-8"),
        ("JWT", jwt, 200, "application/token-introspection+jwt"),
        ("BAD_REQUEST", error, 400, "application/json;charset=UTF-8"),
        (
            "INTERNAL_SERVER_ERROR",
            error,
            500,
            "application/json;charset=UTF-8",
        ),
    ] {
        let (authlete, endpoint) = endpoint().await;
        authlete.script(
            &introspection::STANDARD,
            MockReply::json(200, json!({"action": action, "responseContent": content})),
        );
        let response = endpoint.handle(request(Some(RS_1))).await;
        assert_eq!(response.status().as_u16(), status, "{action}");
        assert_eq!(header(&response, "content-type"), content_type, "{action}");
        assert_eq!(response.body(), content, "{action}");
        assert_eq!(header(&response, "cache-control"), "no-store", "{action}");
    }
}

#[tokio::test]
async fn the_request_and_the_callers_settings_are_forwarded() {
    let (authlete, endpoint) = endpoint().await;
    authlete.script(
        &introspection::STANDARD,
        MockReply::json(
            200,
            json!({"action": "OK", "responseContent": "{\"active\":false}"}),
        ),
    );
    let mut request = request(Some(RS_1));
    request.headers_mut().insert(
        "accept",
        http::HeaderValue::from_static("application/token-introspection+jwt"),
    );
    endpoint.handle(request).await;
    assert_eq!(
        authlete.requests_to(&introspection::STANDARD)[0].json(),
        json!({
            "parameters": "token=at-secret-value&token_type_hint=access_token",
            "httpAcceptHeader": "application/token-introspection+jwt",
            "rsUri": "https://rs-1.example",
            "introspectionSignAlg": "ES256",
            "introspectionEncryptionAlg": "RSA-OAEP-256",
            "introspectionEncryptionEnc": "A256GCM",
            "publicKeyForEncryption": "{\"kty\":\"RSA\"}"
        })
    );
}

#[tokio::test]
async fn an_unknown_action_leaks_nothing() {
    let (authlete, endpoint) = endpoint().await;
    authlete.script(
        &introspection::STANDARD,
        MockReply::json(
            200,
            json!({"action": "SOMETHING_NEWER", "responseContent": "{\"active\":true,\"sub\":\"leak-me\"}"}),
        ),
    );
    let response = endpoint.handle(request(Some(RS_1))).await;
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
async fn an_outage_and_wrong_methods_get_plain_errors() {
    let (authlete, endpoint) = endpoint().await;
    authlete.script(
        &introspection::STANDARD,
        MockReply::error(500, "A001101", "down"),
    );
    let response = endpoint.handle(request(Some(RS_1))).await;
    assert_eq!(response.status(), 500);
    assert_eq!(response.body(), r#"{"error":"server_error"}"#);

    let get = http::Request::get("/introspect")
        .header("authorization", RS_1)
        .body("")
        .expect("request");
    let response = endpoint.handle(get).await;
    assert_eq!(response.status(), 405);
    assert_eq!(header(&response, "allow"), "POST");
    assert_eq!(authlete.requests().len(), 1);
}

#[tokio::test]
async fn a_closure_is_enough_and_debug_hides_secrets() {
    let authlete = MockAuthlete::start().await.expect("mock");
    authlete.script(
        &introspection::STANDARD,
        MockReply::json(
            200,
            json!({"action": "OK", "responseContent": "{\"active\":false}"}),
        ),
    );
    let endpoint = IntrospectionEndpoint::new(
        authlete.client().expect("client"),
        |caller: CallerCredentials| async move {
            assert!(!format!("{caller:?}").contains("rs-secret"));
            (caller.id() == "rs-1").then(|| ResourceServer::new().shared_key_for_sign("hmac-key"))
        },
    );
    let response = endpoint.handle(request(Some(RS_1))).await;
    assert_eq!(response.status(), 200);
    let server = ResourceServer::new()
        .shared_key_for_sign("hmac-key")
        .shared_key_for_encryption("enc-key");
    let shown = format!("{server:?}");
    assert!(
        !shown.contains("hmac-key") && !shown.contains("enc-key"),
        "{shown}"
    );
    assert_eq!(
        authlete.requests_to(&introspection::STANDARD)[0].json()["sharedKeyForSign"],
        "hmac-key"
    );
}
