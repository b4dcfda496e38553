//! Every operation of the table, without a line of code per operation.
//!
//! - `MockAuthlete` recognises each one by its method and path and answers
//!   with a well-formed body;
//! - that body decodes into the facade's response type;
//! - the response's `Debug` output shows none of the operation's secret
//!   fields (the examples fill every string with `"<field>-example"`, so a
//!   secret that leaked would show by name).

use authlete::operations;
use authlete::testing::{MOCK_ACCESS_TOKEN, MOCK_SERVICE_ID, MockAuthlete};

/// A concrete path for a path template: the mock's service, `x` elsewhere.
fn concrete(template: &str) -> String {
    template
        .split('/')
        .map(|segment| match segment {
            "{serviceId}" => MOCK_SERVICE_ID,
            s if s.starts_with('{') => "x",
            s => s,
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn the_mock_answers_every_operation_and_the_facade_decodes_it_without_showing_secrets() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let http = reqwest::Client::new();
    let mut decoded = 0;
    let mut leaks = Vec::new();
    for op in operations::ALL {
        let url = format!("{}{}", authlete.uri(), concrete(op.path));
        let method = reqwest::Method::from_bytes(op.method.as_bytes()).expect("a method");
        let mut request = http
            .request(method, &url)
            .bearer_auth(MOCK_ACCESS_TOKEN)
            .header("content-type", "application/json");
        if op.method != "GET" && op.method != "DELETE" {
            request = request.body("{}");
        }
        let response = request.send().await.expect("the mock answers");
        let status = response.status();
        let body = response.bytes().await.expect("a body");
        let recorded = authlete.requests();
        let last = recorded.last().expect("recorded");
        assert_eq!(
            last.operation.map(|o| o.id),
            Some(op.id),
            "the mock took {} {} for another operation",
            op.method,
            op.path
        );
        // Operations with state (tickets, tokens) answer per their rules;
        // everything else answers the example of its success.
        if let Some((example_status, _)) = authlete_generated::catalog::example_response(op.id)
            && status.as_u16() == example_status
            && !body.is_empty()
        {
            match authlete::fuzzing::decode_success_response(op.id, &body) {
                Some(Ok(shown)) => {
                    decoded += 1;
                    for secret in op.secrets {
                        if shown.contains(&format!("{secret}-example")) {
                            leaks.push(format!("{}: {secret}", op.id));
                        }
                    }
                }
                Some(Err(e)) => panic!("{}: the mock's answer does not decode: {e}", op.id),
                None => {}
            }
        }
    }
    println!(
        "{} operations recognised by the mock, {decoded} answers decoded",
        operations::ALL.len()
    );
    assert!(
        decoded > operations::ALL.len() / 2,
        "too few answers decoded: {decoded}"
    );
    assert!(leaks.is_empty(), "secrets in Debug output: {leaks:?}");
}

#[test]
fn every_operation_has_a_decided_replay_class_and_reason() {
    for op in operations::ALL {
        assert!(!op.why.trim().is_empty(), "{}: no reason given", op.id);
        assert!(
            operations::by_id(op.id).is_some_and(|o| o.path == op.path),
            "{}",
            op.id
        );
    }
    assert_eq!(
        operations::ALL.len(),
        authlete_generated::catalog::OPERATIONS.len()
    );
}
