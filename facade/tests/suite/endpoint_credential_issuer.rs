//! `CredentialIssuerEndpoint`: the public documents, the credential, batch
//! and deferred credential endpoints with the delegate's decision reaching
//! Authlete's issue calls, and credential offers by reference. Most tests
//! script Authlete's answers to reach every action; the last runs against
//! the stand-in's own state, as the offer test does.

use authlete::endpoint::credential_issuer::{
    CredentialDecision, CredentialDelegate, CredentialIssuerEndpoint,
};
use authlete::model::CredentialRequestInfo;
use authlete::operations::credential_issuer::{
    ISSUE_BATCH, ISSUE_DEFERRED, ISSUE_SINGLE, METADATA, PARSE_BATCH, PARSE_DEFERRED, PARSE_SINGLE,
};
use authlete::testing::{MockAuthlete, MockClient, MockReply};
use serde_json::json;

/// Issues a name credential to alice, and defers everyone else's.
struct Names;

impl CredentialDelegate for Names {
    async fn credential(
        &self,
        subject: Option<&str>,
        request: &CredentialRequestInfo,
    ) -> CredentialDecision {
        match (subject, request.format.as_deref()) {
            (Some("alice"), Some("jwt_vc_json")) => {
                let mut claims = serde_json::Map::new();
                claims.insert("given_name".into(), json!("Alice"));
                CredentialDecision::Issue(claims)
            }
            _ => CredentialDecision::Defer,
        }
    }
}

fn parse_ok() -> MockReply {
    MockReply::json(
        200,
        json!({"action": "OK", "info": {"identifier": "req-1", "format": "jwt_vc_json"}}),
    )
}

fn credential_request(token: &str) -> http::Request<&'static str> {
    http::Request::post("/credential")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(r#"{"format":"jwt_vc_json"}"#)
        .expect("request")
}

#[tokio::test]
async fn the_delegate_decides_what_the_credential_holds_or_defers_it() {
    let authlete = MockAuthlete::start().await.expect("mock");
    authlete.register(MockClient::new("wallet"));
    let client = authlete.client().expect("client");
    let made = client
        .tokens()
        .create(authlete::GrantType::AuthorizationCode)
        .client_identifier("wallet")
        .subject("alice")
        .send()
        .await
        .expect("a token for alice");
    let alice_token = made.access_token().expect("a token").to_owned();
    let endpoint = CredentialIssuerEndpoint::new(client, Names);

    authlete.script(&PARSE_SINGLE, parse_ok());
    authlete.script(
        &ISSUE_SINGLE,
        MockReply::json(
            200,
            json!({"action": "OK", "responseContent": r#"{"credential":"eyJ..."}"#}),
        ),
    );
    let issued = endpoint.credential(credential_request(&alice_token)).await;
    assert_eq!(issued.status(), 200, "{}", issued.body());
    assert_eq!(issued.body(), r#"{"credential":"eyJ..."}"#);
    let sent = authlete.requests_to(&ISSUE_SINGLE)[0].json();
    assert_eq!(sent["accessToken"], alice_token.as_str());
    assert_eq!(sent["order"]["requestIdentifier"], "req-1");
    assert_eq!(
        sent["order"]["credentialPayload"],
        r#"{"given_name":"Alice"}"#
    );
    assert_eq!(
        authlete.requests_to(&PARSE_SINGLE)[0].json()["requestContent"],
        r#"{"format":"jwt_vc_json"}"#
    );

    // Someone the delegate does not know yet: deferred, 202.
    authlete.script(&PARSE_SINGLE, parse_ok());
    authlete.script(
        &ISSUE_SINGLE,
        MockReply::json(
            200,
            json!({"action": "ACCEPTED", "responseContent": r#"{"transaction_id":"tx-1"}"#}),
        ),
    );
    let deferred = endpoint
        .credential(credential_request("unknown-token"))
        .await;
    assert_eq!(deferred.status(), 202);
    assert_eq!(
        authlete.requests_to(&ISSUE_SINGLE)[1].json()["order"]["issuanceDeferred"],
        true
    );
}

#[tokio::test]
async fn refusals_and_documents() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let endpoint = CredentialIssuerEndpoint::new(authlete.client().expect("client"), Names);

    let bare = http::Request::post("/credential")
        .body("{}")
        .expect("request");
    let bare = endpoint.credential(bare).await;
    assert_eq!(bare.status(), 401);
    assert_eq!(bare.headers()["www-authenticate"], "Bearer");
    assert!(authlete.requests_to(&PARSE_SINGLE).is_empty());

    authlete.script(
        &PARSE_SINGLE,
        MockReply::json(
            200,
            json!({"action": "UNAUTHORIZED", "responseContent": "Bearer error=\"invalid_token\""}),
        ),
    );
    let expired = endpoint.credential(credential_request("expired")).await;
    assert_eq!(expired.status(), 401);
    assert_eq!(
        expired.headers()["www-authenticate"],
        "Bearer error=\"invalid_token\""
    );
    assert!(
        authlete.requests_to(&ISSUE_SINGLE).is_empty(),
        "nothing issued"
    );

    let get = || {
        http::Request::get("/.well-known/openid-credential-issuer")
            .body(())
            .expect("request")
    };
    authlete.script(
        &METADATA,
        MockReply::json(200, json!({"action": "OK", "responseContent": r#"{"credential_issuer":"https://vc.example"}"#})),
    );
    let metadata = endpoint.metadata(get()).await;
    assert_eq!(metadata.status(), 200);
    assert_eq!(metadata.headers()["cache-control"], "public, max-age=300");
    assert!(metadata.body().contains("credential_issuer"));
    authlete.script(
        &METADATA,
        MockReply::json(200, json!({"action": "NOT_FOUND"})),
    );
    assert_eq!(endpoint.metadata(get()).await.status(), 404);
    let post = http::Request::post("/.well-known/openid-credential-issuer")
        .body(())
        .expect("request");
    assert_eq!(endpoint.metadata(post).await.status(), 405);
}

/// The parse answers do not name the token's user, so the endpoint asks
/// introspection; when Authlete cannot answer that, the wallet gets a 500
/// and nothing is issued or deferred in alice's name as if she were nobody.
#[tokio::test]
async fn a_failed_introspection_is_a_500_not_a_credential_for_nobody() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let (token, endpoint) = alice_and_endpoint(&authlete).await;
    authlete.script(&PARSE_SINGLE, parse_ok());
    authlete.script(
        &authlete::operations::introspection::PROCESS,
        MockReply::error(400, "A001201", "the introspection call was refused"),
    );
    let answer = endpoint.credential(post("/credential", &token, "{}")).await;
    assert_eq!(answer.status(), 500, "{}", answer.body());
    assert!(
        authlete.requests_to(&ISSUE_SINGLE).is_empty(),
        "no order was sent"
    );

    // With introspection answering again, alice gets her credential.
    authlete.script(&PARSE_SINGLE, parse_ok());
    let issued = endpoint.credential(post("/credential", &token, "{}")).await;
    let order = authlete.requests_to(&ISSUE_SINGLE)[0].json();
    assert_eq!(
        order["order"]["credentialPayload"],
        r#"{"given_name":"Alice"}"#,
        "{}",
        issued.body()
    );
}

/// A token for alice, from the stand-in, and the endpoint with `Names`.
async fn alice_and_endpoint(authlete: &MockAuthlete) -> (String, CredentialIssuerEndpoint<Names>) {
    authlete.register(MockClient::new("wallet"));
    let client = authlete.client().expect("client");
    let made = client
        .tokens()
        .create(authlete::GrantType::AuthorizationCode)
        .client_identifier("wallet")
        .subject("alice")
        .send()
        .await
        .expect("a token for alice");
    let token = made.access_token().expect("a token").to_owned();
    (token, CredentialIssuerEndpoint::new(client, Names))
}

fn post(path: &str, token: &str, body: impl Into<String>) -> http::Request<String> {
    http::Request::post(path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(body.into())
        .expect("request")
}

/// One order per credential the batch names, each as the delegate decided:
/// alice's `jwt_vc_json` issued, the `mso_mdoc` one deferred.
#[tokio::test]
async fn a_batch_asks_the_delegate_once_per_credential() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let (token, endpoint) = alice_and_endpoint(&authlete).await;
    authlete.script(
        &PARSE_BATCH,
        MockReply::json(
            200,
            json!({"action": "OK", "info": [
                {"identifier": "b-1", "format": "jwt_vc_json"},
                {"identifier": "b-2", "format": "mso_mdoc"},
            ]}),
        ),
    );
    let content = r#"{"credential_responses":[{"credential":"eyJ..."},{"transaction_id":"tx-2"}]}"#;
    authlete.script(
        &ISSUE_BATCH,
        MockReply::json(200, json!({"action": "OK", "responseContent": content})),
    );
    let body = r#"{"credential_requests":[{"format":"jwt_vc_json"},{"format":"mso_mdoc"}]}"#;
    let issued = endpoint
        .batch_credential(post("/batch_credential", &token, body))
        .await;
    assert_eq!(issued.status(), 200, "{}", issued.body());
    assert_eq!(issued.body(), content);
    assert_eq!(issued.headers()["cache-control"], "no-store");
    let parse = authlete.requests_to(&PARSE_BATCH)[0].json();
    assert_eq!(parse["requestContent"], body);
    assert_eq!(parse["accessToken"], token.as_str());
    let sent = authlete.requests_to(&ISSUE_BATCH)[0].json();
    assert_eq!(sent["accessToken"], token.as_str());
    let orders = sent["orders"].as_array().expect("orders");
    assert_eq!(orders.len(), 2, "{sent}");
    assert_eq!(orders[0]["requestIdentifier"], "b-1");
    assert_eq!(orders[0]["credentialPayload"], r#"{"given_name":"Alice"}"#);
    assert_eq!(orders[1]["requestIdentifier"], "b-2");
    assert_eq!(orders[1]["issuanceDeferred"], true);

    // Authlete's refusals reach the wallet as such; nothing is issued.
    for (action, status) in [
        ("BAD_REQUEST", 400),
        ("UNAUTHORIZED", 401),
        ("FORBIDDEN", 403),
        ("INTERNAL_SERVER_ERROR", 500),
    ] {
        authlete.script(
            &PARSE_BATCH,
            MockReply::json(
                200,
                json!({"action": action, "responseContent": "Bearer error=\"invalid_token\""}),
            ),
        );
        let refused = endpoint
            .batch_credential(post("/batch_credential", &token, body))
            .await;
        assert_eq!(refused.status(), status, "{action}");
    }
    assert_eq!(authlete.requests_to(&ISSUE_BATCH).len(), 1);
    for (action, status) in [
        ("UNAUTHORIZED", 401),
        ("FORBIDDEN", 403),
        ("CALLER_ERROR", 500),
    ] {
        authlete.script(
            &PARSE_BATCH,
            MockReply::json(200, json!({"action": "OK", "info": []})),
        );
        authlete.script(
            &ISSUE_BATCH,
            MockReply::json(200, json!({"action": action, "responseContent": "{}"})),
        );
        let refused = endpoint
            .batch_credential(post("/batch_credential", &token, body))
            .await;
        assert_eq!(refused.status(), status, "{action}");
    }
}

/// The deferred endpoint asks the delegate again: still deferred is 400
/// `issuance_pending` without an issue call; ready is issued.
#[tokio::test]
async fn a_deferred_credential_is_pending_until_the_delegate_issues_it() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let (token, endpoint) = alice_and_endpoint(&authlete).await;
    let body = r#"{"transaction_id":"tx-1"}"#;

    authlete.script(
        &PARSE_DEFERRED,
        MockReply::json(
            200,
            json!({"action": "OK", "info": {"identifier": "tx-1", "format": "mso_mdoc"}}),
        ),
    );
    let pending = endpoint
        .deferred_credential(post("/deferred_credential", &token, body))
        .await;
    assert_eq!(pending.status(), 400);
    let answer: serde_json::Value = serde_json::from_str(pending.body()).expect("JSON");
    assert_eq!(answer, json!({"error": "issuance_pending", "interval": 5}));
    assert!(
        authlete.requests_to(&ISSUE_DEFERRED).is_empty(),
        "the transaction stays open"
    );

    authlete.script(
        &PARSE_DEFERRED,
        MockReply::json(
            200,
            json!({"action": "OK", "info": {"identifier": "tx-1", "format": "jwt_vc_json"}}),
        ),
    );
    authlete.script(
        &ISSUE_DEFERRED,
        MockReply::json(
            200,
            json!({"action": "OK", "responseContent": r#"{"credential":"eyJ..."}"#}),
        ),
    );
    let issued = endpoint
        .deferred_credential(post("/deferred_credential", &token, body))
        .await;
    assert_eq!(issued.status(), 200, "{}", issued.body());
    assert_eq!(issued.body(), r#"{"credential":"eyJ..."}"#);
    let order = &authlete.requests_to(&ISSUE_DEFERRED)[0].json()["order"];
    assert_eq!(order["requestIdentifier"], "tx-1");
    assert_eq!(order["credentialPayload"], r#"{"given_name":"Alice"}"#);
    assert_eq!(
        authlete.requests_to(&PARSE_DEFERRED)[0].json()["requestContent"],
        body
    );

    authlete.script(&PARSE_DEFERRED, MockReply::json(200, json!({"action": "BAD_REQUEST", "responseContent": r#"{"error":"invalid_transaction_id"}"#})));
    let unknown = endpoint
        .deferred_credential(post("/deferred_credential", &token, body))
        .await;
    assert_eq!(unknown.status(), 400);
    assert!(unknown.body().contains("invalid_transaction_id"));
    authlete.script(&PARSE_DEFERRED, parse_deferred_ok());
    authlete.script(
        &ISSUE_DEFERRED,
        MockReply::json(
            200,
            json!({"action": "FORBIDDEN", "responseContent": r#"{"error":"access_denied"}"#}),
        ),
    );
    assert_eq!(
        endpoint
            .deferred_credential(post("/deferred_credential", &token, body))
            .await
            .status(),
        403
    );
    let get = http::Request::get("/deferred_credential")
        .body("")
        .expect("request");
    assert_eq!(endpoint.deferred_credential(get).await.status(), 405);
}

fn parse_deferred_ok() -> MockReply {
    MockReply::json(
        200,
        json!({"action": "OK", "info": {"identifier": "tx-1", "format": "jwt_vc_json"}}),
    )
}

/// An offer the stand-in keeps, served at its `credential_offer_uri`:
/// 200 with the offer and its pre-authorized code, never cached; an
/// unknown identifier 404.
#[tokio::test]
async fn a_credential_offer_is_served_by_reference() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let client = authlete.client().expect("client");
    let created = client
        .credential_issuer()
        .create_offer(["IdentityCredential"], "alice")
        .pre_authorized_code_grant_included(true)
        .send()
        .await
        .expect("an offer");
    let info = created.info().expect("the offer's info");
    let identifier = info.identifier.clone().expect("an identifier");
    let code = info
        .pre_authorized_code
        .clone()
        .expect("a pre-authorized code");
    let endpoint = CredentialIssuerEndpoint::new(client, Names);
    let get = |id: &str| {
        http::Request::get(format!("/credential-offer/{id}"))
            .body(())
            .expect("request")
    };

    let served = endpoint.offer(get(&identifier), &identifier).await;
    assert_eq!(served.status(), 200, "{}", served.body());
    assert_eq!(served.headers()["cache-control"], "no-store");
    let offer: serde_json::Value = serde_json::from_str(served.body()).expect("JSON");
    assert_eq!(
        offer["credential_configuration_ids"],
        json!(["IdentityCredential"])
    );
    assert_eq!(
        offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]["pre-authorized_code"],
        code.as_str()
    );

    let unknown = endpoint.offer(get("no-such-offer"), "no-such-offer").await;
    assert_eq!(unknown.status(), 404);
    let post = http::Request::post("/credential-offer/x")
        .body(())
        .expect("request");
    assert_eq!(endpoint.offer(post, &identifier).await.status(), 405);
}

/// Ready on the second asking: defers, then issues.
#[derive(Default)]
struct Later(std::sync::atomic::AtomicBool);

impl CredentialDelegate for &Later {
    async fn credential(
        &self,
        _subject: Option<&str>,
        _request: &CredentialRequestInfo,
    ) -> CredentialDecision {
        if self.0.swap(true, std::sync::atomic::Ordering::SeqCst) {
            let mut claims = serde_json::Map::new();
            claims.insert("given_name".into(), json!("Alice"));
            CredentialDecision::Issue(claims)
        } else {
            CredentialDecision::Defer
        }
    }
}

/// Against the stand-in's state, nothing scripted: deferred with a
/// `transaction_id`, then issued at the deferred endpoint once, after
/// which the transaction is settled.
#[tokio::test]
async fn a_deferred_credential_is_issued_once_the_delegate_is_ready() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let (token, _) = alice_and_endpoint(&authlete).await;
    let later = Later::default();
    let endpoint = CredentialIssuerEndpoint::new(authlete.client().expect("client"), &later);

    let accepted = endpoint
        .credential(post("/credential", &token, r#"{"format":"jwt_vc_json"}"#))
        .await;
    assert_eq!(accepted.status(), 202, "{}", accepted.body());
    let transaction: serde_json::Value = serde_json::from_str(accepted.body()).expect("JSON");
    let body = json!({"transaction_id": transaction["transaction_id"]}).to_string();
    let issued = endpoint
        .deferred_credential(post("/deferred_credential", &token, body.clone()))
        .await;
    assert_eq!(issued.status(), 200, "{}", issued.body());
    let credential: serde_json::Value = serde_json::from_str(issued.body()).expect("JSON");
    assert!(
        credential["credential"]
            .as_str()
            .is_some_and(|c| c.split('.').count() == 3)
    );
    let again = endpoint
        .deferred_credential(post("/deferred_credential", &token, body))
        .await;
    assert_eq!(again.status(), 400, "settled: {}", again.body());
    assert!(again.body().contains("invalid_transaction_id"));
}

/// Every other action of the deferred and offer calls reaches the wallet as
/// its status: Authlete's refusals as such, its own errors as 500.
#[tokio::test]
async fn every_deferred_and_offer_action_has_its_status() {
    use authlete::operations::credential_issuer::OFFER_INFO;

    let authlete = MockAuthlete::start().await.expect("mock");
    let (token, endpoint) = alice_and_endpoint(&authlete).await;
    let body = r#"{"transaction_id":"tx-1"}"#;
    for (action, status) in [
        ("UNAUTHORIZED", 401),
        ("FORBIDDEN", 403),
        ("INTERNAL_SERVER_ERROR", 500),
        ("SOMETHING_NEW", 500),
    ] {
        authlete.script(
            &PARSE_DEFERRED,
            MockReply::json(
                200,
                json!({"action": action, "responseContent": "Bearer error=\"invalid_token\""}),
            ),
        );
        let answer = endpoint
            .deferred_credential(post("/deferred_credential", &token, body))
            .await;
        assert_eq!(answer.status(), status, "parse {action}");
    }
    for action in ["INTERNAL_SERVER_ERROR", "CALLER_ERROR"] {
        authlete.script(&PARSE_DEFERRED, parse_deferred_ok());
        authlete.script(
            &ISSUE_DEFERRED,
            MockReply::json(
                200,
                json!({"action": action, "responseContent": "secret-content"}),
            ),
        );
        let answer = endpoint
            .deferred_credential(post("/deferred_credential", &token, body))
            .await;
        assert_eq!(answer.status(), 500, "issue {action}");
        assert!(
            !answer.body().contains("secret-content"),
            "Authlete's own error stays inside"
        );
    }
    let get = || {
        http::Request::get("/credential-offer/o-1")
            .body(())
            .expect("request")
    };
    for (action, status) in [
        ("FORBIDDEN", 403),
        ("NOT_FOUND", 404),
        ("CALLER_ERROR", 500),
        ("AUTHLETE_ERROR", 500),
    ] {
        authlete.script(&OFFER_INFO, MockReply::json(200, json!({"action": action})));
        assert_eq!(
            endpoint.offer(get(), "o-1").await.status(),
            status,
            "offer {action}"
        );
    }
}

/// A batch issue with one bad order is refused whole: the good request is
/// not spent, and a corrected batch issues both.
#[tokio::test]
async fn a_refused_batch_spends_nothing() {
    use authlete::model::CredentialIssuanceOrder;

    let authlete = MockAuthlete::start().await.expect("mock");
    let (token, _) = alice_and_endpoint(&authlete).await;
    let issuer = authlete.client().expect("client");
    let parsed = issuer
        .credential_issuer()
        .parse_batch(
            token.as_str(),
            r#"{"credential_requests":[{"format":"jwt_vc_json"},{"format":"jwt_vc_json"}]}"#,
        )
        .send()
        .await
        .expect("parse");
    let ids: Vec<String> = parsed
        .info()
        .iter()
        .map(|i| i.identifier.clone().expect("an identifier"))
        .collect();
    let order = |id: &str, payload: &str| CredentialIssuanceOrder {
        request_identifier: Some(id.to_owned()),
        credential_payload: Some(payload.to_owned()),
        ..Default::default()
    };
    let issue = |orders: Vec<CredentialIssuanceOrder>| {
        let (issuer, token) = (&issuer, &token);
        async move {
            issuer
                .credential_issuer()
                .issue_batch(token.as_str(), orders)
                .send()
                .await
                .expect("issue")
        }
    };
    let refused = issue(vec![
        order(&ids[0], r#"{"a":1}"#),
        order(&ids[1], "not json"),
    ])
    .await;
    assert_eq!(
        refused.action(),
        Some(authlete::BatchCredentialIssueAction::CallerError)
    );
    let twice = issue(vec![
        order(&ids[0], r#"{"a":1}"#),
        order(&ids[0], r#"{"a":1}"#),
    ])
    .await;
    assert_eq!(
        twice.action(),
        Some(authlete::BatchCredentialIssueAction::CallerError)
    );
    let issued = issue(vec![
        order(&ids[0], r#"{"a":1}"#),
        order(&ids[1], r#"{"b":2}"#),
    ])
    .await;
    assert_eq!(
        issued.action(),
        Some(authlete::BatchCredentialIssueAction::Ok)
    );
    let content: serde_json::Value =
        serde_json::from_str(issued.response_content().expect("content")).expect("JSON");
    assert_eq!(
        content["credential_responses"].as_array().map(Vec::len),
        Some(2)
    );
}
