//! `ClientBuilder::build` and `from_env`: every bad setting is an error that
//! names it, never a panic.

use std::collections::HashMap;
use std::time::Duration;

use authlete::{Client, Error, Region};

fn base() -> authlete::ClientBuilder {
    Client::builder()
        .service_id("715948317")
        .access_token("tok")
}

fn config_error(builder: authlete::ClientBuilder) -> String {
    match builder.build() {
        Err(Error::Config(message)) => message,
        Err(other) => panic!("expected a configuration error, got {other:?}"),
        Ok(client) => panic!("expected a configuration error, got {client:?}"),
    }
}

#[test]
fn defaults_to_the_us_region() {
    let client = base().build().expect("valid");
    assert_eq!(client.base_url(), "https://us.authlete.com");
    assert_eq!(client.service_id(), "715948317");
}

#[test]
fn regions_map_to_their_clusters() {
    for (region, url) in [
        (Region::Us, "https://us.authlete.com"),
        (Region::Jp, "https://jp.authlete.com"),
        (Region::Eu, "https://eu.authlete.com"),
        (Region::Br, "https://br.authlete.com"),
    ] {
        assert_eq!(
            base().region(region).build().expect("valid").base_url(),
            url
        );
    }
}

#[test]
fn required_settings_are_named_when_missing() {
    assert!(config_error(Client::builder().access_token("t")).contains("service_id is not set"));
    assert!(config_error(Client::builder().service_id("1")).contains("access_token is not set"));
    assert!(config_error(base().service_id("")).contains("service_id is empty"));
    assert!(config_error(base().service_id("..")).contains("service_id must not be `..`"));
    assert!(config_error(base().access_token("")).contains("access_token is empty"));
}

#[test]
fn tokens_that_cannot_be_a_header_are_refused_without_echoing_them() {
    for bad in [
        "abc\r\nX-Evil: 1",
        "abc\ndef",
        "tab\there",
        "space here",
        "nul\0",
        "é-token",
    ] {
        let message = config_error(base().access_token(bad));
        assert!(message.contains("access_token"), "{message}");
        assert!(!message.contains(bad), "the token leaked into: {message}");
    }
}

#[test]
fn base_urls_are_vetted() {
    assert!(config_error(base().base_url("not a url")).contains("not a valid URL"));
    assert!(config_error(base().base_url("ftp://example.com")).contains("scheme `ftp`"));
    assert!(config_error(base().base_url("http://api.example.com")).contains("plain http"));
    assert!(
        config_error(base().base_url("https://user:pw@example.com"))
            .contains("user name or password")
    );
    assert!(
        config_error(base().base_url("https://example.com/?a=1")).contains("query or fragment")
    );

    for loopback in [
        "http://127.0.0.1:8080",
        "http://localhost:1",
        "http://[::1]:9",
    ] {
        base().base_url(loopback).build().expect(loopback);
    }
    let allowed = base()
        .base_url("http://authlete.internal/")
        .allow_insecure_http(true)
        .build()
        .expect("explicitly allowed");
    assert_eq!(allowed.base_url(), "http://authlete.internal");
    let prefixed = base()
        .base_url("https://proxy.example.com/authlete/")
        .build()
        .expect("valid");
    assert_eq!(prefixed.base_url(), "https://proxy.example.com/authlete");
}

#[test]
fn timeouts_must_be_positive_and_user_agent_a_header() {
    assert!(config_error(base().timeout(Duration::ZERO)).contains("timeout"));
    assert!(config_error(base().connect_timeout(Duration::ZERO)).contains("connect_timeout"));
    assert!(config_error(base().user_agent("bad\r\nagent")).contains("user_agent"));
}

fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| map.get(name).cloned()
}

#[test]
fn environment_errors_name_the_missing_variable() {
    let cases: [(&[(&str, &str)], &str); 3] = [
        (&[], "AUTHLETE_BASE_URL"),
        (
            &[("AUTHLETE_BASE_URL", "https://jp.authlete.com")],
            "AUTHLETE_SERVICE_ID",
        ),
        (
            &[
                ("AUTHLETE_BASE_URL", "https://jp.authlete.com"),
                ("AUTHLETE_SERVICE_ID", "1"),
            ],
            "AUTHLETE_SERVICE_ACCESSTOKEN",
        ),
    ];
    for (vars, missing) in cases {
        match Client::builder().from_lookup(lookup(vars)) {
            Err(Error::Config(message)) => assert!(message.contains(missing), "{message}"),
            other => panic!("expected the missing {missing} to be named, got {other:?}"),
        }
    }
}

#[test]
fn environment_accepts_either_token_variable() {
    for token_var in ["AUTHLETE_SERVICE_ACCESSTOKEN", "AUTHLETE_BEARER"] {
        let client = Client::builder()
            .from_lookup(lookup(&[
                ("AUTHLETE_BASE_URL", "https://eu.authlete.com"),
                ("AUTHLETE_SERVICE_ID", "42"),
                (token_var, "tok"),
            ]))
            .expect("complete")
            .build()
            .expect("valid");
        assert_eq!(client.base_url(), "https://eu.authlete.com");
        assert_eq!(client.service_id(), "42");
    }
}
