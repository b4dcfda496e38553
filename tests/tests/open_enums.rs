//! The generated string enums accept values newer than the crate.
//!
//! `xtask/src/open_enums.rs` rewrites typify's closed enums; these tests pin
//! the behaviour that rewrite exists for. They read the known values from the
//! fragment instead of naming variants, so that a spec change shows up in the
//! snapshot diffs rather than as a compile error here.

use authlete_generated::types::{
    TokenFailRequestReason, TokenFailResponse, TokenFailResponseAction,
};

fn fragment_enum(schema: &str, property: &str) -> Vec<String> {
    let fragment = authlete_tests::fragment();
    fragment["components"]["schemas"][schema]["properties"][property]["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("{schema}.{property} is an enum"))
        .iter()
        .map(|v| v.as_str().expect("string value").to_owned())
        .collect()
}

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
    let values = fragment_enum("token_fail_request", "reason");
    assert!(!values.is_empty());
    for wire in values {
        let value = TokenFailRequestReason::from(wire.as_str());
        assert!(
            !matches!(value, TokenFailRequestReason::Other(_)),
            "{wire} is known"
        );
        let json = serde_json::to_string(&value).expect("encodes");
        assert_eq!(json, format!("\"{wire}\""));
        assert_eq!(
            serde_json::from_str::<TokenFailRequestReason>(&json).expect("decodes"),
            value
        );
        assert_eq!(value.to_string(), wire);
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
