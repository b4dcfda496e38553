//! `AuthorizationEndpoint`: each action of `/auth/authorization`, the
//! interaction the caller finishes, and the `prompt=none` decisions.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use authlete::AuthorizationFailReason;
use authlete::endpoint::authorization::{
    Authenticated, AuthorizationDelegate, AuthorizationEndpoint, AuthorizationOutcome, Interaction,
    NoSession, SavedInteraction,
};
use authlete::operations::authorization;
use authlete::testing::{MockAuthlete, MockReply};
use serde_json::{Value, json};

const TICKET: &str = "TICKET-Zq81-never-shown";
const LOCATION: &str = "https://app.example/cb?code=c-1&state=s";

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

fn assert_server_error(r: &http::Response<String>, leaked: &str) {
    assert_eq!(r.status(), 500);
    assert_eq!(r.body(), r#"{"error":"server_error"}"#);
    assert!(!r.body().contains(leaked));
    assert_no_store(r);
}

/// The session the test says is current, and what the endpoint asked.
#[derive(Clone, Default)]
struct Sessions {
    current: Option<Authenticated>,
    seen_cookie: Arc<Mutex<Option<String>>>,
}

impl AuthorizationDelegate for Sessions {
    async fn current_session(
        &self,
        request: &http::request::Parts,
        interaction: &Interaction,
    ) -> Option<Authenticated> {
        *self.seen_cookie.lock().expect("lock") = request
            .headers
            .get("cookie")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut user = self.current.clone()?;
        // Fill the claims the client asked for, as a real delegate would.
        for claim in interaction.claims() {
            user.claims.insert(claim.clone(), json!("value"));
        }
        Some(user)
    }
}

async fn start() -> MockAuthlete {
    MockAuthlete::start().await.expect("mock")
}

fn get(query: &str) -> http::Request<Vec<u8>> {
    http::Request::get(format!("/authorize?{query}"))
        .body(Vec::new())
        .expect("request")
}

fn script_process(authlete: &MockAuthlete, body: Value) {
    authlete.script(&authorization::PROCESS, MockReply::json(200, body));
}

fn respond(outcome: AuthorizationOutcome) -> http::Response<String> {
    match outcome {
        AuthorizationOutcome::Respond(response) => response,
        AuthorizationOutcome::Interact(i) => panic!("expected a response, got {i:?}"),
    }
}

fn interact(outcome: AuthorizationOutcome) -> Interaction {
    match outcome {
        AuthorizationOutcome::Interact(interaction) => interaction,
        AuthorizationOutcome::Respond(r) => panic!("expected an interaction, got {r:?}"),
    }
}

fn interaction_reply(action: &str) -> Value {
    json!({
        "action": action,
        "ticket": TICKET,
        "client": {"clientId": 1234, "clientName": "My App"},
        "scopes": [{"name": "openid", "description": "Your identity"}, {"name": "email"}],
        "claims": ["name", "email"],
        "claimsAtUserInfo": ["address"],
        "prompts": ["LOGIN", "CONSENT"],
        "maxAge": 3600,
        "loginHint": "john@example.com",
        "subject": "user-1001",
        "acrs": ["urn:acr:mfa", "urn:acr:pwd"],
        "acrEssential": true,
        "responseContent": "RC-not-for-the-user",
    })
}

#[tokio::test]
async fn get_forwards_the_query_and_post_the_form_body() {
    let authlete = start().await;
    let endpoint = AuthorizationEndpoint::new(authlete.client().expect("client"), NoSession);
    for _ in 0..2 {
        script_process(
            &authlete,
            json!({"action": "LOCATION", "responseContent": LOCATION}),
        );
    }
    let _ = endpoint
        .handle(get("response_type=code&client_id=1234&scope=openid+email"))
        .await;
    let post = http::Request::post("/authorize")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("response_type=code&client_id=5678")
        .expect("request");
    let _ = endpoint.handle(post).await;
    let sent: Vec<Value> = authlete
        .requests_to(&authorization::PROCESS)
        .iter()
        .map(|r| r.json())
        .collect();
    assert_eq!(
        sent,
        [
            json!({"parameters": "response_type=code&client_id=1234&scope=openid+email"}),
            json!({"parameters": "response_type=code&client_id=5678"}),
        ]
    );
}

#[tokio::test]
async fn location_is_a_302_without_a_body() {
    let authlete = start().await;
    script_process(
        &authlete,
        json!({"action": "LOCATION", "responseContent": LOCATION}),
    );
    let endpoint = AuthorizationEndpoint::new(authlete.client().expect("client"), NoSession);
    let r = respond(endpoint.handle(get("x=1")).await);
    assert_eq!(r.status(), 302);
    assert_eq!(header(&r, "location"), LOCATION);
    assert_eq!(r.body(), "");
    assert_eq!(header(&r, "content-type"), "");
    assert_no_store(&r);
}

#[tokio::test]
async fn form_is_an_auto_posting_page() {
    let authlete = start().await;
    let form = r#"<html><body onload="document.forms[0].submit()"><form method="post" action="https://app.example/cb"><input type="hidden" name="code" value="c-1"/></form></body></html>"#;
    script_process(
        &authlete,
        json!({"action": "FORM", "responseContent": form}),
    );
    let endpoint = AuthorizationEndpoint::new(authlete.client().expect("client"), NoSession);
    let r = respond(endpoint.handle(get("response_mode=form_post")).await);
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "content-type"), "text/html;charset=UTF-8");
    assert_eq!(r.body(), form);
    assert_no_store(&r);
}

#[tokio::test]
async fn bad_request_and_internal_server_error_are_json() {
    for (action, status) in [("BAD_REQUEST", 400), ("INTERNAL_SERVER_ERROR", 500)] {
        let authlete = start().await;
        let error = r#"{"error":"invalid_request","error_description":"[A004201] bad"}"#;
        script_process(
            &authlete,
            json!({"action": action, "responseContent": error}),
        );
        let endpoint = AuthorizationEndpoint::new(authlete.client().expect("client"), NoSession);
        let r = respond(endpoint.handle(get("x=1")).await);
        assert_eq!(r.status(), status, "{action}");
        assert_eq!(header(&r, "content-type"), "application/json;charset=UTF-8");
        assert_eq!(r.body(), error);
        assert!(r.headers().get("location").is_none());
        assert_no_store(&r);
    }
}

#[tokio::test]
async fn an_unknown_action_is_a_500_that_shows_nothing() {
    let authlete = start().await;
    script_process(
        &authlete,
        json!({"action": "SOMETHING_NEWER", "responseContent": "RC-secret", "ticket": TICKET}),
    );
    let endpoint = AuthorizationEndpoint::new(authlete.client().expect("client"), NoSession);
    let r = respond(endpoint.handle(get("x=1")).await);
    assert_server_error(&r, "RC-secret");
    assert!(!r.body().contains(TICKET));
}

#[tokio::test]
async fn authlete_failures_are_a_500() {
    for reply in [
        MockReply::error(500, "A001101", "internal"),
        MockReply::DropConnection,
        MockReply::MalformedBody,
    ] {
        let authlete = start().await;
        authlete.script(&authorization::PROCESS, reply);
        let endpoint = AuthorizationEndpoint::new(authlete.client().expect("client"), NoSession);
        assert_server_error(&respond(endpoint.handle(get("x=1")).await), "A001101");
    }
}

#[tokio::test]
async fn requests_that_cannot_be_read_never_reach_authlete() {
    let authlete = start().await;
    let endpoint = AuthorizationEndpoint::new(authlete.client().expect("client"), NoSession);
    let put = http::Request::put("/authorize")
        .body(Vec::new())
        .expect("request");
    let r = respond(endpoint.handle(put).await);
    assert_eq!(r.status(), 405);
    assert_eq!(header(&r, "allow"), "GET, POST");
    let post = http::Request::post("/authorize")
        .body(vec![0xff, 0xfe])
        .expect("request");
    let r = respond(endpoint.handle(post).await);
    assert_eq!(r.status(), 400);
    assert_eq!(r.body(), r#"{"error":"invalid_request"}"#);
    assert!(authlete.requests().is_empty());
}

#[tokio::test]
async fn an_interaction_without_a_ticket_is_a_500() {
    for action in ["INTERACTION", "NO_INTERACTION"] {
        let authlete = start().await;
        script_process(&authlete, json!({"action": action}));
        let endpoint = AuthorizationEndpoint::new(authlete.client().expect("client"), NoSession);
        assert_server_error(&respond(endpoint.handle(get("x=1")).await), "x");
    }
}

#[tokio::test]
async fn interaction_gives_the_page_its_data_but_hides_the_ticket() {
    let authlete = start().await;
    script_process(&authlete, interaction_reply("INTERACTION"));
    let endpoint = AuthorizationEndpoint::new(authlete.client().expect("client"), NoSession);
    let interaction = interact(endpoint.handle(get("x=1")).await);
    assert_eq!(interaction.client_id(), Some(1234));
    assert_eq!(interaction.client_name(), Some("My App"));
    let scopes: Vec<_> = interaction
        .scopes()
        .iter()
        .map(|s| (s.name.as_deref(), s.description.as_deref()))
        .collect();
    assert_eq!(
        scopes,
        [
            (Some("openid"), Some("Your identity")),
            (Some("email"), None)
        ]
    );
    assert_eq!(interaction.claims(), ["name", "email"]);
    assert_eq!(interaction.claims_at_user_info(), ["address"]);
    let prompts: Vec<_> = interaction.prompts().iter().map(|p| p.as_str()).collect();
    assert_eq!(prompts, ["LOGIN", "CONSENT"]);
    assert_eq!(interaction.max_age(), Some(Duration::from_secs(3600)));
    assert_eq!(interaction.login_hint(), Some("john@example.com"));
    assert_eq!(interaction.subject(), Some("user-1001"));
    assert_eq!(interaction.acrs(), ["urn:acr:mfa", "urn:acr:pwd"]);
    assert!(interaction.acr_essential());

    let shown = format!("{interaction:?}");
    assert!(!shown.contains(TICKET), "{shown}");
    assert!(shown.contains("1234"), "{shown}");
    // Nothing was spent yet.
    assert!(authlete.requests_to(&authorization::ISSUE).is_empty());
    assert!(authlete.requests_to(&authorization::FAIL).is_empty());
}

#[tokio::test]
async fn issue_spends_the_ticket_once_with_the_users_login() {
    let authlete = start().await;
    script_process(&authlete, interaction_reply("INTERACTION"));
    authlete.script(
        &authorization::ISSUE,
        MockReply::json(
            200,
            json!({"action": "LOCATION", "responseContent": LOCATION}),
        ),
    );
    let endpoint = AuthorizationEndpoint::new(authlete.client().expect("client"), NoSession);
    let interaction = interact(endpoint.handle(get("x=1")).await);
    let mut claims = serde_json::Map::new();
    claims.insert("name".into(), json!("John Smith"));
    let r = interaction
        .issue(Authenticated {
            subject: "user-1001".into(),
            auth_time: Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000)),
            acr: Some("urn:acr:mfa".into()),
            claims,
        })
        .await;
    assert_eq!(r.status(), 302);
    assert_eq!(header(&r, "location"), LOCATION);
    assert_no_store(&r);

    let issued = authlete.requests_to(&authorization::ISSUE);
    assert_eq!(issued.len(), 1);
    assert_eq!(
        issued[0].json(),
        json!({
            "ticket": TICKET,
            "subject": "user-1001",
            "authTime": 1_700_000_000,
            "acr": "urn:acr:mfa",
            "claims": r#"{"name":"John Smith"}"#,
        })
    );
    assert!(authlete.requests_to(&authorization::FAIL).is_empty());
}

#[tokio::test]
async fn fail_spends_the_ticket_once_with_the_reason() {
    let authlete = start().await;
    script_process(&authlete, interaction_reply("INTERACTION"));
    let denied = "https://app.example/cb?error=access_denied&state=s";
    authlete.script(
        &authorization::FAIL,
        MockReply::json(
            200,
            json!({"action": "LOCATION", "responseContent": denied}),
        ),
    );
    let endpoint = AuthorizationEndpoint::new(authlete.client().expect("client"), NoSession);
    let interaction = interact(endpoint.handle(get("x=1")).await);
    let r = interaction.fail(AuthorizationFailReason::Denied).await;
    assert_eq!(r.status(), 302);
    assert_eq!(header(&r, "location"), denied);

    let failed = authlete.requests_to(&authorization::FAIL);
    assert_eq!(failed.len(), 1);
    assert_eq!(
        failed[0].json(),
        json!({"ticket": TICKET, "reason": "DENIED"})
    );
    assert!(authlete.requests_to(&authorization::ISSUE).is_empty());
}

#[tokio::test]
async fn a_failed_issue_is_a_500() {
    let authlete = start().await;
    script_process(&authlete, interaction_reply("INTERACTION"));
    authlete.script(&authorization::ISSUE, MockReply::DropConnection);
    let endpoint = AuthorizationEndpoint::new(authlete.client().expect("client"), NoSession);
    let interaction = interact(endpoint.handle(get("x=1")).await);
    let r = interaction
        .issue(Authenticated {
            subject: "user-1001".into(),
            ..Default::default()
        })
        .await;
    assert_server_error(&r, TICKET);
}

#[tokio::test]
async fn a_saved_interaction_resumes_and_still_spends_the_ticket_once() {
    let authlete = start().await;
    script_process(&authlete, interaction_reply("INTERACTION"));
    authlete.script(
        &authorization::ISSUE,
        MockReply::json(
            200,
            json!({"action": "LOCATION", "responseContent": LOCATION}),
        ),
    );
    let endpoint = AuthorizationEndpoint::new(authlete.client().expect("client"), NoSession);
    let saved = interact(endpoint.handle(get("x=1")).await).save();
    assert!(!format!("{saved:?}").contains(TICKET));

    // Into the session store and back, as between the login GET and POST.
    let stored = serde_json::to_string(&saved).expect("serialises");
    let restored: SavedInteraction = serde_json::from_str(&stored).expect("deserialises");
    assert!(restored == saved);
    let interaction = endpoint.resume(restored);
    assert_eq!(interaction.client_name(), Some("My App"));
    assert_eq!(interaction.max_age(), Some(Duration::from_secs(3600)));
    let r = interaction
        .issue(Authenticated {
            subject: "user-1001".into(),
            ..Default::default()
        })
        .await;
    assert_eq!(r.status(), 302);
    let issued = authlete.requests_to(&authorization::ISSUE);
    assert_eq!(issued.len(), 1);
    assert_eq!(issued[0].json()["ticket"], TICKET);
}

fn logged_in(subject: &str, ago: Option<Duration>, acr: Option<&str>) -> Sessions {
    Sessions {
        current: Some(Authenticated {
            subject: subject.into(),
            auth_time: ago.map(|ago| SystemTime::now() - ago),
            acr: acr.map(str::to_owned),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Runs a NO_INTERACTION request (`reply` merged into Authlete's answer)
/// against `sessions`; gives what was sent to `/issue` and to `/fail`.
async fn prompt_none(sessions: Sessions, reply: Value) -> (Vec<Value>, Vec<Value>) {
    let authlete = start().await;
    let mut body = json!({"action": "NO_INTERACTION", "ticket": TICKET, "claims": ["name"]});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), reply.as_object()) {
        body.extend(extra.clone());
    }
    script_process(&authlete, body);
    for operation in [&authorization::ISSUE, &authorization::FAIL] {
        authlete.script(
            operation,
            MockReply::json(
                200,
                json!({"action": "LOCATION", "responseContent": LOCATION}),
            ),
        );
    }
    let endpoint = AuthorizationEndpoint::new(authlete.client().expect("client"), sessions);
    let request = http::Request::get("/authorize?prompt=none")
        .header("cookie", "session=abc")
        .body(Vec::new())
        .expect("request");
    let r = respond(endpoint.handle(request).await);
    assert_eq!(r.status(), 302);
    assert_eq!(header(&r, "location"), LOCATION);
    let sent = |op| {
        authlete
            .requests_to(op)
            .iter()
            .map(|r| r.json())
            .collect::<Vec<_>>()
    };
    (sent(&authorization::ISSUE), sent(&authorization::FAIL))
}

#[tokio::test]
async fn prompt_none_fails_with_the_first_check_that_does_not_hold() {
    let hour = Duration::from_secs(3600);
    let minute = Duration::from_secs(60);
    let cases = [
        (Sessions::default(), json!({}), "NOT_LOGGED_IN"),
        (
            logged_in("user-1001", Some(2 * hour), None),
            json!({"maxAge": 3600}),
            "EXCEEDS_MAX_AGE",
        ),
        (
            logged_in("user-1001", None, None),
            json!({"maxAge": 3600}),
            "MAX_AGE_NOT_SUPPORTED",
        ),
        (
            logged_in("user-2002", Some(minute), None),
            json!({"maxAge": 3600, "subject": "user-1001"}),
            "DIFFERENT_SUBJECT",
        ),
        (
            logged_in("user-1001", Some(minute), Some("urn:acr:pwd")),
            json!({"acrs": ["urn:acr:mfa"], "acrEssential": true}),
            "ACR_NOT_SATISFIED",
        ),
        (
            logged_in("user-1001", Some(minute), None),
            json!({"acrs": ["urn:acr:mfa"], "acrEssential": true}),
            "ACR_NOT_SATISFIED",
        ),
        // Order: an old login is reported before a different subject.
        (
            logged_in("user-2002", Some(2 * hour), None),
            json!({"maxAge": 3600, "subject": "user-1001"}),
            "EXCEEDS_MAX_AGE",
        ),
    ];
    for (sessions, reply, reason) in cases {
        let (issued, failed) = prompt_none(sessions, reply.clone()).await;
        assert!(issued.is_empty(), "{reply}");
        assert_eq!(
            failed,
            [json!({"ticket": TICKET, "reason": reason})],
            "{reply}"
        );
    }
}

#[tokio::test]
async fn prompt_none_issues_for_a_session_that_passes_every_check() {
    let minute = Duration::from_secs(60);
    let cases = [
        (logged_in("user-1001", Some(minute), None), json!({})),
        // max_age 0 is no max_age; a preferred acr need not be met.
        (
            logged_in("user-1001", None, None),
            json!({"maxAge": 0, "acrs": ["urn:acr:mfa"], "acrEssential": false}),
        ),
        (
            logged_in("user-1001", Some(minute), Some("urn:acr:mfa")),
            json!({"maxAge": 3600, "subject": "user-1001", "acrs": ["urn:acr:mfa"], "acrEssential": true}),
        ),
    ];
    for (sessions, reply) in cases {
        let seen_cookie = sessions.seen_cookie.clone();
        let (issued, failed) = prompt_none(sessions, reply.clone()).await;
        assert!(failed.is_empty(), "{reply}");
        assert_eq!(issued.len(), 1, "{reply}");
        assert_eq!(issued[0]["ticket"], TICKET);
        assert_eq!(issued[0]["subject"], "user-1001");
        // The delegate filled the claims the client asked for.
        assert_eq!(issued[0]["claims"], r#"{"name":"value"}"#);
        assert_eq!(
            seen_cookie.lock().expect("lock").as_deref(),
            Some("session=abc")
        );
    }
}
