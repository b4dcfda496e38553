//! `ResourceGuard`: what it sends to `/auth/introspection`, what a valid
//! token becomes, each refusal, and the `tower` layer around a service.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use authlete::endpoint::ClientCertificate;
use authlete::operations::introspection;
use authlete::resource::{ResourceGuard, ValidatedToken};
use authlete::testing::{MockAuthlete, MockReply};
use serde_json::json;
use tower::{Layer, ServiceExt};

const TOKEN: &str = "at-Zq8-secret-token-value";

async fn guard() -> (MockAuthlete, ResourceGuard) {
    let authlete = MockAuthlete::start().await.expect("mock");
    let guard = ResourceGuard::new(authlete.client().expect("client"))
        .public_url("https://api.example.com/v1/")
        .required_scopes(["photos:read", "photos:write"]);
    (authlete, guard)
}

fn valid() -> MockReply {
    MockReply::json(
        200,
        json!({
            "action": "OK",
            "responseContent": "Bearer error=\"invalid_request\"",
            "subject": "user-1001",
            "clientId": 57297408867_i64,
            "clientIdAlias": "photo-app",
            "scopes": ["photos:read", "photos:write", "profile"],
            "expiresAt": 1_900_000_000_123_i64,
            "dpopNonce": "nonce-7"
        }),
    )
}

fn parts(request: http::request::Builder) -> http::request::Parts {
    request.body(()).expect("request").into_parts().0
}

fn header<'a, B>(response: &'a http::Response<B>, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().expect("text"))
        .unwrap_or_default()
}

#[tokio::test]
async fn a_valid_dpop_token_becomes_its_facts_and_everything_binding_it_is_forwarded() {
    let (authlete, guard) = guard().await;
    authlete.script(&introspection::PROCESS, valid());
    let mut request = parts(
        http::Request::put("/photos/42?size=large")
            .header("authorization", format!("DPoP {TOKEN}"))
            .header("dpop", "eyJ.dpop.proof"),
    );
    request
        .extensions
        .insert(ClientCertificate("-----BEGIN CERTIFICATE-----".into()));
    let token = guard.check(&request).await.expect("valid");

    assert_eq!(token.subject(), Some("user-1001"));
    assert_eq!(token.client_id(), Some(57297408867));
    assert_eq!(token.client_id_alias(), Some("photo-app"));
    assert_eq!(token.scopes(), ["photos:read", "photos:write", "profile"]);
    assert!(token.has_scope("profile") && !token.has_scope("admin"));
    assert_eq!(
        token.expires_at(),
        Some(SystemTime::UNIX_EPOCH + Duration::from_millis(1_900_000_000_123))
    );
    assert_eq!(token.dpop_nonce(), Some("nonce-7"));
    assert!(!format!("{token:?}").contains(TOKEN));

    assert_eq!(
        authlete.requests_to(&introspection::PROCESS)[0].json(),
        json!({
            "token": TOKEN,
            "scopes": ["photos:read", "photos:write"],
            "dpop": "eyJ.dpop.proof",
            "htm": "PUT",
            // The public URL and the path, without the query (RFC 9449 §4.2).
            "htu": "https://api.example.com/v1/photos/42",
            "clientCertificate": "-----BEGIN CERTIFICATE-----"
        })
    );
}

#[tokio::test]
async fn without_a_public_url_htu_comes_from_host_and_no_scope_is_demanded() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let guard = ResourceGuard::new(authlete.client().expect("client"));
    authlete.script(&introspection::PROCESS, valid());
    let request = parts(
        http::Request::get("/me")
            .header("host", "rs.example.org")
            .header("authorization", format!("bearer {TOKEN}")),
    );
    guard.check(&request).await.expect("valid");
    assert_eq!(
        authlete.requests_to(&introspection::PROCESS)[0].json(),
        json!({"token": TOKEN, "htm": "GET", "htu": "https://rs.example.org/me"})
    );
}

#[tokio::test]
async fn each_refusal_carries_authletes_challenge_and_nonce() {
    for (action, status, challenge) in [
        ("BAD_REQUEST", 400, "Bearer error=\"invalid_request\""),
        (
            "UNAUTHORIZED",
            401,
            "DPoP error=\"invalid_token\",algs=\"ES256\"",
        ),
        (
            "FORBIDDEN",
            403,
            "Bearer error=\"insufficient_scope\",scope=\"photos:read photos:write\"",
        ),
        (
            "INTERNAL_SERVER_ERROR",
            500,
            "Bearer error=\"server_error\"",
        ),
    ] {
        let (authlete, guard) = guard().await;
        authlete.script(
            &introspection::PROCESS,
            MockReply::json(
                200,
                json!({"action": action, "responseContent": challenge, "dpopNonce": "nonce-8"}),
            ),
        );
        let request =
            parts(http::Request::get("/photos").header("authorization", format!("Bearer {TOKEN}")));
        let refusal = guard.check(&request).await.expect_err(action);
        assert_eq!(refusal.status().as_u16(), status, "{action}");
        assert_eq!(header(&refusal, "www-authenticate"), challenge, "{action}");
        assert_eq!(header(&refusal, "dpop-nonce"), "nonce-8", "{action}");
        assert_eq!(refusal.body(), "", "{action}");
    }
}

#[tokio::test]
async fn an_unknown_action_and_an_outage_are_bare_server_errors() {
    let (authlete, guard) = guard().await;
    authlete.script(
        &introspection::PROCESS,
        MockReply::json(
            200,
            json!({"action": "SOMETHING_NEWER", "responseContent": "leak-me"}),
        ),
    );
    authlete.script(&introspection::PROCESS, MockReply::DropConnection);
    let request =
        parts(http::Request::get("/photos").header("authorization", format!("Bearer {TOKEN}")));
    for _ in 0..2 {
        let refusal = guard.check(&request).await.expect_err("500");
        assert_eq!(refusal.status(), 500);
        assert_eq!(refusal.body(), r#"{"error":"server_error"}"#);
        for (name, value) in refusal.headers() {
            assert!(
                !value.to_str().unwrap_or_default().contains("leak-me"),
                "{name}"
            );
        }
    }
}

#[tokio::test]
async fn requests_without_a_usable_token_are_refused_without_asking_authlete() {
    let (authlete, guard) = guard().await;
    let no_token = parts(http::Request::get("/photos"));
    let refusal = guard.check(&no_token).await.expect_err("no token");
    assert_eq!(refusal.status(), 401);
    // RFC 6750 §3.1: no error code when the client sent no credentials.
    assert_eq!(header(&refusal, "www-authenticate"), "Bearer");

    let basic = parts(http::Request::get("/photos").header("authorization", "Basic eDp5"));
    let refusal = guard.check(&basic).await.expect_err("not a token");
    assert_eq!(refusal.status(), 401);

    let not_text = parts(http::Request::get("/photos").header(
        "authorization",
        http::HeaderValue::from_bytes(b"Bearer \xff").expect("bytes"),
    ));
    let refusal = guard.check(&not_text).await.expect_err("unreadable");
    assert_eq!(refusal.status(), 400);
    assert_eq!(
        header(&refusal, "www-authenticate"),
        "Bearer error=\"invalid_request\""
    );

    let two_proofs = parts(
        http::Request::get("/photos")
            .header("authorization", format!("DPoP {TOKEN}"))
            .header("dpop", "p-1")
            .header("dpop", "p-2"),
    );
    let refusal = guard.check(&two_proofs).await.expect_err("two proofs");
    assert_eq!(refusal.status(), 401);
    assert_eq!(
        header(&refusal, "www-authenticate"),
        "DPoP error=\"invalid_dpop_proof\""
    );

    assert!(authlete.requests().is_empty());
}

/// A protected service that counts its calls and echoes the subject it
/// found in the request's extensions.
fn protected(
    calls: Arc<AtomicUsize>,
) -> impl tower::Service<
    http::Request<String>,
    Response = http::Response<String>,
    Error = Infallible,
    Future = impl Send,
> + Clone {
    tower::service_fn(move |request: http::Request<String>| {
        let calls = Arc::clone(&calls);
        async move {
            calls.fetch_add(1, Ordering::SeqCst);
            let token = request.extensions().get::<ValidatedToken>().cloned();
            let subject = token.and_then(|t| t.subject().map(str::to_owned));
            Ok::<_, Infallible>(http::Response::new(format!("photos of {subject:?}")))
        }
    })
}

#[tokio::test]
async fn the_layer_calls_the_service_only_for_a_valid_token() {
    let (authlete, guard) = guard().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let service = guard.layer().layer(protected(Arc::clone(&calls)));

    authlete.script(&introspection::PROCESS, valid());
    let request = http::Request::get("/photos")
        .header("authorization", format!("Bearer {TOKEN}"))
        .body(String::new())
        .expect("request");
    let response = service.clone().oneshot(request).await.expect("infallible");
    assert_eq!(response.status(), 200);
    assert_eq!(response.body(), "photos of Some(\"user-1001\")");
    assert_eq!(header(&response, "dpop-nonce"), "nonce-7");
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    authlete.script(
        &introspection::PROCESS,
        MockReply::json(
            200,
            json!({"action": "UNAUTHORIZED", "responseContent": "Bearer error=\"invalid_token\""}),
        ),
    );
    let request = http::Request::get("/photos")
        .header("authorization", format!("Bearer {TOKEN}"))
        .body(String::new())
        .expect("request");
    let response = service.clone().oneshot(request).await.expect("infallible");
    assert_eq!(response.status(), 401);
    assert_eq!(
        header(&response, "www-authenticate"),
        "Bearer error=\"invalid_token\""
    );

    let anonymous = http::Request::get("/photos")
        .body(String::new())
        .expect("request");
    let response = service.oneshot(anonymous).await.expect("infallible");
    assert_eq!(response.status(), 401);
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "the service ran for a refused request"
    );
}

#[tokio::test]
async fn axum_handlers_read_the_token_with_its_own_extension_extractor() {
    use axum::Extension;
    use axum::routing::get;

    let (authlete, guard) = guard().await;
    authlete.script(&introspection::PROCESS, valid());
    let app = axum::Router::new()
        .route(
            "/photos",
            get(|Extension(token): Extension<ValidatedToken>| async move {
                format!("{:?}", token.subject())
            }),
        )
        .layer(guard.layer());
    let request = http::Request::get("/photos")
        .header("authorization", format!("Bearer {TOKEN}"))
        .body(axum::body::Body::empty())
        .expect("request");
    let response = app.oneshot(request).await.expect("infallible");
    assert_eq!(response.status(), 200);
    let body = axum::body::to_bytes(response.into_body(), 1024)
        .await
        .expect("body");
    assert_eq!(&body[..], b"Some(\"user-1001\")");
}
