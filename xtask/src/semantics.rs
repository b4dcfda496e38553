//! `openapi/semantics.yaml`: the decisions about each operation that the spec
//! cannot state (facade names, which values are arguments, replay class,
//! secrets, what `Debug` may show), read once and checked against the spec.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::XtaskError;

/// Name of the file, inside `openapi/`.
pub const FILE: &str = "semantics.yaml";

/// The whole file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Semantics {
    /// Facade groups by the name of their `Client` method.
    #[serde(default)]
    pub groups: BTreeMap<String, Group>,
    /// Per operation, by operationId.
    #[serde(default)]
    pub operations: BTreeMap<String, Operation>,
    /// Per generated enum, by its generated name.
    #[serde(default)]
    pub enums: BTreeMap<String, EnumNames>,
    /// Generated types the hand-written runtime names (the error body),
    /// compiled whatever groups are on.
    #[serde(default)]
    pub always: Vec<String>,
}

/// One facade group: `client.<name>()`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// The struct the group method returns.
    #[serde(rename = "type")]
    pub type_name: String,
    /// One line for the group method's docs.
    pub summary: String,
    /// More for the group module's docs.
    #[serde(default)]
    pub doc: Option<String>,
    /// The hand-written modules beside the emitted code, in `src/<group>/`.
    #[serde(default)]
    pub behaviour: Vec<String>,
    /// Whether an authorization server needs the group: such groups make up
    /// the `authorization-server` feature, which is on by default.
    #[serde(default)]
    pub default: bool,
}

/// How a call may be repeated after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Replay {
    /// Never once the request may have reached Authlete.
    Once,
    /// On transient failures.
    Idempotent,
}

/// The decisions about one operation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// The group it belongs to.
    pub group: String,
    /// Its method on the group.
    pub verb: String,
    /// The request builder's type name.
    pub builder: String,
    /// The response type's name, if not the generated body's.
    #[serde(default)]
    pub response: Option<String>,
    /// Spec names of the values the verb takes, in order.
    #[serde(default)]
    pub args: Vec<String>,
    /// Replay class.
    pub replay: Replay,
    /// Why that replay class.
    pub why: String,
    /// Spec names of request and response fields holding credentials.
    #[serde(default)]
    pub secrets: Vec<String>,
    /// Spec names of fields `Debug` may print.
    #[serde(default)]
    pub show: Vec<String>,
    /// Facade method names for spec fields, where the spec's name is not
    /// what a Rust user would guess (`sub` → `subject`).
    #[serde(default)]
    pub rename: BTreeMap<String, String>,
    /// Whether the builder has a hand-written `validate`.
    #[serde(default)]
    pub validate: bool,
    /// Whether the response has a hand-written `into_http_response`.
    #[serde(default)]
    pub endpoint: bool,
}

/// The facade's names for one generated enum.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumNames {
    /// The enum's name.
    #[serde(default)]
    pub name: Option<String>,
    /// Variant names by wire value.
    #[serde(default)]
    pub variants: BTreeMap<String, String>,
}

/// Reads `path`; a missing file means "no decisions" (fixture specs).
pub fn load(path: &Path) -> Result<Semantics, XtaskError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Semantics::default()),
        Err(source) => {
            return Err(XtaskError::Read {
                path: path.to_owned(),
                source,
            });
        }
    };
    serde_yaml::from_str(&text).map_err(|e| {
        // serde stops at the first missing key; a maintainer adding several
        // operations wants every one of them in one run.
        let missing = missing_keys(&text);
        if missing.len() > 1 {
            XtaskError::Spec {
                pointer: path.display().to_string(),
                message: format!(
                    "{} required key(s) missing:\n  - {}",
                    missing.len(),
                    missing.join("\n  - ")
                ),
            }
        } else {
            crate::spec::yaml_error(path, e)
        }
    })
}

/// The keys an entry must have (those without a serde default).
const REQUIRED: &[(&str, &[&str])] = &[
    ("groups", &["type", "summary"]),
    ("operations", &["group", "verb", "builder", "replay", "why"]),
];

/// Every required key missing from every `groups` and `operations` entry
/// of `text`, as `operations.<id>: no `why``.
fn missing_keys(text: &str) -> Vec<String> {
    let Ok(doc) = serde_yaml::from_str::<serde_yaml::Value>(text) else {
        return Vec::new();
    };
    let mut missing = Vec::new();
    for (section, keys) in REQUIRED {
        let Some(entries) = doc.get(section).and_then(serde_yaml::Value::as_mapping) else {
            continue;
        };
        for (name, entry) in entries {
            let name = name.as_str().unwrap_or("?");
            for key in *keys {
                if entry.get(key).is_none() {
                    missing.push(format!("{section}.{name}: no `{key}`"));
                }
            }
        }
    }
    missing
}

/// The semantics file that sits beside `spec_path`.
pub fn beside(spec_path: &Path) -> std::path::PathBuf {
    spec_path.parent().unwrap_or(Path::new(".")).join(FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_missing_key_of_every_entry_is_named_in_one_run() {
        let dir = std::env::temp_dir().join(format!("semantics-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("tmp");
        let path = dir.join(FILE);
        std::fs::write(
            &path,
            "operations:\n  a_api: {group: tokens, verb: a, builder: A, replay: once}\n  b_api: {group: tokens, verb: b}\n",
        )
        .expect("write");
        let Err(error) = load(&path) else {
            panic!("loaded entries without required keys");
        };
        let message = error.to_string();
        for line in [
            "4 required key(s) missing",
            "operations.a_api: no `why`",
            "operations.b_api: no `builder`",
            "operations.b_api: no `replay`",
            "operations.b_api: no `why`",
        ] {
            assert!(message.contains(line), "{line} not in: {message}");
        }
        std::fs::remove_dir_all(&dir).ok();
    }
}
