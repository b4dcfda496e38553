//! `cargo xtask drift`: what changed upstream, for the vendored operations, in a person's terms.
//!
//! Both sides are reduced to what `vendor` would produce (the listed
//! operations and their component closure, without prose), then compared
//! semantically: operations, parameters, request and response schemas,
//! status codes, and for every schema its properties, their types, the
//! required set and enum values. Operations that appear upstream under the
//! same tags as the vendored ones but are not listed are reported too, as
//! candidates to vendor.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::error::XtaskError;
use crate::spec;
use crate::vendor;

/// Lists the differences between `current` (the fragment) and `newer` (an upstream spec).
pub fn drift(current: &Value, newer: &Value, listed: &[String]) -> Result<Vec<String>, XtaskError> {
    spec::check_version(newer)?;
    let present: Vec<String> = listed
        .iter()
        .filter(|id| find(newer, id).is_some())
        .cloned()
        .collect();
    let old = vendor::extract(current, &ids_in(current, listed))?;
    let new = vendor::extract(newer, &present)?;
    let mut out = Vec::new();

    for id in listed {
        match (find(&old, id), find(&new, id)) {
            (Some(_), None) => out.push(format!("operation removed: {id}")),
            (None, Some((method, path, _))) => {
                out.push(format!("operation added: {id} ({method} {path})"))
            }
            (Some(a), Some(b)) => compare_operations(id, a, b, &mut out),
            (None, None) => out.push(format!(
                "operation {id} is listed but exists on neither side"
            )),
        }
    }

    // Operations upstream files under the vendored tags but the list lacks.
    let tags: BTreeSet<String> = listed
        .iter()
        .filter_map(|id| find(current, id).or_else(|| find(newer, id)))
        .flat_map(|(_, _, op)| op["tags"].as_array().cloned().unwrap_or_default())
        .filter_map(|t| t.as_str().map(str::to_owned))
        .collect();
    for op in spec::operations(newer) {
        let Some(id) = spec::operation_id(newer, &op) else {
            continue;
        };
        if listed.iter().any(|l| l == id) {
            continue;
        }
        let operation = spec::operation(newer, &op).cloned().unwrap_or_default();
        let shared: Vec<&str> = operation["tags"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter(|t| tags.contains(*t))
            .collect();
        if !shared.is_empty() && find(current, id).is_none() {
            out.push(format!(
                "operation added upstream, not vendored: {id} ({} {}) in tag {}",
                op.method.to_uppercase(),
                op.path,
                shared.join(", ")
            ));
        }
    }

    compare_schemas(&old, &new, &mut out);
    Ok(out)
}

fn ids_in(doc: &Value, listed: &[String]) -> Vec<String> {
    listed
        .iter()
        .filter(|id| find(doc, id).is_some())
        .cloned()
        .collect()
}

/// (METHOD, path, operation) of the operation named `id`.
fn find<'a>(doc: &'a Value, id: &str) -> Option<(String, String, &'a Value)> {
    spec::operations(doc).into_iter().find_map(|op| {
        (spec::operation_id(doc, &op) == Some(id)).then(|| {
            let value = spec::operation(doc, &op)?;
            Some((op.method.to_uppercase(), op.path.clone(), value))
        })?
    })
}

fn compare_operations(
    id: &str,
    (m1, p1, a): (String, String, &Value),
    (m2, p2, b): (String, String, &Value),
    out: &mut Vec<String>,
) {
    if (m1.as_str(), p1.as_str()) != (m2.as_str(), p2.as_str()) {
        out.push(format!("operation {id} moved: {m1} {p1} -> {m2} {p2}"));
    }
    let params = |op: &Value| -> BTreeMap<String, Value> {
        op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                (
                    format!(
                        "{} parameter `{}`",
                        p["in"].as_str().unwrap_or("?"),
                        p["name"].as_str().unwrap_or("?")
                    ),
                    p.clone(),
                )
            })
            .collect()
    };
    let (pa, pb) = (params(a), params(b));
    for (name, p) in &pa {
        match pb.get(name) {
            None => out.push(format!("{id}: {name} removed")),
            Some(q) => {
                if p["required"] != q["required"] {
                    out.push(format!(
                        "{id}: {name} required: {} -> {}",
                        p["required"].as_bool().unwrap_or(false),
                        q["required"].as_bool().unwrap_or(false)
                    ));
                }
                if type_of(&p["schema"]) != type_of(&q["schema"]) {
                    out.push(format!(
                        "{id}: {name} type {} -> {}",
                        type_of(&p["schema"]),
                        type_of(&q["schema"])
                    ));
                }
            }
        }
    }
    for name in pb.keys().filter(|n| !pa.contains_key(*n)) {
        out.push(format!("{id}: {name} added"));
    }

    let body = |op: &Value| {
        op["requestBody"]["content"]
            .as_object()
            .map(|c| {
                c.iter()
                    .map(|(media, v)| format!("{media}: {}", type_of(&v["schema"])))
                    .collect::<BTreeSet<_>>()
            })
            .unwrap_or_default()
    };
    let (ba, bb) = (body(a), body(b));
    for gone in ba.difference(&bb) {
        out.push(format!("{id}: request body {gone} removed"));
    }
    for new in bb.difference(&ba) {
        out.push(format!("{id}: request body {new} added"));
    }
    if a["requestBody"]["required"] != b["requestBody"]["required"] {
        out.push(format!(
            "{id}: request body required: {} -> {}",
            a["requestBody"]["required"].as_bool().unwrap_or(false),
            b["requestBody"]["required"].as_bool().unwrap_or(false)
        ));
    }

    let responses = |op: &Value| -> BTreeMap<String, String> {
        op["responses"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(code, r)| (code.clone(), response_shape(r)))
            .collect()
    };
    let (ra, rb) = (responses(a), responses(b));
    for (code, shape) in &ra {
        match rb.get(code) {
            None => out.push(format!("{id}: status {code} removed")),
            Some(other) if other != shape => {
                out.push(format!("{id}: status {code} body {shape} -> {other}"))
            }
            _ => {}
        }
    }
    for code in rb.keys().filter(|c| !ra.contains_key(*c)) {
        out.push(format!("{id}: status {code} added ({})", rb[code]));
    }
}

fn response_shape(response: &Value) -> String {
    if let Some(r) = response["$ref"].as_str() {
        return r.rsplit('/').next().unwrap_or(r).to_owned();
    }
    match response["content"].as_object() {
        None => "no body".to_owned(),
        Some(content) => content
            .iter()
            .map(|(media, v)| format!("{media} {}", type_of(&v["schema"])))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// A schema's type in a few words: `string`, `integer(int64)`, `array<pair>`, `token_type`.
fn type_of(schema: &Value) -> String {
    if let Some(r) = schema["$ref"].as_str() {
        return r.rsplit('/').next().unwrap_or(r).to_owned();
    }
    let base = schema["type"].as_str().unwrap_or("any");
    match base {
        "array" => format!("array<{}>", type_of(&schema["items"])),
        _ => match schema["format"].as_str() {
            Some(format) => format!("{base}({format})"),
            None => base.to_owned(),
        },
    }
}

fn compare_schemas(old: &Value, new: &Value, out: &mut Vec<String>) {
    let empty = serde_json::Map::new();
    let a = old
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let b = new
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    for (name, s) in a {
        match b.get(name) {
            None => out.push(format!("schema removed: {name}")),
            Some(t) => compare_schema(name, s, t, out),
        }
    }
    for name in b.keys().filter(|n| !a.contains_key(*n)) {
        out.push(format!("schema added: {name}"));
    }
}

fn compare_schema(name: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    if type_of(a) != type_of(b) {
        out.push(format!("{name}: type {} -> {}", type_of(a), type_of(b)));
    }
    compare_enum(name, a, b, out);
    let set = |v: &Value| -> BTreeSet<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect()
    };
    let (ra, rb) = (set(&a["required"]), set(&b["required"]));
    for field in ra.difference(&rb) {
        out.push(format!("{name}.{field}: no longer required"));
    }
    for field in rb.difference(&ra) {
        out.push(format!("{name}.{field}: now required"));
    }
    let empty = serde_json::Map::new();
    let pa = a["properties"].as_object().unwrap_or(&empty);
    let pb = b["properties"].as_object().unwrap_or(&empty);
    for (field, fa) in pa {
        let path = format!("{name}.{field}");
        match pb.get(field) {
            None => out.push(format!("field removed: {path} ({})", type_of(fa))),
            Some(fb) => {
                if type_of(fa) != type_of(fb) {
                    out.push(format!("{path}: type {} -> {}", type_of(fa), type_of(fb)));
                }
                compare_enum(&path, fa, fb, out);
            }
        }
    }
    for field in pb.keys().filter(|f| !pa.contains_key(*f)) {
        out.push(format!(
            "field added: {name}.{field} ({})",
            type_of(&pb[field])
        ));
    }
}

fn compare_enum(name: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    let values = |v: &Value| -> Vec<String> {
        v["enum"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                e.as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| e.to_string())
            })
            .collect()
    };
    let (va, vb) = (values(a), values(b));
    let removed: Vec<&String> = va.iter().filter(|v| !vb.contains(v)).collect();
    let added: Vec<&String> = vb.iter().filter(|v| !va.contains(v)).collect();
    let list = |vs: &[&String]| vs.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ");
    match (removed.is_empty(), added.is_empty()) {
        (true, true) => {}
        (false, true) => out.push(format!("{name}: enum values removed: {}", list(&removed))),
        (true, false) => out.push(format!("{name}: enum values added: {}", list(&added))),
        (false, false) => out.push(format!(
            "{name}: enum values removed: {}; added: {}",
            list(&removed),
            list(&added)
        )),
    }
}
