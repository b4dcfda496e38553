//! The stand-in keeps one state for administration and the OAuth flows, as
//! Authlete does: a client made through the API can get tokens at once,
//! tokens show in listings and introspection after every change, and a
//! subject's authorizations follow its tokens.

use authlete::testing::MockAuthlete;
use authlete::{GrantType, IntrospectionAction, TokenAction};

/// A confidential client made through `clients().create()`: its ID and secret.
async fn made_client(client: &authlete::Client, name: &str) -> (String, String) {
    let created = client
        .clients()
        .create()
        .client_name(name)
        .send()
        .await
        .expect("create");
    let id = created.client_id().expect("an ID").to_string();
    let secret = created.client_secret().expect("a secret").to_owned();
    (id, secret)
}

async fn client_credentials(
    client: &authlete::Client,
    id: &str,
    secret: &str,
) -> (TokenAction, Option<String>) {
    let answer = client
        .tokens()
        .process("grant_type=client_credentials")
        .client_id(id)
        .client_secret(secret)
        .send()
        .await
        .expect("token call");
    (
        answer.action().expect("an action"),
        answer.access_token().map(str::to_owned),
    )
}

async fn active(client: &authlete::Client, token: &str) -> bool {
    let answer = client
        .introspection()
        .process(token)
        .send()
        .await
        .expect("introspection");
    answer.action() == Some(IntrospectionAction::Ok)
}

#[tokio::test]
async fn a_client_made_through_the_api_gets_tokens_until_it_is_deleted() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let client = authlete.client().expect("client");
    let (id, secret) = made_client(&client, "Made by API").await;

    let (action, token) = client_credentials(&client, &id, &secret).await;
    assert_eq!(action, TokenAction::Ok);
    let token = token.expect("the access token beside responseContent");
    assert!(active(&client, &token).await);
    let (wrong, _) = client_credentials(&client, &id, "not-the-secret").await;
    assert_eq!(wrong, TokenAction::InvalidClient);

    let listed = client
        .tokens()
        .list()
        .client_identifier(&id)
        .send()
        .await
        .expect("list");
    assert_eq!(listed.total_count(), Some(1));
    // `Debug` says how many tokens the list holds, never what they are.
    let shown = format!("{listed:?}");
    assert!(shown.contains("access_tokens: 1 item,"), "{shown}");
    let hash = listed.access_tokens()[0]
        .access_token_hash
        .clone()
        .expect("a hash");
    assert!(!shown.contains(&hash), "{shown}");
    let clients = client.clients().list().send().await.expect("list");
    assert_eq!(clients.total_count(), Some(1));
    assert_eq!(
        clients.clients()[0].client_name.as_deref(),
        Some("Made by API")
    );

    client.clients().delete(&id).send().await.expect("delete");
    assert!(!active(&client, &token).await, "its tokens go with it");
    let (after, _) = client_credentials(&client, &id, &secret).await;
    assert_eq!(after, TokenAction::InvalidClient);
    let gone = client
        .clients()
        .delete(&id)
        .send()
        .await
        .expect_err("deleted once");
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn a_token_update_shows_in_introspection_and_an_unknown_token_is_not_found() {
    let authlete = MockAuthlete::start().await.expect("mock");
    authlete.support_scopes(["read", "write"]);
    let client = authlete.client().expect("client");
    let (id, _) = made_client(&client, "Updater").await;
    let created = client
        .tokens()
        .create(GrantType::ClientCredentials)
        .client_id(id.parse().expect("numeric"))
        .scopes(["read", "write"])
        .send()
        .await
        .expect("create");
    let token = created.access_token().expect("a token").to_owned();

    let updated = client
        .tokens()
        .update(&token)
        .scopes(["read"])
        .send()
        .await
        .expect("update");
    assert_eq!(updated.scopes(), ["read"]);
    let seen = client
        .introspection()
        .process(&token)
        .send()
        .await
        .expect("introspect");
    assert_eq!(
        seen.scopes(),
        ["read"],
        "introspection agrees with the update"
    );

    // An expiry in the past ends the token now.
    client
        .tokens()
        .update(&token)
        .access_token_expires_at(1_000)
        .send()
        .await
        .expect("update");
    assert!(!active(&client, &token).await);
    let missing = client
        .tokens()
        .update(&token)
        .send()
        .await
        .expect("answered");
    assert_eq!(
        missing.action(),
        Some(authlete::TokenUpdateAction::NotFound)
    );
}

#[tokio::test]
async fn a_subjects_authorizations_follow_its_tokens() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let client = authlete.client().expect("client");
    let (first, _) = made_client(&client, "First").await;
    let (second, _) = made_client(&client, "Second").await;
    let mut tokens = Vec::new();
    for id in [&first, &second] {
        let created = client
            .tokens()
            .create(GrantType::AuthorizationCode)
            .client_id(id.parse().expect("numeric"))
            .subject("alice")
            .send()
            .await
            .expect("create");
        tokens.push(created.access_token().expect("a token").to_owned());
    }
    let names = |answer: &authlete::clients::AuthorizationListResponse| {
        let mut names: Vec<String> = answer
            .clients()
            .iter()
            .filter_map(|c| c.client_name.clone())
            .collect();
        names.sort();
        names
    };
    let before = client
        .clients()
        .authorizations_by_body("alice")
        .send()
        .await
        .expect("list");
    assert_eq!(names(&before), ["First", "Second"]);
    let nobody = client
        .clients()
        .authorizations_by_body("bob")
        .send()
        .await
        .expect("list");
    assert_eq!(nobody.total_count(), Some(0));

    client
        .clients()
        .delete_authorization_by_body(&first, "alice")
        .send()
        .await
        .expect("delete");
    let after = client
        .clients()
        .authorizations_by_body("alice")
        .send()
        .await
        .expect("list");
    assert_eq!(names(&after), ["Second"]);
    assert!(
        !active(&client, &tokens[0]).await,
        "the withdrawn grant's token is gone"
    );
    assert!(
        active(&client, &tokens[1]).await,
        "the other client's token stays"
    );
}
