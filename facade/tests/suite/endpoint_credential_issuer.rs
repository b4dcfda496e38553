//! `CredentialIssuerEndpoint`: the public documents and the credential
//! endpoint, with the delegate's decision reaching `/vci/single/issue`.
//! The stand-in does not make credentials, so `/vci/*` answers are scripted.

use authlete::endpoint::credential_issuer::{
    CredentialDecision, CredentialDelegate, CredentialIssuerEndpoint,
};
use authlete::model::CredentialRequestInfo;
use authlete::operations::credential_issuer::{ISSUE_SINGLE, METADATA, PARSE_SINGLE};
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
