//! A deterministic example value per schema of a spec: what the wire tests
//! send, and what `authlete_generated::catalog::example_response` answers
//! for (the facade's mock replies with it to an operation it has no
//! behaviour for).

use serde_json::{Map, Value, json};

/// How deep examples and strategies follow nested objects before they keep
/// to required properties only (the fragment has no cycles, but a spec may).
pub const MAX_DEPTH: usize = 4;

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

pub fn properties(schema: &Value) -> Vec<(&String, &Value)> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|m| m.iter().collect())
        .unwrap_or_default()
}

pub fn required(schema: &Value) -> Vec<&String> {
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

/// [`example`] of a body schema, which may be what [`example`] alone does
/// not read: an `allOf` (the spec writes a request body as a component
/// schema plus the names it requires there; typify merges them into one
/// struct), or a name listed in `required` that no property declares
/// (JSON Schema lets it take any value, typify makes it a required
/// `serde_json::Value`, so it gets a string like any other field).
pub fn body_example(doc: &Value, schema: &Value, hint: &str) -> Value {
    let merged = merged_all_of(doc, schema);
    let mut value = example(doc, &merged, hint);
    if let Value::Object(map) = &mut value {
        for name in required(&merged) {
            map.entry(name.clone())
                .or_insert_with(|| json!(format!("{name}-example")));
        }
    }
    value
}

/// `schema` with its `allOf` parts merged into one object schema (their
/// properties and required names, and its own); unchanged without `allOf`.
pub fn merged_all_of(doc: &Value, schema: &Value) -> Value {
    let schema = resolve(doc, schema);
    let Some(parts) = schema.get("allOf").and_then(Value::as_array) else {
        return schema.clone();
    };
    let mut props = Map::new();
    let mut names: Vec<Value> = Vec::new();
    let merged: Vec<Value> = parts.iter().map(|p| merged_all_of(doc, p)).collect();
    for part in merged.iter().chain([schema]) {
        for (name, prop) in properties(part) {
            props.insert(name.clone(), prop.clone());
        }
        for name in required(part) {
            if !names.iter().any(|n| n == name.as_str()) {
                names.push(json!(name));
            }
        }
    }
    json!({"type": "object", "properties": props, "required": names})
}
