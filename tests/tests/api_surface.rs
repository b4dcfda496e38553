//! The generated crate's public shape, as a snapshot.
//!
//! When the spec changes, this is the diff to read: an operation that moved,
//! a status it answers with added or removed, a field that appeared or
//! changed type, an enum value added or removed.

#[test]
fn generated_api_surface() {
    authlete_tests::snapshots::remove_stale_pending("api_surface");
    let surface = authlete_tests::surface::api_surface(&authlete_tests::generated_client_source())
        .expect("the generated client parses as Rust");
    insta::assert_snapshot!(surface);
}

#[test]
fn surface_lists_every_operation_of_the_fragment() {
    let surface = authlete_tests::surface::api_surface(&authlete_tests::generated_client_source())
        .expect("the generated client parses as Rust");
    // The fragment as the generator sees it: every operation named.
    let mut fragment = authlete_tests::fragment();
    xtask::normalise::normalise(&mut fragment).expect("the fragment normalises");
    let mut expected = 0;
    for op in xtask::spec::operations(&fragment) {
        let id = xtask::spec::operation_id(&fragment, &op).expect("named by normalise");
        // The client method is the operationId in snake case.
        let method = authlete_tests::snake_case(id);
        let line = format!(
            "operation {method}: {} {} ->",
            op.method.to_ascii_uppercase(),
            op.path
        );
        assert!(
            surface.contains(&line),
            "surface lacks `{line}`:\n{surface}"
        );
        expected += 1;
    }
    assert_eq!(
        surface
            .lines()
            .filter(|l| l.starts_with("operation "))
            .count(),
        expected,
        "the generated crate has operations the fragment does not"
    );
}
