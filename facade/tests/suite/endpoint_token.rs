//! `TokenEndpoint::handle` without a web framework: what it forwards to
//! Authlete from the HTTP request, and how it answers what it cannot forward.

use authlete::TokenFailReason;
use authlete::endpoint::ClientCertificate;
use authlete::endpoint::token::{TokenEndpoint, TokenEndpointDelegate, UserCheck};
use authlete::operations::tokens;
use authlete::testing::{MockAuthlete, MockReply};
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
        .header("content-type", "application/x-www-form-urlencoded")
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
        .header("content-type", "application/x-www-form-urlencoded")
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
            http::Request::post("/token")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(vec![0xff, 0xfe]),
            400,
            "invalid_request",
        ),
        (
            http::Request::post("/token")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("authorization", "Basic !!!not-base64")
                .body(b"grant_type=password".to_vec()),
            401,
            "invalid_client",
        ),
        (
            http::Request::post("/token")
                .header("content-type", "application/x-www-form-urlencoded")
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
                    .header("content-type", "application/x-www-form-urlencoded")
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
            UserCheck::Rejected(TokenFailReason::Unknown)
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
                .header("content-type", "application/x-www-form-urlencoded")
                .body("grant_type=refresh_token")
                .expect("request"),
        )
        .await;
    assert_eq!(response.body(), "{\"id_token\":\"old\"}");
    assert!(authlete.requests_to(&tokens::REISSUE_ID_TOKEN).is_empty());

    let authlete = MockAuthlete::start().await.expect("mock");
    authlete.script(&tokens::PROCESS, MockReply::json(200, reissuable));
    // "at" and "rt" are made up: the stand-in would refuse them, so its
    // answer is scripted too.
    authlete.script(
        &tokens::REISSUE_ID_TOKEN,
        MockReply::json(
            200,
            json!({"action": "OK", "responseContent": "{\"id_token\":\"mock.id.token\"}"}),
        ),
    );
    let endpoint = TokenEndpoint::new(authlete.client().expect("client"), Reissuer);
    let response = endpoint
        .handle(
            http::Request::post("/token")
                .header("content-type", "application/x-www-form-urlencoded")
                .body("grant_type=refresh_token")
                .expect("request"),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.body(), "{\"id_token\":\"mock.id.token\"}");
    let sent = authlete.requests_to(&tokens::REISSUE_ID_TOKEN)[0].json();
    assert_eq!(sent, json!({"accessToken": "at", "refreshToken": "rt"}));
}

/// A token request with nothing but a grant type.
fn grant(grant_type: &str) -> http::Request<String> {
    http::Request::post("/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("grant_type={grant_type}"))
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
async fn grants_authlete_answers_itself_get_its_response_unchanged() {
    for grant_type in [
        "authorization_code&code=c-1&redirect_uri=https%3A%2F%2Fapp%2Fcb",
        "refresh_token&refresh_token=rt-1",
        "client_credentials",
        "urn:ietf:params:oauth:grant-type:device_code&device_code=dc-1",
        "urn:openid:params:grant-type:ciba&auth_req_id=ar-1",
    ] {
        let (authlete, endpoint) = endpoint().await;
        let tokens = format!(r#"{{"access_token":"at-for-{grant_type}","token_type":"DPoP"}}"#);
        authlete.script(
            &tokens::PROCESS,
            MockReply::json(
                200,
                json!({"action": "OK", "responseContent": tokens, "dpopNonce": "n-1"}),
            ),
        );
        let response = endpoint.handle(grant(grant_type)).await;
        assert_eq!(response.status(), 200, "{grant_type}");
        assert_eq!(response.body(), &tokens, "{grant_type}");
        assert_eq!(header(&response, "content-type"), authlete::JSON_UTF8);
        assert_eq!(header(&response, "cache-control"), "no-store");
        assert_eq!(header(&response, "dpop-nonce"), "n-1");
        assert_eq!(
            authlete.requests_to(&tokens::PROCESS)[0].json()["parameters"],
            format!("grant_type={grant_type}")
        );
        // Nothing else is called for these grants.
        assert_eq!(authlete.requests().len(), 1, "{grant_type}");
    }
}

#[tokio::test]
async fn authlete_errors_become_their_status_with_the_body() {
    let error = r#"{"error":"invalid_grant","error_description":"[A050313] x"}"#;
    for (action, status, challenge) in [
        ("BAD_REQUEST", 400, ""),
        ("INVALID_CLIENT", 401, "Basic realm=\"token\""),
        ("INTERNAL_SERVER_ERROR", 500, ""),
    ] {
        let (authlete, endpoint) = endpoint().await;
        authlete.script(
            &tokens::PROCESS,
            MockReply::json(200, json!({"action": action, "responseContent": error})),
        );
        let response = endpoint.handle(grant("authorization_code")).await;
        assert_eq!(response.status().as_u16(), status, "{action}");
        assert_eq!(response.body(), error, "{action}");
        assert_eq!(header(&response, "www-authenticate"), challenge, "{action}");
    }
}

#[tokio::test]
async fn an_action_newer_than_the_crate_is_a_bare_server_error() {
    let (authlete, endpoint) = endpoint().await;
    authlete.script(
        &tokens::PROCESS,
        MockReply::json(
            200,
            json!({"action": "SOMETHING_NEWER", "responseContent": "{\"access_token\":\"leak-me\"}"}),
        ),
    );
    let response = endpoint.handle(grant("client_credentials")).await;
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
async fn the_password_grant_spends_the_ticket_on_issue_or_fail() {
    let password = |user: &str, pass: &str| {
        json!({
            "action": "PASSWORD", "ticket": "tk-1", "username": user, "password": pass,
            "dpopNonce": "n-2"
        })
    };

    let (authlete, token_endpoint) = endpoint().await;
    authlete.script(
        &tokens::PROCESS,
        MockReply::json(200, password("john", "secret")),
    );
    authlete.script(
        &tokens::ISSUE,
        MockReply::json(
            200,
            json!({"action": "OK", "responseContent": "{\"access_token\":\"a\"}"}),
        ),
    );
    let response = token_endpoint.handle(grant("password")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.body(), "{\"access_token\":\"a\"}");
    // The nonce of `/auth/token` rides the answer of `/auth/token/issue`.
    assert_eq!(header(&response, "dpop-nonce"), "n-2");
    assert_eq!(
        authlete.requests_to(&tokens::ISSUE)[0].json(),
        json!({"ticket": "tk-1", "subject": "sub-john"})
    );
    assert!(authlete.requests_to(&tokens::FAIL).is_empty());

    let (authlete, token_endpoint) = endpoint().await;
    authlete.script(
        &tokens::PROCESS,
        MockReply::json(200, password("john", "wrong")),
    );
    authlete.script(
        &tokens::FAIL,
        MockReply::json(
            200,
            json!({"action": "BAD_REQUEST", "responseContent": "{\"error\":\"invalid_grant\"}"}),
        ),
    );
    let response = token_endpoint.handle(grant("password")).await;
    assert_eq!(response.status(), 400);
    assert_eq!(response.body(), "{\"error\":\"invalid_grant\"}");
    assert_eq!(header(&response, "dpop-nonce"), "n-2");
    assert_eq!(
        authlete.requests_to(&tokens::FAIL)[0].json(),
        json!({"ticket": "tk-1", "reason": "INVALID_RESOURCE_OWNER_CREDENTIALS"})
    );
    assert!(authlete.requests_to(&tokens::ISSUE).is_empty());
}

#[tokio::test]
async fn password_without_a_ticket_calls_neither_issue_nor_fail() {
    let (authlete, endpoint) = endpoint().await;
    authlete.script(
        &tokens::PROCESS,
        MockReply::json(
            200,
            json!({"action": "PASSWORD", "username": "john", "password": "secret"}),
        ),
    );
    let response = endpoint.handle(grant("password")).await;
    assert_eq!(response.status(), 500);
    assert_eq!(response.body(), r#"{"error":"server_error"}"#);
    assert_eq!(authlete.requests().len(), 1);
}

#[tokio::test]
async fn grants_left_to_the_application_reach_its_delegate() {
    struct Grants;
    impl TokenEndpointDelegate for Grants {
        async fn authenticate_user(&self, _: &str, _: &str) -> UserCheck {
            UserCheck::Rejected(TokenFailReason::Unknown)
        }
        async fn token_exchange(
            &self,
            response: &authlete::tokens::TokenResponse,
        ) -> http::Response<String> {
            answer("exchange", response)
        }
        async fn jwt_bearer(
            &self,
            response: &authlete::tokens::TokenResponse,
        ) -> http::Response<String> {
            answer("jwt-bearer", response)
        }
        async fn native_sso(
            &self,
            response: &authlete::tokens::TokenResponse,
        ) -> http::Response<String> {
            answer("native-sso", response)
        }
    }
    fn answer(which: &str, response: &authlete::tokens::TokenResponse) -> http::Response<String> {
        http::Response::new(format!(
            "{which}:{}",
            response.subject_token().unwrap_or_default()
        ))
    }

    for (action, expected) in [
        ("TOKEN_EXCHANGE", "exchange:st-1"),
        ("JWT_BEARER", "jwt-bearer:st-1"),
        ("NATIVE_SSO", "native-sso:st-1"),
    ] {
        let authlete = MockAuthlete::start().await.expect("mock");
        authlete.script(
            &tokens::PROCESS,
            MockReply::json(200, json!({"action": action, "subjectToken": "st-1"})),
        );
        let endpoint = TokenEndpoint::new(authlete.client().expect("client"), Grants);
        let response = endpoint.handle(grant("x")).await;
        assert_eq!(response.body(), expected, "{action}");
        assert_eq!(authlete.requests().len(), 1, "{action}");
    }
}

#[tokio::test]
async fn attestation_headers_are_forwarded() {
    let (authlete, endpoint) = endpoint().await;
    authlete.script(
        &tokens::PROCESS,
        MockReply::json(200, json!({"action": "OK", "responseContent": "{}"})),
    );
    let request = http::Request::post("/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("host", "as.example")
        .header("oauth-client-attestation", "eyJ.attestation.jwt")
        .header("oauth-client-attestation-pop", "eyJ.pop.jwt")
        .body("grant_type=authorization_code&code=c&client_id=app")
        .expect("request");
    endpoint.handle(request).await;
    assert_eq!(
        authlete.requests_to(&tokens::PROCESS)[0].json(),
        json!({
            "parameters": "grant_type=authorization_code&code=c&client_id=app",
            "oauthClientAttestation": "eyJ.attestation.jwt",
            "oauthClientAttestationPop": "eyJ.pop.jwt",
            "htm": "POST",
            "htu": "https://as.example/token"
        })
    );
}

#[tokio::test]
async fn two_dpop_proofs_are_refused_without_calling_authlete() {
    let (authlete, endpoint) = endpoint().await;
    let request = http::Request::post("/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("dpop", "proof-1")
        .header("dpop", "proof-2")
        .body("grant_type=client_credentials")
        .expect("request");
    let response = endpoint.handle(request).await;
    assert_eq!(response.status(), 400);
    assert_eq!(response.body(), r#"{"error":"invalid_dpop_proof"}"#);
    assert!(authlete.requests().is_empty());
}

#[tokio::test]
async fn an_outage_is_a_bare_server_error() {
    let (authlete, endpoint) = endpoint().await;
    authlete.script(&tokens::PROCESS, MockReply::DropConnection);
    let response = endpoint.handle(grant("client_credentials")).await;
    assert_eq!(response.status(), 500);
    assert_eq!(response.body(), r#"{"error":"server_error"}"#);
    assert_eq!(header(&response, "content-type"), authlete::JSON_UTF8);
}
