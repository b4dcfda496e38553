//! `UserInfoEndpoint`: where the token comes from, what reaches
//! `/auth/userinfo` and `/auth/userinfo/issue`, and the answer to each
//! action.

use std::sync::{Arc, Mutex};

use authlete::endpoint::ClientCertificate;
use authlete::endpoint::userinfo::{UserInfoDelegate, UserInfoEndpoint};
use authlete::operations::userinfo::{ISSUE, PROCESS};
use authlete::testing::{MockAuthlete, MockReply};
use serde_json::{Map, Value, json};

const TOKEN: &str = "AT-Kx72-never-logged";

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

/// A subject and the claim names asked for it.
type Question = (String, Vec<String>);

/// A directory with one user; remembers what it was asked.
#[derive(Clone, Default)]
struct Directory {
    asked: Arc<Mutex<Vec<Question>>>,
}

impl UserInfoDelegate for Directory {
    async fn claims(&self, subject: &str, claims: &[String]) -> Map<String, Value> {
        self.asked
            .lock()
            .expect("lock")
            .push((subject.to_owned(), claims.to_vec()));
        let mut values = Map::new();
        if subject == "user-1001" && claims.iter().any(|c| c == "name") {
            values.insert("name".into(), json!("John Smith"));
        }
        values
    }
}

async fn start() -> (MockAuthlete, UserInfoEndpoint<Directory>) {
    let authlete = MockAuthlete::start().await.expect("mock");
    let endpoint = UserInfoEndpoint::new(authlete.client().expect("client"), Directory::default());
    (authlete, endpoint)
}

fn bearer() -> http::Request<Vec<u8>> {
    http::Request::get("/userinfo")
        .header("authorization", format!("Bearer {TOKEN}"))
        .body(Vec::new())
        .expect("request")
}

fn ok(claims: Value, nonce: Option<&str>) -> MockReply {
    let mut body =
        json!({"action": "OK", "subject": "user-1001", "token": TOKEN, "claims": claims});
    if let Some(nonce) = nonce {
        body["dpopNonce"] = json!(nonce);
    }
    MockReply::json(200, body)
}

fn issued(action: &str, content: &str) -> MockReply {
    MockReply::json(200, json!({"action": action, "responseContent": content}))
}

#[tokio::test]
async fn a_bearer_get_is_checked_then_answered_with_the_users_claims() {
    let (authlete, endpoint) = start().await;
    authlete.script(&PROCESS, ok(json!(["name", "email"]), None));
    let claims = r#"{"sub":"user-1001","name":"John Smith"}"#;
    authlete.script(&ISSUE, issued("JSON", claims));
    let r = endpoint.handle(bearer()).await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "content-type"), "application/json;charset=UTF-8");
    assert_eq!(r.body(), claims);
    assert!(r.headers().get("www-authenticate").is_none());
    assert_no_store(&r);

    assert_eq!(
        authlete.requests_to(&PROCESS)[0].json(),
        json!({"token": TOKEN, "htm": "GET"})
    );
    assert_eq!(
        *endpoint.delegate().asked.lock().expect("lock"),
        [(
            "user-1001".to_owned(),
            vec!["name".to_owned(), "email".to_owned()]
        )]
    );
    let sent = authlete.requests_to(&ISSUE);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].json(),
        json!({"token": TOKEN, "claims": r#"{"name":"John Smith"}"#})
    );
}

#[tokio::test]
async fn a_jwt_answer_keeps_its_type_and_the_nonce_of_the_check() {
    let (authlete, endpoint) = start().await;
    authlete.script(&PROCESS, ok(json!(["name"]), Some("nonce-1")));
    let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEwMDEifQ.sig";
    authlete.script(&ISSUE, issued("JWT", jwt));
    let r = endpoint.handle(bearer()).await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "content-type"), "application/jwt");
    assert_eq!(r.body(), jwt);
    assert_eq!(header(&r, "dpop-nonce"), "nonce-1");
    assert_no_store(&r);
}

#[tokio::test]
async fn no_claims_to_give_sends_none() {
    let (authlete, endpoint) = start().await;
    authlete.script(&PROCESS, ok(json!([]), None));
    authlete.script(&ISSUE, issued("JSON", r#"{"sub":"user-1001"}"#));
    endpoint.handle(bearer()).await;
    assert_eq!(
        authlete.requests_to(&ISSUE)[0].json(),
        json!({"token": TOKEN})
    );
}

#[tokio::test]
async fn a_dpop_post_forwards_proof_method_url_and_certificate() {
    let (authlete, endpoint) = start().await;
    let endpoint = endpoint.endpoint_url("https://as.example.com/userinfo");
    authlete.script(&PROCESS, ok(json!([]), None));
    authlete.script(&ISSUE, issued("JSON", r#"{"sub":"user-1001"}"#));
    let mut request = http::Request::post("/userinfo")
        .header("authorization", format!("DPoP {TOKEN}"))
        .header("dpop", "dpop-proof")
        .body(Vec::new())
        .expect("request");
    request
        .extensions_mut()
        .insert(ClientCertificate("-----BEGIN CERTIFICATE-----".into()));
    assert_eq!(endpoint.handle(request).await.status(), 200);
    assert_eq!(
        authlete.requests_to(&PROCESS)[0].json(),
        json!({
            "token": TOKEN,
            "dpop": "dpop-proof",
            "htm": "POST",
            "htu": "https://as.example.com/userinfo",
            "clientCertificate": "-----BEGIN CERTIFICATE-----",
        })
    );
}

#[tokio::test]
async fn a_form_body_token_is_read() {
    let (authlete, endpoint) = start().await;
    authlete.script(&PROCESS, ok(json!([]), None));
    authlete.script(&ISSUE, issued("JSON", r#"{"sub":"user-1001"}"#));
    let request = http::Request::post("/userinfo")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("access_token={TOKEN}").into_bytes())
        .expect("request");
    assert_eq!(endpoint.handle(request).await.status(), 200);
    assert_eq!(authlete.requests_to(&PROCESS)[0].json()["token"], TOKEN);
}

#[tokio::test]
async fn a_token_that_does_not_let_the_client_through_gets_authletes_challenge() {
    for (action, status) in [
        ("BAD_REQUEST", 400),
        ("UNAUTHORIZED", 401),
        ("FORBIDDEN", 403),
        ("INTERNAL_SERVER_ERROR", 500),
    ] {
        let (authlete, endpoint) = start().await;
        let challenge =
            format!(r#"DPoP error="invalid_token",error_description="[A{status}] x",algs="ES256""#);
        authlete.script(
            &PROCESS,
            MockReply::json(
                200,
                json!({"action": action, "responseContent": challenge, "dpopNonce": "nonce-2"}),
            ),
        );
        let r = endpoint.handle(bearer()).await;
        assert_eq!(r.status(), status, "{action}");
        assert_eq!(header(&r, "www-authenticate"), challenge);
        assert_eq!(header(&r, "dpop-nonce"), "nonce-2");
        assert_eq!(r.body(), "");
        assert_eq!(header(&r, "content-type"), "");
        assert_no_store(&r);
        assert!(authlete.requests_to(&ISSUE).is_empty());
        assert!(endpoint.delegate().asked.lock().expect("lock").is_empty());
    }
}

#[tokio::test]
async fn issue_errors_get_their_challenge_too() {
    let (authlete, endpoint) = start().await;
    authlete.script(&PROCESS, ok(json!([]), Some("nonce-3")));
    let challenge = r#"Bearer error="invalid_token",error_description="[A091301] expired""#;
    authlete.script(&ISSUE, issued("UNAUTHORIZED", challenge));
    let r = endpoint.handle(bearer()).await;
    assert_eq!(r.status(), 401);
    assert_eq!(header(&r, "www-authenticate"), challenge);
    assert_eq!(header(&r, "dpop-nonce"), "nonce-3");
}

#[tokio::test]
async fn unknown_actions_and_outages_are_a_500_that_shows_nothing() {
    let cases = [
        (
            MockReply::json(
                200,
                json!({"action": "SOMETHING_NEWER", "responseContent": "RC-secret"}),
            ),
            None,
        ),
        (
            MockReply::json(200, json!({"action": "OK", "token": TOKEN})),
            None,
        ),
        (MockReply::DropConnection, None),
        (
            ok(json!([]), None),
            Some(MockReply::json(
                200,
                json!({"action": "SOMETHING_NEWER", "responseContent": "RC-secret"}),
            )),
        ),
        (
            ok(json!([]), None),
            Some(MockReply::error(500, "A001101", "x")),
        ),
    ];
    for (process, issue) in cases {
        let (authlete, endpoint) = start().await;
        authlete.script(&PROCESS, process);
        if let Some(issue) = issue {
            authlete.script(&ISSUE, issue);
        }
        let r = endpoint.handle(bearer()).await;
        assert_eq!(r.status(), 500);
        assert_eq!(r.body(), r#"{"error":"server_error"}"#);
        assert!(r.headers().get("www-authenticate").is_none());
        assert_no_store(&r);
    }
}

#[tokio::test]
async fn requests_without_one_clear_token_never_reach_authlete() {
    let (authlete, endpoint) = start().await;
    let r = endpoint
        .handle(
            http::Request::get("/userinfo")
                .body(Vec::new())
                .expect("request"),
        )
        .await;
    // RFC 6750 §3.1: no credentials, no error code.
    assert_eq!(r.status(), 401);
    assert_eq!(header(&r, "www-authenticate"), "Bearer");
    assert_no_store(&r);

    let both = http::Request::post("/userinfo")
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("access_token={TOKEN}").into_bytes())
        .expect("request");
    let r = endpoint.handle(both).await;
    assert_eq!(r.status(), 400);
    assert_eq!(
        header(&r, "www-authenticate"),
        r#"Bearer error="invalid_request""#
    );

    let two_proofs = http::Request::get("/userinfo")
        .header("authorization", format!("DPoP {TOKEN}"))
        .header("dpop", "one")
        .header("dpop", "two")
        .body(Vec::new())
        .expect("request");
    let r = endpoint.handle(two_proofs).await;
    assert_eq!(r.status(), 401);
    assert_eq!(
        header(&r, "www-authenticate"),
        r#"DPoP error="invalid_dpop_proof""#
    );

    let put = http::Request::put("/userinfo")
        .body(Vec::new())
        .expect("request");
    let r = endpoint.handle(put).await;
    assert_eq!(r.status(), 405);
    assert_eq!(header(&r, "allow"), "GET, POST");
    assert!(authlete.requests().is_empty());
}
