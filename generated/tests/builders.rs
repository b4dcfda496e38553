//! What a caller sees when a builder is sent with a required field unset or
//! a value that does not convert: the field named, as progenitor and typify
//! word it. The generator borrows these messages instead of allocating them
//! on every call (`xtask/src/builder_errors.rs`); nothing about them may
//! change for the caller.

// The operations it sends belong to these groups. A gate here rather than
// `required-features` in the manifest, which the generator's corpus test
// copies into crates that have no such test.
#![cfg(all(feature = "tokens", feature = "service"))]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use authlete_generated::{Client, Error, hooks::CallContext, types};

/// The message of a `send` refused before it reaches the network, so that
/// its first poll is its last.
fn refused<T, E>(send: impl Future<Output = Result<T, Error<E>>>) -> String {
    match pin!(send).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(Err(Error::InvalidRequest(message))) => message,
        Poll::Ready(Err(_)) => panic!("refused with another error"),
        Poll::Ready(Ok(_)) => panic!("sent"),
        Poll::Pending => panic!("reached the network"),
    }
}

fn client() -> Client {
    // Nothing listens here; every call below is refused before connecting.
    Client::new("http://127.0.0.1:9", CallContext::default())
}

#[test]
fn an_unset_path_parameter_is_named() {
    let client = client();
    let body = types::TokenFailRequest {
        reason: types::TokenFailReason::Unknown,
        ticket: "t".into(),
        extra: Default::default(),
    };
    let message = refused(client.auth_token_fail_api().body(body).send());
    assert_eq!(message, "service_id was not initialized");
}

#[test]
fn an_unset_body_field_is_named() {
    let client = client();
    // The body builder starts with every required field unset; set one.
    let send = client
        .auth_token_fail_api()
        .service_id("1")
        .body_map(|body| body.ticket("t"))
        .send();
    assert_eq!(refused(send), "no value supplied for reason");
}

#[test]
fn a_value_that_does_not_convert_is_named() {
    let client = client();
    let send = client.service_get_list_api().start(u64::MAX).send();
    assert_eq!(refused(send), "conversion to `i32` for start failed");
}
