//! Authlete's spec comes in more than one copy; where they disagree, the
//! maintainer decides, in `openapi/choices.yaml`.
//!
//! `vendor` and `drift` take several `--from` copies in priority order. An
//! operation or component only one copy has comes from that copy. A
//! component that two copies define differently (structure only: prose is
//! not compared) is a *conflict*: Authlete edits one copy and the other lags
//! behind, so taking the first copy's silently would hide the edit. Every
//! conflict among the components the fragment uses is listed with what each
//! copy says; one without an entry in [`CHOICES_FILE`] stops `vendor`, and
//! one with an entry is taken from the copy the entry names.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::error::{XtaskError, spec_error};
use crate::spec;
use crate::vendor::{canonical, strip_prose};

/// The maintainer's choices, inside the openapi directory.
pub const CHOICES_FILE: &str = "choices.yaml";

/// Which copy one conflicting component comes from, and why.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// The file name of the copy (as given to `--from`, without directories).
    pub from: String,
    /// Why that copy: the reason the next maintainer needs.
    pub why: String,
}

/// Every recorded choice, by `section.name` (`schemas.token_request`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choices {
    /// Components' choices.
    #[serde(default)]
    pub components: BTreeMap<String, Choice>,
}

/// Reads `choices.yaml`; a missing file records no choice.
pub fn read_choices(path: &Path) -> Result<Choices, XtaskError> {
    match std::fs::read_to_string(path) {
        Ok(text) if text.trim().is_empty() => Ok(Choices::default()),
        Ok(text) => serde_yaml::from_str(&text).map_err(|e| spec::yaml_error(path, e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Choices::default()),
        Err(source) => Err(XtaskError::Read {
            path: path.to_owned(),
            source,
        }),
    }
}

/// One component the copies define differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// `section.name`, as `choices.yaml` keys it.
    pub key: String,
    /// The copy whose definition the merged spec holds.
    pub taken: String,
    /// Whether `choices.yaml` decided it (otherwise the first copy won).
    pub recorded: bool,
    /// Each other copy that defines it, with how it differs from the one taken.
    pub others: Vec<(String, Vec<String>)>,
}

impl Conflict {
    /// One line per other copy: what it says that the taken one does not.
    pub fn describe(&self) -> Vec<String> {
        let how = if self.recorded {
            format!("{CHOICES_FILE} takes {}'s", self.taken)
        } else {
            format!(
                "no choice in {CHOICES_FILE}, so the first copy's ({})",
                self.taken
            )
        };
        self.others
            .iter()
            .map(|(copy, differences)| {
                format!(
                    "components.{}: the copies differ; {how}; {copy} says: {}",
                    self.key,
                    differences.join("; ")
                )
            })
            .collect()
    }
}

/// The copies merged, with what they disagree on.
#[derive(Debug, Clone)]
pub struct Upstreams {
    /// One spec: every operation and component, each from the copy it
    /// should come from.
    pub merged: Value,
    /// Every component two copies define differently, in name order.
    pub conflicts: Vec<Conflict>,
    /// The copies' file names, in priority order.
    pub labels: Vec<String>,
}

impl Upstreams {
    /// The conflicts among the components `fragment` holds.
    pub fn conflicts_in(&self, fragment: &Value) -> Vec<&Conflict> {
        self.conflicts
            .iter()
            .filter(|c| {
                let (section, name) = c.key.split_once('.').unwrap_or((&c.key, ""));
                fragment
                    .pointer(&format!("/components/{section}"))
                    .and_then(|s| s.get(name))
                    .is_some()
            })
            .collect()
    }

    /// Refuses a fragment that uses a conflicting component nobody decided,
    /// or a choice that decides nothing (the copies agree now, or the
    /// component is gone): all of them in one error.
    pub fn check_decided(&self, fragment: &Value, choices: &Choices) -> Result<(), XtaskError> {
        let mut problems = Vec::new();
        for conflict in self.conflicts_in(fragment) {
            if !conflict.recorded {
                for line in conflict.describe() {
                    problems.push(format!(
                        "{line}\n    decide: add `{}: {{from: <copy>, why: ..}}` under `components` in openapi/{CHOICES_FILE}",
                        conflict.key
                    ));
                }
            }
        }
        // A choice is judged only against the copies given: with one copy
        // nothing conflicts, and that says nothing about the entry.
        for (key, choice) in &choices.components {
            if !self.labels.contains(&choice.from) {
                if self.labels.len() > 1 {
                    problems.push(format!(
                        "openapi/{CHOICES_FILE}: components.{key} takes `{}`, which is none of the copies given ({})",
                        choice.from,
                        self.labels.join(", ")
                    ));
                }
                continue;
            }
            if self.labels.len() > 1 && !self.conflicts.iter().any(|c| &c.key == key) {
                problems.push(format!(
                    "openapi/{CHOICES_FILE}: components.{key}: the copies no longer differ (or none defines it); drop the entry"
                ));
            }
        }
        if problems.is_empty() {
            return Ok(());
        }
        Err(spec_error(
            format!("openapi/{CHOICES_FILE}"),
            format!(
                "{} undecided difference(s) between the copies:\n  - {}",
                problems.len(),
                problems.join("\n  - ")
            ),
        ))
    }
}

/// Loads the copies at `paths` (priority order) and merges them, taking each
/// conflicting component from the copy `choices` names (the first copy
/// where none is named).
pub fn load(paths: &[PathBuf], choices: &Choices) -> Result<Upstreams, XtaskError> {
    let mut copies = Vec::with_capacity(paths.len());
    for path in paths {
        let label = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        copies.push((label, spec::load(path)?));
    }
    let labels: Vec<String> = copies.iter().map(|(l, _)| l.clone()).collect();
    let conflicts = find_conflicts(&copies, choices);
    let mut copies = copies.into_iter();
    let Some((_, mut merged)) = copies.next() else {
        return Err(spec_error("", "no upstream spec given"));
    };
    let rest: Vec<(String, Value)> = copies.collect();
    for (_, other) in &rest {
        crate::vendor::merge_upstream(&mut merged, other);
    }
    for conflict in conflicts.iter().filter(|c| c.taken != labels[0]) {
        let (section, name) = conflict.key.split_once('.').unwrap_or((&conflict.key, ""));
        let chosen = rest
            .iter()
            .find(|(label, _)| *label == conflict.taken)
            .and_then(|(_, doc)| doc.pointer(&format!("/components/{section}"))?.get(name));
        if let (Some(chosen), Some(slot)) = (
            chosen,
            merged
                .pointer_mut(&format!("/components/{section}"))
                .and_then(|s| s.get_mut(name)),
        ) {
            *slot = chosen.clone();
        }
    }
    Ok(Upstreams {
        merged,
        conflicts,
        labels,
    })
}

/// Every component that at least two copies define with different
/// structure.
fn find_conflicts(copies: &[(String, Value)], choices: &Choices) -> Vec<Conflict> {
    // section.name -> [(copy, structure)]
    let mut defined: BTreeMap<String, Vec<(&str, Value)>> = BTreeMap::new();
    for (label, doc) in copies {
        let Some(sections) = doc.get("components").and_then(Value::as_object) else {
            continue;
        };
        for (section, entries) in sections {
            for (name, value) in entries.as_object().into_iter().flatten() {
                let mut structure = value.clone();
                strip_prose(&mut structure, false);
                defined
                    .entry(format!("{section}.{name}"))
                    .or_default()
                    .push((label.as_str(), canonical(structure)));
            }
        }
    }
    let mut conflicts = Vec::new();
    for (key, versions) in defined {
        if versions.iter().all(|(_, v)| *v == versions[0].1) {
            continue;
        }
        let choice = choices
            .components
            .get(&key)
            .filter(|c| versions.iter().any(|(label, _)| *label == c.from));
        let taken = choice.map_or(versions[0].0, |c| c.from.as_str());
        let Some((_, taken_value)) = versions.iter().find(|(label, _)| *label == taken) else {
            continue;
        };
        let name = key.split_once('.').map_or(key.as_str(), |(_, n)| n);
        let others = versions
            .iter()
            .filter(|(label, v)| *label != taken && v != taken_value)
            .map(|(label, v)| {
                let mut differences = Vec::new();
                crate::drift::compare_schema(name, taken_value, v, &mut differences);
                if differences.is_empty() {
                    differences.push(
                        "a different definition (not in type, fields, required or enum values)"
                            .into(),
                    );
                }
                ((*label).to_owned(), differences)
            })
            .collect();
        conflicts.push(Conflict {
            key,
            taken: taken.to_owned(),
            recorded: choice.is_some(),
            others,
        });
    }
    conflicts
}
