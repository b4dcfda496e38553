//! `cargo xtask drift`: what changed upstream, for the vendored operations, in a person's terms.
//!
//! Two questions, answered against one upstream spec:
//!
//! 1. **Did a vendored operation change?** Both sides are reduced to what
//!    `vendor` would produce (the operations in `operations.txt` and their
//!    component closure, without prose), then compared semantically:
//!    operations, parameters, request and response schemas, status codes, and
//!    for every schema its properties, their types, the required set and enum
//!    values.
//! 2. **Is every upstream operation decided?** Each upstream operation must be
//!    either vendored (`operations.txt`) or left out on purpose
//!    (`not-vendored.txt`). One in neither list is reported as new upstream,
//!    not yet decided. The comparison is of operation sets, not of tags: an
//!    operation that has been upstream all along but was never decided about
//!    is reported the same way, and never called "added" (there is no older
//!    upstream to know that from).
//!
//! Operations upstream leaves without an operationId cannot be vendored;
//! `not-vendored.txt` names them by `METHOD /path` instead.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::error::XtaskError;
use crate::spec;
use crate::vendor::{self, NOT_VENDORED_FILE, OPERATIONS_FILE, OpenapiDir};

/// The two lists that decide, between them, about every upstream operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lists {
    /// `operations.txt`: the operations vendored.
    pub vendored: Vec<String>,
    /// `not-vendored.txt`: operationIds (or `METHOD /path` for operations
    /// without one) left out on purpose.
    pub not_vendored: Vec<String>,
}

impl Lists {
    /// Reads both lists from `dir`; a missing `not-vendored.txt` is an empty
    /// list (so every operation not vendored is undecided), and an operation
    /// in both lists is an error.
    pub fn read(dir: &OpenapiDir) -> Result<Lists, XtaskError> {
        let vendored = vendor::read_operation_list(&dir.operations())?;
        let not_vendored = match vendor::read_operation_list(&dir.not_vendored()) {
            Ok(list) => list,
            Err(XtaskError::Read { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                Vec::new()
            }
            Err(e) => return Err(e),
        };
        let vendored_at: BTreeMap<&str, usize> = vendored
            .iter()
            .map(|(line, id)| (id.as_str(), *line))
            .collect();
        for (line, id) in &not_vendored {
            if let Some(there) = vendored_at.get(id.as_str()) {
                return Err(XtaskError::List {
                    path: dir.not_vendored(),
                    line: *line,
                    message: format!(
                        "`{id}` is also in {OPERATIONS_FILE} (line {there}); an operation is \
                         either vendored or left out: remove it from one of the two"
                    ),
                });
            }
        }
        Ok(Lists {
            vendored: vendored.into_iter().map(|(_, id)| id).collect(),
            not_vendored: not_vendored.into_iter().map(|(_, id)| id).collect(),
        })
    }
}

/// What `drift` found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Differences in the vendored operations and their schemas.
    pub changes: Vec<String>,
    /// Upstream operations in neither list, with what to do about each.
    pub undecided: Vec<String>,
    /// For information only: nothing to do because of these.
    pub notes: Vec<String>,
}

/// Compares `current` (the fragment) with `newer` (an upstream spec).
pub fn drift(current: &Value, newer: &Value, lists: &Lists) -> Result<Report, XtaskError> {
    spec::check_version(newer)?;
    let listed = &lists.vendored;
    let present: Vec<String> = listed
        .iter()
        .filter(|id| find(newer, id).is_some())
        .cloned()
        .collect();
    let old = vendor::extract(current, &ids_in(current, listed))?;
    let new = vendor::extract(newer, &present)?;
    let mut report = Report::default();
    let out = &mut report.changes;

    for id in listed {
        match (find(&old, id), find(&new, id)) {
            (Some((method, path, _)), None) => {
                // An operation listed by its route is named by it already.
                let route = format!("{method} {path}");
                let was = if *id == route {
                    String::new()
                } else {
                    format!(" (was {route})")
                };
                out.push(format!(
                    "operation removed upstream: {id}{was}; remove it from \
                     {OPERATIONS_FILE} and its overlay entries, then vendor"
                ))
            }
            (None, Some((method, path, _))) => out.push(format!(
                "operation listed in {OPERATIONS_FILE} but not vendored yet: {id} \
                 ({method} {path}); run `cargo xtask vendor`"
            )),
            (Some(a), Some(b)) => compare_operations(id, a, b, out),
            (None, None) => out.push(format!(
                "operation {id} is listed in {OPERATIONS_FILE} but is neither vendored nor \
                 upstream; remove it from {OPERATIONS_FILE}"
            )),
        }
    }
    compare_schemas(&old, &new, out);

    // Every upstream operation, against the two lists (not against tags:
    // the vendored operations' tags say nothing about what was decided).
    let decided: BTreeSet<&str> = listed
        .iter()
        .chain(&lists.not_vendored)
        .map(String::as_str)
        .collect();
    let mut upstream_keys = BTreeSet::new();
    for op in spec::operations(newer) {
        let method = op.method.to_uppercase();
        let id = spec::operation_id(newer, &op);
        let key = id.map_or_else(|| format!("{method} {}", op.path), str::to_owned);
        let tags = spec::operation(newer, &op)
            .and_then(|o| o["tags"].as_array())
            .map(|tags| {
                tags.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .filter(|tags| !tags.is_empty())
            .map_or_else(|| "untagged".to_owned(), |tags| format!("tag {tags}"));
        if !decided.contains(key.as_str()) {
            report.undecided.push(match id {
                Some(id) => format!(
                    "new upstream, not yet decided: {id} ({method} {}, {tags}); add it to \
                     {OPERATIONS_FILE} to vendor it, or to {NOT_VENDORED_FILE} to leave it out",
                    op.path
                ),
                None => format!(
                    "new upstream, not yet decided: {key} ({tags}, no operationId, so it \
                     cannot be vendored); add `{key}` to {NOT_VENDORED_FILE} to leave it out"
                ),
            });
        }
        upstream_keys.insert(key);
    }

    let left_out = lists
        .not_vendored
        .iter()
        .filter(|k| upstream_keys.contains(k.as_str()))
        .count();
    if left_out > 0 {
        report.notes.push(format!(
            "{left_out} upstream operation(s) left out on purpose ({NOT_VENDORED_FILE})"
        ));
    }
    let gone: Vec<&str> = lists
        .not_vendored
        .iter()
        .filter(|k| !upstream_keys.contains(k.as_str()))
        .map(String::as_str)
        .collect();
    if !gone.is_empty() {
        report.notes.push(format!(
            "{} operation(s) in {NOT_VENDORED_FILE} are not in this upstream spec (dropped, \
             or only in another copy of it): {}",
            gone.len(),
            gone.join(", ")
        ));
    }
    Ok(report)
}

fn ids_in(doc: &Value, listed: &[String]) -> Vec<String> {
    listed
        .iter()
        .filter(|id| find(doc, id).is_some())
        .cloned()
        .collect()
}

/// (METHOD, path, operation) of the operation named `id`: its operationId,
/// or `METHOD /path` for one upstream left unnamed.
fn find<'a>(doc: &'a Value, id: &str) -> Option<(String, String, &'a Value)> {
    spec::operations(doc).into_iter().find_map(|op| {
        let route = format!("{} {}", op.method.to_uppercase(), op.path);
        (spec::operation_id(doc, &op) == Some(id) || route == id).then(|| {
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

pub(crate) fn compare_schema(name: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
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
