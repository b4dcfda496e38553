//! Values derived from the fragment's schemas: a deterministic example per
//! schema (for wire tests) and a proptest strategy per schema (for round
//! trips), so that no test spells out a generated type's fields.

use proptest::prelude::*;
use serde_json::{Value, json};

pub use xtask::examples::{MAX_DEPTH, body_example, example, properties, required, resolve};

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
    let body = body_schema(doc, op.get("requestBody")).map(|s| body_example(doc, s, "body"));
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
                body_schema(doc, Some(response)).map(|s| body_example(doc, s, "response")),
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
/// empty arrays and maps (typify skips an empty `Vec` or `HashMap`) and
/// nulls. An empty object is dropped whatever type it is (a map and a struct
/// with no field set look alike in JSON); both sides of a comparison go
/// through this, so a dropped `{}` hides nothing else.
pub fn without_empty(value: &Value) -> Value {
    let empty = |v: &Value| match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => false,
    };
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), without_empty(v)))
                .filter(|(_, v)| !empty(v))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_empty).collect()),
        other => other.clone(),
    }
}

/// A strategy for JSON values `schema` accepts: required properties always,
/// optional ones sometimes, enums their known values or any string (the
/// generated enums are open), any Unicode in strings, full integer ranges,
/// `null` sometimes where `nullable`, maps (`additionalProperties`) with a
/// few entries, and any JSON for a name `required` lists without declaring
/// it (JSON Schema puts no constraint on its value).
pub fn strategy(doc: &Value, schema: &Value) -> BoxedStrategy<Value> {
    strategy_at(doc, schema, 0)
}

fn strategy_at(doc: &Value, schema: &Value, depth: usize) -> BoxedStrategy<Value> {
    if let Some(inner) = without_nullable(doc, schema) {
        let inner = strategy_at(doc, &inner, depth);
        return prop_oneof![1 => Just(Value::Null), 4 => inner].boxed();
    }
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
            let declared = properties(schema);
            let undeclared = required
                .iter()
                .filter(|r| !declared.iter().any(|(name, _)| name == *r))
                .map(|r| {
                    let name = (*r).clone();
                    any_json()
                        .prop_map(move |v| Some((name.clone(), v)))
                        .boxed()
                });
            let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = declared
                .iter()
                .filter(|(name, _)| depth < MAX_DEPTH || required.contains(name))
                .map(|(name, prop)| {
                    let name = (*name).clone();
                    let inner = strategy_at(doc, prop, depth + 1);
                    if required.contains(&&name) {
                        inner.prop_map(move |v| Some((name.clone(), v))).boxed()
                    } else {
                        proptest::option::of(inner)
                            .prop_map(move |v| v.map(|v| (name.clone(), v)))
                            .boxed()
                    }
                })
                .chain(undeclared)
                .collect();
            fields
                .prop_map(|fields| Value::Object(fields.into_iter().flatten().collect()))
                .boxed()
        }
        Some("object") => {
            let values = match schema.get("additionalProperties") {
                Some(Value::Bool(true)) => any_json(),
                Some(values @ Value::Object(_)) => strategy_at(doc, values, depth + 1),
                _ => return Just(json!({})).boxed(),
            };
            proptest::collection::btree_map(any::<String>(), values, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect()))
                .boxed()
        }
        _ => Just(Value::Null).boxed(),
    }
}

/// `schema` without its `nullable: true`, or that of the schema its `$ref`
/// names (the fragment writes it in both places); `None` if neither is.
fn without_nullable(doc: &Value, schema: &Value) -> Option<Value> {
    [schema, resolve(doc, schema)]
        .into_iter()
        .find_map(|candidate| {
            let mut copy = candidate.as_object()?.clone();
            (copy.remove("nullable")? == Value::Bool(true)).then_some(Value::Object(copy))
        })
}

/// Any JSON scalar (nulls, booleans, integers, strings): what a schema
/// without constraints accepts, in values that round-trip exactly.
fn any_json() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<String>().prop_map(Value::String),
    ]
    .boxed()
}

/// Every string enum of the fragment: where it is written and its values in
/// spec order. A place is a component schema's name, followed by `.<property>`
/// for a property, `[]` for an array's items, `{}` for a map's values and
/// `/allOf/<i>` (or `oneOf`, `anyOf`) for a composed part, e.g.
/// `token_fail_request.reason` or `client.responseModes[]`. Which Rust type
/// each becomes is typify's choice (a nullable enum is a newtype around an
/// `…Inner` enum), possibly renamed by `openapi/semantics.yaml`, so tests
/// match them by values.
pub fn fragment_enums(doc: &Value) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            enums_in(schema, name.clone(), &mut out);
        }
    }
    out
}

/// The enums written inline in `schema` (not behind a `$ref`: a referenced
/// enum is listed under its own component name).
fn enums_in(schema: &Value, place: String, out: &mut Vec<(String, Vec<String>)>) {
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let values = values
            .iter()
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect();
        out.push((place.clone(), values));
    }
    for (prop, prop_schema) in properties(schema) {
        enums_in(prop_schema, format!("{place}.{prop}"), out);
    }
    if let Some(items) = schema.get("items") {
        enums_in(items, format!("{place}[]"), out);
    }
    if let Some(values) = schema.get("additionalProperties").filter(|v| v.is_object()) {
        enums_in(values, format!("{place}{{}}"), out);
    }
    for keyword in ["allOf", "oneOf", "anyOf"] {
        for (i, part) in schema
            .get(keyword)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            enums_in(part, format!("{place}/{keyword}/{i}"), out);
        }
    }
}
