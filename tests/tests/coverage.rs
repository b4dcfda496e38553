//! Everything the spec defines is reachable through the facade, by name.
//!
//! Computed from the fragment's operations (through the generated catalog),
//! the generated types, `openapi/semantics.yaml` and the facade's public API
//! as read from its source: every request field and parameter has a setter
//! or is an argument of its verb, every response field has an accessor, every
//! model type is re-exported with public fields, and every enum value is a
//! named variant. The counts are printed, so the coverage of a run is on
//! record; any gap fails with its name.

use std::collections::BTreeMap;

use authlete_generated::catalog;

/// `type -> [(rust field, wire name)]`, from the generated API surface.
fn generated_fields() -> BTreeMap<String, Vec<(String, String)>> {
    let surface = authlete_tests::surface::api_surface(&authlete_tests::generated_client_source())
        .expect("the generated client parses");
    let mut types = BTreeMap::new();
    let mut current: Option<(String, Vec<(String, String)>)> = None;
    for line in surface.lines() {
        if let Some(rest) = line.strip_prefix("type ") {
            let name = rest
                .split([' ', '{', '('])
                .next()
                .unwrap_or_default()
                .to_owned();
            current = Some((name, Vec::new()));
        } else if line == "}" {
            if let Some((name, fields)) = current.take() {
                types.insert(name, fields);
            }
        } else if let Some((_, fields)) = current.as_mut()
            && line.contains("(flattened)")
        {
            // The members the spec does not name, reached by name through
            // `unknown_field` (wire name `*`: any other member).
            fields.push(("unknown_field".to_owned(), "*".to_owned()));
        } else if let Some((_, fields)) = current.as_mut() {
            let mut parts = line.trim().splitn(2, ' ');
            let rust = parts.next().unwrap_or_default().to_owned();
            let wire = parts
                .next()
                .and_then(|r| r.split('"').nth(1))
                .unwrap_or_default()
                .to_owned();
            fields.push((rust, wire));
        }
    }
    types
}

/// `(Rust type, wire name)` of every property the fragment marks `readOnly`.
fn read_only_fields() -> std::collections::BTreeSet<(String, String)> {
    let spec = authlete_tests::fragment();
    let mut out = std::collections::BTreeSet::new();
    for (name, schema) in spec["components"]["schemas"].as_object().expect("schemas") {
        for (wire, property) in schema["properties"].as_object().into_iter().flatten() {
            if property["readOnly"] == true {
                out.insert((xtask::normalise::rust_type_name(name), wire.clone()));
            }
        }
    }
    out
}

#[test]
fn every_field_and_enum_value_of_the_spec_is_reachable_through_the_facade() {
    let root = authlete_tests::workspace_root();
    let facade = authlete_tests::facade_surface::facade_surface(
        &root.join("facade"),
        &authlete_tests::generated_client_source(),
    )
    .expect("the facade parses");
    let decided = xtask::semantics::load(&root.join("openapi/semantics.yaml")).expect("semantics");
    let fields = generated_fields();
    let read_only = read_only_fields();
    let has = |needle: &str| facade.lines().any(|l| l.trim_start().starts_with(needle));
    let mut missing = Vec::new();
    let (mut requests, mut responses, mut models, mut values) = (0, 0, 0, 0);
    let mut bodies = Vec::new();

    for op in catalog::OPERATIONS {
        let Some(d) = decided.operations.get(op.operation_id) else {
            missing.push(format!("{}: no facade operation", op.operation_id));
            continue;
        };
        let group = &decided.groups[&d.group].type_name;
        let verb = facade
            .lines()
            .find(|l| {
                l.trim_start()
                    .starts_with(&format!("{group}: pub fn {}(", d.verb))
            })
            .unwrap_or_default()
            .to_owned();
        if verb.is_empty() {
            missing.push(format!("{}: no `{group}::{}`", op.operation_id, d.verb));
        }
        let name_of = |rust: &str, wire: &str| {
            d.rename
                .get(wire)
                .cloned()
                .unwrap_or_else(|| rust.to_owned())
        };
        let setter_or_arg = |method: &str| {
            has(&format!("{}: pub fn {method}(", d.builder))
                || verb.contains(&format!("({method}: "))
                || verb.contains(&format!(" {method}: "))
        };
        let params = op.path_params.iter().chain(op.query_params);
        for wire in params.filter(|p| **p != "serviceId") {
            requests += 1;
            if !setter_or_arg(&authlete_tests::snake_case(wire)) {
                missing.push(format!("{}: parameter `{wire}`", op.operation_id));
            }
        }
        if let Some(body) = op.request_body {
            bodies.push(body);
            for (rust, wire) in fields.get(body).into_iter().flatten() {
                requests += 1;
                if read_only.contains(&(body.to_owned(), wire.clone())) {
                    // Authlete sets it: offered by no setter, on purpose.
                    if has(&format!("{}: pub fn {}(", d.builder, name_of(rust, wire))) {
                        missing.push(format!(
                            "{}: read-only field `{body}.{wire}` has a setter",
                            op.operation_id
                        ));
                    }
                    continue;
                }
                if !setter_or_arg(&name_of(rust, wire)) {
                    missing.push(format!(
                        "{}: request field `{body}.{wire}`",
                        op.operation_id
                    ));
                }
            }
        }
        let success = op
            .responses
            .iter()
            .filter(|r| r.status.starts_with('2'))
            .find_map(|r| r.body);
        if let Some(body) = success {
            bodies.push(body);
            let response = xtask::facade::response_name(d, body);
            for (rust, wire) in fields.get(body).into_iter().flatten() {
                responses += 1;
                // `(&self` and no more: `unknown_field` takes the name.
                if !has(&format!("{response}: pub fn {}(&self", name_of(rust, wire))) {
                    missing.push(format!(
                        "{}: response field `{body}.{wire}`",
                        op.operation_id
                    ));
                }
            }
        }
    }

    // Models: re-exported by name, their fields public (as generated).
    // The facade's re-export lines (the path is put together so that this
    // file does not read as naming a generated type itself).
    let generated_types = ["authlete_generated", "::", "types::"].concat();
    // One name per line (each behind its feature) or a braced list.
    let reexports: std::collections::BTreeSet<String> = facade
        .lines()
        .filter_map(|l| l.split_once(&format!("pub use {generated_types}")))
        .flat_map(|(_, names)| {
            names
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .filter(|n| !n.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    for name in fields.keys() {
        if bodies.contains(&name.as_str()) || name == "ResultBody" {
            continue;
        }
        models += 1;
        if !reexports.contains(name) {
            missing.push(format!("model `{name}` is not re-exported"));
        }
    }

    // Enums: re-exported, and every value of the spec a named variant.
    for e in catalog::ENUMS {
        if !reexports.contains(e.name) {
            missing.push(format!("enum `{}` is not re-exported", e.name));
        }
        for value in e.values {
            values += 1;
            let known = catalog::is_known(e.name, &format!("\"{value}\""));
            if known.and_then(Result::ok) != Some(true) {
                missing.push(format!("`{}::{value}` is not a named variant", e.name));
            }
        }
    }

    println!(
        "reachable through the facade: {} operations, {requests} request fields and parameters \
         (setter or argument), {responses} response fields (accessor), {models} model types, \
         {} enums with {values} values (named variants)",
        catalog::OPERATIONS.len(),
        catalog::ENUMS.len(),
    );
    assert!(requests > 0 && responses > 0 && values > 0);
    assert!(
        missing.is_empty(),
        "{} gap(s):\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
}

#[test]
fn the_semantics_file_has_nothing_the_spec_outgrew() {
    // `generate` prints these as notes and still succeeds; here they fail,
    // so the file cannot rot.
    let plan = xtask::pipeline::plan(&authlete_tests::fragment_path(), "openapi/authlete.yaml")
        .expect("the fragment generates");
    // The notes are about openapi/semantics.yaml (entries for what the
    // fragment no longer has, names still to record), so name that file.
    assert!(
        plan.notes.is_empty(),
        "openapi/semantics.yaml, as checked against {}:\n  {}",
        authlete_tests::fragment_path().display(),
        plan.notes.join("\n  ")
    );
}

#[test]
fn prose_that_counts_the_operations_counts_them_right() {
    // "all 88 operations" in the READMEs goes stale when Authlete adds one;
    // the count is the fragment's, and this names every file that says
    // otherwise.
    let root = authlete_tests::workspace_root();
    let spec = xtask::spec::load(&authlete_tests::fragment_path()).expect("the fragment loads");
    let count = xtask::spec::operations(&spec).len();
    let mut wrong = Vec::new();
    for file in ["README.md", "facade/README.md"] {
        let text = std::fs::read_to_string(root.join(file)).expect("readme");
        let said: Vec<&str> = text
            .split("all ")
            .skip(1)
            .filter_map(|rest| rest.split_once(" operations").map(|(n, _)| n))
            .filter(|n| n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty())
            .collect();
        assert!(
            !said.is_empty(),
            "{file} no longer says how many operations"
        );
        for n in said {
            if n != count.to_string() {
                wrong.push(format!(
                    "{file}: says all {n} operations, the fragment has {count}"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn hand_written_code_decides_every_value_of_the_enums_it_matches_on() {
    // A value Authlete adds to an action must get its own arm wherever a
    // hand-written `match` turns that action into behaviour: otherwise the
    // `_` arm meant for values newer than the crate takes it silently (a
    // new token-fail action once became a 500). `cargo xtask generate`
    // prints the same list; this test keeps it from being ignored.
    let root = authlete_tests::workspace_root();
    let client = syn::parse_file(&authlete_tests::generated_client_source())
        .expect("the generated client parses");
    let variants = xtask::enum_uses::variants(&client);
    assert!(
        variants
            .get("TokenFailAction")
            .is_some_and(|v| v.contains("BadRequest")),
        "the generated enums are read: {:?}",
        variants.keys().collect::<Vec<_>>()
    );
    let sources = xtask::enum_uses::hand_written(&root.join("facade"));
    assert!(
        sources.iter().any(|s| s.relative == "src/tokens/fail.rs"),
        "the hand-written files are read"
    );
    let mut problems = xtask::enum_uses::removed(&sources, &variants);
    problems.extend(xtask::enum_uses::undecided(&sources, &variants));
    assert!(
        problems.is_empty(),
        "hand-written code to update in facade/:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn every_field_users_touch_is_described() {
    // A field without words in `openapi/overlay.yaml` gets the generator's
    // placeholder ("The `x` field."), which tells a reader nothing. No
    // group's setters and accessors may have one.
    let root = authlete_tests::workspace_root();
    let semantics: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(root.join("openapi/semantics.yaml")).expect("semantics"),
    )
    .expect("semantics parses");
    let groups = semantics["groups"].as_mapping().expect("groups");
    let mut undescribed = Vec::new();
    for name in groups.keys() {
        let name = name.as_str().expect("group name");
        let file = root.join(format!("facade/src/{name}/operations.rs"));
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let mut wires: Vec<String> = text
            .lines()
            .filter_map(|line| {
                let rest = line.trim().strip_prefix("/// The `")?;
                let (wire, tail) = rest.split_once('`')?;
                (tail == " field.").then(|| wire.to_owned())
            })
            .collect();
        wires.sort();
        wires.dedup();
        undescribed.extend(wires.into_iter().map(|w| format!("{name}: `{w}`")));
    }
    assert!(
        undescribed.is_empty(),
        "{} field(s) have only a placeholder for docs; describe them in \
         openapi/overlay.yaml (`schemas:` or `members:`), then run \
         `cargo xtask vendor` and `cargo xtask generate`:\n  {}",
        undescribed.len(),
        undescribed.join("\n  ")
    );
}
