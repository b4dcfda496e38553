//! What the authorization-side endpoints tell `tracing` when something goes
//! wrong: enough for the operator, and never a ticket, a token, a client
//! secret, a code or Authlete's `responseContent`.
//!
//! Every test installs a capturing subscriber first (see `tracing.rs` for
//! why mixing with tests without one would be flaky).

use authlete::endpoint::authorization::{
    Authenticated, AuthorizationEndpoint, AuthorizationOutcome, NoSession,
};
use authlete::endpoint::par::ParEndpoint;
use authlete::endpoint::userinfo::{UserInfoDelegate, UserInfoEndpoint};
use authlete::operations::{authorization, pushed_authorization, userinfo};
use authlete::testing::{MOCK_ACCESS_TOKEN, MockAuthlete, MockReply};
use serde_json::{Map, Value, json};

const TICKET: &str = "TICKET-secret-4411";
const ACCESS_TOKEN: &str = "AT-secret-9921";
const CLIENT_SECRET: &str = "client-secret-7731";
const DPOP_PROOF: &str = "DPOP-secret-proof-5521";
const CONTENT: &str = "RC-secret-https://app.example/cb?code=CODE-secret-3312";

/// Asserts the traces say something, and nothing secret.
fn assert_clean(text: &str, expected: &[&str]) {
    for word in expected {
        assert!(text.contains(word), "missing {word} in:\n{text}");
    }
    for secret in [
        TICKET,
        ACCESS_TOKEN,
        CLIENT_SECRET,
        DPOP_PROOF,
        "RC-secret",
        "CODE-secret",
        MOCK_ACCESS_TOKEN,
    ] {
        assert!(!text.contains(secret), "{secret} leaked into:\n{text}");
    }
}

fn interaction(action: &str) -> MockReply {
    MockReply::json(
        200,
        json!({"action": action, "ticket": TICKET, "responseContent": CONTENT}),
    )
}

#[tokio::test]
async fn authorization_failures_log_the_operation_not_the_ticket() {
    let (traces, _guard) = crate::traces::capture_traces();
    let authlete = MockAuthlete::start().await.expect("mock");
    let endpoint = AuthorizationEndpoint::new(authlete.client().expect("client"), NoSession);
    let request = || {
        http::Request::get("/authorize?client_id=1&code_challenge=x")
            .body(Vec::new())
            .expect("request")
    };

    // The user's decision cannot reach Authlete.
    authlete.script(&authorization::PROCESS, interaction("INTERACTION"));
    authlete.script(&authorization::ISSUE, MockReply::DropConnection);
    let AuthorizationOutcome::Interact(pending) = endpoint.handle(request()).await else {
        panic!("expected an interaction");
    };
    let shown = format!("{pending:?}");
    let r = pending
        .issue(Authenticated {
            subject: "user-1001".into(),
            ..Default::default()
        })
        .await;
    assert_eq!(r.status(), 500);

    // prompt=none, and Authlete refuses the fail call.
    authlete.script(&authorization::PROCESS, interaction("NO_INTERACTION"));
    authlete.script(
        &authorization::FAIL,
        MockReply::error(400, "A004301", "[A004301] ticket unknown"),
    );
    let _ = endpoint.handle(request()).await;

    // An action newer than the crate, with content that must stay unseen.
    authlete.script(&authorization::PROCESS, interaction("SOMETHING_NEWER"));
    let _ = endpoint.handle(request()).await;

    let text = traces.text();
    assert_clean(
        &text,
        &[
            "auth_authorization_issue_api",
            "auth_authorization_fail_api",
            "A004301",
            "SOMETHING_NEWER",
            "answering with server_error",
        ],
    );
    assert!(!shown.contains(TICKET), "{shown}");
}

#[tokio::test]
async fn par_failures_log_no_client_secret_or_proof() {
    let (traces, _guard) = crate::traces::capture_traces();
    let authlete = MockAuthlete::start().await.expect("mock");
    let endpoint = ParEndpoint::new(authlete.client().expect("client"));
    let basic = base64_basic("my-client", CLIENT_SECRET);
    let request = || {
        http::Request::post("/par")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("authorization", basic.as_str())
            .header("dpop", DPOP_PROOF)
            .body(format!("client_id=my-client&client_secret={CLIENT_SECRET}"))
            .expect("request")
    };
    authlete.script(
        &pushed_authorization::PROCESS,
        MockReply::json(
            200,
            json!({"action": "SOMETHING_NEWER", "responseContent": CONTENT}),
        ),
    );
    assert_eq!(endpoint.handle(request()).await.status(), 500);
    authlete.script(&pushed_authorization::PROCESS, MockReply::MalformedBody);
    assert_eq!(endpoint.handle(request()).await.status(), 500);

    assert_clean(
        &traces.text(),
        &[
            "pushed_auth_req_api",
            "SOMETHING_NEWER",
            "answering with server_error",
        ],
    );
}

struct Directory;

impl UserInfoDelegate for Directory {
    async fn claims(&self, _: &str, _: &[String]) -> Map<String, Value> {
        let mut claims = Map::new();
        claims.insert("email".into(), json!("john@example.com"));
        claims
    }
}

#[tokio::test]
async fn userinfo_failures_log_no_access_token() {
    let (traces, _guard) = crate::traces::capture_traces();
    let authlete = MockAuthlete::start().await.expect("mock");
    let endpoint = UserInfoEndpoint::new(authlete.client().expect("client"), Directory);
    let request = || {
        http::Request::get("/userinfo")
            .header("authorization", format!("DPoP {ACCESS_TOKEN}"))
            .header("dpop", DPOP_PROOF)
            .body(Vec::new())
            .expect("request")
    };
    authlete.script(
        &userinfo::PROCESS,
        MockReply::json(
            200,
            json!({"action": "OK", "subject": "user-1001", "token": ACCESS_TOKEN, "claims": ["email"]}),
        ),
    );
    authlete.script(&userinfo::ISSUE, MockReply::DropConnection);
    assert_eq!(endpoint.handle(request()).await.status(), 500);
    authlete.script(
        &userinfo::PROCESS,
        MockReply::json(
            200,
            json!({"action": "SOMETHING_NEWER", "responseContent": CONTENT}),
        ),
    );
    assert_eq!(endpoint.handle(request()).await.status(), 500);

    let text = traces.text();
    assert_clean(
        &text,
        &[
            "auth_userinfo_issue_api",
            "SOMETHING_NEWER",
            "answering with server_error",
        ],
    );
    assert!(!text.contains("john@example.com"), "{text}");
}

fn base64_basic(id: &str, secret: &str) -> String {
    use base64::Engine;
    let pair = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
    format!("Basic {pair}")
}
