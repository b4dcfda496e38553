//! Property tests on the facade's open enums: any string survives every
//! conversion unchanged, and only the known wire strings become known variants.

use authlete::{
    ClientType, GrantType, IdTokenReissueAction, TokenAction, TokenCreateAction, TokenFailAction,
    TokenFailReason, TokenIssueAction, TokenType, TokenUpdateAction,
};
use proptest::prelude::*;

macro_rules! open_enum_properties {
    ($($test:ident: $ty:ty;)*) => {$(
        proptest! {
            #[test]
            fn $test(raw in any::<String>()) {
                let value = <$ty>::from(raw.as_str());
                prop_assert_eq!(value.as_str(), raw.as_str());
                prop_assert_eq!(value.to_string(), raw.clone());
                prop_assert_eq!(raw.parse::<$ty>().expect("infallible"), value.clone());
                let json = serde_json::to_string(&value).expect("serialises");
                prop_assert_eq!(&json, &serde_json::to_string(&raw).expect("string"));
                prop_assert_eq!(serde_json::from_str::<$ty>(&json).expect("deserialises"), value.clone());
                // Known strings are never left as Unrecognized, and vice versa.
                let reparsed = <$ty>::from(value.as_str());
                prop_assert_eq!(reparsed.is_unrecognized(), value.is_unrecognized());
            }
        }
    )*};
}

open_enum_properties! {
    token_action: TokenAction;
    token_issue_action: TokenIssueAction;
    token_fail_action: TokenFailAction;
    token_fail_reason: TokenFailReason;
    id_token_reissue_action: IdTokenReissueAction;
    token_create_action: TokenCreateAction;
    token_update_action: TokenUpdateAction;
    grant_type: GrantType;
    token_type: TokenType;
    client_type: ClientType;
}

#[test]
fn every_known_wire_value_is_known() {
    for wire in ["OK", "PASSWORD", "INVALID_CLIENT", "ID_TOKEN_REISSUABLE"] {
        assert!(!TokenAction::from(wire).is_unrecognized(), "{wire}");
    }
    for wire in ["AUTHORIZATION_CODE", "PRE_AUTHORIZED_CODE", "JWT_BEARER"] {
        assert!(!GrantType::from(wire).is_unrecognized(), "{wire}");
    }
    assert!(
        TokenAction::from("ok").is_unrecognized(),
        "wire values are case-sensitive"
    );
}
