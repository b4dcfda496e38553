//! Values derived from the fragment's schemas: a deterministic example per
//! schema (for wire tests) and a proptest strategy per schema (for round
//! trips), so that no test spells out a generated type's fields.

use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// How deep examples and strategies follow nested objects before they keep
/// to required properties only (the fragment has no cycles, but a spec may).
const MAX_DEPTH: usize = 4;

/// Follows a local `$ref` (repeatedly).
pub fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    let mut here = schema;
    for _ in 0..16 {
        match here
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| doc.pointer(p))
        {
            Some(next) => here = next,
            None => break,
        }
    }
    here
}

/// The deterministic example of `schema`; `hint` is the name of the property
/// or parameter it fills, and shows up in strings so a snapshot says which
/// field a value went to.
///
/// - every property, required or not (so an added optional field shows);
/// - an enum takes its first value;
/// - a string is `"<hint>-example"` (`https://example.com/<hint>` for `format: uri`);
/// - integers are `1`, numbers `1.5`, booleans `true`;
/// - an array holds one example of its items.
pub fn example(doc: &Value, schema: &Value, hint: &str) -> Value {
    example_at(doc, schema, hint, 0)
}

fn example_at(doc: &Value, schema: &Value, hint: &str, depth: usize) -> Value {
    let schema = resolve(doc, schema);
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|v| v.first())
    {
        return first.clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => match schema.get("format").and_then(Value::as_str) {
            Some("uri") => json!(format!("https://example.com/{hint}")),
            _ => json!(format!("{hint}-example")),
        },
        Some("integer") => json!(1),
        Some("number") => json!(1.5),
        Some("boolean") => json!(true),
        Some("array") => json!([example_at(doc, &schema["items"], hint, depth + 1)]),
        Some("object") | None if schema.get("properties").is_some() => {
            let required = required(schema);
            let mut out = Map::new();
            for (name, prop) in properties(schema) {
                if depth < MAX_DEPTH || required.contains(&name) {
                    out.insert(name.clone(), example_at(doc, prop, name, depth + 1));
                }
            }
            Value::Object(out)
        }
        Some("object") => json!({}),
        _ => Value::Null,
    }
}

fn properties(schema: &Value) -> Vec<(&String, &Value)> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|m| m.iter().collect())
        .unwrap_or_default()
}

fn required(schema: &Value) -> Vec<&String> {
    let names: Vec<&String> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| match v {
                    Value::String(s) => Some(s),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    names
}

/// The operation object with this operationId, and its path item.
pub fn find_operation<'a>(doc: &'a Value, operation_id: &str) -> Option<(&'a Value, &'a Value)> {
    xtask::spec::operations(doc).into_iter().find_map(|op| {
        let object = xtask::spec::operation(doc, &op)?;
        (object.get("operationId")?.as_str()? == operation_id)
            .then(|| doc["paths"].get(&op.path).map(|item| (object, item)))?
    })
}

/// An example request for an operation: `(wire name, value)` for every path
/// and query parameter, and the JSON body if it takes one.
pub fn request_example(doc: &Value, operation_id: &str) -> (Vec<(String, String)>, Option<Value>) {
    let Some((op, item)) = find_operation(doc, operation_id) else {
        return (Vec::new(), None);
    };
    let params = item
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(
            op.get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        )
        .map(|p| resolve(doc, p))
        .filter(|p| matches!(p["in"].as_str(), Some("path" | "query")))
        .filter_map(|p| {
            let name = p["name"].as_str()?.to_owned();
            let value = match example(doc, &p["schema"], &name) {
                Value::String(s) => s,
                other => other.to_string(),
            };
            Some((name, value))
        })
        .collect();
    let body = body_schema(doc, op.get("requestBody")).map(|s| example(doc, s, "body"));
    (params, body)
}

/// The status and example body of an operation's first success response.
pub fn response_example(doc: &Value, operation_id: &str) -> Option<(u16, Option<Value>)> {
    let (op, _) = find_operation(doc, operation_id)?;
    op.get("responses")?
        .as_object()?
        .iter()
        .find_map(|(status, response)| {
            let code: u16 = status.parse().ok().filter(|c| (200..300).contains(c))?;
            Some((
                code,
                body_schema(doc, Some(response)).map(|s| example(doc, s, "response")),
            ))
        })
}

fn body_schema<'a>(doc: &'a Value, holder: Option<&'a Value>) -> Option<&'a Value> {
    let holder = resolve(doc, holder?);
    let content = holder.get("content")?.as_object()?;
    content
        .get("application/json")
        .or_else(|| content.values().next())?
        .get("schema")
}

/// `value` without the keys serde leaves out of generated types' output:
/// empty arrays (typify skips an empty `Vec`) and nulls.
pub fn without_empty(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
                .map(|(k, v)| (k.clone(), without_empty(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_empty).collect()),
        other => other.clone(),
    }
}

/// A strategy for JSON values `schema` accepts: required properties always,
/// optional ones sometimes, enums their known values or any string (the
/// generated enums are open), any Unicode in strings, full integer ranges.
pub fn strategy(doc: &Value, schema: &Value) -> BoxedStrategy<Value> {
    strategy_at(doc, schema, 0)
}

fn strategy_at(doc: &Value, schema: &Value, depth: usize) -> BoxedStrategy<Value> {
    let schema = resolve(doc, schema);
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let known = proptest::sample::select(values.clone());
        return prop_oneof![3 => known, 1 => any::<String>().prop_map(Value::String)].boxed();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => any::<String>().prop_map(Value::String).boxed(),
        Some("integer") => match schema.get("format").and_then(Value::as_str) {
            Some("int32") => any::<i32>().prop_map(|n| json!(n)).boxed(),
            _ => any::<i64>().prop_map(|n| json!(n)).boxed(),
        },
        Some("number") => (-1.0e9..1.0e9f64).prop_map(|n| json!(n)).boxed(),
        Some("boolean") => any::<bool>().prop_map(Value::Bool).boxed(),
        Some("array") => {
            proptest::collection::vec(strategy_at(doc, &schema["items"], depth + 1), 0..3)
                .prop_map(Value::Array)
                .boxed()
        }
        Some("object") | None if schema.get("properties").is_some() => {
            let required = required(schema);
            let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = properties(schema)
                .into_iter()
                .filter(|(name, _)| depth < MAX_DEPTH || required.contains(name))
                .map(|(name, prop)| {
                    let name = name.clone();
                    let inner = strategy_at(doc, prop, depth + 1);
                    if required.contains(&&name) {
                        inner.prop_map(move |v| Some((name.clone(), v))).boxed()
                    } else {
                        proptest::option::of(inner)
                            .prop_map(move |v| v.map(|v| (name.clone(), v)))
                            .boxed()
                    }
                })
                .collect();
            fields
                .prop_map(|fields| Value::Object(fields.into_iter().flatten().collect()))
                .boxed()
        }
        Some("object") => Just(json!({})).boxed(),
        _ => Just(Value::Null).boxed(),
    }
}

/// Every string enum of the fragment: where it is written (`token_fail_request.reason`,
/// or a component schema's name) and its values in spec order. Which Rust
/// type each becomes is typify's choice, possibly renamed by
/// `openapi/semantics.yaml`, so tests match them by values.
pub fn fragment_enums(doc: &Value) -> Vec<(String, Vec<String>)> {
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return out;
    };
    for (name, schema) in schemas {
        if let Some(values) = schema.get("enum") {
            out.push((name.clone(), strings(values)));
        }
        for (prop, prop_schema) in properties(schema) {
            if let Some(values) = prop_schema.get("enum") {
                out.push((format!("{name}.{prop}"), strings(values)));
            }
        }
    }
    out
}
