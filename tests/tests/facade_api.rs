//! The public API of the `authlete` crate, as users see it: every module,
//! type, function, method, re-export and feature gate, one line each.
//!
//! Emitted and hand-written code are summarised alike, so a spec change
//! that reaches users (a new setter, an accessor whose type changed, a new
//! enum, a value added to or removed from an enum the facade re-exports, a
//! field of a re-exported model type) shows up here as a diff to review,
//! next to the generated crate's.

#[test]
fn facade_public_api() {
    let surface = authlete_tests::facade_surface::facade_surface(
        &authlete_tests::workspace_root().join("facade"),
        &authlete_tests::generated_client_source(),
    )
    .expect("the facade's source parses");
    assert!(surface.contains("pub struct Client"), "{surface}");
    // A re-exported enum is listed with its values and their wire names,
    // so a value Authlete adds or drops is a diff here (issue 19.2).
    let reason = surface
        .split("types::TokenFailReason  [")
        .nth(1)
        .expect("TokenFailReason is re-exported");
    assert!(
        reason.contains("Unknown = \"UNKNOWN\"")
            && reason.contains("InvalidTarget = \"INVALID_TARGET\""),
        "{reason}"
    );
    insta::assert_snapshot!("facade_public_api", surface);
}
