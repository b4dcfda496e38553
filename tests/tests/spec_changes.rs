//! Spec changes reach the review as named snapshot diffs, never as compile
//! errors in the tests.
//!
//! Each case takes a copy of the fragment through one kind of change that
//! used to break `authlete-tests` (a field becoming required, a type change,
//! schemas added and removed, a status added, optional fields added, an enum
//! value added), regenerates a temporary copy of the generated crate with
//! `xtask::pipeline`, and compares what the snapshot tests derive their
//! snapshots from (the API surface, the catalog, the normalised schemas, the
//! example requests) before and after: each change must show up there.
//!
//! Compiling each regenerated crate is too slow for CI (progenitor is
//! heavy), so instead the last test checks that no test names a generated
//! type: the tests build against any crate that has a catalog.

use std::collections::BTreeMap;
use std::path::Path;

use authlete_tests::examples::request_example;
use authlete_tests::snapshots::Batch;
use serde_json::{Value, json};

/// What the snapshot tests are derived from, by name (`surface`, `catalog`,
/// `schema TokenFailRequest`, `wire auth_token_fail_api`).
fn derived_inputs(spec: &Value) -> BTreeMap<String, String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec_path = dir.path().join("spec.yaml");
    std::fs::write(&spec_path, serde_json::to_string(spec).expect("JSON")).expect("write spec");
    // Whatever else `openapi/` holds beside the fragment (the semantics file
    // naming enums, say) comes along, so the copy generates as the real one.
    for entry in std::fs::read_dir(authlete_tests::workspace_root().join("openapi"))
        .expect("openapi/")
        .flatten()
    {
        let keep = entry.path().extension().is_some_and(|e| e == "yaml")
            && entry.file_name() != "authlete.yaml";
        if keep {
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
        }
    }
    // A copy of the workspace's generated crate, regenerated from the changed spec.
    let crate_dir = dir.path().join("generated");
    copy_dir(
        &authlete_tests::workspace_root().join("generated"),
        &crate_dir,
    );
    let plan = xtask::pipeline::plan(&spec_path, "spec.yaml").expect("the changed spec generates");
    plan.write(&crate_dir).expect("written");
    let read = |name: &str| std::fs::read_to_string(crate_dir.join("src").join(name)).expect(name);
    let client = read("client.rs");
    let catalog = read("catalog.rs");
    for (name, source) in [("client.rs", &client), ("catalog.rs", &catalog)] {
        syn::parse_file(source).unwrap_or_else(|e| panic!("{name} is not Rust: {e}"));
    }

    let mut inputs = BTreeMap::new();
    let surface = authlete_tests::surface::api_surface(&client).expect("surface");
    // One input per operation too, so a line that several operations share
    // (`404 -> error ResultBody`) is still seen arriving at one of them.
    for block in surface.split("\noperation ").skip(1) {
        if let Some((id, _)) = block.split_once(':') {
            inputs.insert(format!("surface {id}"), block.to_owned());
        }
    }
    inputs.insert("surface".to_owned(), surface);
    inputs.insert("catalog".to_owned(), catalog);
    let mut doc = spec.clone();
    xtask::normalise::normalise(&mut doc).expect("normalises");
    for (name, schema) in doc["components"]["schemas"].as_object().expect("schemas") {
        inputs.insert(
            format!("schema {}", xtask::normalise::rust_type_name(name)),
            serde_json::to_string_pretty(schema).expect("JSON"),
        );
    }
    for op in xtask::spec::operations(&doc) {
        let id = xtask::spec::operation_id(&doc, &op).expect("id").to_owned();
        let (params, body) = request_example(&doc, &id);
        inputs.insert(
            format!("wire {id}"),
            format!(
                "{params:?}\n{}",
                serde_json::to_string_pretty(&body).expect("JSON")
            ),
        );
    }
    inputs
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).expect("copy");
        }
    }
}

/// `input: line` for every line that a change added to a derived input, and
/// `input: (gone)` for an input that disappeared.
fn added_lines(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    for (name, text) in after {
        // Counted, not a set: a line the change adds may already stand
        // elsewhere (two fields with the same name and type).
        let mut old: BTreeMap<&str, usize> = BTreeMap::new();
        for line in before
            .get(name)
            .map(String::as_str)
            .unwrap_or_default()
            .lines()
        {
            *old.entry(line).or_default() += 1;
        }
        for line in text.lines() {
            match old.get_mut(line) {
                Some(n) if *n > 0 => *n -= 1,
                _ => out.push_str(&format!("{name}: {}\n", line.trim())),
            }
        }
    }
    for name in before.keys().filter(|n| !after.contains_key(*n)) {
        out.push_str(&format!("{name}: (gone)\n"));
    }
    out
}

fn schema<'a>(spec: &'a mut Value, name: &str) -> &'a mut Value {
    &mut spec["components"]["schemas"][name]
}

/// Removes a component schema and every property that refers to it
/// (directly or as its array's items), wherever the spec has one: a schema
/// that several others use goes as a whole.
fn remove_schema(spec: &mut Value, name: &str) {
    spec["components"]["schemas"]
        .as_object_mut()
        .expect("schemas")
        .remove(name);
    let target = format!("#/components/schemas/{name}");
    remove_properties_referring_to(spec, &target);
    let left = serde_json::to_string(spec).expect("JSON");
    assert!(
        !left.contains(&format!("\"{target}\"")),
        "`{target}` is still referred to from outside a property"
    );
}

fn remove_properties_referring_to(value: &mut Value, target: &str) {
    let refers = |v: &Value| v["$ref"] == *target || v["items"]["$ref"] == *target;
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get_mut("properties") {
                props.retain(|_, v| !refers(v));
            }
            map.values_mut()
                .for_each(|v| remove_properties_referring_to(v, target));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| remove_properties_referring_to(v, target)),
        _ => {}
    }
}

type Change = (&'static str, fn(&mut Value), &'static [&'static str]);

/// `(what, change, lines the derived inputs must gain)`.
fn changes() -> Vec<Change> {
    vec![
        (
            // A nested one; a body's top-level field that becomes required
            // also becomes an argument of its verb (xtask/tests/maintainer_loop.rs).
            "a request field becomes required",
            |s| schema(s, "property")["required"] = json!(["key"]),
            &[
                "surface: key \"key\": String",
                "schema Property: \"required\": [",
            ],
        ),
        (
            "an array of objects becomes a string",
            |s| {
                schema(s, "token_issue_request")["properties"]["properties"] =
                    json!({"type": "string"})
            },
            &[
                "surface: properties \"properties\": Option<String>",
                "wire auth_token_issue_api: \"properties\": \"properties-example\"",
            ],
        ),
        (
            "a schema is added",
            |s| {
                schema(s, "new_thing")["type"] = json!("object");
                schema(s, "new_thing")["properties"] = json!({"name": {"type": "string"}});
            },
            &[
                "surface: type NewThing {",
                "catalog: \"NewThing\",",
                "schema NewThing: \"name\": {",
            ],
        ),
        (
            "a schema is removed",
            |s| remove_schema(s, "cimd_options"),
            &["schema CimdOptions: (gone)"],
        ),
        (
            "a 404 is added to an operation",
            |s| {
                s["paths"]["/api/{serviceId}/auth/token/fail"]["post"]["responses"]["404"] =
                    json!({"$ref": "#/components/responses/404"})
            },
            &["surface auth_token_fail_api: 404 -> error ResultBody"],
        ),
        (
            "an optional field is added to a request and to a response",
            |s| {
                schema(s, "token_fail_request")["properties"]["note"] = json!({"type": "string"});
                schema(s, "token_fail_response")["properties"]["hint"] = json!({"type": "string"});
            },
            &[
                "surface: note \"note\": Option<String>",
                "surface: hint \"hint\": Option<String>",
                "wire auth_token_fail_api: \"note\": \"note-example\"",
            ],
        ),
        (
            "an enum value is added",
            |s| {
                schema(s, "grant_type")["enum"]
                    .as_array_mut()
                    .expect("enum")
                    .push(json!("NEW_GRANT"))
            },
            &[
                "surface: NewGrant = \"NEW_GRANT\"",
                "catalog: \"NEW_GRANT\",",
            ],
        ),
    ]
}

#[test]
fn every_kind_of_spec_change_shows_in_the_derived_snapshots() {
    let fragment = authlete_tests::fragment();
    let before = derived_inputs(&fragment);
    let mut batch = Batch::new("spec_changes");
    for (what, change, expected) in changes() {
        let mut spec = fragment.clone();
        change(&mut spec);
        batch.check(what, || {
            let after = derived_inputs(&spec);
            let added = added_lines(&before, &after);
            for line in expected {
                assert!(
                    added
                        .lines()
                        .any(|l| l.trim_end_matches(',') == line.trim_end_matches(',')),
                    "{what}: the derived inputs did not gain `{line}`; they gained:\n{added}"
                );
            }
        });
    }
    // The removed schema's type leaves the surface and the catalog too.
    let mut spec = fragment.clone();
    (changes()[3].1)(&mut spec);
    let after = derived_inputs(&spec);
    assert!(before["surface"].contains("type CimdOptions {"));
    assert!(!after["surface"].contains("type CimdOptions {"));
    assert!(!after["catalog"].contains("\"CimdOptions\""));
    // And the 404 is in the surface, under the operation it was added to.
    let mut spec = fragment.clone();
    (changes()[4].1)(&mut spec);
    let after = derived_inputs(&spec);
    let fail_op = |s: &str| {
        s.split("\noperation ")
            .find(|o| o.starts_with("auth_token_fail_api:"))
            .map(str::to_owned)
            .unwrap_or_default()
    };
    assert!(!fail_op(&before["surface"]).contains("404 -> error ResultBody"));
    assert!(fail_op(&after["surface"]).contains("404 -> error ResultBody"));
    batch.finish();
}

#[test]
fn no_test_names_a_generated_type() {
    let dir = authlete_tests::workspace_root().join("tests/tests");
    let mut offenders = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("tests/tests").flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("readable");
            // Split so this file does not find itself.
            let needle = ["authlete_generated::", "types"].concat();
            if text.contains(&needle) {
                offenders.push(path.display().to_string());
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "these tests name generated types; go through authlete_generated::catalog: {offenders:?}"
    );
}
