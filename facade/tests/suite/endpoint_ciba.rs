//! `BackchannelEndpoint` against the stand-in's CIBA: the delegate's
//! identification, the answers the client gets, and the ping and push
//! notifications delivered to a real HTTP server.

use std::sync::Mutex;

use authlete::endpoint::ciba::{
    BackchannelDecision, BackchannelDelegate, BackchannelEndpoint, BackchannelRequest,
    BackchannelTicket, Completion,
};
use authlete::testing::{MockAuthlete, MockClient};
use authlete::{CibaFailReason, TokenAction};
use serde_json::Value;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::jwt_claims;

/// Knows one user, and remembers whose device it reached.
#[derive(Debug, Default)]
struct Users {
    started: Mutex<Vec<(BackchannelTicket, String, Option<String>)>>,
}

impl BackchannelDelegate for &Users {
    async fn identify(&self, request: &BackchannelRequest) -> Result<String, CibaFailReason> {
        match request.hint.as_deref() {
            Some("alice@example.com") => Ok("user-alice".into()),
            _ => Err(CibaFailReason::UnknownUserId),
        }
    }

    async fn start(
        &self,
        ticket: BackchannelTicket,
        subject: String,
        request: &BackchannelRequest,
    ) {
        let message = request.binding_message.clone();
        self.started
            .lock()
            .expect("not poisoned")
            .push((ticket, subject, message));
    }
}

fn post(basic: &str, body: &'static str) -> http::Request<&'static str> {
    http::Request::post("/bc-authorize")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", format!("Basic {basic}"))
        .body(body)
        .expect("request")
}

/// `call-centre:s3cret`
const CALL_CENTRE: &str = "Y2FsbC1jZW50cmU6czNjcmV0";

#[tokio::test]
async fn a_poll_client_gets_an_auth_req_id_then_tokens_once_the_user_approves() {
    let authlete = MockAuthlete::start().await.expect("mock");
    authlete.register(MockClient::new("call-centre").secret("s3cret"));
    let client = authlete.client().expect("client");
    let users = Users::default();
    let endpoint = BackchannelEndpoint::new(client.clone(), &users);

    let unknown = endpoint
        .handle(post(
            CALL_CENTRE,
            "scope=openid&login_hint=mallory%40example.com",
        ))
        .await;
    assert_eq!(unknown.status(), 400);
    assert!(
        unknown.body().contains("unknown_user_id"),
        "{}",
        unknown.body()
    );
    let wrong_secret = endpoint
        .handle(post(
            "Y2FsbC1jZW50cmU6bm8=",
            "scope=openid&login_hint=alice%40example.com",
        ))
        .await;
    assert_eq!(wrong_secret.status(), 401);
    assert_eq!(
        wrong_secret.headers()["www-authenticate"],
        "Basic realm=\"backchannel/authentication\""
    );
    assert!(users.started.lock().expect("not poisoned").is_empty());

    let accepted = endpoint
        .handle(post(
            CALL_CENTRE,
            "scope=openid&login_hint=alice%40example.com&binding_message=W4SCT",
        ))
        .await;
    assert_eq!(accepted.status(), 200, "{}", accepted.body());
    let answer: Value = serde_json::from_str(accepted.body()).expect("JSON");
    let auth_req_id = answer["auth_req_id"]
        .as_str()
        .expect("an auth_req_id")
        .to_owned();
    let (ticket, subject, message) = users.started.lock().expect("not poisoned").remove(0);
    assert_eq!(subject, "user-alice");
    assert_eq!(message.as_deref(), Some("W4SCT"));
    assert_eq!(format!("{ticket:?}"), "BackchannelTicket(..)");

    let poll =
        format!("grant_type=urn%3Aopenid%3Aparams%3Agrant-type%3Aciba&auth_req_id={auth_req_id}");
    let pending = client
        .tokens()
        .process(poll.clone())
        .client_id("call-centre")
        .client_secret("s3cret")
        .send()
        .await
        .expect("token call");
    assert!(
        pending
            .response_content()
            .is_some_and(|c| c.contains("authorization_pending"))
    );

    let completed = endpoint
        .complete(&ticket, BackchannelDecision::Authorized { subject })
        .await
        .expect("complete");
    assert_eq!(
        completed,
        Completion::Recorded,
        "a poll client is not notified"
    );
    authlete.advance_clock(std::time::Duration::from_secs(6));
    let tokens = client
        .tokens()
        .process(poll)
        .client_id("call-centre")
        .client_secret("s3cret")
        .send()
        .await
        .expect("token call");
    assert_eq!(tokens.action(), Some(TokenAction::Ok));
    assert_eq!(tokens.subject(), Some("user-alice"));
}

#[tokio::test]
async fn a_ping_client_is_notified_at_its_registered_endpoint() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let client = authlete.client().expect("client");
    let receiver = MockServer::start().await;
    let created = client
        .clients()
        .create()
        .client_name("Pinged")
        .bc_delivery_mode("PING")
        .bc_notification_endpoint(format!("{}/cb/ciba", receiver.uri()))
        .send()
        .await
        .expect("create");
    let id = created.client_id().expect("an ID").to_string();
    let secret = created.client_secret().expect("a secret").to_owned();
    let users = Users::default();
    let endpoint = BackchannelEndpoint::new(client, &users);

    let basic = base64_basic(&id, &secret);
    let missing_token = http::Request::post("/bc-authorize")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", format!("Basic {basic}"))
        .body("scope=openid&login_hint=alice%40example.com")
        .expect("request");
    assert_eq!(
        endpoint.handle(missing_token).await.status(),
        400,
        "ping needs a notification token"
    );

    let request = http::Request::post("/bc-authorize")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", format!("Basic {basic}"))
        .body("scope=openid&login_hint=alice%40example.com&client_notification_token=nt-8f3a")
        .expect("request");
    let accepted = endpoint.handle(request).await;
    assert_eq!(accepted.status(), 200, "{}", accepted.body());
    let answer: Value = serde_json::from_str(accepted.body()).expect("JSON");
    let auth_req_id = answer["auth_req_id"]
        .as_str()
        .expect("an auth_req_id")
        .to_owned();
    let (ticket, subject, _) = users.started.lock().expect("not poisoned").remove(0);

    Mock::given(method("POST"))
        .and(path("/cb/ciba"))
        .and(header("authorization", "Bearer nt-8f3a"))
        .and(body_json(serde_json::json!({"auth_req_id": auth_req_id})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&receiver)
        .await;
    let completed = endpoint
        .complete(&ticket, BackchannelDecision::Authorized { subject })
        .await
        .expect("complete");
    assert_eq!(completed, Completion::Notified);
    receiver.verify().await;
}

/// Push mode (CIBA Core §10.3.1): the tokens themselves go to the client's
/// notification endpoint, the ID token naming the request; a denial goes
/// there as `access_denied`; the client never polls.
#[tokio::test]
async fn a_push_client_receives_its_tokens_or_the_refusal_at_its_endpoint() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let client = authlete.client().expect("client");
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/cb/ciba"))
        .and(header("authorization", "Bearer nt-push-1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(2)
        .mount(&receiver)
        .await;
    let created = client
        .clients()
        .create()
        .client_name("Pushed")
        .bc_delivery_mode("PUSH")
        .bc_notification_endpoint(format!("{}/cb/ciba", receiver.uri()))
        .send()
        .await
        .expect("create");
    let id = created.client_id().expect("an ID").to_string();
    let secret = created.client_secret().expect("a secret").to_owned();
    let users = Users::default();
    let endpoint = BackchannelEndpoint::new(client.clone(), &users);
    let basic = base64_basic(&id, &secret);
    let start = || async {
        let request = http::Request::post("/bc-authorize")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("authorization", format!("Basic {basic}"))
            .body("scope=openid&login_hint=alice%40example.com&client_notification_token=nt-push-1")
            .expect("request");
        let accepted = endpoint.handle(request).await;
        assert_eq!(accepted.status(), 200, "{}", accepted.body());
        let answer: Value = serde_json::from_str(accepted.body()).expect("JSON");
        let auth_req_id = answer["auth_req_id"].as_str().expect("an id").to_owned();
        let (ticket, subject, _) = users.started.lock().expect("not poisoned").remove(0);
        (auth_req_id, ticket, subject)
    };

    let (approved_id, ticket, subject) = start().await;
    // A push client has no token endpoint to poll.
    let poll = client
        .tokens()
        .process(format!(
            "grant_type=urn:openid:params:grant-type:ciba&auth_req_id={approved_id}"
        ))
        .client_id(id.clone())
        .client_secret(secret.clone())
        .send()
        .await
        .expect("token call");
    assert_eq!(poll.action(), Some(TokenAction::BadRequest));
    assert!(
        poll.response_content()
            .is_some_and(|c| c.contains("unauthorized_client")),
        "{:?}",
        poll.response_content()
    );
    let completed = endpoint
        .complete(&ticket, BackchannelDecision::Authorized { subject })
        .await
        .expect("complete");
    assert_eq!(completed, Completion::Notified);

    let (denied_id, ticket, subject) = start().await;
    let completed = endpoint
        .complete(&ticket, BackchannelDecision::Denied { subject })
        .await
        .expect("complete");
    assert_eq!(completed, Completion::Notified);

    receiver.verify().await;
    let delivered = receiver.received_requests().await.expect("recorded");
    let bodies: Vec<Value> = delivered
        .iter()
        .map(|r| serde_json::from_slice(&r.body).expect("JSON"))
        .collect();
    let tokens = &bodies[0];
    assert_eq!(tokens["auth_req_id"], approved_id.as_str(), "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer", "{tokens}");
    let access_token = tokens["access_token"].as_str().expect("an access token");
    let id_token = tokens["id_token"].as_str().expect("an ID token");
    let claims = jwt_claims(id_token);
    assert_eq!(claims["sub"], "user-alice");
    assert_eq!(
        claims["urn:openid:params:jwt:claim:auth_req_id"],
        approved_id.as_str()
    );
    let introspected = client
        .introspection()
        .process(access_token)
        .send()
        .await
        .expect("introspection");
    assert_eq!(introspected.subject(), Some("user-alice"));
    assert_eq!(
        bodies[1],
        serde_json::json!({
            "auth_req_id": denied_id,
            "error": "access_denied",
            "error_description": "The user denied the request.",
        })
    );
}

fn base64_basic(id: &str, secret: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
}
