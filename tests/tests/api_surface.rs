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
    let fragment = authlete_tests::fragment();
    let paths = fragment["paths"].as_object().expect("paths is a map");
    let mut expected = 0;
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("path item is a map") {
            let id = op["operationId"].as_str().expect("operationId");
            let line = format!("operation {id}: {} {path} ->", method.to_ascii_uppercase());
            assert!(
                surface.contains(&line),
                "surface lacks `{line}`:\n{surface}"
            );
            expected += 1;
        }
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
