//! `TokenEndpoint::handle` without a web framework: what it forwards to
//! Authlete from the HTTP request, and how it answers what it cannot forward.

use authlete::TokenFailReason;
use authlete::operations::tokens;
use authlete::testing::{MockAuthlete, MockReply};
use authlete::token_endpoint::{
    ClientCertificate, TokenEndpoint, TokenEndpointDelegate, UserCheck,
};
use serde_json::json;

struct Users;

impl TokenEndpointDelegate for Users {
    async fn authenticate_user(&self, username: &str, password: &str) -> UserCheck {
        if (username, password) == ("john", "secret") {
            UserCheck::Authenticated {
                subject: "sub-john".into(),
            }
        } else {
            UserCheck::Rejected(TokenFailReason::InvalidResourceOwnerCredentials)
        }
    }
}

async fn endpoint() -> (MockAuthlete, TokenEndpoint<Users>) {
    let authlete = MockAuthlete::start().await.expect("mock");
    let endpoint = TokenEndpoint::new(authlete.client().expect("client"), Users);
    (authlete, endpoint)
}

#[tokio::test]
async fn forwards_body_credentials_dpop_and_certificate() {
    let (authlete, endpoint) = endpoint().await;
    let endpoint = endpoint.token_endpoint_url("https://as.example.com/token");
    authlete.script(
        &tokens::PROCESS,
        MockReply::json(200, json!({"action": "OK", "responseContent": "{}"})),
    );
    let mut request = http::Request::post("/token")
        // "my client" / "p@ss:word", form-encoded then base64 (RFC 6749 §2.3.1).
        .header("authorization", "Basic bXkrY2xpZW50OnAlNDBzcyUzQXdvcmQ=")
        .header("dpop", "dpop-proof")
        .body("grant_type=client_credentials&scope=a+b")
        .expect("request");
    request
        .extensions_mut()
        .insert(ClientCertificate("-----BEGIN CERTIFICATE-----".into()));
    let response = endpoint.handle(request).await;
    assert_eq!(response.status(), 200);
    let sent = authlete.requests_to(&tokens::PROCESS)[0].json();
    assert_eq!(
        sent,
        json!({
            "parameters": "grant_type=client_credentials&scope=a+b",
            "clientId": "my client",
            "clientSecret": "p@ss:word",
            "dpop": "dpop-proof",
            "htm": "POST",
            "htu": "https://as.example.com/token",
            "clientCertificate": "-----BEGIN CERTIFICATE-----"
        })
    );
}

#[tokio::test]
async fn htu_defaults_to_the_host_the_client_called() {
    let (authlete, endpoint) = endpoint().await;
    authlete.script(
        &tokens::PROCESS,
        MockReply::json(200, json!({"action": "OK", "responseContent": "{}"})),
    );
    let request = http::Request::post("/oauth/token")
        .header("host", "as.example.org")
        .body("grant_type=client_credentials")
        .expect("request");
    endpoint.handle(request).await;
    let sent = authlete.requests_to(&tokens::PROCESS)[0].json();
    assert_eq!(sent["htu"], "https://as.example.org/oauth/token");
}

#[tokio::test]
async fn unreadable_requests_are_answered_without_calling_authlete() {
    let (authlete, endpoint) = endpoint().await;
    let cases = [
        (
            http::Request::get("/token").body(Vec::new()),
            405,
            "invalid_request",
        ),
        (
            http::Request::post("/token").body(vec![0xff, 0xfe]),
            400,
            "invalid_request",
        ),
        (
            http::Request::post("/token")
                .header("authorization", "Basic !!!not-base64")
                .body(b"grant_type=password".to_vec()),
            401,
            "invalid_client",
        ),
        (
            http::Request::post("/token")
                .header("authorization", "Basic bm8tY29sb24=") // "no-colon"
                .body(b"grant_type=password".to_vec()),
            401,
            "invalid_client",
        ),
    ];
    for (request, status, error) in cases {
        let response = endpoint.handle(request.expect("request")).await;
        assert_eq!(response.status().as_u16(), status);
        let body: serde_json::Value = serde_json::from_str(response.body()).expect("JSON");
        assert_eq!(body, json!({ "error": error }));
    }
    assert!(authlete.requests().is_empty());
}

#[tokio::test]
async fn grants_left_to_the_application_default_to_unsupported() {
    for action in ["TOKEN_EXCHANGE", "JWT_BEARER", "NATIVE_SSO"] {
        let (authlete, endpoint) = endpoint().await;
        authlete.script(
            &tokens::PROCESS,
            MockReply::json(200, json!({"action": action})),
        );
        let response = endpoint
            .handle(
                http::Request::post("/token")
                    .body("grant_type=x")
                    .expect("request"),
            )
            .await;
        assert_eq!(response.status(), 400, "{action}");
        assert_eq!(response.body(), r#"{"error":"unsupported_grant_type"}"#);
    }
}

#[tokio::test]
async fn id_token_reissue_is_used_only_when_the_delegate_asks() {
    struct Reissuer;
    impl TokenEndpointDelegate for Reissuer {
        async fn authenticate_user(&self, _: &str, _: &str) -> UserCheck {
            UserCheck::Rejected(TokenFailReason::Unspecified)
        }
        async fn reissue_id_token(&self, _: &authlete::tokens::TokenResponse) -> bool {
            true
        }
    }
    let reissuable = json!({
        "action": "ID_TOKEN_REISSUABLE",
        "responseContent": "{\"id_token\":\"old\"}",
        "accessToken": "at",
        "refreshToken": "rt"
    });

    let (authlete, endpoint) = endpoint().await;
    authlete.script(&tokens::PROCESS, MockReply::json(200, reissuable.clone()));
    let response = endpoint
        .handle(
            http::Request::post("/token")
                .body("grant_type=refresh_token")
                .expect("request"),
        )
        .await;
    assert_eq!(response.body(), "{\"id_token\":\"old\"}");
    assert!(authlete.requests_to(&tokens::REISSUE_ID_TOKEN).is_empty());

    let authlete = MockAuthlete::start().await.expect("mock");
    authlete.script(&tokens::PROCESS, MockReply::json(200, reissuable));
    let endpoint = TokenEndpoint::new(authlete.client().expect("client"), Reissuer);
    let response = endpoint
        .handle(
            http::Request::post("/token")
                .body("grant_type=refresh_token")
                .expect("request"),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.body(), "{\"id_token\":\"mock.id.token\"}");
    let sent = authlete.requests_to(&tokens::REISSUE_ID_TOKEN)[0].json();
    assert_eq!(sent, json!({"accessToken": "at", "refreshToken": "rt"}));
}
