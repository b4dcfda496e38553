//! Property tests: every generated type, fed JSON its fragment schema
//! accepts (any strings, full integer ranges, known and unknown enum values,
//! optional fields present or not, and a member the spec does not name),
//! decodes and encodes back to the same JSON.
//!
//! The values come from a proptest strategy built from each schema
//! (`authlete_tests::examples::strategy`) and go through
//! `authlete_generated::catalog::roundtrip`, so no type is named here.

use authlete_generated::catalog;
use authlete_tests::examples::{strategy, without_empty};
use authlete_tests::snapshots::Batch;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;

#[test]
fn every_schema_round_trips() {
    let doc = authlete_tests::normalised_fragment();
    let schemas = doc["components"]["schemas"]
        .as_object()
        .expect("schemas")
        .clone();
    assert!(!schemas.is_empty());
    let keeps_unknown = |schema: &Value| {
        schema.get("properties").is_some()
            && schema.get("additionalProperties") == Some(&Value::Object(Default::default()))
    };
    let keeping = schemas.values().filter(|s| keeps_unknown(s)).count();
    assert!(keeping > 100, "only {keeping} schemas keep unknown members");
    let mut batch = Batch::new("roundtrip");
    for (schema_name, schema) in &schemas {
        let type_name = xtask::normalise::rust_type_name(schema_name);
        let strategy = strategy(&doc, schema);
        batch.check(&type_name, || {
            assert!(
                catalog::TYPES.contains(&type_name.as_str()),
                "schema `{schema_name}` has no generated type `{type_name}`"
            );
            let mut runner = TestRunner::new(Config {
                cases: 128,
                failure_persistence: None,
                ..Config::default()
            });
            let keeps_unknown = keeps_unknown(schema);
            let result = runner.run(&strategy, |mut value: Value| {
                // A member the spec does not name (a newer Authlete) comes
                // back as it went in.
                if keeps_unknown && let Some(object) = value.as_object_mut() {
                    object.insert(
                        "memberTheSpecDoesNotName".into(),
                        serde_json::json!({"kept": [1, "two", true, null]}),
                    );
                }
                let json = value.to_string();
                let out = catalog::roundtrip(&type_name, &json)
                    .expect("a catalog type")
                    .map_err(|e| TestCaseError::fail(format!("does not decode: {e}: {json}")))?;
                let back: Value = serde_json::from_str(&out).expect("JSON");
                proptest::prop_assert_eq!(without_empty(&back), without_empty(&value));
                Ok(())
            });
            if let Err(e) = result {
                panic!("{type_name}: {e}");
            }
        });
    }
    batch.finish();
}

#[test]
fn unknown_type_names_are_none() {
    assert!(catalog::roundtrip("NoSuchType", "{}").is_none());
    assert!(catalog::debug("NoSuchType", "{}").is_none());
}
