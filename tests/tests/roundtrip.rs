//! Property tests: every request body the SDK sends serialises to JSON that
//! decodes back to the same value, whatever strings and numbers it holds.

use authlete_generated::types;
use proptest::collection::vec;
use proptest::option::of;
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    // Any Unicode, including quotes, backslashes, control characters and emoji.
    any::<String>()
}

fn property() -> impl Strategy<Value = types::Property> {
    (of(text()), of(text()), of(any::<bool>())).prop_map(|(key, value, hidden)| types::Property {
        key,
        value,
        hidden,
    })
}

fn open_enum_value<T: From<String> + std::fmt::Debug>() -> impl Strategy<Value = T> {
    prop_oneof![
        Just("UNKNOWN".to_owned()),
        Just("INVALID_TARGET".to_owned()),
        Just("CLIENT_CREDENTIALS".to_owned()),
        text(),
    ]
    .prop_map(T::from)
}

fn round_trip<T>(value: &T) -> Result<(), TestCaseError>
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let json = serde_json::to_string(value).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: T =
        serde_json::from_str(&json).map_err(|e| TestCaseError::fail(format!("{e}: {json}")))?;
    prop_assert_eq!(&back, value);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn token_fail_request(ticket in text(), reason in open_enum_value::<types::TokenFailRequestReason>()) {
        round_trip(&types::TokenFailRequest { ticket, reason })?;
    }

    #[test]
    fn token_revoke_request(a in of(text()), b in of(text()), c in of(text()), d in of(text())) {
        round_trip(&types::TokenRevokeRequest {
            access_token_identifier: a,
            refresh_token_identifier: b,
            client_identifier: c,
            subject: d,
        })?;
    }

    #[test]
    fn token_issue_request(
        ticket in text(), subject in text(), properties in vec(property(), 0..4),
        jwt in of(text()), at in of(text()), atd in of(any::<i64>()), rtd in of(any::<i64>()),
    ) {
        round_trip(&types::TokenIssueRequest {
            ticket, subject, properties, jwt_at_claims: jwt, access_token: at,
            access_token_duration: atd, refresh_token_duration: rtd,
        })?;
    }

    #[test]
    fn idtoken_reissue_request(
        at in text(), rt in text(), sub in of(text()), claims in of(text()),
        params in of(text()), aud in of(text()),
    ) {
        round_trip(&types::IdtokenReissueRequest {
            access_token: at, refresh_token: rt, sub, claims,
            idt_header_params: params, id_token_aud_type: aud,
        })?;
    }

    #[test]
    fn token_request(
        parameters in text(), client_id in of(text()), client_secret in of(text()),
        dpop in of(text()), htu in of(text()), chain in vec(text(), 0..3),
        properties in vec(property(), 0..3), durations in (of(any::<i64>()), of(any::<i64>())),
        nonce_required in of(any::<bool>()),
    ) {
        let body: types::TokenRequest = types::TokenRequest::builder()
            .parameters(parameters)
            .client_id(client_id)
            .client_secret(client_secret)
            .dpop(dpop)
            .htu(htu)
            .client_certificate_path(chain)
            .properties(properties)
            .access_token_duration(durations.0)
            .refresh_token_duration(durations.1)
            .dpop_nonce_required(nonce_required)
            .try_into()
            .map_err(|e: types::error::ConversionError| TestCaseError::fail(e.to_string()))?;
        round_trip(&body)?;
    }

    #[test]
    fn token_create_request(
        grant in open_enum_value::<types::GrantType>(), client_id in of(any::<i64>()),
        subject in of(text()), scopes in vec(text(), 0..4), resources in vec(text(), 0..2),
        persistent in of(any::<bool>()), auth_time in of(any::<i64>()),
    ) {
        let body: types::TokenCreateRequest = types::TokenCreateRequest::builder()
            .grant_type(grant)
            .client_id(client_id)
            .subject(subject)
            .scopes(scopes)
            .resources(resources)
            .access_token_persistent(persistent)
            .auth_time(auth_time)
            .try_into()
            .map_err(|e: types::error::ConversionError| TestCaseError::fail(e.to_string()))?;
        round_trip(&body)?;
    }

    #[test]
    fn token_update_request(
        at in of(text()), expires in of(any::<i64>()), scopes in vec(text(), 0..4),
        properties in vec(property(), 0..3), token_id in of(text()),
    ) {
        let body: types::TokenUpdateRequest = types::TokenUpdateRequest::builder()
            .access_token(at)
            .access_token_expires_at(expires)
            .scopes(scopes)
            .properties(properties)
            .token_id(token_id)
            .try_into()
            .map_err(|e: types::error::ConversionError| TestCaseError::fail(e.to_string()))?;
        round_trip(&body)?;
    }
}
