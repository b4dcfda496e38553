//! The stand-in is as strict as Authlete where RFC 6749 is: repeated
//! parameters, two client authentication methods, unsupported scopes; its
//! `OK` answers carry the tokens and expiry fields Authlete's do; tickets
//! expire and what it keeps stays bounded.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use authlete::endpoint::token::{TokenEndpoint, TokenEndpointDelegate, UserCheck};
use authlete::testing::{MockAuthlete, MockClient};
use authlete::{
    AuthorizationAction, Client, Error, PushedAuthorizationAction, RevocationAction, TokenAction,
    TokenFailReason, TokenIssueAction,
};
use serde_json::{Value, json};

const APP: &str = "app";
const SECRET: &str = "app-secret";
const OTHER: &str = "other-app";
const CALLBACK: &str = "https://app.example/cb";

async fn start() -> (MockAuthlete, Client) {
    let mock = MockAuthlete::start().await.expect("mock");
    mock.register(MockClient::new(APP).secret(SECRET).redirect_uri(CALLBACK));
    mock.register(MockClient::new(OTHER).secret("other-secret"));
    let client = mock.client().expect("client");
    (mock, client)
}

fn content(text: Option<&str>) -> Value {
    serde_json::from_str(text.expect("responseContent")).expect("JSON")
}

/// `/auth/token` for `parameters`, the client authenticated with Basic.
async fn token(client: &Client, parameters: &str) -> authlete::tokens::TokenResponse {
    client
        .tokens()
        .process(parameters)
        .client_id(APP)
        .client_secret(SECRET)
        .send()
        .await
        .expect("token")
}

fn now_ms() -> i64 {
    let elapsed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970");
    i64::try_from(elapsed.as_millis()).expect("in range")
}

/// Whether `at` (ms) is `seconds` from now, give or take a minute.
fn about(at: Option<i64>, seconds: i64) -> bool {
    at.is_some_and(|at| (at - now_ms() - seconds * 1000).abs() < 60_000)
}

#[tokio::test]
async fn a_repeated_parameter_is_an_invalid_request() {
    let (_mock, client) = start().await;
    for parameters in [
        "grant_type=client_credentials&grant_type=client_credentials",
        "grant_type=authorization_code&code=a&code=b",
        "grant_type=client_credentials&client_id=app&client_id=app",
        "grant_type=client_credentials&scope=openid&scope=email",
    ] {
        let refused = token(&client, parameters).await;
        assert_eq!(
            refused.action(),
            Some(TokenAction::BadRequest),
            "{parameters}"
        );
        assert_eq!(
            content(refused.response_content())["error"],
            "invalid_request",
            "{parameters}"
        );
        assert!(refused.access_token().is_none());
    }
    let refused = client
        .revocation()
        .process("token=a&token=b")
        .client_id(APP)
        .client_secret(SECRET)
        .send()
        .await
        .expect("revocation");
    assert_eq!(refused.action(), Some(RevocationAction::BadRequest));
}

struct NoUsers;

impl TokenEndpointDelegate for NoUsers {
    async fn authenticate_user(&self, _: &str, _: &str) -> UserCheck {
        UserCheck::Rejected(TokenFailReason::InvalidResourceOwnerCredentials)
    }
}

#[tokio::test]
async fn the_token_endpoint_answers_400_for_what_rfc_6749_forbids() {
    let (mock, _) = start().await;
    let endpoint = TokenEndpoint::new(mock.client().expect("client"), NoUsers);
    // "app:app-secret"
    let basic = "Basic YXBwOmFwcC1zZWNyZXQ=";
    for body in [
        "grant_type=client_credentials&grant_type=client_credentials",
        // Basic, and a (wrong) secret in the body too: two methods.
        "grant_type=client_credentials&client_secret=wrong",
        // Basic names one client, the body another.
        "grant_type=client_credentials&client_id=other-app",
    ] {
        let request = http::Request::post("/token")
            .header("authorization", basic)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .expect("request");
        let response = endpoint.handle(request).await;
        assert_eq!(response.status(), 400, "{body}");
        let answer: Value = serde_json::from_str(response.body()).expect("JSON");
        assert_eq!(answer["error"], "invalid_request", "{body}");
    }
}

#[tokio::test]
async fn one_client_authentication_method_per_request() {
    let (mock, client) = start().await;
    mock.register(
        MockClient::new("par-app")
            .secret("par-secret")
            .redirect_uri(CALLBACK),
    );
    let refused = token(&client, "grant_type=client_credentials&client_secret=wrong").await;
    assert_eq!(refused.action(), Some(TokenAction::BadRequest));
    assert_eq!(
        content(refused.response_content())["error"],
        "invalid_request"
    );
    // Even the right secret twice is two methods.
    let refused = token(
        &client,
        &format!("grant_type=client_credentials&client_secret={SECRET}"),
    )
    .await;
    assert_eq!(refused.action(), Some(TokenAction::BadRequest));
    let refused = token(&client, "grant_type=client_credentials&client_id=other-app").await;
    assert_eq!(refused.action(), Some(TokenAction::BadRequest));
    assert_eq!(
        content(refused.response_content())["error"],
        "invalid_request"
    );

    // Basic and the same client_id in the body is one client, one method.
    let granted = token(&client, "grant_type=client_credentials&client_id=app").await;
    assert_eq!(granted.action(), Some(TokenAction::Ok));
    assert_eq!(granted.client_auth_method(), Some("CLIENT_SECRET_BASIC"));
    // The form alone is the other method.
    let granted = client
        .tokens()
        .process(format!(
            "grant_type=client_credentials&client_id={APP}&client_secret={SECRET}"
        ))
        .send()
        .await
        .expect("token");
    assert_eq!(granted.action(), Some(TokenAction::Ok));
    assert_eq!(granted.client_auth_method(), Some("CLIENT_SECRET_POST"));
    // A wrong secret by one method is still invalid_client.
    let refused = client
        .tokens()
        .process("grant_type=client_credentials")
        .client_id(APP)
        .client_secret("wrong")
        .send()
        .await
        .expect("token");
    assert_eq!(refused.action(), Some(TokenAction::InvalidClient));

    let revoked = client
        .revocation()
        .process(format!("token=t&client_secret={SECRET}"))
        .client_id(APP)
        .client_secret(SECRET)
        .send()
        .await
        .expect("revocation");
    assert_eq!(revoked.action(), Some(RevocationAction::BadRequest));
    let pushed = client
        .pushed_authorization()
        .process(format!(
            "response_type=code&client_id=par-app&client_secret=par-secret&redirect_uri={CALLBACK}"
        ))
        .client_id("par-app")
        .client_secret("par-secret")
        .send()
        .await
        .expect("PAR");
    assert_eq!(pushed.action(), Some(PushedAuthorizationAction::BadRequest));
    assert_eq!(
        content(pushed.response_content())["error"],
        "invalid_request"
    );
}

#[tokio::test]
async fn a_scope_the_service_does_not_support_is_refused() {
    let (mock, client) = start().await;
    mock.register(MockClient::new("pub").redirect_uri(CALLBACK));
    let refused = token(&client, "grant_type=client_credentials&scope=bogus+admin").await;
    assert_eq!(refused.action(), Some(TokenAction::BadRequest));
    assert_eq!(
        content(refused.response_content())["error"],
        "invalid_scope"
    );
    let refused = token(
        &client,
        "grant_type=password&username=u&password=p&scope=openid+bogus",
    )
    .await;
    assert_eq!(
        content(refused.response_content())["error"],
        "invalid_scope"
    );
    assert!(refused.ticket().is_none(), "no ticket for a refused scope");

    let asked = client
        .authorization()
        .process(format!(
            "response_type=code&client_id={APP}&scope=openid+bogus&state=s"
        ))
        .send()
        .await
        .expect("process");
    assert_eq!(asked.action(), Some(AuthorizationAction::Location));
    let location = asked.response_content().expect("location");
    assert!(location.contains("error=invalid_scope"), "{location}");
    assert!(location.contains("state=s"), "{location}");
    assert!(asked.ticket().is_none());

    let pushed = client
        .pushed_authorization()
        .process(format!(
            "response_type=code&scope=admin&redirect_uri={CALLBACK}"
        ))
        .client_id(APP)
        .client_secret(SECRET)
        .send()
        .await
        .expect("PAR");
    assert_eq!(pushed.action(), Some(PushedAuthorizationAction::BadRequest));
    assert_eq!(content(pushed.response_content())["error"], "invalid_scope");

    assert_eq!(
        mock.supported_scopes(),
        [
            "openid",
            "profile",
            "email",
            "address",
            "phone",
            "offline_access",
            "grant_management_query",
            "grant_management_revoke"
        ]
    );
    mock.support_scopes(["admin", "bogus"]);
    let granted = token(&client, "grant_type=client_credentials&scope=bogus+admin").await;
    assert_eq!(granted.action(), Some(TokenAction::Ok));
    assert_eq!(granted.scopes(), ["bogus", "admin"]);
    let metadata = client
        .service()
        .configuration()
        .send()
        .await
        .expect("discovery");
    assert_eq!(
        metadata["scopes_supported"],
        json!([
            "openid",
            "profile",
            "email",
            "address",
            "phone",
            "offline_access",
            "grant_management_query",
            "grant_management_revoke",
            "admin",
            "bogus"
        ])
    );

    mock.set_supported_scopes(["photos:read"]);
    let refused = token(&client, "grant_type=client_credentials&scope=openid").await;
    assert_eq!(
        content(refused.response_content())["error"],
        "invalid_scope"
    );
    let granted = token(&client, "grant_type=client_credentials&scope=photos:read").await;
    assert_eq!(granted.action(), Some(TokenAction::Ok));
}

#[tokio::test]
async fn ok_answers_carry_the_tokens_and_their_expiry() {
    let (_mock, client) = start().await;
    let granted = token(&client, "grant_type=client_credentials&scope=profile").await;
    assert_eq!(granted.action(), Some(TokenAction::Ok));
    let body = content(granted.response_content());
    assert_eq!(granted.access_token(), body["access_token"].as_str());
    assert!(about(granted.access_token_expires_at(), 3600));
    assert_eq!(granted.access_token_duration(), Some(3600));
    assert_eq!(granted.grant_type(), Some("CLIENT_CREDENTIALS"));
    assert!(granted.client_id().is_some());
    assert_eq!(granted.client_id_alias(), Some(APP));
    assert_eq!(granted.client_id_alias_used(), Some(true));
    assert_eq!(granted.scopes(), ["profile"]);
    assert!(granted.refresh_token().is_none());
    assert!(granted.subject().is_none());

    // The code grant: refresh token, ID token, subject.
    let asked = client
        .authorization()
        .process(format!(
            "response_type=code&client_id={APP}&scope=openid+email&nonce=n"
        ))
        .send()
        .await
        .expect("process");
    let issued = client
        .authorization()
        .issue(asked.ticket().expect("ticket"), "alice")
        .send()
        .await
        .expect("issue");
    let code = issued.authorization_code().expect("code").to_owned();
    let granted = token(
        &client,
        &format!("grant_type=authorization_code&code={code}"),
    )
    .await;
    assert_eq!(granted.action(), Some(TokenAction::Ok));
    let body = content(granted.response_content());
    assert_eq!(granted.refresh_token(), body["refresh_token"].as_str());
    assert_eq!(granted.id_token(), body["id_token"].as_str());
    assert!(about(granted.refresh_token_expires_at(), 86_400));
    assert_eq!(granted.refresh_token_duration(), Some(86_400));
    assert_eq!(granted.refresh_token_scopes(), ["openid", "email"]);
    assert_eq!(granted.subject(), Some("alice"));
    assert_eq!(granted.grant_type(), Some("AUTHORIZATION_CODE"));
    assert_eq!(granted.scopes(), ["openid", "email"]);

    let refresh = granted.refresh_token().expect("refresh").to_owned();
    let refreshed = token(
        &client,
        &format!("grant_type=refresh_token&refresh_token={refresh}"),
    )
    .await;
    assert_eq!(refreshed.grant_type(), Some("REFRESH_TOKEN"));
    assert!(refreshed.access_token().is_some() && refreshed.refresh_token().is_some());
    assert!(about(refreshed.access_token_expires_at(), 3600));

    // The password grant: a ticket, then /issue with the same fields.
    let asked = token(
        &client,
        "grant_type=password&username=john&password=pw&scope=openid",
    )
    .await;
    assert_eq!(asked.action(), Some(TokenAction::Password));
    assert_eq!(asked.username(), Some("john"));
    assert_eq!(asked.grant_type(), Some("PASSWORD"));
    let issued = client
        .tokens()
        .issue(asked.ticket().expect("ticket"), "john")
        .send()
        .await
        .expect("issue");
    assert_eq!(issued.action(), Some(TokenIssueAction::Ok));
    let body = content(issued.response_content());
    assert_eq!(issued.access_token(), body["access_token"].as_str());
    assert_eq!(issued.refresh_token(), body["refresh_token"].as_str());
    assert!(about(issued.access_token_expires_at(), 3600));
    assert_eq!(issued.access_token_duration(), Some(3600));
    assert_eq!(issued.refresh_token_duration(), Some(86_400));
    assert_eq!(issued.subject(), Some("john"));
    assert_eq!(issued.scopes(), ["openid"]);
    assert!(issued.client_id().is_some());
}

#[tokio::test]
async fn tickets_expire_after_a_day() {
    let (mock, client) = start().await;
    let asked = client
        .authorization()
        .process(format!("response_type=code&client_id={APP}&scope=openid"))
        .send()
        .await
        .expect("process");
    let authorization_ticket = asked.ticket().expect("ticket").to_owned();
    let asked = token(&client, "grant_type=password&username=u&password=p").await;
    let password_ticket = asked.ticket().expect("ticket").to_owned();
    assert_eq!(mock.open_tickets(), 2);

    // Still good just before the day is over.
    mock.advance_clock(Duration::from_secs(86_400 - 60));
    let fresh = client
        .authorization()
        .process(format!("response_type=code&client_id={APP}&scope=openid"))
        .send()
        .await
        .expect("process");
    assert_eq!(mock.open_tickets(), 3);

    mock.advance_clock(Duration::from_secs(120));
    let late = client
        .authorization()
        .issue(&authorization_ticket, "alice")
        .send()
        .await;
    assert!(
        matches!(late, Err(Error::Api { status, .. }) if status == 400),
        "{late:?}"
    );
    let late = client.tokens().issue(&password_ticket, "u").send().await;
    assert!(
        matches!(late, Err(Error::Api { status, .. }) if status == 400),
        "{late:?}"
    );
    // The sweep that ran on those calls forgot both; the fresh one stays.
    assert_eq!(mock.open_tickets(), 1);
    let issued = client
        .authorization()
        .issue(fresh.ticket().expect("ticket"), "alice")
        .send()
        .await
        .expect("issue");
    assert!(issued.authorization_code().is_some());
    assert_eq!(mock.open_tickets(), 0);
}

#[tokio::test]
async fn open_tickets_are_bounded_and_the_oldest_make_room() {
    let (mock, client) = start().await;
    mock.record_at_most(10);
    let ask = || {
        client
            .authorization()
            .process(format!("response_type=code&client_id={APP}&scope=openid"))
            .send()
    };
    let first = ask().await.expect("process");
    let mut last = None;
    for _ in 0..4200 {
        last = Some(ask().await.expect("process"));
    }
    assert_eq!(mock.open_tickets(), 4096);
    assert_eq!(mock.requests().len(), 10, "the record is bounded too");
    let gone = client
        .authorization()
        .issue(first.ticket().expect("ticket"), "alice")
        .send()
        .await;
    assert!(
        matches!(gone, Err(Error::Api { status, .. }) if status == 400),
        "{gone:?}"
    );
    let kept = client
        .authorization()
        .issue(last.expect("asked").ticket().expect("ticket"), "alice")
        .send()
        .await
        .expect("the newest ticket still works");
    assert!(kept.authorization_code().is_some());
}

#[tokio::test]
async fn the_request_record_keeps_the_last_ones_when_bounded() {
    let (mock, client) = start().await;
    for _ in 0..3 {
        client.service().jwks().send().await.expect("JWKS");
    }
    assert_eq!(mock.requests().len(), 3, "everything until bounded");
    mock.record_at_most(2);
    assert_eq!(mock.requests().len(), 2);
    client
        .service()
        .configuration()
        .send()
        .await
        .expect("discovery");
    let kept = mock.requests();
    assert_eq!(kept.len(), 2);
    assert!(kept[1].path_and_query.contains("/service/configuration"));
    mock.record_at_most(0);
    client.service().jwks().send().await.expect("JWKS");
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn a_script_authlete_would_never_send_is_refused_with_the_reason() {
    use authlete::operations::tokens;
    use authlete::testing::MockReply;
    let (mock, client) = start().await;
    // Authlete answers every action with 200; a 400 carrying an action
    // would turn the token endpoint into a 500 in a test that should have
    // exercised BAD_REQUEST.
    let refused = mock
        .try_script(
            &tokens::PROCESS,
            MockReply::Delay(
                Duration::from_millis(1),
                Some(Box::new(MockReply::json(
                    400,
                    json!({"action": "BAD_REQUEST", "responseContent": "{}"}),
                ))),
            ),
        )
        .expect_err("refused");
    assert_eq!(refused.operation, tokens::PROCESS.id);
    let said = refused.to_string();
    assert!(
        said.contains("`action` (BAD_REQUEST) with HTTP 400"),
        "{said}"
    );
    assert!(
        said.contains("MockReply::action(\"BAD_REQUEST\", ..)"),
        "{said}"
    );
    assert!(
        said.contains("MockReply::error(400, code, message)"),
        "{said}"
    );
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        mock.script(
            &tokens::PROCESS,
            MockReply::json(400, json!({"action": "BAD_REQUEST"})),
        )
    }));
    assert!(
        panicked.is_err(),
        "script panics on what try_script refuses"
    );

    // What Authlete does send is accepted and served as scripted: the
    // action with 200, and a refusal without an action.
    mock.script(
        &tokens::PROCESS,
        MockReply::action(
            "BAD_REQUEST",
            json!({"responseContent": "{\"error\":\"invalid_request\"}"}),
        ),
    );
    let answer = token(&client, "grant_type=password").await;
    assert_eq!(answer.action(), Some(TokenAction::BadRequest));
    assert_eq!(
        content(answer.response_content()),
        json!({"error": "invalid_request"})
    );
    mock.script(
        &tokens::PROCESS,
        MockReply::error(400, "A001101", "The request was malformed."),
    );
    match client.tokens().process("grant_type=password").send().await {
        Err(Error::Api { status, .. }) => assert_eq!(status.as_u16(), 400),
        other => panic!("expected Authlete's refusal, got {other:?}"),
    }
}
