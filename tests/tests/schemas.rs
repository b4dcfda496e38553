//! JSON Schemas of the generated types, and their agreement with the fragment.
//!
//! The snapshots show what schemars derives from the Rust types; the fidelity
//! test compares those schemas with the fragment's, property by property, so
//! a generator that silently drops a field, a required marker or an enum
//! value is caught even when nobody reads the snapshot closely.

use std::collections::BTreeSet;

use authlete_generated::catalog;
use authlete_tests::snapshots::Batch;
use serde_json::Value;

/// Every generated type's JSON Schema, as schemars derives it (from the catalog).
fn all_schemas() -> Vec<(&'static str, Value)> {
    catalog::json_schemas()
}

#[test]
fn json_schema_snapshots() {
    let mut batch = Batch::new("schemas");
    for (name, schema) in all_schemas() {
        batch.check(name, || insta::assert_json_snapshot!(name, schema));
    }
    batch.finish();
}

#[test]
fn the_catalog_lists_every_generated_type() {
    let surface = authlete_tests::surface::api_surface(&authlete_tests::generated_client_source())
        .expect("generated client parses");
    let generated: BTreeSet<&str> = surface
        .lines()
        .filter_map(|l| {
            l.strip_prefix("type ")
                .or_else(|| l.strip_prefix("enum "))
                .and_then(|rest| rest.split(['(', ' ']).next())
        })
        .collect();
    let listed: BTreeSet<&str> = catalog::TYPES.iter().copied().collect();
    assert_eq!(
        generated, listed,
        "catalog::TYPES and the generated types differ"
    );
    let with_schema: BTreeSet<&str> = all_schemas().into_iter().map(|(n, _)| n).collect();
    assert!(
        with_schema.is_subset(&listed),
        "json_schemas() names unknown types"
    );
    // Every type the fragment's schemas become has a JSON Schema to snapshot.
    for (rust_name, _) in fragment_schemas() {
        assert!(
            with_schema.contains(rust_name.as_str()),
            "no JSON Schema for `{rust_name}`"
        );
    }
}

/// The fragment's component schemas, normalised the way the generator sees them, by Rust name.
fn fragment_schemas() -> Vec<(String, Value)> {
    let doc = authlete_tests::normalised_fragment();
    doc["components"]["schemas"]
        .as_object()
        .expect("schemas")
        .iter()
        .map(|(name, schema)| (xtask::normalise::rust_type_name(name), schema.clone()))
        .collect()
}

#[test]
fn generated_types_agree_with_the_fragment() {
    let generated = all_schemas();
    let fragment = fragment_schemas();
    assert!(!fragment.is_empty());
    // Every schema is compared, and every disagreement reported, in one run.
    let mut batch = Batch::new("schemas");
    for (rust_name, spec) in &fragment {
        batch.check(rust_name, || {
            let (_, schema) = generated
                .iter()
                .find(|(n, _)| n == rust_name)
                .unwrap_or_else(|| panic!("no generated type for schema `{rust_name}`"));
            compare(rust_name, spec, schema, schema);
        });
    }
    batch.finish();
}

/// Compares an object (or enum) schema of the fragment with the generated
/// type's. A name listed in `required` without a property is, in JSON
/// Schema, a required key of any type (the spec's `g_m_request` requires an
/// undeclared `token`), and typify generates it so: a required
/// `serde_json::Value`.
fn compare(name: &str, spec: &Value, schema: &Value, root: &Value) {
    if spec.get("enum").is_some() {
        assert_eq!(
            string_set(&spec["enum"]),
            enum_values(&resolve(schema, root)),
            "{name}: enum values"
        );
        return;
    }
    let schema = resolve(schema, root);
    let spec_props = spec["properties"].as_object().expect("object schema");
    let props = schema["properties"].as_object().expect("generated object");
    let required = string_set(&spec["required"]);
    let undeclared: BTreeSet<String> = required
        .iter()
        .filter(|r| !spec_props.contains_key(*r))
        .cloned()
        .collect();
    let spec_names: BTreeSet<String> = spec_props
        .keys()
        .cloned()
        .chain(undeclared.clone())
        .collect();
    let names: BTreeSet<String> = props.keys().cloned().collect();
    assert_eq!(spec_names, names, "{name}: property names");
    assert_eq!(
        required,
        string_set(&schema["required"]),
        "{name}: required properties"
    );
    for prop in &undeclared {
        assert_eq!(
            generated_shape(&props[prop]),
            "any",
            "{name}.{prop}: an undeclared required name takes any value"
        );
    }
    for (prop, spec_prop) in spec_props {
        compare_value(&format!("{name}.{prop}"), spec_prop, &props[prop], root);
    }
}

/// Compares a property's (or an array item's, or a map value's) schema:
/// inline enums by their values (typify names them), inline objects
/// property by property (typify makes them structs named after the place),
/// arrays and maps by what they hold, everything else by [`spec_shape`].
fn compare_value(place: &str, spec: &Value, generated: &Value, root: &Value) {
    if spec.get("enum").is_some() {
        assert_eq!(
            string_set(&spec["enum"]),
            enum_values(&resolve(generated, root)),
            "{place}: enum values"
        );
        return;
    }
    if spec.get("$ref").is_some() {
        assert_eq!(
            spec_shape(spec),
            generated_shape(generated),
            "{place}: type"
        );
        return;
    }
    let resolved = resolve(generated, root);
    match spec["type"].as_str() {
        Some("array") => {
            assert_eq!(
                generated_shape(generated).split('<').next(),
                Some("array"),
                "{place}: type"
            );
            compare_value(
                &format!("{place}[]"),
                &spec["items"],
                &resolved["items"],
                root,
            );
        }
        Some("object") | None if spec.get("properties").is_some() => {
            compare(place, spec, generated, root);
        }
        Some("object") if spec["additionalProperties"].is_object() => {
            assert_eq!(generated_shape(generated), "object", "{place}: type");
            compare_value(
                &format!("{place}{{}}"),
                &spec["additionalProperties"],
                &resolved["additionalProperties"],
                root,
            );
        }
        _ => assert_eq!(
            spec_shape(spec),
            generated_shape(generated),
            "{place}: type"
        ),
    }
}

/// `string`, `integer`, `array<Pair>`, `GrantType`: a spec schema's type in Rust names.
fn spec_shape(schema: &Value) -> String {
    if let Some(r) = schema["$ref"].as_str() {
        let target = r.rsplit('/').next().unwrap_or(r);
        return xtask::normalise::rust_type_name(target);
    }
    match schema["type"].as_str() {
        Some("array") => format!("array<{}>", spec_shape(&schema["items"])),
        Some(t) => t.to_owned(),
        None => "any".to_owned(),
    }
}

/// The same, read from a schemars schema (`Option` wrappers removed).
fn generated_shape(schema: &Value) -> String {
    if let Some(r) = schema["$ref"].as_str() {
        return r.rsplit('/').next().unwrap_or(r).to_owned();
    }
    if let Some(options) = schema["anyOf"].as_array()
        && let Some(non_null) = options.iter().find(|o| o["type"] != "null")
    {
        return generated_shape(non_null);
    }
    let kind = types_of(schema).into_iter().find(|t| t != "null");
    match kind.as_deref() {
        Some("array") => format!("array<{}>", generated_shape(&schema["items"])),
        Some(t) => t.to_owned(),
        None => "any".to_owned(),
    }
}

/// Follows `$ref`s and the `anyOf: [T, null]` schemars uses for `Option<T>`.
fn resolve(schema: &Value, root: &Value) -> Value {
    if let Some(r) = schema["$ref"].as_str() {
        let pointer = r.trim_start_matches('#');
        return resolve(root.pointer(pointer).expect("ref resolves"), root);
    }
    // Only the two-branch `[T, null]` form is an Option; a documented enum
    // is an `anyOf` of one branch per value.
    if let Some(options) = schema["anyOf"].as_array()
        && options.len() == 2
        && options.iter().any(|o| o["type"] == "null")
        && let Some(non_null) = options.iter().find(|o| o["type"] != "null")
    {
        return resolve(non_null, root);
    }
    schema.clone()
}

fn types_of(schema: &Value) -> BTreeSet<String> {
    match &schema["type"] {
        Value::String(s) => [s.clone()].into(),
        Value::Array(a) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => BTreeSet::new(),
    }
}

/// The values a generated enum's schema allows: an `enum` list, or, when
/// its variants are documented, one `const` per branch of a `oneOf`
/// (the catch-all branch has none).
fn enum_values(schema: &Value) -> BTreeSet<String> {
    let mut values = string_set(&schema["enum"]);
    for key in ["oneOf", "anyOf"] {
        for branch in schema[key].as_array().into_iter().flatten() {
            values.extend(string_set(&branch["enum"]));
            if let Some(c) = branch["const"].as_str() {
                values.insert(c.to_owned());
            }
        }
    }
    values
}

fn string_set(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
