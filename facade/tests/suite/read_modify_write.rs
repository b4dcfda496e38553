//! Read-modify-write of a service and of a client against the stand-in,
//! which replaces settings on update as Authlete does: a partial update
//! resets what it leaves out, and an update built from what `get` answered
//! (`body(..)`) keeps every setting, the ones the spec does not name too.

use authlete::testing::MockAuthlete;
use serde_json::json;

#[tokio::test]
async fn a_service_updated_from_what_get_answered_keeps_every_setting() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let client = authlete.client().expect("client");

    // A setting this crate's spec does not name, as a newer Authlete has.
    let before = client.service().get().send().await.expect("get");
    assert!(
        before.service_name().is_some(),
        "the service starts with settings"
    );
    client
        .service()
        .update()
        .body(before.into_raw())
        .unknown_field("futureServiceSetting", json!(true))
        .send()
        .await
        .expect("update");

    // Read, change one setting, write back.
    let read = client.service().get().send().await.expect("get");
    let issuer = read.issuer().map(str::to_owned);
    assert!(issuer.is_some());
    client
        .service()
        .update()
        .body(read.into_raw())
        .service_name("Renamed")
        .send()
        .await
        .expect("update");

    let after = client.service().get().send().await.expect("get");
    assert_eq!(after.service_name(), Some("Renamed"));
    assert_eq!(
        after.issuer().map(str::to_owned),
        issuer,
        "a known setting is kept"
    );
    assert_eq!(
        after.unknown_field("futureServiceSetting"),
        Some(&json!(true)),
        "a setting the spec does not name is kept"
    );

    // Without the body, Authlete (and the stand-in) reset what is left out.
    client
        .service()
        .update()
        .service_name("Only a name")
        .send()
        .await
        .expect("update");
    let reset = client.service().get().send().await.expect("get");
    assert_eq!(reset.issuer(), None);
    assert_eq!(reset.unknown_field("futureServiceSetting"), None);
}

#[tokio::test]
async fn a_client_is_kept_created_updated_and_deleted_as_authlete_would() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let client = authlete.client().expect("client");

    let created = client
        .clients()
        .create()
        .client_name("First")
        .spiffe_id("spiffe://example.org/app")
        .unknown_field("futureClientSetting", json!({"on": true}))
        .send()
        .await
        .expect("create");
    let id = created.client_id().expect("Authlete assigns the client ID");
    assert_eq!(created.client_name(), Some("First"));

    // The number `create` answered goes into the calls that take the
    // client in their path as it is, as does its text form.
    let read = client.clients().get(id).send().await.expect("get");
    assert_eq!(read.client_name(), Some("First"));
    client
        .clients()
        .update(id)
        .body(read.into_raw())
        .client_name("Second")
        .send()
        .await
        .expect("update");
    let after = client.clients().get(id).send().await.expect("get");
    assert_eq!(after.client_name(), Some("Second"));
    assert_eq!(after.client_id(), Some(id));
    assert_eq!(after.spiffe_id(), Some("spiffe://example.org/app"));
    assert_eq!(
        after.unknown_field("futureClientSetting"),
        Some(&json!({"on": true}))
    );

    client
        .clients()
        .delete(id.to_string())
        .send()
        .await
        .expect("delete");
    let gone = client.clients().get(id.to_string()).send().await;
    assert!(
        matches!(&gone, Err(authlete::Error::Api { status, .. }) if status.as_u16() == 404),
        "{gone:?}"
    );
}
