//! The generated string enums accept values newer than the crate.
//!
//! `xtask/src/open_enums.rs` rewrites typify's closed enums; these tests pin
//! the behaviour that rewrite exists for, for every enum of the fragment.
//! They go through `authlete_generated::catalog` by name, so that a spec
//! change shows up here as a named failure rather than a compile error.

use authlete_generated::catalog;
use authlete_tests::examples::{example, fragment_enums, without_empty};
use authlete_tests::snapshots::Batch;

/// A value no spec will use, with characters that need escaping in JSON.
const UNKNOWN: &str = "NOT_YET_KNOWN \"ü\\";

#[test]
fn every_fragment_enum_is_open_with_the_same_values() {
    let enums = fragment_enums(&authlete_tests::normalised_fragment());
    assert!(!enums.is_empty());
    let mut batch = Batch::new("open_enums");
    let mut unmatched: Vec<&catalog::Enum> = catalog::ENUMS.iter().collect();
    for (place, values) in &enums {
        let found = unmatched.iter().position(|e| e.values == values.as_slice());
        batch.check(place, || {
            assert!(
                found.is_some(),
                "no generated enum has exactly the values of `{place}`: {values:?}"
            );
        });
        if let Some(i) = found {
            unmatched.remove(i);
        }
    }
    batch.check("generated enums without a fragment enum", || {
        assert!(unmatched.is_empty(), "{unmatched:?}");
    });
    batch.finish();
}

#[test]
fn known_values_stay_known_in_both_directions() {
    let mut batch = Batch::new("open_enums");
    for e in catalog::ENUMS {
        batch.check(e.name, || {
            assert!(!e.values.is_empty(), "{}", e.name);
            for value in e.values {
                let json = serde_json::to_string(value).expect("encodes");
                let known = catalog::is_known(e.name, &json)
                    .expect("a catalog enum")
                    .expect("a known value decodes");
                assert!(known, "{}: {value} is known", e.name);
                let back = catalog::roundtrip(e.name, &json)
                    .expect("a catalog type")
                    .expect("decodes");
                assert_eq!(back, json, "{}: {value}", e.name);
            }
        });
    }
    batch.finish();
}

#[test]
fn unknown_values_are_kept_exactly() {
    let mut batch = Batch::new("open_enums");
    for e in catalog::ENUMS {
        batch.check(e.name, || {
            // Also a known value in another case: enums match exactly.
            let lower = e
                .values
                .first()
                .map(|v| v.to_lowercase())
                .unwrap_or_default();
            for value in [UNKNOWN, lower.as_str(), ""] {
                if e.values.contains(&value) {
                    continue;
                }
                let json = serde_json::to_string(value).expect("encodes");
                let known = catalog::is_known(e.name, &json)
                    .expect("a catalog enum")
                    .expect("an unknown value decodes");
                assert!(!known, "{}: {value:?} is not known", e.name);
                let back = catalog::roundtrip(e.name, &json)
                    .expect("a catalog type")
                    .expect("decodes");
                assert_eq!(back, json, "{}: kept exactly", e.name);
                let debug = catalog::debug(e.name, &json)
                    .expect("type")
                    .expect("decodes");
                assert!(debug.contains(&format!("{value:?}")), "{}: {debug}", e.name);
            }
        });
    }
    assert!(catalog::is_known("NoSuchEnum", "\"X\"").is_none());
    batch.finish();
}

#[test]
fn an_unknown_value_inside_an_object_decodes() {
    // Every object schema with an enum property (or an array of enum
    // values), from the fragment; deeper places are covered by their types.
    let doc = authlete_tests::normalised_fragment();
    let mut batch = Batch::new("open_enums");
    let mut seen = 0;
    for (place, _) in fragment_enums(&doc) {
        let Some((schema, property)) = place.split_once('.') else {
            continue;
        };
        let (property, unknown) = match property.strip_suffix("[]") {
            Some(p) => (p, serde_json::json!([UNKNOWN])),
            None => (property, serde_json::json!(UNKNOWN)),
        };
        if !property.chars().all(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        seen += 1;
        let type_name = xtask::normalise::rust_type_name(schema);
        let mut value = example(&doc, &doc["components"]["schemas"][schema], schema);
        value[property] = unknown.clone();
        batch.check(&place, || {
            let body = value.to_string();
            let back = catalog::roundtrip(&type_name, &body)
                .unwrap_or_else(|| panic!("no type `{type_name}`"))
                .expect("decodes");
            let back: serde_json::Value = serde_json::from_str(&back).expect("JSON");
            assert_eq!(back[property], unknown, "{place}: kept exactly");
            assert_eq!(without_empty(&back), without_empty(&value), "{place}");
        });
    }
    assert!(seen > 0, "the fragment has enum properties");
    batch.finish();
}
