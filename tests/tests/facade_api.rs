//! The public API of the `authlete` crate, as users see it: every module,
//! type, function, method, re-export and feature gate, one line each.
//!
//! Emitted and hand-written code are summarised alike, so a spec change
//! that reaches users (a new setter, an accessor whose type changed, a new
//! enum) shows up here as a diff to review, next to the generated crate's.

#[test]
fn facade_public_api() {
    let surface = authlete_tests::facade_surface::facade_surface(
        &authlete_tests::workspace_root().join("facade"),
    )
    .expect("the facade's source parses");
    assert!(surface.contains("pub struct Client"), "{surface}");
    insta::assert_snapshot!("facade_public_api", surface);
}
