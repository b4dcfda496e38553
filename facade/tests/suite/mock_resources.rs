//! Every resource the stand-in keeps, one test each: requestable and
//! granted scopes, the device flow and CIBA as state machines, dynamic
//! registration over the same clients, keys, credential offers, and
//! tokens made directly.

use std::time::Duration;

use authlete::testing::{MockAuthlete, MockClient};
use authlete::{
    CibaAction, CibaCompleteResult, CibaFailReason, ClientRegistrationAction,
    CredentialOfferCreateAction, DeviceAuthorizationAction, DeviceCompleteAction,
    DeviceCompleteResult, DeviceVerificationAction, HskCreateAction, IntrospectionAction,
    TokenAction,
};

/// A confidential client made through `clients().create()`: its ID and secret.
async fn made_client(client: &authlete::Client) -> (i64, String) {
    let created = client
        .clients()
        .create()
        .client_name("Resources")
        .send()
        .await
        .expect("create");
    (
        created.client_id().expect("an ID"),
        created.client_secret().expect("a secret").to_owned(),
    )
}

/// A token endpoint call; the action and `responseContent`.
async fn token(
    client: &authlete::Client,
    form: &str,
    id: &str,
    secret: Option<&str>,
) -> (TokenAction, String, Option<String>) {
    let mut call = client.tokens().process(form).client_id(id);
    if let Some(secret) = secret {
        call = call.client_secret(secret);
    }
    let answer = call.send().await.expect("token call");
    (
        answer.action().expect("an action"),
        answer.response_content().unwrap_or_default().to_owned(),
        answer.id_token().map(str::to_owned),
    )
}

#[tokio::test]
async fn requestable_scopes_limit_what_a_client_gets_until_deleted() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let client = authlete.client().expect("client");
    let (id, secret) = made_client(&client).await;
    let id_text = id.to_string();

    let before = client
        .clients()
        .requestable_scopes(id)
        .send()
        .await
        .expect("get");
    assert_eq!(before.requestable_scopes(), None, "unlimited at first");
    client
        .clients()
        .update_requestable_scopes(id, ["email"])
        .send()
        .await
        .expect("update");
    let after = client
        .clients()
        .requestable_scopes(id)
        .send()
        .await
        .expect("get");
    assert_eq!(after.requestable_scopes(), Some(&["email".to_owned()][..]));
    // The limit is part of the client's settings, as Authlete keeps it.
    let settings = client.clients().get(id).send().await.expect("client");
    let extension = settings.extension().expect("an extension");
    assert_eq!(extension.requestable_scopes_enabled, Some(true));

    // A scope outside the list is dropped from the request, not refused.
    let form = "grant_type=client_credentials&scope=email+phone";
    let (action, content, _) = token(&client, form, &id_text, Some(&secret)).await;
    assert_eq!(action, TokenAction::Ok);
    assert!(content.contains(r#""scope":"email""#), "{content}");

    client
        .clients()
        .delete_requestable_scopes(id)
        .send()
        .await
        .expect("delete");
    let (_, content, _) = token(&client, form, &id_text, Some(&secret)).await;
    assert!(content.contains(r#""scope":"email phone""#), "{content}");

    let unknown = client.clients().requestable_scopes(42_i64).send().await;
    let error = unknown.expect_err("no such client");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400), "{error}");
}

#[tokio::test]
async fn granted_scopes_follow_grants_and_their_deletion_leaves_tokens_alone() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let client = authlete.client().expect("client");
    let (id, _) = made_client(&client).await;

    let none = client
        .clients()
        .granted_scopes(id, "alice")
        .send()
        .await
        .expect("get");
    assert!(none.latest_granted_scopes().is_empty());

    let mut tokens = Vec::new();
    for scopes in [["openid", "email"], ["openid", "phone"]] {
        let made = client
            .tokens()
            .create(authlete::GrantType::AuthorizationCode)
            .client_id(id)
            .subject("alice")
            .scopes(scopes)
            .send()
            .await
            .expect("create");
        tokens.push(made.access_token().expect("a token").to_owned());
    }
    let granted = client
        .clients()
        .granted_scopes_by_path(id, "alice")
        .send()
        .await
        .expect("get");
    assert_eq!(granted.latest_granted_scopes(), ["openid", "phone"]);
    assert_eq!(
        granted.merged_granted_scopes(),
        ["openid", "email", "phone"]
    );
    let other = client
        .clients()
        .granted_scopes(id, "bob")
        .send()
        .await
        .expect("get");
    assert!(other.merged_granted_scopes().is_empty(), "per subject");

    client
        .clients()
        .delete_granted_scopes(id, "alice")
        .send()
        .await
        .expect("delete");
    let gone = client
        .clients()
        .granted_scopes(id, "alice")
        .send()
        .await
        .expect("get");
    assert!(gone.merged_granted_scopes().is_empty());
    let still = client
        .introspection()
        .process(&tokens[0])
        .send()
        .await
        .expect("introspection");
    assert_eq!(still.action(), Some(IntrospectionAction::Ok));
}

#[tokio::test]
async fn a_token_for_an_unknown_client_is_refused() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let client = authlete.client().expect("client");
    let answer = client
        .tokens()
        .create(authlete::GrantType::ClientCredentials)
        .client_id(987_654)
        .send()
        .await
        .expect("create");
    assert_eq!(
        answer.action(),
        Some(authlete::TokenCreateAction::BadRequest)
    );
    assert!(answer.access_token().is_none());
}

#[tokio::test]
async fn the_device_flow_runs_as_a_state_machine() {
    let authlete = MockAuthlete::start().await.expect("mock");
    authlete.register(MockClient::new("tv"));
    let client = authlete.client().expect("client");
    let start = || async {
        let answer = client
            .device_flow()
            .authorization("client_id=tv&scope=openid+profile")
            .send()
            .await
            .expect("device authorization");
        assert_eq!(answer.action(), Some(DeviceAuthorizationAction::Ok));
        let user_code = answer.user_code().expect("a user code").to_owned();
        assert_eq!(user_code.len(), 8);
        assert!(
            user_code
                .bytes()
                .all(|b| b"BCDFGHJKLMNPQRSTVWXZ".contains(&b))
        );
        let content = answer.response_content().expect("content").to_owned();
        assert!(content.contains(&user_code) && content.contains("\"interval\":5"));
        (
            answer.device_code().expect("a device code").to_owned(),
            user_code,
        )
    };
    let poll = |device_code: String| {
        let client = &client;
        async move {
            let form = format!(
                "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code={device_code}"
            );
            token(client, &form, "tv", None).await
        }
    };

    let (device_code, user_code) = start().await;
    let (action, content, _) = poll(device_code.clone()).await;
    assert_eq!(action, TokenAction::BadRequest);
    assert!(content.contains("authorization_pending"), "{content}");
    let (_, content, _) = poll(device_code.clone()).await;
    assert!(content.contains("slow_down"), "polled at once: {content}");

    let looked_up = client
        .device_flow()
        .verification(&user_code)
        .send()
        .await
        .expect("verification");
    assert_eq!(looked_up.action(), Some(DeviceVerificationAction::Valid));
    assert_eq!(looked_up.client_id_alias(), Some("tv"));
    let done = client
        .device_flow()
        .complete(&user_code, DeviceCompleteResult::Authorized, "alice")
        .send()
        .await
        .expect("complete");
    assert_eq!(done.action(), Some(DeviceCompleteAction::Success));
    let again = client
        .device_flow()
        .complete(&user_code, DeviceCompleteResult::Authorized, "alice")
        .send()
        .await
        .expect("complete");
    assert_eq!(again.action(), Some(DeviceCompleteAction::UserCodeNotExist));

    authlete.advance_clock(Duration::from_secs(11));
    let (action, content, id_token) = poll(device_code.clone()).await;
    assert_eq!(action, TokenAction::Ok, "{content}");
    assert!(content.contains("access_token"));
    assert!(id_token.is_some(), "openid was asked for");
    let (_, content, _) = poll(device_code).await;
    assert!(content.contains("invalid_grant"), "spent: {content}");

    let (denied_code, denied_user_code) = start().await;
    client
        .device_flow()
        .complete(
            &denied_user_code,
            DeviceCompleteResult::AccessDenied,
            "alice",
        )
        .send()
        .await
        .expect("complete");
    let (_, content, _) = poll(denied_code).await;
    assert!(content.contains("access_denied"), "{content}");

    let (late_code, late_user_code) = start().await;
    authlete.advance_clock(Duration::from_secs(601));
    let (_, content, _) = poll(late_code).await;
    assert!(content.contains("expired_token"), "{content}");
    let expired = client
        .device_flow()
        .verification(&late_user_code)
        .send()
        .await
        .expect("verification");
    assert_eq!(expired.action(), Some(DeviceVerificationAction::Expired));
}

#[tokio::test]
async fn ciba_requests_go_from_ticket_to_tokens() {
    let authlete = MockAuthlete::start().await.expect("mock");
    authlete.register(MockClient::new("call-centre").secret("s3cret"));
    authlete.register(MockClient::new("public-app"));
    let client = authlete.client().expect("client");
    let authenticate = |form: &'static str, id: &'static str, secret: Option<&'static str>| {
        let client = &client;
        async move {
            let mut call = client.ciba().process(form).client_id(id);
            if let Some(secret) = secret {
                call = call.client_secret(secret);
            }
            call.send().await.expect("backchannel authentication")
        }
    };

    let refused = authenticate("scope=openid&login_hint=alice", "public-app", None).await;
    assert_eq!(refused.action(), Some(CibaAction::BadRequest));
    let no_openid = authenticate(
        "scope=email&login_hint=alice",
        "call-centre",
        Some("s3cret"),
    )
    .await;
    assert!(
        no_openid
            .response_content()
            .unwrap_or_default()
            .contains("invalid_scope")
    );

    let asked = authenticate(
        "scope=openid&login_hint=alice",
        "call-centre",
        Some("s3cret"),
    )
    .await;
    assert_eq!(asked.action(), Some(CibaAction::UserIdentification));
    assert_eq!(asked.hint(), Some("alice"));
    let ticket = asked.ticket().expect("a ticket").to_owned();
    let issued = client.ciba().issue(&ticket).send().await.expect("issue");
    let auth_req_id = issued.auth_req_id().expect("an auth_req_id").to_owned();
    let respent = client.ciba().issue(&ticket).send().await.expect("issue");
    assert_eq!(respent.auth_req_id(), None, "the ticket is spent");

    let form =
        format!("grant_type=urn%3Aopenid%3Aparams%3Agrant-type%3Aciba&auth_req_id={auth_req_id}");
    let (_, content, _) = token(&client, &form, "call-centre", Some("s3cret")).await;
    assert!(content.contains("authorization_pending"), "{content}");
    let completed = client
        .ciba()
        .complete(&ticket, CibaCompleteResult::Authorized, "alice")
        .send()
        .await
        .expect("complete");
    assert_eq!(
        completed.action(),
        Some(authlete::CibaCompleteAction::NoAction),
        "a poll client is not notified"
    );
    authlete.advance_clock(Duration::from_secs(6));
    let (action, _, id_token) = token(&client, &form, "call-centre", Some("s3cret")).await;
    assert_eq!(action, TokenAction::Ok);
    assert!(id_token.is_some());
    let (_, wrong_client, _) = token(&client, &form, "public-app", None).await;
    assert!(wrong_client.contains("invalid_grant"), "{wrong_client}");

    let second = authenticate("scope=openid&login_hint=bob", "call-centre", Some("s3cret")).await;
    let failed = client
        .ciba()
        .fail(
            second.ticket().expect("a ticket"),
            CibaFailReason::UnknownUserId,
        )
        .send()
        .await
        .expect("fail");
    assert!(
        failed
            .response_content()
            .unwrap_or_default()
            .contains("unknown_user_id")
    );
}

#[tokio::test]
async fn dynamic_registration_manages_the_same_clients() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let client = authlete.client().expect("client");
    let metadata = r#"{"client_name":"Dynamic","redirect_uris":["https://app.example/cb"],"grant_types":["authorization_code","client_credentials"]}"#;
    let registered = client
        .client_registration()
        .register(metadata)
        .send()
        .await
        .expect("register");
    assert_eq!(registered.action(), Some(ClientRegistrationAction::Created));
    let content: serde_json::Value =
        serde_json::from_str(registered.response_content().expect("content")).expect("JSON");
    let id = content["client_id"].as_str().expect("an ID").to_owned();
    let secret = content["client_secret"]
        .as_str()
        .expect("a secret")
        .to_owned();
    let token_for_it = content["registration_access_token"]
        .as_str()
        .expect("a registration access token")
        .to_owned();

    // The same client as the administration API's, usable at once.
    let as_admin = client.clients().get(id.as_str()).send().await.expect("get");
    assert_eq!(as_admin.client_name(), Some("Dynamic"));
    assert_eq!(as_admin.dynamically_registered(), Some(true));
    let (action, _, _) = token(&client, "grant_type=client_credentials", &id, Some(&secret)).await;
    assert_eq!(action, TokenAction::Ok);

    let read = client
        .client_registration()
        .get(id.as_str(), &token_for_it)
        .send()
        .await
        .expect("get");
    assert_eq!(read.action(), Some(ClientRegistrationAction::Ok));
    let wrong = client
        .client_registration()
        .get(id.as_str(), "not-the-token")
        .send()
        .await
        .expect("get");
    assert_eq!(wrong.action(), Some(ClientRegistrationAction::Unauthorized));

    let renamed = format!(
        r#"{{"client_id":"{id}","client_name":"Renamed","redirect_uris":["https://app.example/cb"]}}"#
    );
    let updated = client
        .client_registration()
        .update(id.as_str(), &token_for_it, renamed)
        .send()
        .await
        .expect("update");
    assert_eq!(updated.action(), Some(ClientRegistrationAction::Updated));
    let as_admin = client.clients().get(id.as_str()).send().await.expect("get");
    assert_eq!(as_admin.client_name(), Some("Renamed"));

    let deleted = client
        .client_registration()
        .delete(id.as_str(), &token_for_it)
        .send()
        .await
        .expect("delete");
    assert_eq!(deleted.action(), Some(ClientRegistrationAction::Deleted));
    let gone = client.clients().get(id.as_str()).send().await;
    assert_eq!(
        gone.expect_err("deleted").status().map(|s| s.as_u16()),
        Some(404)
    );
    let after = client
        .client_registration()
        .get(id.as_str(), &token_for_it)
        .send()
        .await
        .expect("get");
    assert_eq!(after.action(), Some(ClientRegistrationAction::Unauthorized));

    let no_redirect = client
        .client_registration()
        .register(r#"{"client_name":"No redirect"}"#)
        .send()
        .await
        .expect("register");
    assert_eq!(
        no_redirect.action(),
        Some(ClientRegistrationAction::BadRequest)
    );
    assert!(
        no_redirect
            .response_content()
            .unwrap_or_default()
            .contains("invalid_redirect_uri")
    );
}

#[tokio::test]
async fn keys_are_kept_until_deleted() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let client = authlete.client().expect("client");
    let created = client
        .hsk()
        .create()
        .kty("EC")
        .alg("ES256")
        .kid("signing-1")
        .key_use("sig")
        .send()
        .await
        .expect("create");
    assert_eq!(created.action(), Some(HskCreateAction::Success));
    let handle = created
        .hsk()
        .and_then(|k| k.handle.clone())
        .expect("a handle");
    let got = client.hsk().get(&handle).send().await.expect("get");
    assert_eq!(got.hsk().and_then(|k| k.kid.as_deref()), Some("signing-1"));
    let listed = client.hsk().list().send().await.expect("list");
    assert_eq!(listed.hsks().len(), 1);
    client.hsk().delete(&handle).send().await.expect("delete");
    let gone = client.hsk().get(&handle).send().await.expect("get");
    assert_eq!(gone.action(), Some(authlete::HskGetAction::NotFound));
    assert!(
        client
            .hsk()
            .list()
            .send()
            .await
            .expect("list")
            .hsks()
            .is_empty()
    );
    let bad = client
        .hsk()
        .create()
        .kty("OCT")
        .send()
        .await
        .expect("create");
    assert_eq!(bad.action(), Some(HskCreateAction::InvalidRequest));
}

#[tokio::test]
async fn credential_offers_can_be_read_until_they_expire() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let client = authlete.client().expect("client");
    let created = client
        .credential_issuer()
        .create_offer(["IdentityCredential"], "alice")
        .pre_authorized_code_grant_included(true)
        .duration(60)
        .send()
        .await
        .expect("create");
    assert_eq!(created.action(), Some(CredentialOfferCreateAction::Created));
    let info = created.info().expect("info");
    let identifier = info.identifier.clone().expect("an identifier");
    let offer: serde_json::Value =
        serde_json::from_str(info.credential_offer.as_deref().expect("the offer")).expect("JSON");
    let code = &offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]["pre-authorized_code"];
    assert_eq!(code.as_str(), info.pre_authorized_code.as_deref());

    let read = client
        .credential_issuer()
        .offer_info(&identifier)
        .send()
        .await
        .expect("info");
    assert_eq!(
        read.info().and_then(|i| i.subject.as_deref()),
        Some("alice")
    );
    authlete.advance_clock(Duration::from_secs(61));
    let expired = client
        .credential_issuer()
        .offer_info(&identifier)
        .send()
        .await
        .expect("info");
    assert_eq!(
        expired.action(),
        Some(authlete::CredentialOfferInfoAction::NotFound)
    );

    let empty: [&str; 0] = [];
    let refused = client
        .credential_issuer()
        .create_offer(empty, "alice")
        .send()
        .await
        .expect("create");
    assert_eq!(
        refused.action(),
        Some(CredentialOfferCreateAction::CallerError)
    );
}

#[tokio::test]
async fn services_are_made_listed_and_deleted() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let client = authlete.client().expect("client");
    let created = client
        .service()
        .create()
        .service_name("Second")
        .send()
        .await
        .expect("create");
    let api_key = created.api_key().expect("an API key");
    assert!(created.api_secret().is_some_and(|s| !s.is_empty()));

    let listed = client.service().list().send().await.expect("list");
    assert_eq!(
        listed.total_count(),
        Some(2),
        "the mock's own and the new one"
    );
    assert_eq!(listed.services()[1].api_key, Some(api_key));
    assert_eq!(listed.services()[1].service_name.as_deref(), Some("Second"));

    client.service().delete().send().await.expect("delete");
    let gone = client.service().get().send().await;
    assert_eq!(
        gone.expect_err("deleted").status().map(|s| s.as_u16()),
        Some(404)
    );
    let listed = client.service().list().send().await.expect("list");
    assert_eq!(
        listed.total_count(),
        Some(1),
        "only the one made through the API"
    );
}
