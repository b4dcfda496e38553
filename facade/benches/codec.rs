//! Encoding requests and decoding responses, without any network: what the
//! SDK costs per call on top of serde_json handling the same bytes.
//!
//! ```text
//! cargo bench -p authlete --bench codec
//! ```
//!
//! Each generated type is measured beside a `serde_json::Value` of the same
//! document, the floor any JSON client pays.

#![recursion_limit = "256"]

use std::hint::black_box;

use authlete_generated::types;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const FAIL_RESPONSE: &str = r#"{"resultCode":"A067301","resultMessage":"[A067301] The credentials of the resource owner are not valid.","action":"BAD_REQUEST","responseContent":"{\"error\":\"invalid_request\"}"}"#;

/// A token response with every one of its 53 fields present.
fn full_token_response() -> String {
    serde_json::json!({
        "resultCode": "X000000", "resultMessage": "[X000000] synthetic benchmark data",
        "action": "OK", "responseContent": "{\"access_token\":\"at\",\"token_type\":\"Bearer\"}",
        "username": "john", "password": "secret", "ticket": "t-123",
        "accessToken": "at-123", "accessTokenExpiresAt": 1_900_000_000_000i64, "accessTokenDuration": 3600,
        "refreshToken": "rt-456", "refreshTokenExpiresAt": 1_900_000_000_000i64, "refreshTokenDuration": 86400,
        "idToken": "eyJ.eyJ.sig", "grantType": "AUTHORIZATION_CODE", "clientId": 57297408867i64,
        "clientIdAlias": "my-client", "clientIdAliasUsed": true, "subject": "user-1001",
        "scopes": ["openid", "profile", "email"],
        "properties": [{"key": "tier", "value": "gold", "hidden": false}],
        "jwtAccessToken": "eyJ.eyJ.sig", "resources": ["https://api.example.com"],
        "accessTokenResources": ["https://api.example.com"],
        "authorizationDetails": {"elements": [{"type": "payment", "actions": ["initiate"], "locations": ["https://bank.example"]}]},
        "additionalClaims": "{}", "serviceAttributes": [{"key": "k", "value": "v"}],
        "clientAttributes": [{"key": "k", "value": "v"}], "clientAuthMethod": "CLIENT_SECRET_BASIC",
        "grantId": "g-1", "audiences": ["aud"], "requestedTokenType": "ACCESS_TOKEN",
        "subjectToken": "st", "subjectTokenType": "ID_TOKEN",
        "subjectTokenInfo": {"clientId": 1, "subject": "s", "scopes": [{"name": "openid"}], "expiresAt": 1},
        "actorToken": "act", "actorTokenType": "JWT",
        "actorTokenInfo": {"clientId": 2, "subject": "a"},
        "assertion": "eyJ.eyJ.sig", "previousRefreshTokenUsed": false,
        "clientEntityId": "https://rp.example", "clientEntityIdUsed": false,
        "cnonceDuration": 300, "dpopNonce": "n-1", "cnonce": "c-1", "cnonceExpiresAt": 1_900_000_000_000i64,
        "requestedIdTokenClaims": ["email"], "refreshTokenScopes": ["openid"],
        "sessionId": "sid", "deviceSecret": "ds", "deviceSecretHash": "dsh",
        "metadataDocumentLocation": "https://client.example/metadata", "metadataDocumentUsed": false
    })
    .to_string()
}

fn codec(c: &mut Criterion) {
    let mut group = c.benchmark_group("codec");
    group.throughput(Throughput::Elements(1));

    let request = types::TokenFailRequest {
        ticket: "83BNqKIhGMyrkvop_7jQjv2Z1612LNdGSQKkvkrf47c".into(),
        reason: types::TokenFailReason::InvalidResourceOwnerCredentials,
        extra: Default::default(),
    };
    let request_value = serde_json::to_value(&request).expect("value");
    group.bench_function("encode token_fail_request/generated", |b| {
        b.iter(|| serde_json::to_vec(black_box(&request)).expect("encodes"))
    });
    group.bench_function("encode token_fail_request/json_value", |b| {
        b.iter(|| serde_json::to_vec(black_box(&request_value)).expect("encodes"))
    });

    group.bench_function("decode token_fail_response/generated", |b| {
        b.iter(|| {
            serde_json::from_str::<types::TokenFailResponse>(black_box(FAIL_RESPONSE))
                .expect("decodes")
        })
    });
    group.bench_function("decode token_fail_response/json_value", |b| {
        b.iter(|| {
            serde_json::from_str::<serde_json::Value>(black_box(FAIL_RESPONSE)).expect("decodes")
        })
    });

    let full = full_token_response();
    let decoded: types::TokenResponse = serde_json::from_str(&full).expect("all 53 fields decode");
    assert_eq!(
        serde_json::to_value(&decoded)
            .expect("value")
            .as_object()
            .map(|o| o.len()),
        Some(53)
    );
    group.bench_function("decode token_response(53 fields)/generated", |b| {
        b.iter(|| serde_json::from_str::<types::TokenResponse>(black_box(&full)).expect("decodes"))
    });
    group.bench_function("decode token_response(53 fields)/json_value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&full)).expect("decodes"))
    });
    group.finish();
}

criterion_group!(benches, codec);
criterion_main!(benches);
