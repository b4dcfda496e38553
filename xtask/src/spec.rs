//! Loading an OpenAPI document from disk and walking its operations.
//!
//! The document is kept as a `serde_json::Value` while it is normalised, so
//! that every step can name the exact place it looked at with a JSON pointer;
//! it is checked against `openapiv3`'s model on the way in (to report
//! structural mistakes with a line and column) and converted at the end.

use std::path::Path;

use serde_json::Value;

use crate::error::{XtaskError, spec_error};

/// HTTP methods an OpenAPI path item may hold, in the order the spec lists them.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Reads and parses the spec at `path`.
pub fn load(path: &Path) -> Result<Value, XtaskError> {
    let text = std::fs::read_to_string(path).map_err(|source| XtaskError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse(path, &text)
}

/// Parses spec text; `path` only labels errors.
///
/// The text must be YAML (JSON is YAML too) and must have the shape of an
/// OpenAPI 3.0 document: both checks report the line and column at fault.
pub fn parse(path: &Path, text: &str) -> Result<Value, XtaskError> {
    let yaml_error = |e: serde_yaml::Error| yaml_error(path, e);
    // Parsing into the typed model first gives line/column for structural
    // mistakes (a `paths` that is a list, a response that is a number...).
    let _: openapiv3::OpenAPI = serde_yaml::from_str(text).map_err(yaml_error)?;
    let doc: Value = serde_yaml::from_str(text).map_err(yaml_error)?;
    check_version(&doc)?;
    Ok(doc)
}

/// A YAML error in the file at `path`, with its line and column.
pub fn yaml_error(path: &Path, e: serde_yaml::Error) -> XtaskError {
    let location = e.location();
    XtaskError::Parse {
        path: path.to_owned(),
        line: location.as_ref().map(|l| l.line()),
        column: location.as_ref().map(|l| l.column()),
        message: e.to_string(),
    }
}

/// Refuses anything but OpenAPI 3.0.x, the only version progenitor reads.
pub fn check_version(doc: &Value) -> Result<(), XtaskError> {
    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.trim().starts_with("3.0.") => Ok(()),
        Some(v) => Err(spec_error(
            "/openapi",
            format!("version `{v}` is not supported; only OpenAPI 3.0.x is"),
        )),
        None => Err(spec_error("/openapi", "the `openapi` version is missing")),
    }
}

/// Converts the (normalised) document into `openapiv3`'s model.
pub fn to_openapi(doc: &Value) -> Result<openapiv3::OpenAPI, XtaskError> {
    serde_json::from_value(doc.clone())
        .map_err(|e| spec_error("", format!("not an OpenAPI 3.0 document: {e}")))
}

/// Escapes one JSON pointer segment (RFC 6901).
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Where an operation sits in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationRef {
    /// The path template, e.g. `/api/{serviceId}/auth/token/fail`.
    pub path: String,
    /// The lower-case HTTP method key.
    pub method: &'static str,
}

impl OperationRef {
    /// The JSON pointer to the operation object.
    pub fn pointer(&self) -> String {
        format!("/paths/{}/{}", escape(&self.path), self.method)
    }
}

/// Lists every operation in document order.
pub fn operations(doc: &Value) -> Vec<OperationRef> {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Vec::new();
    };
    paths
        .iter()
        .flat_map(|(path, item)| {
            METHODS
                .iter()
                .filter(move |m| item.get(**m).is_some_and(Value::is_object))
                .map(move |m| OperationRef {
                    path: path.clone(),
                    method: m,
                })
        })
        .collect()
}

/// Gets the operation object `op` points at.
pub fn operation<'a>(doc: &'a Value, op: &OperationRef) -> Option<&'a Value> {
    doc.get("paths")?.get(&op.path)?.get(op.method)
}

/// Gets the operation object `op` points at, mutably.
pub fn operation_mut<'a>(doc: &'a mut Value, op: &OperationRef) -> Option<&'a mut Value> {
    doc.get_mut("paths")?.get_mut(&op.path)?.get_mut(op.method)
}

/// The operationId of `op`, if it has one.
pub fn operation_id<'a>(doc: &'a Value, op: &OperationRef) -> Option<&'a str> {
    operation(doc, op)?.get("operationId")?.as_str()
}
