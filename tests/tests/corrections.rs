//! What this project knows better than Authlete's spec, for review: every
//! entry of `openapi/corrections.yaml`, what it states and its evidence, and
//! proof that the vendored fragment states it.

use std::fmt::Write as _;

#[test]
fn every_correction_is_in_the_fragment_and_listed_for_review() {
    let root = authlete_tests::workspace_root();
    let corrections =
        xtask::corrections::read(&root.join("openapi").join(xtask::corrections::FILE))
            .expect("corrections.yaml reads");
    assert!(!corrections.corrections.is_empty());
    let fragment = authlete_tests::fragment();
    let mut listed = String::new();
    for correction in &corrections.corrections {
        // Applied by `vendor`: the fragment states each fact.
        assert_eq!(
            xtask::corrections::standing(&fragment, correction),
            xtask::corrections::Standing::CaughtUp,
            "`{}` is not applied to the fragment; run `cargo xtask vendor`",
            correction.label()
        );
        let _ = writeln!(listed, "{}", correction.label());
        for (name, shape) in &correction.add_properties {
            let _ = writeln!(listed, "  + property {name}: {shape}");
        }
        for value in &correction.add_values {
            let _ = writeln!(listed, "  + value {value}");
        }
        if let Some(shape) = &correction.shape {
            let _ = writeln!(listed, "  = shape {shape}");
        }
        let _ = writeln!(listed, "  evidence: {}", correction.evidence);
    }
    insta::assert_snapshot!("corrections", listed);
}
