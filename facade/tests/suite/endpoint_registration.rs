//! `RegistrationEndpoint`: the initial access token policy, what it refuses
//! before calling Authlete, and the answers of both endpoints.

use authlete::endpoint::registration::{RegistrationEndpoint, RegistrationPolicy};
use authlete::operations::client_registration;
use authlete::testing::{MockAuthlete, MockReply};

/// Registration only with the initial access token `"let-me-in"`.
struct InitialTokenRequired;

impl RegistrationPolicy for InitialTokenRequired {
    async fn may_register(&self, initial_access_token: Option<&str>) -> bool {
        initial_access_token == Some("let-me-in")
    }
}

const METADATA: &str = r#"{"client_name":"App","redirect_uris":["https://app.example/cb"]}"#;

fn register(
    token: Option<&str>,
    content_type: &str,
    body: &'static str,
) -> http::Request<&'static str> {
    let mut request = http::Request::post("/register").header("content-type", content_type);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    request.body(body).expect("request")
}

#[tokio::test]
async fn the_policy_decides_who_registers_before_authlete_is_asked() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let endpoint =
        RegistrationEndpoint::new(authlete.client().expect("client"), InitialTokenRequired);

    let refused = endpoint
        .register(register(None, "application/json", METADATA))
        .await;
    assert_eq!(refused.status(), 401);
    assert_eq!(
        refused.headers()["www-authenticate"],
        "Bearer error=\"invalid_token\""
    );
    let wrong = endpoint
        .register(register(Some("guess"), "application/json", METADATA))
        .await;
    assert_eq!(wrong.status(), 401);
    assert!(
        authlete
            .requests_to(&client_registration::REGISTER)
            .is_empty()
    );

    let created = endpoint
        .register(register(Some("let-me-in"), "application/json", METADATA))
        .await;
    assert_eq!(created.status(), 201, "{}", created.body());
    assert_eq!(created.headers()["cache-control"], "no-store");
    let sent = &authlete.requests_to(&client_registration::REGISTER)[0];
    assert_eq!(
        sent.json()["token"],
        "let-me-in",
        "the initial access token is forwarded"
    );

    let no_redirect = endpoint
        .register(register(
            Some("let-me-in"),
            "application/json",
            r#"{"client_name":"x"}"#,
        ))
        .await;
    assert_eq!(no_redirect.status(), 400);
    assert!(no_redirect.body().contains("invalid_redirect_uri"));
}

#[tokio::test]
async fn bodies_methods_and_outages_get_plain_answers() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let endpoint = RegistrationEndpoint::new(
        authlete.client().expect("client"),
        authlete::endpoint::registration::OpenRegistration,
    );
    let form = endpoint
        .register(register(
            None,
            "application/x-www-form-urlencoded",
            "client_name=x",
        ))
        .await;
    assert_eq!(form.status(), 400);
    assert_eq!(form.body(), r#"{"error":"invalid_client_metadata"}"#);
    let get = http::Request::get("/register").body("").expect("request");
    assert_eq!(endpoint.register(get).await.status(), 405);

    let no_token = http::Request::get("/register/1").body("").expect("request");
    let no_token = endpoint.manage(no_token, "1").await;
    assert_eq!(no_token.status(), 401);
    assert_eq!(
        no_token.headers()["www-authenticate"],
        "Bearer error=\"invalid_token\""
    );
    let post = http::Request::post("/register/1")
        .header("authorization", "Bearer t")
        .body("")
        .expect("request");
    assert_eq!(endpoint.manage(post, "1").await.status(), 405);

    authlete.script(&client_registration::REGISTER, MockReply::DropConnection);
    let outage = endpoint
        .register(register(None, "application/json", METADATA))
        .await;
    assert_eq!(outage.status(), 500);
    assert_eq!(outage.body(), r#"{"error":"server_error"}"#);
}
