//! The answer of a call whose body is a free-form JSON object (the
//! discovery document), with its `Request-Id` like every other response.

use std::fmt;
use std::ops::Index;

use serde_json::{Map, Value};

/// A JSON object Authlete answered as it is, such as the OpenID Provider
/// metadata of `service().configuration()`.
///
/// Index it by member name (`document["issuer"]`, `Value::Null` when
/// absent), or take the whole object with [`as_map`](Self::as_map) or
/// [`into_map`](Self::into_map). It serializes as the object alone.
#[derive(Clone, PartialEq)]
pub struct JsonDocument {
    body: Map<String, Value>,
    // Kept as received: most callers never read it.
    request_id: Option<http::HeaderValue>,
}

impl JsonDocument {
    // Unused only in a build without the group that answers one.
    #[allow(dead_code)]
    pub(crate) fn new(body: Map<String, Value>, request_id: Option<http::HeaderValue>) -> Self {
        JsonDocument { body, request_id }
    }

    /// Authlete's `Request-Id` for this call, if it sent one as readable text.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_ref().and_then(|v| v.to_str().ok())
    }

    /// The member `name`, if the document has it.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.body.get(name)
    }

    /// The whole object.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.body
    }

    /// The whole object, by value.
    pub fn into_map(self) -> Map<String, Value> {
        self.body
    }
}

impl Index<&str> for JsonDocument {
    type Output = Value;

    fn index(&self, name: &str) -> &Value {
        static ABSENT: Value = Value::Null;
        self.body.get(name).unwrap_or(&ABSENT)
    }
}

impl serde::Serialize for JsonDocument {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.body.serialize(serializer)
    }
}

/// Member names only: a document may be large, and the caller who wants
/// the values has them by name.
impl fmt::Debug for JsonDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonDocument")
            .field("members", &self.body.keys().collect::<Vec<_>>())
            .field("request_id", &self.request_id())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_serializes_and_shows_names_only() {
        let mut body = Map::new();
        body.insert("issuer".into(), Value::from("https://as.example"));
        let document = JsonDocument::new(body, Some(http::HeaderValue::from_static("req-1")));
        assert_eq!(document["issuer"], "https://as.example");
        assert_eq!(document["absent"], Value::Null);
        assert_eq!(document.request_id(), Some("req-1"));
        assert_eq!(
            serde_json::to_string(&document).ok().as_deref(),
            Some(r#"{"issuer":"https://as.example"}"#)
        );
        let shown = format!("{document:?}");
        assert!(
            shown.contains("\"issuer\"") && !shown.contains("as.example"),
            "{shown}"
        );
    }
}
