//! The OAuth and OpenID Connect flows against `MockAuthlete`, through the
//! facade's own calls: authorization with PKCE, codes, refresh, PAR,
//! introspection, revocation, UserInfo, discovery and JWKS. Each test checks
//! what a wrong mock would get wrong: single use, bindings, refusals.

use std::collections::HashMap;

use authlete::testing::{DEFAULT_MOCK_ISSUER, MockAuthlete, MockClient};
use authlete::{
    AuthorizationAction, AuthorizationFailAction, AuthorizationFailReason,
    AuthorizationIssueAction, Client, IntrospectionAction, Prompt, PushedAuthorizationAction,
    RevocationAction, StandardIntrospectionAction, TokenAction, UserInfoAction,
    UserInfoIssueAction,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::common::{jwt_claims, jwt_part};

const WEB: &str = "web-app";
const WEB_SECRET: &str = "web-secret";
const CALLBACK: &str = "https://app.example/cb";
const OTHER_CALLBACK: &str = "https://app.example/other";
const SPA: &str = "spa";
const SPA_CALLBACK: &str = "https://spa.example/cb";
// RFC 7636 Appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

async fn start() -> (MockAuthlete, Client) {
    let mock = MockAuthlete::start().await.expect("mock");
    mock.register(
        MockClient::new(WEB)
            .secret(WEB_SECRET)
            .name("The Web App")
            .redirect_uri(CALLBACK)
            .redirect_uri(OTHER_CALLBACK),
    );
    mock.register_client(SPA, None);
    mock.register_redirect_uri(SPA, SPA_CALLBACK);
    let client = mock.client().expect("client");
    (mock, client)
}

/// The query parameters of a redirect.
fn query(location: &str) -> HashMap<String, String> {
    url::Url::parse(location)
        .expect("a URL")
        .query_pairs()
        .into_owned()
        .collect()
}

fn content(text: Option<&str>) -> Value {
    serde_json::from_str(text.expect("responseContent")).expect("JSON content")
}

fn pkce_request(scope: &str) -> String {
    format!(
        "response_type=code&client_id={WEB}&redirect_uri={CALLBACK}&scope={scope}&state=st-1\
         &nonce=n-1&code_challenge={CHALLENGE}&code_challenge_method=S256"
    )
}

/// Authorizes `parameters` for `subject` and gives the code from the redirect.
async fn code(client: &Client, parameters: &str, subject: &str) -> String {
    let asked = client
        .authorization()
        .process(parameters)
        .send()
        .await
        .expect("process");
    assert!(asked.needs_interaction(), "{:?}", asked.response_content());
    let issued = client
        .authorization()
        .issue(asked.ticket().expect("ticket"), subject)
        .send()
        .await
        .expect("issue");
    assert_eq!(issued.action(), Some(AuthorizationIssueAction::Location));
    query(issued.response_content().expect("location"))["code"].clone()
}

/// Exchanges `code` for `web-app` with `extra` parameters.
async fn exchange(client: &Client, code: &str, extra: &str) -> authlete::tokens::TokenResponse {
    client
        .tokens()
        .process(format!("grant_type=authorization_code&code={code}{extra}"))
        .client_id(WEB)
        .client_secret(WEB_SECRET)
        .send()
        .await
        .expect("token")
}

/// An access and a refresh token for alice with `scope`.
async fn tokens(client: &Client, scope: &str) -> (String, String) {
    let code = code(client, &pkce_request(scope), "alice").await;
    let extra = format!("&redirect_uri={CALLBACK}&code_verifier={VERIFIER}");
    let issued = exchange(client, &code, &extra).await;
    assert_eq!(issued.action(), Some(TokenAction::Ok));
    (
        issued.access_token().expect("access").to_owned(),
        issued.refresh_token().expect("refresh").to_owned(),
    )
}

async fn introspect(
    client: &Client,
    token: &str,
) -> authlete::introspection::IntrospectionResponse {
    client
        .introspection()
        .process(token)
        .send()
        .await
        .expect("introspection")
}

async fn active(client: &Client, token: &str) -> bool {
    let answer = client
        .introspection()
        .standard(format!("token={token}"))
        .send()
        .await
        .expect("standard introspection");
    assert_eq!(answer.action(), Some(StandardIntrospectionAction::Ok));
    content(answer.response_content())["active"] == json!(true)
}

fn id_token_claims(id_token: &str) -> Value {
    assert_eq!(id_token.split('.').count(), 3, "a JWT");
    let header = jwt_part(id_token, 0);
    assert_eq!(
        header["alg"], "RS256",
        "RS256 unless the client registered another"
    );
    assert!(header["kid"].is_string(), "a kid names the key");
    jwt_claims(id_token)
}

#[tokio::test]
async fn the_code_flow_with_pkce_gives_tokens_and_the_refresh_token_rotates() {
    let (mock, client) = start().await;
    let asked = client
        .authorization()
        .process(format!(
            "{}&prompt=login&max_age=300&login_hint=alice%40example.com",
            pkce_request("openid+profile")
        ))
        .send()
        .await
        .expect("process");
    assert_eq!(asked.action(), Some(AuthorizationAction::Interaction));
    let shown = asked.client().expect("client");
    assert_eq!(shown.client_name.as_deref(), Some("The Web App"));
    assert!(shown.client_id.is_some());
    let scopes: Vec<_> = asked
        .scopes()
        .iter()
        .filter_map(|s| s.name.as_deref())
        .collect();
    assert_eq!(scopes, ["openid", "profile"]);
    assert_eq!(asked.max_age(), Some(300));
    assert_eq!(asked.login_hint(), Some("alice@example.com"));
    assert_eq!(asked.prompts(), [Prompt::Login]);
    assert_eq!(mock.open_tickets(), 1);
    let ticket = asked.ticket().expect("ticket").to_owned();
    assert!(!format!("{asked:?}").contains(&ticket));

    let issued = client
        .authorization()
        .issue(&ticket, "alice")
        .auth_time(1_700_000_000)
        .claims(r#"{"name":"Alice"}"#)
        .send()
        .await
        .expect("issue");
    assert_eq!(mock.open_tickets(), 0, "the ticket is spent");
    let location = issued.response_content().expect("location").to_owned();
    assert!(
        location.starts_with(&format!("{CALLBACK}?code=")),
        "{location}"
    );
    let params = query(&location);
    assert_eq!(
        params.get("code").map(String::as_str),
        issued.authorization_code()
    );
    assert_eq!(params["state"], "st-1");
    assert_eq!(params["iss"], DEFAULT_MOCK_ISSUER);
    let http = issued.into_http_response();
    assert_eq!(http.status(), 302);
    assert_eq!(http.headers()["location"], location.as_str());

    let extra = format!("&redirect_uri={CALLBACK}&code_verifier={VERIFIER}");
    let token = exchange(&client, &params["code"], &extra).await;
    assert_eq!(token.action(), Some(TokenAction::Ok));
    assert_eq!(token.subject(), Some("alice"));
    let body = content(token.response_content());
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], "openid profile");
    assert_eq!(body["access_token"].as_str(), token.access_token());
    assert_eq!(body["refresh_token"].as_str(), token.refresh_token());
    let claims = id_token_claims(body["id_token"].as_str().expect("an ID token for openid"));
    assert_eq!(claims["sub"], "alice");
    assert_eq!(claims["aud"], WEB);
    assert_eq!(claims["nonce"], "n-1");
    assert_eq!(claims["auth_time"], 1_700_000_000);
    assert_eq!(claims["name"], "Alice");
    assert_eq!(claims["iss"], DEFAULT_MOCK_ISSUER);
    let access = token.access_token().expect("access").to_owned();
    let refresh = token.refresh_token().expect("refresh").to_owned();

    let checked = introspect(&client, &access).await;
    assert_eq!(checked.action(), Some(IntrospectionAction::Ok));
    assert_eq!(checked.subject(), Some("alice"));
    assert_eq!(checked.scopes(), ["openid", "profile"]);
    assert_eq!(checked.usable(), Some(true));
    assert_eq!(checked.client_id(), shown.client_id);
    assert!(
        checked
            .expires_at()
            .is_some_and(|at| at > 1_000_000_000_000),
        "milliseconds"
    );

    // A narrower scope on refresh; the old pair stops working.
    let refreshed = client
        .tokens()
        .process(format!(
            "grant_type=refresh_token&refresh_token={refresh}&scope=openid"
        ))
        .client_id(WEB)
        .client_secret(WEB_SECRET)
        .send()
        .await
        .expect("refresh");
    assert_eq!(refreshed.action(), Some(TokenAction::Ok));
    let new_access = refreshed.access_token().expect("access").to_owned();
    let new_refresh = refreshed.refresh_token().expect("refresh").to_owned();
    assert_ne!(new_access, access);
    assert_ne!(new_refresh, refresh);
    assert_eq!(content(refreshed.response_content())["scope"], "openid");
    assert_eq!(
        introspect(&client, &access).await.action(),
        Some(IntrospectionAction::Unauthorized)
    );
    assert_eq!(introspect(&client, &new_access).await.scopes(), ["openid"]);
    let replayed = client
        .tokens()
        .process(format!("grant_type=refresh_token&refresh_token={refresh}"))
        .client_id(WEB)
        .client_secret(WEB_SECRET)
        .send()
        .await
        .expect("refresh");
    assert_eq!(replayed.action(), Some(TokenAction::BadRequest));
    assert_eq!(
        content(replayed.response_content())["error"],
        "invalid_grant"
    );
    // The grant's scope still allows profile on the next refresh.
    let widened = client
        .tokens()
        .process(format!(
            "grant_type=refresh_token&refresh_token={new_refresh}&scope=openid+profile"
        ))
        .client_id(WEB)
        .client_secret(WEB_SECRET)
        .send()
        .await
        .expect("refresh");
    assert_eq!(widened.action(), Some(TokenAction::Ok));
}

#[tokio::test]
async fn a_code_works_once() {
    let (_mock, client) = start().await;
    let code = code(&client, &pkce_request("openid"), "alice").await;
    let extra = format!("&redirect_uri={CALLBACK}&code_verifier={VERIFIER}");
    assert_eq!(
        exchange(&client, &code, &extra).await.action(),
        Some(TokenAction::Ok)
    );
    let again = exchange(&client, &code, &extra).await;
    assert_eq!(again.action(), Some(TokenAction::BadRequest));
    assert_eq!(content(again.response_content())["error"], "invalid_grant");
    assert_eq!(again.into_http_response().status(), 400);
}

#[tokio::test]
async fn a_wrong_verifier_or_redirect_uri_gets_invalid_grant() {
    let (_mock, client) = start().await;
    let wrong_verifier = "x".repeat(43);
    for extra in [
        format!("&redirect_uri={CALLBACK}&code_verifier={wrong_verifier}"),
        format!("&redirect_uri={CALLBACK}"),
        format!("&redirect_uri={OTHER_CALLBACK}&code_verifier={VERIFIER}"),
        format!("&code_verifier={VERIFIER}"),
    ] {
        let code = code(&client, &pkce_request("openid"), "alice").await;
        let refused = exchange(&client, &code, &extra).await;
        assert_eq!(refused.action(), Some(TokenAction::BadRequest), "{extra}");
        assert_eq!(
            content(refused.response_content())["error"],
            "invalid_grant"
        );
        assert!(refused.access_token().is_none());
    }
}

#[tokio::test]
async fn a_public_client_needs_pkce_and_plain_compares_the_verifier() {
    let (_mock, client) = start().await;
    // The only registered redirect URI may be left out.
    let refused = client
        .authorization()
        .process(format!("response_type=code&client_id={SPA}&state=s"))
        .send()
        .await
        .expect("process");
    assert_eq!(refused.action(), Some(AuthorizationAction::Location));
    let params = query(refused.response_content().expect("location"));
    assert_eq!(params["error"], "invalid_request");
    assert_eq!(params["state"], "s");

    let plain = "p".repeat(50);
    let code = code(
        &client,
        &format!(
            "response_type=code&client_id={SPA}&code_challenge={plain}&code_challenge_method=plain"
        ),
        "bob",
    )
    .await;
    let spent = |verifier: &str| {
        client
            .tokens()
            .process(format!(
                "grant_type=authorization_code&code={code}&client_id={SPA}&code_verifier={verifier}"
            ))
            .send()
    };
    let token = spent(&plain).await.expect("token");
    assert_eq!(
        token.action(),
        Some(TokenAction::Ok),
        "{:?}",
        token.response_content()
    );
    assert_eq!(token.subject(), Some("bob"));
    assert!(
        content(token.response_content()).get("id_token").is_none(),
        "no openid"
    );
}

#[tokio::test]
async fn prompt_none_then_not_logged_in_redirects_with_login_required() {
    let (mock, client) = start().await;
    let asked = client
        .authorization()
        .process(format!("{}&prompt=none", pkce_request("openid")))
        .send()
        .await
        .expect("process");
    assert_eq!(asked.action(), Some(AuthorizationAction::NoInteraction));
    assert_eq!(asked.prompts(), [Prompt::None]);
    let ticket = asked.ticket().expect("ticket").to_owned();
    let failed = client
        .authorization()
        .fail(&ticket, AuthorizationFailReason::NotLoggedIn)
        .send()
        .await
        .expect("fail");
    assert_eq!(failed.action(), Some(AuthorizationFailAction::Location));
    let location = failed.response_content().expect("location");
    assert!(location.starts_with(CALLBACK), "{location}");
    let params = query(location);
    assert_eq!(params["error"], "login_required");
    assert_eq!(params["state"], "st-1");
    assert_eq!(params["iss"], mock.issuer());
    assert!(!params.contains_key("code"));
    // Spent: neither fail nor issue takes it again.
    assert!(
        client
            .authorization()
            .fail(&ticket, AuthorizationFailReason::Denied)
            .send()
            .await
            .is_err()
    );
    assert!(
        client
            .authorization()
            .issue(&ticket, "alice")
            .send()
            .await
            .is_err()
    );

    let denied = client
        .authorization()
        .process(pkce_request("openid"))
        .send()
        .await
        .expect("process");
    let failed = client
        .authorization()
        .fail(
            denied.ticket().expect("ticket"),
            AuthorizationFailReason::Denied,
        )
        .send()
        .await
        .expect("fail");
    assert_eq!(
        query(failed.response_content().expect("location"))["error"],
        "access_denied"
    );
}

#[tokio::test]
async fn an_untrusted_redirect_uri_is_never_used() {
    let (_mock, client) = start().await;
    for parameters in [
        "response_type=code&client_id=nobody&redirect_uri=https://app.example/cb".to_owned(),
        format!("response_type=code&client_id={WEB}&redirect_uri=https://evil.example/cb"),
        // Two registered: the request must say which.
        format!("response_type=code&client_id={WEB}&code_challenge={CHALLENGE}"),
    ] {
        let refused = client
            .authorization()
            .process(&parameters)
            .send()
            .await
            .expect("process");
        assert_eq!(
            refused.action(),
            Some(AuthorizationAction::BadRequest),
            "{parameters}"
        );
        assert_eq!(
            content(refused.response_content())["error"],
            "invalid_request"
        );
        assert!(refused.ticket().is_none());
        let http = refused.into_http_response();
        assert_eq!(http.status(), 400);
        assert!(http.headers().get("location").is_none());
    }
    let refused = client
        .authorization()
        .process(format!(
            "response_type=code+device&client_id={WEB}&redirect_uri={CALLBACK}&state=s"
        ))
        .send()
        .await
        .expect("process");
    assert_eq!(refused.action(), Some(AuthorizationAction::Location));
    let params = query(refused.response_content().expect("location"));
    assert_eq!(params["error"], "unsupported_response_type");
    assert_eq!(params["state"], "s");
    // A response type the mock offers, but the client did not register:
    // refused in the fragment, where that response type answers.
    let refused = client
        .authorization()
        .process(format!(
            "response_type=token&client_id={WEB}&redirect_uri={CALLBACK}&state=s"
        ))
        .send()
        .await
        .expect("process");
    assert_eq!(refused.action(), Some(AuthorizationAction::Location));
    let location = refused.response_content().expect("location");
    let fragment = location.split_once('#').expect("a fragment").1;
    let params: HashMap<String, String> = url::form_urlencoded::parse(fragment.as_bytes())
        .into_owned()
        .collect();
    assert_eq!(params["error"], "unauthorized_client");
    assert_eq!(params["state"], "s");
}

#[tokio::test]
async fn form_post_answers_with_an_auto_posting_form() {
    let (_mock, client) = start().await;
    let asked = client
        .authorization()
        .process(format!(
            "{}&response_mode=form_post",
            pkce_request("openid")
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
    assert_eq!(issued.action(), Some(AuthorizationIssueAction::Form));
    let page = issued.response_content().expect("form");
    let code = issued.authorization_code().expect("code");
    assert!(
        page.contains(&format!(r#"<form method="post" action="{CALLBACK}">"#)),
        "{page}"
    );
    assert!(page.contains(&format!(r#"name="code" value="{code}""#)));
    assert!(page.contains(r#"name="state" value="st-1""#));
    assert!(page.contains("document.forms[0].submit()"));
}

#[tokio::test]
async fn introspection_forgets_revoked_deleted_and_expired_tokens() {
    let (mock, client) = start().await;
    let (access, refresh) = tokens(&client, "openid").await;
    assert!(active(&client, &access).await);
    assert!(active(&client, &refresh).await);

    let wrong = client
        .revocation()
        .process(format!("token={access}"))
        .client_id(WEB)
        .client_secret("not-the-secret")
        .send()
        .await
        .expect("revocation");
    assert_eq!(wrong.action(), Some(RevocationAction::InvalidClient));
    assert!(
        active(&client, &access).await,
        "a refused revocation revokes nothing"
    );

    let revoked = client
        .revocation()
        .process(format!("token={refresh}&token_type_hint=refresh_token"))
        .client_id(WEB)
        .client_secret(WEB_SECRET)
        .send()
        .await
        .expect("revocation");
    assert_eq!(revoked.action(), Some(RevocationAction::Ok));
    assert!(revoked.response_content().is_none());
    let refused = introspect(&client, &access).await;
    assert_eq!(refused.action(), Some(IntrospectionAction::Unauthorized));
    assert!(
        refused
            .response_content()
            .is_some_and(|c| c.starts_with(r#"Bearer error="invalid_token""#))
    );
    assert!(!active(&client, &access).await);
    assert!(!active(&client, &refresh).await);

    let (access, _) = tokens(&client, "openid").await;
    client
        .tokens()
        .delete(&access)
        .send()
        .await
        .expect("delete");
    assert_eq!(
        introspect(&client, &access).await.action(),
        Some(IntrospectionAction::Unauthorized)
    );

    let (first, _) = tokens(&client, "openid").await;
    let (second, _) = tokens(&client, "openid").await;
    let revoked = client
        .tokens()
        .revoke()
        .subject("alice")
        .send()
        .await
        .expect("revoke");
    assert_eq!(revoked.count(), Some(2));
    for token in [first, second] {
        assert_eq!(
            introspect(&client, &token).await.action(),
            Some(IntrospectionAction::Unauthorized)
        );
    }

    let (access, _) = tokens(&client, "openid").await;
    mock.advance_clock(std::time::Duration::from_secs(3601));
    let expired = introspect(&client, &access).await;
    assert_eq!(expired.action(), Some(IntrospectionAction::Unauthorized));
    assert!(
        expired
            .response_content()
            .is_some_and(|c| c.contains("expired"))
    );

    let empty = introspect(&client, "").await;
    assert_eq!(empty.action(), Some(IntrospectionAction::BadRequest));
    assert!(
        empty
            .response_content()
            .is_some_and(|c| c.starts_with(r#"Bearer error="invalid_request""#))
    );
}

#[tokio::test]
async fn missing_scopes_or_another_subject_are_forbidden() {
    let (_mock, client) = start().await;
    let (access, _) = tokens(&client, "openid+profile").await;
    let enough = client
        .introspection()
        .process(&access)
        .scopes(["profile"])
        .subject("alice")
        .send()
        .await
        .expect("introspection");
    assert_eq!(enough.action(), Some(IntrospectionAction::Ok));
    let short = client
        .introspection()
        .process(&access)
        .scopes(["profile", "email"])
        .send()
        .await
        .expect("introspection");
    assert_eq!(short.action(), Some(IntrospectionAction::Forbidden));
    let challenge = short.response_content().expect("challenge");
    assert!(
        challenge.starts_with(r#"Bearer error="insufficient_scope""#),
        "{challenge}"
    );
    assert!(
        challenge.ends_with(r#"scope="profile email""#),
        "{challenge}"
    );
    let someone_else = client
        .introspection()
        .process(&access)
        .subject("mallory")
        .send()
        .await
        .expect("introspection");
    assert_eq!(someone_else.action(), Some(IntrospectionAction::Forbidden));
}

#[tokio::test]
async fn a_pushed_request_is_used_once_by_its_own_client() {
    let (_mock, client) = start().await;
    let parameters = format!(
        "response_type=code&redirect_uri={CALLBACK}&scope=openid&state=par-state\
         &code_challenge={CHALLENGE}&code_challenge_method=S256"
    );
    let unauthenticated = client
        .pushed_authorization()
        .process(&parameters)
        .client_id(WEB)
        .client_secret("wrong")
        .send()
        .await
        .expect("PAR");
    assert_eq!(
        unauthenticated.action(),
        Some(PushedAuthorizationAction::Unauthorized)
    );
    let bad = client
        .pushed_authorization()
        .process(parameters.replace(CALLBACK, "https://evil.example/cb"))
        .client_id(WEB)
        .client_secret(WEB_SECRET)
        .send()
        .await
        .expect("PAR");
    assert_eq!(bad.action(), Some(PushedAuthorizationAction::BadRequest));

    let pushed = client
        .pushed_authorization()
        .process(&parameters)
        .client_id(WEB)
        .client_secret(WEB_SECRET)
        .send()
        .await
        .expect("PAR");
    assert_eq!(pushed.action(), Some(PushedAuthorizationAction::Created));
    let request_uri = pushed.request_uri().expect("request_uri").to_owned();
    assert!(request_uri.starts_with("urn:ietf:params:oauth:request_uri:"));
    let body = content(pushed.response_content());
    assert_eq!(body["request_uri"], request_uri.as_str());
    assert_eq!(body["expires_in"], 600);

    let front_channel = |client_id: &str| {
        let url_encoded: String =
            url::form_urlencoded::byte_serialize(request_uri.as_bytes()).collect();
        client
            .authorization()
            .process(format!("client_id={client_id}&request_uri={url_encoded}"))
            .send()
    };
    // Another client cannot use it, nor use it up.
    let stolen = front_channel(SPA).await.expect("process");
    assert_eq!(stolen.action(), Some(AuthorizationAction::BadRequest));

    let asked = front_channel(WEB).await.expect("process");
    assert_eq!(asked.action(), Some(AuthorizationAction::Interaction));
    let scopes: Vec<_> = asked
        .scopes()
        .iter()
        .filter_map(|s| s.name.as_deref())
        .collect();
    assert_eq!(scopes, ["openid"]);
    let issued = client
        .authorization()
        .issue(asked.ticket().expect("ticket"), "alice")
        .send()
        .await
        .expect("issue");
    let params = query(issued.response_content().expect("location"));
    assert_eq!(params["state"], "par-state");
    let token = exchange(
        &client,
        &params["code"],
        &format!("&redirect_uri={CALLBACK}&code_verifier={VERIFIER}"),
    )
    .await;
    assert_eq!(token.action(), Some(TokenAction::Ok));

    let again = front_channel(WEB).await.expect("process");
    assert_eq!(again.action(), Some(AuthorizationAction::BadRequest));
    assert!(again.ticket().is_none());
}

#[tokio::test]
async fn userinfo_serves_the_end_user_of_an_openid_token() {
    let (_mock, client) = start().await;
    let (access, _) = tokens(&client, "openid+email").await;
    let asked = client
        .userinfo()
        .process(&access)
        .send()
        .await
        .expect("userinfo");
    assert_eq!(asked.action(), Some(UserInfoAction::Ok));
    assert_eq!(asked.subject(), Some("alice"));
    assert_eq!(asked.scopes(), ["openid", "email"]);
    assert!(asked.client_id().is_some());
    let token = asked.token().expect("token").to_owned();
    assert_eq!(token, access);
    let issued = client
        .userinfo()
        .issue(&token)
        .claims(r#"{"email":"alice@example.com","sub":"not-alice"}"#)
        .send()
        .await
        .expect("userinfo issue");
    assert_eq!(issued.action(), Some(UserInfoIssueAction::Json));
    assert_eq!(
        content(issued.response_content()),
        json!({"email": "alice@example.com", "sub": "alice"})
    );

    let (without_openid, _) = tokens(&client, "email").await;
    let forbidden = client
        .userinfo()
        .process(&without_openid)
        .send()
        .await
        .expect("userinfo");
    assert_eq!(forbidden.action(), Some(UserInfoAction::Forbidden));
    let unknown = client
        .userinfo()
        .process("no-such-token")
        .send()
        .await
        .expect("userinfo");
    assert_eq!(unknown.action(), Some(UserInfoAction::Unauthorized));
    assert!(
        unknown
            .response_content()
            .is_some_and(|c| c.starts_with(r#"Bearer error="invalid_token""#))
    );
    let unissued = client
        .userinfo()
        .issue("no-such-token")
        .send()
        .await
        .expect("issue");
    assert_eq!(unissued.action(), Some(UserInfoIssueAction::Unauthorized));
}

#[tokio::test]
async fn discovery_and_jwks_describe_the_configured_issuer() {
    let (mock, client) = start().await;
    assert_eq!(mock.issuer(), DEFAULT_MOCK_ISSUER);
    mock.set_issuer("https://as.example.com/");
    let metadata = client
        .service()
        .configuration()
        .send()
        .await
        .expect("discovery");
    assert_eq!(metadata["issuer"], "https://as.example.com");
    for endpoint in [
        "authorization_endpoint",
        "token_endpoint",
        "userinfo_endpoint",
        "jwks_uri",
        "introspection_endpoint",
        "revocation_endpoint",
        "pushed_authorization_request_endpoint",
    ] {
        let url = metadata[endpoint].as_str().expect(endpoint);
        assert!(
            url.starts_with("https://as.example.com/"),
            "{endpoint}: {url}"
        );
    }
    assert_eq!(
        metadata["response_types_supported"],
        json!([
            "code",
            "id_token",
            "token",
            "code id_token",
            "code token",
            "id_token token",
            "code id_token token"
        ])
    );
    assert_eq!(
        metadata["id_token_signing_alg_values_supported"],
        json!(["RS256", "ES256", "PS256"]),
        "RS256 first, and no none until a client registers it"
    );
    assert_eq!(
        metadata["code_challenge_methods_supported"],
        json!(["S256", "plain"])
    );

    let jwks = client.service().jwks().send().await.expect("JWKS");
    let algs: Vec<_> = jwks.keys().iter().map(|k| k["alg"].clone()).collect();
    assert_eq!(algs, [json!("RS256"), json!("ES256"), json!("PS256")]);
    for key in jwks.keys() {
        assert_eq!(key["use"], "sig");
        assert!(key["kid"].as_str().is_some_and(|k| !k.is_empty()));
        for private in ["d", "p", "q", "dp", "dq", "qi"] {
            assert!(key.get(private).is_none(), "no private part ({private})");
        }
    }
    let ec = &jwks.keys()[1];
    assert_eq!(ec["kty"], "EC");
    assert_eq!(ec["crv"], "P-256");
    for coordinate in ["x", "y"] {
        let bytes = URL_SAFE_NO_PAD
            .decode(ec[coordinate].as_str().expect(coordinate))
            .expect("base64url");
        assert_eq!(bytes.len(), 32, "{coordinate}");
    }
    let rsa = &jwks.keys()[0];
    assert_eq!(rsa["kty"], "RSA");
    let modulus = URL_SAFE_NO_PAD
        .decode(rsa["n"].as_str().expect("n"))
        .expect("base64url");
    assert_eq!(modulus.len(), 256, "RSA 2048");

    // The issuer follows into the authorization response.
    let code_location = {
        let asked = client
            .authorization()
            .process(pkce_request("openid"))
            .send()
            .await
            .expect("process");
        let issued = client
            .authorization()
            .issue(asked.ticket().expect("ticket"), "alice")
            .send()
            .await
            .expect("issue");
        issued.response_content().expect("location").to_owned()
    };
    assert_eq!(query(&code_location)["iss"], "https://as.example.com");
}

#[tokio::test]
async fn debug_output_shows_no_secret_code_or_token() {
    let (mock, client) = start().await;
    let (access, refresh) = tokens(&client, "openid").await;
    let shown = format!(
        "{mock:?} {:?} {:?}",
        mock.requests(),
        MockClient::new("c").secret(WEB_SECRET)
    );
    for secret in [WEB_SECRET, &access, &refresh, VERIFIER] {
        assert!(!shown.contains(secret), "{secret} shown");
    }
}

/// The stand-in's grants (FAPI Grant Management): `replace` narrows a
/// grant to the new request's scopes; another user's approval never
/// touches alice's grant; `/gm` refuses what Authlete refuses.
#[tokio::test]
async fn grants_are_created_replaced_and_kept_apart_per_user() {
    use authlete::{GrantManagementAction, GrantManagementResponseAction};

    let (_mock, client) = start().await;
    let extra = format!("&redirect_uri={CALLBACK}&code_verifier={VERIFIER}");
    let exchange_for = |parameters: String, subject: &'static str| {
        let (client, extra) = (&client, &extra);
        async move {
            let code = code(client, &parameters, subject).await;
            let issued = exchange(client, &code, extra).await;
            assert_eq!(issued.action(), Some(TokenAction::Ok));
            let grant_id = issued.grant_id().map(str::to_owned);
            assert_eq!(
                content(issued.response_content())["grant_id"].as_str(),
                grant_id.as_deref(),
                "the token response names the grant"
            );
            grant_id
        }
    };
    let created = exchange_for(
        format!(
            "{}&grant_management_action=create",
            pkce_request("openid+email+profile")
        ),
        "alice",
    )
    .await
    .expect("a grant");
    let (manager, _) = tokens(&client, "grant_management_query").await;
    let gm_query = |token: String, grant: String| {
        let client = &client;
        async move {
            client
                .grant_management()
                .process(GrantManagementAction::Query, grant, token)
                .send()
                .await
                .expect("gm")
        }
    };
    let scopes_of = |answer: &authlete::grant_management::GrantManagementResponse| {
        content(answer.response_content())["scopes"][0]["scope"].clone()
    };
    let read = gm_query(manager.clone(), created.clone()).await;
    assert_eq!(read.action(), Some(GrantManagementResponseAction::Ok));
    assert_eq!(scopes_of(&read), "openid email profile");

    let replaced = exchange_for(
        format!(
            "{}&grant_management_action=replace&grant_id={created}",
            pkce_request("openid")
        ),
        "alice",
    )
    .await;
    assert_eq!(replaced.as_deref(), Some(created.as_str()));
    assert_eq!(
        scopes_of(&gm_query(manager.clone(), created.clone()).await),
        "openid"
    );

    // Bob approving a merge into alice's grant gets a grant of his own.
    let bobs = exchange_for(
        format!(
            "{}&grant_management_action=merge&grant_id={created}",
            pkce_request("email")
        ),
        "bob",
    )
    .await
    .expect("a grant");
    assert_ne!(bobs, created);
    assert_eq!(
        scopes_of(&gm_query(manager.clone(), created.clone()).await),
        "openid"
    );

    // Refusals: no such grant, a token without the scope, no token.
    let unknown = gm_query(manager.clone(), "no-such-grant".into()).await;
    assert_eq!(
        unknown.action(),
        Some(GrantManagementResponseAction::NotFound)
    );
    let (plain, _) = tokens(&client, "openid").await;
    let forbidden = gm_query(plain, created.clone()).await;
    assert_eq!(
        forbidden.action(),
        Some(GrantManagementResponseAction::Forbidden)
    );
    let unauthorized = gm_query("not-a-token".into(), created.clone()).await;
    assert_eq!(
        unauthorized.action(),
        Some(GrantManagementResponseAction::Unauthorized)
    );
    let revoke_without_scope = client
        .grant_management()
        .process(
            GrantManagementAction::Revoke,
            created.clone(),
            manager.clone(),
        )
        .send()
        .await
        .expect("gm");
    assert_eq!(
        revoke_without_scope.action(),
        Some(GrantManagementResponseAction::Forbidden),
        "revoking needs grant_management_revoke"
    );
    let create_at_gm = client
        .grant_management()
        .process(GrantManagementAction::Create, created.clone(), manager)
        .send()
        .await
        .expect("gm");
    assert_eq!(
        create_at_gm.action(),
        Some(GrantManagementResponseAction::CallerError)
    );

    // A merge without a grant_id, or an unknown action, is refused at once.
    let refused = client
        .authorization()
        .process(format!(
            "{}&grant_management_action=merge",
            pkce_request("openid")
        ))
        .send()
        .await
        .expect("process");
    assert_eq!(refused.action(), Some(AuthorizationAction::Location));
    assert_eq!(
        query(refused.response_content().expect("location"))["error"],
        "invalid_request"
    );
}
