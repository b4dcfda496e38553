//! The device authorization endpoint and the verification calls, against
//! the stand-in's device flow: each answer the device or the verification
//! page can get.

use std::time::Duration;

use authlete::endpoint::device::{
    DeviceAuthorizationEndpoint, DeviceDecision, DeviceVerification, UserCodeStatus,
};
use authlete::operations::device_flow;
use authlete::testing::{MockAuthlete, MockClient, MockReply};
use serde_json::Value;

fn header<'a>(response: &'a http::Response<String>, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

fn post(body: &'static str) -> http::Request<&'static str> {
    http::Request::post("/device_authorization")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", "Basic dHY6dHYtc2VjcmV0") // tv:tv-secret
        .body(body)
        .expect("request")
}

async fn start() -> (
    MockAuthlete,
    DeviceAuthorizationEndpoint,
    DeviceVerification,
) {
    let authlete = MockAuthlete::start().await.expect("mock");
    authlete.register(
        MockClient::new("tv")
            .secret("tv-secret")
            .name("Living Room TV"),
    );
    let client = authlete.client().expect("client");
    let endpoint = DeviceAuthorizationEndpoint::new(client.clone());
    (authlete, endpoint, DeviceVerification::new(client))
}

#[tokio::test]
async fn codes_for_the_device_and_a_refusal_for_each_fault() {
    let (authlete, endpoint, _) = start().await;
    let ok = endpoint.handle(post("scope=openid")).await;
    assert_eq!(ok.status(), 200);
    assert_eq!(header(&ok, "cache-control"), "no-store");
    let answer: Value = serde_json::from_str(ok.body()).expect("JSON");
    for field in [
        "device_code",
        "user_code",
        "verification_uri",
        "expires_in",
        "interval",
    ] {
        assert!(!answer[field].is_null(), "{field} in {answer}");
    }
    let sent = &authlete.requests_to(&device_flow::AUTHORIZATION)[0];
    assert_eq!(
        sent.json()["clientId"],
        "tv",
        "Basic credentials are forwarded"
    );

    let scope = endpoint.handle(post("scope=launch-missiles")).await;
    assert_eq!(scope.status(), 400);
    assert!(scope.body().contains("invalid_scope"), "{}", scope.body());

    let wrong = http::Request::post("/device_authorization")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", "Basic dHY6d3Jvbmc=") // tv:wrong
        .body("scope=openid")
        .expect("request");
    let wrong = endpoint.handle(wrong).await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(
        header(&wrong, "www-authenticate"),
        "Basic realm=\"device/authorization\""
    );

    let get = http::Request::get("/device_authorization")
        .body("")
        .expect("request");
    assert_eq!(endpoint.handle(get).await.status(), 405);

    authlete.script(&device_flow::AUTHORIZATION, MockReply::DropConnection);
    let outage = endpoint.handle(post("scope=openid")).await;
    assert_eq!(outage.status(), 500);
    assert_eq!(outage.body(), r#"{"error":"server_error"}"#);
}

#[tokio::test]
async fn the_verification_page_sees_valid_expired_and_unknown_codes() {
    let (authlete, endpoint, verification) = start().await;
    let user_code = |response: http::Response<String>| -> String {
        let answer: Value = serde_json::from_str(response.body()).expect("JSON");
        answer["user_code"]
            .as_str()
            .expect("a user code")
            .to_owned()
    };
    let code = user_code(endpoint.handle(post("scope=openid+profile")).await);
    match verification.look_up(&code).await.expect("look up") {
        UserCodeStatus::Valid(pending) => {
            assert_eq!(pending.client_name(), Some("Living Room TV"));
            assert_eq!(pending.scopes(), ["openid", "profile"]);
            assert!(pending.expires_at().is_some());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        verification.look_up("BCDFGHJK").await.expect("look up"),
        UserCodeStatus::Unknown
    );
    let denied = verification
        .decide(
            &code,
            DeviceDecision::Denied {
                subject: "alice".into(),
            },
        )
        .await
        .expect("complete");
    assert_eq!(denied, UserCodeStatus::Decided);
    assert_eq!(
        verification.look_up(&code).await.expect("look up"),
        UserCodeStatus::Unknown,
        "a decided code is spent"
    );

    let late = user_code(endpoint.handle(post("scope=openid")).await);
    authlete.advance_clock(Duration::from_secs(601));
    assert_eq!(
        verification.look_up(&late).await.expect("look up"),
        UserCodeStatus::Expired
    );
    assert_eq!(
        verification
            .decide(
                &late,
                DeviceDecision::Authorized {
                    subject: "alice".into()
                }
            )
            .await
            .expect("complete"),
        UserCodeStatus::Expired
    );

    authlete.script(
        &device_flow::VERIFICATION,
        MockReply::json(200, serde_json::json!({"action": "INTERNAL_SERVER_ERROR"})),
    );
    assert_eq!(
        verification.look_up(&late).await.expect("look up"),
        UserCodeStatus::Failed
    );
}
