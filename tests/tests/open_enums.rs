//! The generated string enums accept values newer than the crate.
//!
//! `xtask/src/open_enums.rs` rewrites typify's closed enums; these tests pin
//! the behaviour that rewrite exists for.

use authlete_generated::types::{
    TokenFailRequestReason, TokenFailResponse, TokenFailResponseAction,
};

#[test]
fn unknown_action_decodes_and_keeps_its_raw_value() {
    let body = r#"{"action":"SLOW_DOWN","resultCode":"A000000"}"#;
    let response: TokenFailResponse = serde_json::from_str(body).expect("decodes");
    assert_eq!(
        response.action,
        Some(TokenFailResponseAction::Other("SLOW_DOWN".into()))
    );
    assert_eq!(
        serde_json::to_string(&response.action).expect("encodes"),
        r#""SLOW_DOWN""#
    );
}

#[test]
fn known_values_stay_known_in_both_directions() {
    for (value, wire) in [
        (TokenFailRequestReason::Unknown, "UNKNOWN"),
        (
            TokenFailRequestReason::InvalidResourceOwnerCredentials,
            "INVALID_RESOURCE_OWNER_CREDENTIALS",
        ),
        (TokenFailRequestReason::InvalidTarget, "INVALID_TARGET"),
    ] {
        let json = serde_json::to_string(&value).expect("encodes");
        assert_eq!(json, format!("\"{wire}\""));
        assert_eq!(
            serde_json::from_str::<TokenFailRequestReason>(&json).expect("decodes"),
            value
        );
        assert_eq!(value.to_string(), wire);
        assert_eq!(TokenFailRequestReason::from(wire), value);
    }
}

#[test]
fn from_str_never_fails_and_keeps_case() {
    let parsed: TokenFailRequestReason = "invalid_target".parse().expect("infallible");
    assert_eq!(
        parsed,
        TokenFailRequestReason::Other("invalid_target".into())
    );
    assert_eq!(parsed.as_str(), "invalid_target");
}
