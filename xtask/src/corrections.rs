//! Structural facts where Authlete's published spec disagrees with what
//! Authlete's API sends, kept in `openapi/corrections.yaml` with evidence.
//!
//! The spec lags behind the API (fields added in Authlete 3.0.28–3.0.32,
//! shapes written differently than they travel). Each correction names a
//! schema, and within it a property (`at`) or the schema itself, and says
//! what is true: properties to add, enum values to add, or the shape to use
//! instead. `vendor` applies them after extracting the fragment; every
//! entry carries the evidence it rests on (the Authlete DTO and library
//! version), so a reviewer can check it.
//!
//! Upstream catches up: an entry whose fact the spec now states is reported
//! (to drop) by `vendor` and `drift`; one the spec now states otherwise
//! (a property added with another type) is a contradiction, which `vendor`
//! refuses until a person decides.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::error::XtaskError;

/// The corrections file's name in `openapi/`.
pub const FILE: &str = "corrections.yaml";

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Corrections {
    /// Every correction, in the file's order.
    #[serde(default)]
    pub corrections: Vec<Correction>,
}

/// One fact the spec gets wrong.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// The schema under `components.schemas`.
    pub schema: String,
    /// A property of that schema; the schema itself when absent.
    #[serde(default)]
    pub at: Option<String>,
    /// Properties the object has beside those the spec names.
    #[serde(default)]
    pub add_properties: BTreeMap<String, Value>,
    /// Values the enum has beside those the spec names.
    #[serde(default)]
    pub add_values: Vec<String>,
    /// The shape the value really has, instead of the spec's.
    #[serde(default)]
    pub shape: Option<Value>,
    /// Where the fact comes from (an Authlete DTO and library version).
    pub evidence: String,
}

impl Correction {
    /// `schema` or `schema.at`, as messages name it.
    pub fn label(&self) -> String {
        match &self.at {
            Some(at) => format!("{}.{at}", self.schema),
            None => self.schema.clone(),
        }
    }

    fn pointer(&self) -> String {
        let mut pointer = format!("/components/schemas/{}", escape(&self.schema));
        if let Some(at) = &self.at {
            pointer.push_str(&format!("/properties/{}", escape(at)));
        }
        pointer
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// What the spec says about one correction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// The spec lacks the fact: the correction applies.
    Applies,
    /// The spec states the fact now: the entry can go.
    CaughtUp,
    /// The spec states something else where the entry adds (a property
    /// with another shape): a person decides.
    Contradicts(String),
    /// The schema or property is not in the fragment.
    Nothing,
}

/// Reads `corrections.yaml`; a missing file corrects nothing.
pub fn read(path: &Path) -> Result<Corrections, XtaskError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Corrections::default()),
        Err(source) => {
            return Err(XtaskError::Read {
                path: path.to_owned(),
                source,
            });
        }
    };
    serde_yaml::from_str(&text).map_err(|e| XtaskError::Spec {
        pointer: path.display().to_string(),
        message: e.to_string(),
    })
}

/// How `correction` stands against `doc`.
pub fn standing(doc: &Value, correction: &Correction) -> Standing {
    let Some(target) = doc.pointer(&correction.pointer()) else {
        return Standing::Nothing;
    };
    let mut missing = false;
    for (name, shape) in &correction.add_properties {
        match target.pointer(&format!("/properties/{}", escape(name))) {
            None => missing = true,
            Some(found) if same_shape(found, shape) => {}
            Some(found) => {
                return Standing::Contradicts(format!(
                    "the spec now has `{name}` as {found}, the entry says {shape}"
                ));
            }
        }
    }
    let values: Vec<&str> = target["enum"]
        .as_array()
        .map(|v| v.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if correction
        .add_values
        .iter()
        .any(|v| !values.contains(&v.as_str()))
    {
        missing = true;
    }
    if let Some(shape) = &correction.shape
        && !same_shape(target, shape)
    {
        missing = true;
    }
    if missing {
        Standing::Applies
    } else {
        Standing::CaughtUp
    }
}

/// Equal as structure: descriptions and examples aside.
fn same_shape(a: &Value, b: &Value) -> bool {
    let mut a = a.clone();
    let mut b = b.clone();
    crate::vendor::strip_prose(&mut a, false);
    crate::vendor::strip_prose(&mut b, false);
    a == b
}

/// Applies every correction that applies to `doc`; returns one note per
/// entry the spec has caught up with. Refuses, naming every such entry, when
/// any contradicts the spec or corrects nothing in the fragment.
pub fn apply(doc: &mut Value, corrections: &Corrections) -> Result<Vec<String>, XtaskError> {
    let mut notes = Vec::new();
    let mut problems = Vec::new();
    for correction in &corrections.corrections {
        match standing(doc, correction) {
            Standing::Applies => apply_one(doc, correction),
            Standing::CaughtUp => notes.push(format!(
                "{}: {} `{}` is in the spec now; drop the entry",
                FILE,
                what(correction),
                correction.label()
            )),
            Standing::Contradicts(why) => {
                problems.push(format!("`{}`: {why}", correction.label()));
            }
            Standing::Nothing => problems.push(format!(
                "`{}` is not in the vendored fragment; drop the entry or fix its `schema`/`at`",
                correction.label()
            )),
        }
    }
    if problems.is_empty() {
        Ok(notes)
    } else {
        Err(XtaskError::Spec {
            pointer: format!("openapi/{FILE}"),
            message: format!(
                "{} correction(s) to decide again:\n  - {}",
                problems.len(),
                problems.join("\n  - ")
            ),
        })
    }
}

fn what(correction: &Correction) -> &'static str {
    if !correction.add_properties.is_empty() {
        "what the correction adds to"
    } else if !correction.add_values.is_empty() {
        "every value the correction adds to"
    } else {
        "the shape the correction gives"
    }
}

fn apply_one(doc: &mut Value, correction: &Correction) {
    let Some(target) = doc.pointer_mut(&correction.pointer()) else {
        return;
    };
    if let Some(shape) = &correction.shape {
        *target = shape.clone();
    }
    if !correction.add_properties.is_empty()
        && let Some(object) = target.as_object_mut()
    {
        let properties = object
            .entry("properties")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Some(properties) = properties.as_object_mut() {
            for (name, shape) in &correction.add_properties {
                properties
                    .entry(name.clone())
                    .or_insert_with(|| shape.clone());
            }
        }
    }
    if let Some(values) = target.get_mut("enum").and_then(Value::as_array_mut) {
        for value in &correction.add_values {
            if !values.iter().any(|v| v.as_str() == Some(value)) {
                values.push(Value::String(value.clone()));
            }
        }
    }
}

/// Applies the corrections that apply to `doc` and leaves the others: how
/// `drift` sees a newer upstream as `vendor` would write it, so that the
/// corrections do not show as changes.
pub fn correct(doc: &mut Value, corrections: &Corrections) {
    for correction in &corrections.corrections {
        if standing(doc, correction) == Standing::Applies {
            apply_one(doc, correction);
        }
    }
}

/// What `drift` says about the corrections against a newer upstream
/// fragment: every entry the upstream has caught up with or contradicts.
pub fn report(newer: &Value, corrections: &Corrections) -> Vec<String> {
    corrections
        .corrections
        .iter()
        .filter_map(|c| match standing(newer, c) {
            Standing::CaughtUp => Some(format!(
                "{FILE}: `{}` is stated by upstream now; drop the entry",
                c.label()
            )),
            Standing::Contradicts(why) => Some(format!(
                "{FILE}: `{}` contradicts upstream: {why}",
                c.label()
            )),
            Standing::Applies | Standing::Nothing => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({"components": {"schemas": {
            "token_response": {"type": "object", "properties": {"action": {"type": "string"}}},
            "reason": {"type": "string", "enum": ["A"]},
            "token_info": {"type": "object", "properties": {"details": {"$ref": "#/x"}}}
        }}})
    }

    fn entries(text: &str) -> Corrections {
        serde_yaml::from_str(text).expect("yaml")
    }

    #[test]
    fn each_kind_of_correction_applies_and_then_is_caught_up() {
        let corrections = entries(
            "corrections:
- schema: token_response
  add_properties: {attestationChallenge: {type: string}}
  evidence: TokenResponse.java
- schema: reason
  add_values: [B]
  evidence: Reason.java
- schema: token_info
  at: details
  shape: {$ref: '#/y'}
  evidence: TokenInfo.java
",
        );
        let mut doc = doc();
        let notes = apply(&mut doc, &corrections).expect("applies");
        assert!(notes.is_empty());
        assert_eq!(
            doc.pointer("/components/schemas/token_response/properties/attestationChallenge"),
            Some(&json!({"type": "string"}))
        );
        assert_eq!(
            doc["components"]["schemas"]["reason"]["enum"],
            json!(["A", "B"])
        );
        assert_eq!(
            doc["components"]["schemas"]["token_info"]["properties"]["details"],
            json!({"$ref": "#/y"})
        );
        // Upstream states all three now: each is named, to drop.
        let notes = apply(&mut doc, &corrections).expect("applies");
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert_eq!(report(&doc, &corrections).len(), 3);
    }

    #[test]
    fn a_contradiction_and_an_entry_for_nothing_are_refused_together() {
        let corrections = entries(
            "corrections:
- schema: token_response
  add_properties: {action: {type: integer}}
  evidence: x
- schema: gone
  add_values: [B]
  evidence: y
",
        );
        let error = apply(&mut doc(), &corrections)
            .expect_err("refused")
            .to_string();
        assert!(error.contains("2 correction(s)"), "{error}");
        assert!(
            error.contains("`token_response`: the spec now has `action`"),
            "{error}"
        );
        assert!(
            error.contains("`gone` is not in the vendored fragment"),
            "{error}"
        );
    }

    #[test]
    fn an_entry_without_evidence_is_refused() {
        let refused: Result<Corrections, _> =
            serde_yaml::from_str("corrections:\n- schema: x\n  add_values: [A]\n");
        assert!(refused.is_err());
    }
}
