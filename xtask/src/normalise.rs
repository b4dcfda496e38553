//! The named steps that reshape a spec into one progenitor can take.
//!
//! Each step is a plain function over the document, listed in [`STEPS`] with
//! the reason it exists. A step either changes the document and says what it
//! changed (one line per change, so the snapshot tests read like a changelog)
//! or refuses with an error that points at the offending place. Steps never
//! special-case Authlete's path or schema names: they act on shapes.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::{XtaskError, spec_error};
use crate::spec::{self, escape};

/// One normalisation step.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    /// Short name used in reports and tests.
    pub name: &'static str,
    /// Why progenitor (or a user of the generated code) needs it.
    pub why: &'static str,
    /// The transformation; returns one line per change made.
    pub run: fn(&mut Value) -> Result<Vec<String>, XtaskError>,
}

/// Every step, in the order they run, for a hand-kept fragment: a missing
/// operationId is an error a person should fix.
pub const STEPS: &[Step] = &[
    Step {
        name: "name_unnamed_operations",
        why: "Authlete's spec leaves an operation unnamed (the lifecycle health check); progenitor needs a name",
        run: name_unnamed_operations,
    },
    Step {
        name: "require_operation_ids",
        why: "progenitor names methods after operationIds and rejects missing or repeated ones",
        run: require_operation_ids,
    },
    Step {
        name: "require_local_refs_resolve",
        why: "a dangling `$ref` makes typify panic far from the place that holds it",
        run: require_local_refs_resolve,
    },
    Step {
        name: "keep_json_request_body",
        why: "progenitor takes one request media type per body and panics on more",
        run: keep_json_request_body,
    },
    Step {
        name: "drop_query_twins_of_path_parameters",
        why: "Authlete's spec has declared a name both in the path and in the query of one operation (`subject` in four operations, 2025-11); progenitor panics with `missing path name mapping`",
        run: drop_query_twins_of_path_parameters,
    },
    Step {
        name: "drop_no_content_bodies",
        why: "a 204 carries no body (RFC 9110), but the spec gives one to hsk_delete_api: the generated client would fail decoding nothing",
        run: drop_no_content_bodies,
    },
    Step {
        name: "drop_undeclared_required",
        why: "a `required` name that is no property (g_m_request's `token`) becomes a required untyped field no caller can fill",
        run: drop_undeclared_required,
    },
    Step {
        name: "drop_text_response_bodies",
        why: "progenitor types a text/plain body as a raw byte stream, which neither the catalog nor the facade's typed results can hold",
        run: drop_text_response_bodies,
    },
    Step {
        name: "drop_bodiless_error_responses",
        why: "progenitor asserts on an operation whose error responses mix typed bodies and none",
        run: drop_bodiless_error_responses,
    },
    Step {
        name: "drop_bodiless_success_responses",
        why: "progenitor asserts on an operation with two success types (a JSON 200 beside a bodiless 204)",
        run: drop_bodiless_success_responses,
    },
    Step {
        name: "keep_unknown_members",
        why: "Authlete sends members its spec does not name (31 found against its own Java DTOs, 2026-06); typify ignores them unless a schema says `additionalProperties: {}`, so a decode and encode would drop them, and a read-modify-write update would reset them",
        run: keep_unknown_members,
    },
    Step {
        name: "plain_nullable_enums",
        why: "typify turns a `nullable` enum schema into a wrapper around `Option` of a second enum (`JweAlg(Option<JweAlgInner>)`), so users name both; an optional field already reads `null` as absent",
        run: plain_nullable_enums,
    },
    Step {
        name: "share_repeated_enums",
        why: "the spec writes one enum inline under the same member in two schemas (`clientSource` of `client` and of `client_limited_authorization`); typify makes two types, one named after its path (`ClientLimitedAuthorizationClientSource`), which users cannot compare",
        run: share_repeated_enums,
    },
    Step {
        name: "name_schemas_in_words",
        why: "typify names types after schemas, and the spec names some by initials (`g_m_response` -> `GMResponse`), by path (`vci_jwtissuer_response`) or runs words together (`userinfo_response` beside the `UserInfo` of its action enum): names nobody would guess from the endpoint",
        run: name_schemas_in_words,
    },
    Step {
        name: "rename_prelude_clashes",
        why: "a schema named like a prelude type (`result` -> `Result`) shadows it in generated code",
        run: rename_prelude_clashes,
    },
    Step {
        name: "require_distinct_rust_names",
        why: "two schemas or operations that map to one Rust name generate code that does not compile",
        run: require_distinct_rust_names,
    },
];

/// What running all steps did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// `(step name, change)` pairs in the order they happened.
    pub changes: Vec<(&'static str, String)>,
}

/// Runs every step of [`STEPS`] in order; stops at the first refusal.
pub fn normalise(doc: &mut Value) -> Result<Report, XtaskError> {
    normalise_with(doc, STEPS)
}

/// Runs `steps` in order; stops at the first refusal.
pub fn normalise_with(doc: &mut Value, steps: &[Step]) -> Result<Report, XtaskError> {
    spec::check_version(doc)?;
    let mut report = Report::default();
    for step in steps {
        for change in (step.run)(doc)? {
            report.changes.push((step.name, change));
        }
    }
    Ok(report)
}

/// Refuses operations without an operationId, or with one used twice.
///
/// Making a name up would give users a method called after a URL; a person
/// should choose it in the spec instead.
pub fn require_operation_ids(doc: &mut Value) -> Result<Vec<String>, XtaskError> {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for op in spec::operations(doc) {
        let pointer = op.pointer();
        let id = match spec::operation(doc, &op).and_then(|o| o.get("operationId")) {
            None => {
                return Err(spec_error(
                    pointer,
                    format!(
                        "{} {} has no operationId; add one to name its method",
                        op.method.to_uppercase(),
                        op.path
                    ),
                ));
            }
            Some(Value::String(id)) if !id.trim().is_empty() => id.clone(),
            Some(_) => {
                return Err(spec_error(
                    format!("{pointer}/operationId"),
                    "operationId must be a non-empty string",
                ));
            }
        };
        if let Some(first) = seen.insert(id.clone(), pointer.clone()) {
            return Err(spec_error(
                format!("{pointer}/operationId"),
                format!("operationId `{id}` is already used at {first}"),
            ));
        }
    }
    Ok(Vec::new())
}

/// Refuses a `$ref` that points nowhere inside the document, naming where it sits.
///
/// References to other files are refused too: the fragment must stand alone.
pub fn require_local_refs_resolve(doc: &mut Value) -> Result<Vec<String>, XtaskError> {
    fn walk(root: &Value, value: &Value, here: &str) -> Result<(), XtaskError> {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    let at = format!("{here}/{}", escape(key));
                    if key == "$ref"
                        && let Value::String(target) = v
                    {
                        let found = target
                            .strip_prefix('#')
                            .and_then(|pointer| root.pointer(pointer))
                            .is_some();
                        if !found {
                            return Err(spec_error(
                                at,
                                format!(
                                    "`$ref: {target}` does not point at anything in this document"
                                ),
                            ));
                        }
                    } else {
                        walk(root, v, &at)?;
                    }
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(root, v, &format!("{here}/{i}"))?;
                }
            }
            _ => {}
        }
        Ok(())
    }
    walk(doc, doc, "")?;
    Ok(Vec::new())
}

/// Gives every operation without an operationId one made from its method
/// and path (`GET /api/lifecycle/healthcheck` -> `get_api_lifecycle_healthcheck`).
pub fn name_unnamed_operations(doc: &mut Value) -> Result<Vec<String>, XtaskError> {
    let mut changes = Vec::new();
    for op in spec::operations(doc) {
        if spec::operation_id(doc, &op).is_some() {
            continue;
        }
        let words: Vec<String> = std::iter::once(op.method.to_owned())
            .chain(
                op.path
                    .split('/')
                    .map(|s| {
                        s.trim_matches(|c| c == '{' || c == '}')
                            .chars()
                            .map(|c| {
                                if c.is_ascii_alphanumeric() {
                                    c.to_ascii_lowercase()
                                } else {
                                    '_'
                                }
                            })
                            .collect::<String>()
                    })
                    .filter(|s| !s.is_empty()),
            )
            .collect();
        let id = words.join("_");
        if let Some(Value::Object(o)) = spec::operation_mut(doc, &op) {
            o.insert("operationId".into(), Value::String(id.clone()));
        }
        changes.push(format!(
            "{} {}: named `{id}`",
            op.method.to_uppercase(),
            op.path
        ));
    }
    Ok(changes)
}

/// Drops error responses without a body from operations whose other error
/// responses have one.
///
/// progenitor gives each operation one error type and cannot mix "a typed
/// body" with "no body". The dropped statuses are still handled at run time,
/// as responses the spec does not describe.
pub fn drop_bodiless_error_responses(doc: &mut Value) -> Result<Vec<String>, XtaskError> {
    drop_bodiless(doc, is_error_status, "error")
}

/// Drops a query parameter that has the name of one of the operation's
/// path parameters: the path template needs the path one, and a second value
/// under the same name could only contradict it. Parameters declared on the
/// path item count as the operation's; `$ref`s are followed for names.
pub fn drop_query_twins_of_path_parameters(doc: &mut Value) -> Result<Vec<String>, XtaskError> {
    let mut changes = Vec::new();
    for op in spec::operations(doc) {
        let label = spec::operation_id(doc, &op)
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{} {}", op.method.to_uppercase(), op.path));
        let item_pointer = format!("/paths/{}", escape(&op.path));
        let declared = |pointer: &str| -> Vec<(String, String)> {
            doc.pointer(pointer)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|p| {
                    let p = resolve_ref(doc, p);
                    let field = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
                    (field("in"), field("name"))
                })
                .collect()
        };
        let op_params = declared(&format!("{}/parameters", op.pointer()));
        let item_params = declared(&format!("{item_pointer}/parameters"));
        let path_names: Vec<&str> = op_params
            .iter()
            .chain(&item_params)
            .filter(|(place, _)| place == "path")
            .map(|(_, name)| name.as_str())
            .collect();
        let mut twins: Vec<String> = op_params
            .iter()
            .chain(&item_params)
            .filter(|(place, name)| place == "query" && path_names.contains(&name.as_str()))
            .map(|(_, name)| name.clone())
            .collect();
        twins.sort();
        twins.dedup();
        if twins.is_empty() {
            continue;
        }
        for pointer in [
            format!("{}/parameters", op.pointer()),
            format!("{item_pointer}/parameters"),
        ] {
            // A twin declared on the path item is dropped there only when
            // the item's other operations declare the name in their path too;
            // every operation of an item shares its path template, so they do.
            let kept: Option<Vec<Value>> =
                doc.pointer(&pointer).and_then(Value::as_array).map(|list| {
                    list.iter()
                        .filter(|p| {
                            let r = resolve_ref(doc, p);
                            let is = |k: &str, v: &str| r.get(k).and_then(Value::as_str) == Some(v);
                            !(is("in", "query") && twins.iter().any(|t| is("name", t)))
                        })
                        .cloned()
                        .collect()
                });
            if let (Some(kept), Some(slot)) = (kept, doc.pointer_mut(&pointer)) {
                *slot = Value::Array(kept);
            }
        }
        for twin in twins {
            changes.push(format!(
                "{label}: dropped query parameter `{twin}`, also a path parameter (the path's is kept)"
            ));
        }
    }
    Ok(changes)
}

/// The object a `$ref` in `value` points at (or `value` itself).
fn resolve_ref<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|pointer| doc.pointer(pointer))
        .unwrap_or(value)
}

/// Makes every object schema with properties keep the members it does not
/// name: `additionalProperties` absent or `true` becomes `{}`, which typify
/// turns into a flattened `extra` map (absent and `true` it ignores). A
/// schema that forbids other members (`false`) or types them keeps its own.
pub fn keep_unknown_members(doc: &mut Value) -> Result<Vec<String>, XtaskError> {
    fn visit(schema: &mut Value, count: &mut usize) {
        let Some(object) = schema.as_object_mut() else {
            return;
        };
        if object.get("properties").is_some_and(Value::is_object) {
            match object.get("additionalProperties") {
                None | Some(Value::Bool(true)) => {
                    object.insert(
                        "additionalProperties".into(),
                        Value::Object(Default::default()),
                    );
                    *count += 1;
                }
                _ => {}
            }
        }
        if let Some(Value::Object(properties)) = object.get_mut("properties") {
            for property in properties.values_mut() {
                visit(property, count);
            }
        }
        for key in ["items", "additionalProperties", "not"] {
            if let Some(inner) = object.get_mut(key) {
                visit(inner, count);
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(members)) = object.get_mut(key) {
                for member in members {
                    visit(member, count);
                }
            }
        }
    }
    let mut count = 0;
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        for schema in schemas.values_mut() {
            visit(schema, &mut count);
        }
    }
    // Bodies written inline in an operation, not as components.
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (_, operation) in item.iter_mut() {
                for pointer in ["/requestBody/content", "/responses"] {
                    let Some(Value::Object(found)) = operation.pointer_mut(pointer) else {
                        continue;
                    };
                    for entry in found.values_mut() {
                        // A response holds `content`, a request body's
                        // content holds the schema by media type.
                        let media = match entry.get_mut("content") {
                            Some(Value::Object(content)) => content.values_mut().collect(),
                            _ => vec![entry],
                        };
                        for media in media {
                            if let Some(schema) = media.get_mut("schema") {
                                visit(schema, &mut count);
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(if count == 0 {
        Vec::new()
    } else {
        vec![format!(
            "{count} object schema(s) keep the members they do not name"
        )]
    })
}

/// Drops the content of every 204 response: HTTP says it has none.
pub fn drop_no_content_bodies(doc: &mut Value) -> Result<Vec<String>, XtaskError> {
    let mut changes = Vec::new();
    for op in spec::operations(doc) {
        let label = spec::operation_id(doc, &op)
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{} {}", op.method.to_uppercase(), op.path));
        let Some(response) = spec::operation_mut(doc, &op)
            .and_then(|o| o.get_mut("responses"))
            .and_then(|r| r.get_mut("204"))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        if response.remove("content").is_some() {
            changes.push(format!("{label}: dropped the body of 204 No Content"));
        }
    }
    Ok(changes)
}

/// Drops from each schema's `required` the names its `properties` do not
/// declare (when it declares properties at all).
pub fn drop_undeclared_required(doc: &mut Value) -> Result<Vec<String>, XtaskError> {
    let mut changes = Vec::new();
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return Ok(changes);
    };
    for (name, schema) in schemas.iter_mut() {
        let Some(declared) = schema.get("properties").and_then(Value::as_object) else {
            continue;
        };
        let declared: Vec<String> = declared.keys().cloned().collect();
        let Some(required) = schema.get_mut("required").and_then(Value::as_array_mut) else {
            continue;
        };
        let before = required.len();
        let mut dropped = Vec::new();
        required.retain(|r| {
            let keep = r.as_str().is_some_and(|r| declared.iter().any(|d| d == r));
            if !keep {
                dropped.push(r.to_string());
            }
            keep
        });
        if required.len() != before {
            changes.push(format!(
                "schema `{name}`: dropped required name(s) it does not declare: {}",
                dropped.join(", ")
            ));
        }
    }
    Ok(changes)
}

/// Drops `nullable` (and a `null` among the values) from enum schemas that
/// no object requires, so each is one plain enum. A field of one is optional, so `null` still decodes (as
/// absent); a schema some object requires keeps `nullable`, since there the
/// wrapper is what lets a required `null` decode.
pub fn plain_nullable_enums(doc: &mut Value) -> Result<Vec<String>, XtaskError> {
    let mut changes = Vec::new();
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return Ok(changes);
    };
    let nullable_enums: Vec<String> = schemas
        .iter()
        .filter(|(_, s)| {
            s.get("enum").is_some() && s.get("nullable").and_then(Value::as_bool) == Some(true)
        })
        .map(|(name, _)| name.clone())
        .collect();
    for name in nullable_enums {
        let target = format!("#/components/schemas/{name}");
        let required_by: Vec<&str> = schemas
            .values()
            .filter_map(|schema| {
                let props = schema.get("properties")?.as_object()?;
                let required = schema.get("required")?.as_array()?;
                required.iter().filter_map(Value::as_str).find(|r| {
                    props
                        .get(*r)
                        .and_then(|p| p.get("$ref"))
                        .and_then(Value::as_str)
                        == Some(target.as_str())
                })
            })
            .collect();
        // Not a change, so not reported: a second run must report nothing.
        if !required_by.is_empty() {
            continue;
        }
        if let Some(schema) = schemas.get_mut(&name).and_then(Value::as_object_mut) {
            schema.remove("nullable");
            // Upstream lists `null` among the values too; kept, it would
            // make typify wrap the enum in itself.
            if let Some(values) = schema.get_mut("enum").and_then(Value::as_array_mut) {
                values.retain(|v| !v.is_null());
            }
            changes.push(format!(
                "schema `{name}`: one plain enum (no longer nullable)"
            ));
        }
    }
    Ok(changes)
}

/// Members whose enums stay per schema even when their values match: an
/// operation's outcome (`action`, `result`) is its own type, so a value one
/// operation gains does not appear on another's.
const OWN_ENUM_MEMBERS: [&str; 2] = ["action", "result"];

/// Moves an enum written inline under the same member name, with the same
/// values, in two or more schemas into one component schema named after the
/// member (`clientSource` -> `client_source`), which each of them refers to.
pub fn share_repeated_enums(doc: &mut Value) -> Result<Vec<String>, XtaskError> {
    let mut changes = Vec::new();
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return Ok(changes);
    };
    // (member, values) -> the schemas holding that enum inline.
    let mut found: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for (owner, schema) in schemas.iter() {
        let Some(props) = schema.get("properties").and_then(Value::as_object) else {
            continue;
        };
        for (member, prop) in props {
            if OWN_ENUM_MEMBERS.contains(&member.as_str()) {
                continue;
            }
            if let Some(values) = prop.get("enum").and_then(Value::as_array) {
                found
                    .entry((member.clone(), Value::Array(values.clone()).to_string()))
                    .or_default()
                    .push(owner.clone());
            }
        }
    }
    for ((member, _), owners) in found.into_iter().filter(|(_, o)| o.len() > 1) {
        let shared = snake_case(&member);
        if schemas.contains_key(&shared) {
            return Err(spec_error(
                format!("/components/schemas/{}", escape(&shared)),
                format!(
                    "`{member}` is one enum in {}, but its shared schema's name is taken",
                    owners.join(", ")
                ),
            ));
        }
        let mut definition = None;
        for owner in &owners {
            let Some(prop) = schemas
                .get_mut(owner)
                .and_then(|s| s.get_mut("properties"))
                .and_then(|p| p.get_mut(&member))
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            // The description stays with the member (its field's docs) and
            // the first one also describes the shared enum.
            let description = prop.get("description").cloned();
            let mut enum_schema = std::mem::take(prop);
            if definition.is_some() {
                enum_schema.clear();
            }
            definition.get_or_insert(enum_schema);
            prop.insert(
                "$ref".into(),
                Value::String(format!("#/components/schemas/{shared}")),
            );
            if let Some(d) = description {
                prop.insert("description".into(), d);
            }
        }
        if let Some(definition) = definition {
            schemas.insert(shared.clone(), Value::Object(definition));
            changes.push(format!(
                "`{member}` of {}: one schema `{shared}`",
                owners.join(", ")
            ));
        }
    }
    Ok(changes)
}

/// `clientSource` -> `client_source`.
fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Makes responses whose only content is not JSON (the lifecycle health
/// check answers `text/plain`) bodiless: the status is what they say.
///
/// The facade still shows such a body when it arrives with an error status
/// (an unexpected response keeps non-JSON text, bounded), so nothing a
/// caller needs to diagnose is lost.
pub fn drop_text_response_bodies(doc: &mut Value) -> Result<Vec<String>, XtaskError> {
    let mut changes = Vec::new();
    for op in spec::operations(doc) {
        let label = spec::operation_id(doc, &op)
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{} {}", op.method.to_uppercase(), op.path));
        let Some(Value::Object(responses)) =
            spec::operation_mut(doc, &op).and_then(|o| o.get_mut("responses"))
        else {
            continue;
        };
        let mut dropped = Vec::new();
        for (code, response) in responses.iter_mut() {
            let Some(content) = response.get("content").and_then(Value::as_object) else {
                continue;
            };
            let json = content.keys().any(|media| {
                media
                    .split(';')
                    .next()
                    .is_some_and(|m| m.trim().ends_with("json"))
            });
            if json || content.is_empty() {
                continue;
            }
            let media: Vec<String> = content.keys().cloned().collect();
            if let Some(r) = response.as_object_mut() {
                r.remove("content");
            }
            dropped.push(format!("{code} ({})", media.join(", ")));
        }
        if !dropped.is_empty() {
            changes.push(format!(
                "{label}: kept the status, dropped the non-JSON body of {}",
                dropped.join(", ")
            ));
        }
    }
    Ok(changes)
}

/// Drops a bodiless success response beside a typed one
/// (`service_jwks_get_api`: 200 with the JWK set, 204 when there is none).
///
/// progenitor takes one success type per operation and asserts on two. The
/// dropped status is not lost to callers: the facade reports it as an
/// unexpected response with its status, and the operation's hand-written
/// behaviour may turn it into a value.
pub fn drop_bodiless_success_responses(doc: &mut Value) -> Result<Vec<String>, XtaskError> {
    drop_bodiless(doc, |code| code.starts_with('2'), "success")
}

fn drop_bodiless(
    doc: &mut Value,
    kind: fn(&str) -> bool,
    what: &str,
) -> Result<Vec<String>, XtaskError> {
    let mut changes = Vec::new();
    for op in spec::operations(doc) {
        let label = spec::operation_id(doc, &op)
            .map(str::to_owned)
            .unwrap_or_else(|| op.pointer());
        let resolved: Vec<(String, bool)> = {
            let Some(responses) = spec::operation(doc, &op)
                .and_then(|o| o.get("responses"))
                .and_then(Value::as_object)
            else {
                continue;
            };
            responses
                .iter()
                .filter(|(code, _)| kind(code))
                .map(|(code, r)| (code.clone(), has_body(doc, r)))
                .collect()
        };
        let typed = resolved.iter().any(|(_, body)| *body);
        let bodiless: Vec<String> = resolved
            .into_iter()
            .filter(|(_, body)| !body)
            .map(|(code, _)| code)
            .collect();
        if !typed || bodiless.is_empty() {
            continue;
        }
        if let Some(Value::Object(responses)) =
            spec::operation_mut(doc, &op).and_then(|o| o.get_mut("responses"))
        {
            responses.retain(|code, _| !bodiless.contains(code));
        }
        changes.push(format!(
            "{label}: dropped bodiless {what} response(s) {}",
            bodiless.join(", ")
        ));
    }
    Ok(changes)
}

fn is_error_status(code: &str) -> bool {
    code.starts_with('4') || code.starts_with('5')
}

/// Whether a response (or the shared response it `$ref`s) has content.
fn has_body(doc: &Value, response: &Value) -> bool {
    let target = match response.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .strip_prefix('#')
            .and_then(|p| doc.pointer(p))
            .unwrap_or(&Value::Null),
        None => response,
    };
    target
        .get("content")
        .and_then(Value::as_object)
        .is_some_and(|c| !c.is_empty())
}

const JSON: &str = "application/json";

/// Where several request media types are offered, keeps only JSON.
///
/// Authlete accepts both JSON and form-encoded bodies with the same schema;
/// the SDK always sends JSON. A body that offers several types but no JSON is
/// refused, since choosing among the others would be a guess.
pub fn keep_json_request_body(doc: &mut Value) -> Result<Vec<String>, XtaskError> {
    let mut changes = Vec::new();
    for op in spec::operations(doc) {
        let label = spec::operation_id(doc, &op)
            .map(str::to_owned)
            .unwrap_or_else(|| op.pointer());
        let pointer = format!("{}/requestBody/content", op.pointer());
        if let Some(content) = spec::operation_mut(doc, &op)
            .and_then(|o| o.get_mut("requestBody"))
            .and_then(|b| b.get_mut("content"))
            && let Some(change) = keep_json(content, &pointer, &label)?
        {
            changes.push(change);
        }
    }
    // Shared request bodies under components are reshaped the same way.
    let names: Vec<String> = doc
        .pointer("/components/requestBodies")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    for name in names {
        let pointer = format!("/components/requestBodies/{}/content", escape(&name));
        if let Some(content) = doc.pointer_mut(&pointer)
            && let Some(change) = keep_json(content, &pointer, &name)?
        {
            changes.push(change);
        }
    }
    Ok(changes)
}

fn keep_json(
    content: &mut Value,
    pointer: &str,
    label: &str,
) -> Result<Option<String>, XtaskError> {
    let Some(map) = content.as_object_mut() else {
        return Ok(None);
    };
    if map.len() <= 1 {
        return Ok(None);
    }
    let json_key = map
        .keys()
        .find(|k| media_essence(k) == JSON)
        .cloned()
        .ok_or_else(|| {
            let offered: Vec<&str> = map.keys().map(String::as_str).collect();
            spec_error(
                pointer,
                format!(
                    "`{label}` offers {} request media types but none is {JSON}; \
                     progenitor needs exactly one",
                    offered.join(", ")
                ),
            )
        })?;
    let dropped: Vec<String> = map.keys().filter(|k| **k != json_key).cloned().collect();
    map.retain(|k, _| *k == json_key);
    Ok(Some(format!(
        "{label}: kept {json_key}, dropped {}",
        dropped.join(", ")
    )))
}

/// The media type without parameters, lower-cased (`Application/JSON; charset=utf-8` -> `application/json`).
fn media_essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Refuses two schemas that become one Rust type, or two operations that
/// become one Rust method, naming both.
pub fn require_distinct_rust_names(doc: &mut Value) -> Result<Vec<String>, XtaskError> {
    let mut types: BTreeMap<String, String> = BTreeMap::new();
    let names: Vec<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    for name in names {
        let rust = rust_type_name(&name);
        if let Some(first) = types.insert(rust.clone(), name.clone()) {
            return Err(spec_error(
                format!("/components/schemas/{}", escape(&name)),
                format!(
                    "schemas `{first}` and `{name}` would both become the Rust type `{rust}`; rename one"
                ),
            ));
        }
    }
    let mut methods: BTreeMap<String, String> = BTreeMap::new();
    for op in spec::operations(doc) {
        let Some(id) = spec::operation_id(doc, &op) else {
            continue;
        };
        let method = rust_method_name(id);
        if let Some(first) = methods.insert(method.clone(), id.to_owned()) {
            return Err(spec_error(
                format!("{}/operationId", op.pointer()),
                format!(
                    "operationIds `{first}` and `{id}` would both become the Rust method `{method}`; rename one"
                ),
            ));
        }
    }
    Ok(Vec::new())
}

/// The Rust method name an operationId becomes (`getThing` -> `get_thing`).
pub fn rust_method_name(operation_id: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in operation_id.chars() {
        if c.is_alphanumeric() {
            if c.is_uppercase() && previous_lower && !out.ends_with('_') {
                out.push('_');
            }
            out.extend(c.to_lowercase());
            previous_lower = c.is_lowercase() || c.is_numeric();
        } else {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            previous_lower = false;
        }
    }
    out.trim_end_matches('_').to_owned()
}

/// Schemas whose spec names a user would not guess, and their names in
/// words: grant management's by initials (`g_m_*`), the credential issuer's
/// answers by path (`vci_single_parse_response`; named like their action
/// enums in `semantics.yaml`), UserInfo's run together (`userinfo_*`, while
/// its action enums say `UserInfo`). The credential issuer's request bodies
/// keep the spec's names: spelled out, three of them would be the names of
/// the facade's request builders (`CredentialIssuerJwksRequest`).
const SCHEMA_NAMES: &[(&str, &str)] = &[
    ("g_m_request", "grant_management_request"),
    ("g_m_response", "grant_management_response"),
    (
        "vci_metadata_response",
        "credential_issuer_metadata_response",
    ),
    ("vci_jwtissuer_response", "jwt_issuer_metadata_response"),
    ("vci_jwks_response", "credential_issuer_jwks_response"),
    (
        "vci_offer_create_response",
        "credential_offer_create_response",
    ),
    ("vci_offer_info_response", "credential_offer_info_response"),
    ("vci_single_parse_response", "credential_parse_response"),
    ("vci_single_issue_response", "credential_issue_response"),
    (
        "vci_batch_parse_response",
        "batch_credential_parse_response",
    ),
    (
        "vci_batch_issue_response",
        "batch_credential_issue_response",
    ),
    (
        "vci_deferred_parse_response",
        "deferred_credential_parse_response",
    ),
    (
        "vci_deferred_issue_response",
        "deferred_credential_issue_response",
    ),
    ("userinfo_request", "user_info_request"),
    ("userinfo_response", "user_info_response"),
    ("userinfo_issue_request", "user_info_issue_request"),
    ("userinfo_issue_response", "user_info_issue_response"),
];

/// Renames the schemas of the table above (`SCHEMA_NAMES`) to their names
/// in words, rewriting every reference. A spec that no longer has one
/// (Authlete renamed it) needs nothing.
pub fn name_schemas_in_words(doc: &mut Value) -> Result<Vec<String>, XtaskError> {
    let mut changes = Vec::new();
    for (short, long) in SCHEMA_NAMES {
        let present = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .is_some_and(|schemas| schemas.contains_key(*short));
        if !present {
            continue;
        }
        rename_schema(doc, short, long)?;
        changes.push(format!(
            "schema `{short}` -> `{long}` (Rust `{}`)",
            rust_type_name(long)
        ));
    }
    Ok(changes)
}

/// Names of types every Rust module sees without importing them.
const PRELUDE_TYPES: &[&str] = &["Box", "Option", "Result", "String", "Vec"];

/// Renames component schemas whose Rust name would shadow a prelude type.
///
/// The new name appends `_body` (`result` becomes `result_body`, generated as
/// `ResultBody`), and every `$ref` to the old name is rewritten.
pub fn rename_prelude_clashes(doc: &mut Value) -> Result<Vec<String>, XtaskError> {
    let names: Vec<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let mut changes = Vec::new();
    for name in names {
        if !PRELUDE_TYPES.contains(&rust_type_name(&name).as_str()) {
            continue;
        }
        let new_name = format!("{name}_body");
        rename_schema(doc, &name, &new_name)?;
        changes.push(format!(
            "schema `{name}` -> `{new_name}` (Rust `{}`)",
            rust_type_name(&new_name)
        ));
    }
    Ok(changes)
}

/// Renames component schema `from` to `to`, rewriting every reference to it.
pub fn rename_schema(doc: &mut Value, from: &str, to: &str) -> Result<(), XtaskError> {
    let pointer = format!("/components/schemas/{}", escape(from));
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return Err(spec_error(pointer, "no such schema"));
    };
    if schemas.contains_key(to) {
        return Err(spec_error(
            pointer,
            format!("cannot rename to `{to}`: a schema by that name exists"),
        ));
    }
    // Rebuild the map to keep the schema in its original position, so the
    // generated code does not reorder when a rename happens.
    let old = std::mem::take(schemas);
    for (k, v) in old {
        let key = if k == from { to.to_owned() } else { k };
        schemas.insert(key, v);
    }
    let old_ref = format!("#/components/schemas/{}", escape(from));
    let new_ref = format!("#/components/schemas/{}", escape(to));
    rewrite_refs(doc, &old_ref, &new_ref);
    Ok(())
}

fn rewrite_refs(value: &mut Value, old: &str, new: &str) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key == "$ref" {
                    if let Value::String(target) = v
                        && let Some(rest) = target.strip_prefix(old)
                        && (rest.is_empty() || rest.starts_with('/'))
                    {
                        *target = format!("{new}{rest}");
                    }
                } else {
                    rewrite_refs(v, old, new);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, old, new)),
        _ => {}
    }
}

/// The Rust type name a schema name becomes (`token_fail_request` -> `TokenFailRequest`).
pub fn rust_type_name(schema_name: &str) -> String {
    schema_name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}
