//! `cargo xtask vendor`: rebuild the fragment in `openapi/` from a full upstream spec.
//!
//! Inputs, all in the `openapi/` directory:
//!
//! - `operations.txt`: the operationIds to vendor, one per line (`#` starts a comment);
//! - `overlay.yaml`: the project's own descriptions, by operationId, schema
//!   and `schema.property`, and of each enum value (under `enums`, by
//!   `schema` or `schema.property`, written into the fragment as
//!   [`ENUM_DESCRIPTIONS`]), merged into the result (an entry that matches
//!   nothing is an error, and one run names every such entry);
//!
//! and the upstream spec given with `--from`. The result is the listed
//! operations with the transitive closure of every component they `$ref`, and
//! nothing else. Structure is copied exactly; upstream prose (descriptions,
//! summaries, titles, examples, documentation extensions) is not, so the only
//! words in the fragment are the overlay's. Keys are written in a fixed order
//! (top-level keys in the usual order, every other map sorted), so the same
//! inputs always give the same bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::{StaleEntry, XtaskError, spec_error};
use crate::spec::{self, escape};

/// File listing the operations to vendor, inside the openapi directory.
pub const OPERATIONS_FILE: &str = "operations.txt";
/// The extension holding the overlay's description of each enum value, by
/// value, on the enum's schema. Our own extension, with our own words: the
/// generator turns it into variant docs.
pub const ENUM_DESCRIPTIONS: &str = "x-enum-descriptions";
/// File with the project's own descriptions, inside the openapi directory.
pub const OVERLAY_FILE: &str = "overlay.yaml";
/// The vendored fragment, inside the openapi directory.
pub const FRAGMENT_FILE: &str = "authlete.yaml";
/// File listing the upstream operations left out on purpose, inside the
/// openapi directory (read by `drift`, same format as [`OPERATIONS_FILE`]).
pub const NOT_VENDORED_FILE: &str = "not-vendored.txt";

/// Keys that carry prose or documentation-tool data rather than structure.
const PROSE_KEYS: &[&str] = &[
    "description",
    "summary",
    "title",
    "example",
    "examples",
    "externalDocs",
    "links",
];

/// Keys whose object value maps names (not OpenAPI keywords) to objects.
const NAME_MAP_KEYS: &[&str] = &[
    "paths",
    "properties",
    "schemas",
    "responses",
    "parameters",
    "requestBodies",
    "headers",
    "securitySchemes",
    "content",
    "encoding",
    "variables",
    "callbacks",
];

/// Top-level keys, in the order they are written.
const TOP_LEVEL_ORDER: &[&str] = &[
    "openapi",
    "info",
    "servers",
    "security",
    "tags",
    "paths",
    "components",
];

/// Reads `operations.txt`: operationIds in order, with their line numbers.
pub fn read_operation_list(path: &Path) -> Result<Vec<(usize, String)>, XtaskError> {
    let text = std::fs::read_to_string(path).map_err(|source| XtaskError::Read {
        path: path.to_owned(),
        source,
    })?;
    let mut seen = BTreeSet::new();
    let mut ids = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let id = line.split('#').next().unwrap_or_default().trim();
        if id.is_empty() {
            continue;
        }
        if !seen.insert(id.to_owned()) {
            return Err(XtaskError::List {
                path: path.to_owned(),
                line: index + 1,
                message: format!("operationId `{id}` is listed twice"),
            });
        }
        ids.push((index + 1, id.to_owned()));
    }
    Ok(ids)
}

/// The project's own descriptions, merged over the vendored structure.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Overlay {
    /// `info.description`.
    pub info: Option<String>,
    /// Description per operationId.
    pub operations: BTreeMap<String, String>,
    /// Description per schema name, or per `schema.property`.
    pub schemas: BTreeMap<String, String>,
    /// Description per JSON member name, for every property of that name
    /// that `schemas` does not describe: most members (`resultCode`,
    /// `accessTokenDuration`) mean the same wherever they appear, so their
    /// description is written once.
    pub members: BTreeMap<String, String>,
    /// Per enum (`schema` or `schema.property`), a description per value.
    pub enums: BTreeMap<String, BTreeMap<String, String>>,
}

/// Reads `overlay.yaml`; a missing file is an empty overlay.
pub fn read_overlay(path: &Path) -> Result<Overlay, XtaskError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Overlay::default()),
        Err(source) => {
            return Err(XtaskError::Read {
                path: path.to_owned(),
                source,
            });
        }
    };
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Raw {
        info: Option<String>,
        #[serde(default)]
        operations: BTreeMap<String, String>,
        #[serde(default)]
        schemas: BTreeMap<String, String>,
        #[serde(default)]
        members: BTreeMap<String, String>,
        #[serde(default)]
        enums: BTreeMap<String, BTreeMap<String, String>>,
    }
    let raw: Raw = serde_yaml::from_str(&text).map_err(|e| {
        let location = e.location();
        XtaskError::Parse {
            path: path.to_owned(),
            line: location.as_ref().map(|l| l.line()),
            column: location.as_ref().map(|l| l.column()),
            message: e.to_string(),
        }
    })?;
    Ok(Overlay {
        info: raw.info,
        operations: raw.operations,
        schemas: raw.schemas,
        members: raw.members,
        enums: raw.enums,
    })
}

/// Adds to `primary` the operations and components only `other` has.
pub(crate) fn merge_upstream(primary: &mut Value, other: &Value) {
    let known: BTreeSet<String> = spec::operations(primary)
        .iter()
        .filter_map(|op| spec::operation_id(primary, op).map(str::to_owned))
        .collect();
    for op in spec::operations(other) {
        let Some(id) = spec::operation_id(other, &op) else {
            continue; // without an id it cannot be listed, so it is never vendored
        };
        if known.contains(id) {
            continue;
        }
        let item = &other["paths"][&op.path];
        let paths = primary.as_object_mut().map(|o| {
            o.entry("paths")
                .or_insert_with(|| Value::Object(Map::new()))
        });
        let Some(Value::Object(paths)) = paths else {
            continue;
        };
        let target = paths.entry(op.path.clone()).or_insert_with(|| {
            // A new path item keeps the path-level parameters its operations share.
            let mut fresh = Map::new();
            if let Some(shared) = item.get("parameters") {
                fresh.insert("parameters".into(), shared.clone());
            }
            Value::Object(fresh)
        });
        if let Value::Object(target) = target {
            target.insert(op.method.to_owned(), item[op.method].clone());
        }
    }
    let Some(sections) = other.get("components").and_then(Value::as_object) else {
        return;
    };
    for (section, entries) in sections {
        let Some(entries) = entries.as_object() else {
            continue;
        };
        let Some(root) = primary.as_object_mut() else {
            return;
        };
        let components = root
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()));
        let Some(components) = components.as_object_mut() else {
            return;
        };
        let target = components
            .entry(section.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(target) = target {
            for (name, value) in entries {
                target.entry(name.clone()).or_insert_with(|| value.clone());
            }
        }
    }
}

/// Builds the fragment for `operation_ids` from `upstream` (no prose yet).
pub fn extract(upstream: &Value, operation_ids: &[String]) -> Result<Value, XtaskError> {
    spec::check_version(upstream)?;
    let by_id: BTreeMap<&str, spec::OperationRef> = spec::operations(upstream)
        .into_iter()
        .filter_map(|op| Some((spec::operation_id(upstream, &op)?, op)))
        .collect();

    let mut paths = Map::new();
    let mut tags_used = BTreeSet::new();
    // An operation upstream left without an operationId is listed by
    // `METHOD /path`; the generator's `name_unnamed_operations` names it.
    let by_route: BTreeMap<String, spec::OperationRef> = spec::operations(upstream)
        .into_iter()
        .map(|op| (format!("{} {}", op.method.to_uppercase(), op.path), op))
        .collect();
    let missing: Vec<&str> = operation_ids
        .iter()
        .filter(|id| !by_id.contains_key(id.as_str()) && !by_route.contains_key(id.as_str()))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(spec_error(
            "/paths",
            format!(
                "{} operation(s) listed in {OPERATIONS_FILE} are in none of the upstream copies \
                 given: {}. No one copy of Authlete's spec has every operation: give the other \
                 copy too, with a second `--from` (see openapi/README.md), or remove them from \
                 {OPERATIONS_FILE}",
                missing.len(),
                missing.join(", ")
            ),
        ));
    }
    for id in operation_ids {
        let Some(op) = by_id.get(id.as_str()).or_else(|| by_route.get(id.as_str())) else {
            continue; // listed as missing above
        };
        let operation = spec::operation(upstream, op).cloned().unwrap_or_default();
        if let Some(tags) = operation.get("tags").and_then(Value::as_array) {
            tags_used.extend(tags.iter().filter_map(Value::as_str).map(str::to_owned));
        }
        let item = paths
            .entry(op.path.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        // Path-level parameters belong to every operation on the path.
        if let Some(shared) = upstream.pointer(&format!("/paths/{}/parameters", escape(&op.path))) {
            item["parameters"] = shared.clone();
        }
        item[op.method] = operation;
    }

    let mut fragment = Map::new();
    fragment.insert("openapi".into(), upstream["openapi"].clone());
    let mut info = Map::new();
    for key in ["title", "version", "license"] {
        if let Some(v) = upstream.get("info").and_then(|i| i.get(key)) {
            info.insert(key.into(), v.clone());
        }
    }
    fragment.insert("info".into(), Value::Object(info));
    for key in ["servers", "security"] {
        if let Some(v) = upstream.get(key) {
            fragment.insert(key.into(), v.clone());
        }
    }
    if let Some(tags) = upstream.get("tags").and_then(Value::as_array) {
        let kept: Vec<Value> = tags
            .iter()
            .filter(|t| t["name"].as_str().is_some_and(|n| tags_used.contains(n)))
            .cloned()
            .collect();
        fragment.insert("tags".into(), Value::Array(kept));
    }
    fragment.insert("paths".into(), Value::Object(paths));

    // Everything the paths refer to, and everything that refers to, and so on.
    let mut components: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    let mut pending: Vec<String> = Vec::new();
    collect_refs(&fragment["paths"], &mut pending);
    // Security schemes are named by the security requirement, not by $ref.
    for requirement in upstream["security"].as_array().into_iter().flatten() {
        for name in requirement.as_object().into_iter().flat_map(|m| m.keys()) {
            pending.push(format!("#/components/securitySchemes/{}", escape(name)));
        }
    }
    let mut done = BTreeSet::new();
    while let Some(reference) = pending.pop() {
        if !done.insert(reference.clone()) {
            continue;
        }
        let (kind, name) = component_of(&reference)?;
        let target = upstream
            .pointer(reference.trim_start_matches('#'))
            .ok_or_else(|| {
                spec_error(
                    reference.trim_start_matches('#'),
                    format!("`$ref: {reference}` does not point at anything upstream"),
                )
            })?;
        let whole = upstream
            .pointer(&format!("/components/{}/{}", escape(&kind), escape(&name)))
            .cloned()
            .unwrap_or_else(|| target.clone());
        collect_refs(&whole, &mut pending);
        components.entry(kind).or_default().insert(name, whole);
    }
    if !components.is_empty() {
        let map: Map<String, Value> = components
            .into_iter()
            .map(|(kind, entries)| (kind, Value::Object(entries)))
            .collect();
        fragment.insert("components".into(), Value::Object(map));
    }

    let mut doc = Value::Object(fragment);
    strip_prose(&mut doc, false);
    // `info.title` is required and names the API; it is not prose to rewrite.
    if let Some(title) = upstream.pointer("/info/title") {
        doc["info"]["title"] = title.clone();
    }
    restore_response_descriptions(&mut doc);
    Ok(canonical(doc))
}

/// OpenAPI requires every response to have a description: an empty one
/// keeps the document valid without carrying upstream's words.
fn restore_response_descriptions(doc: &mut Value) {
    let mut places: Vec<String> = spec::operations(doc)
        .into_iter()
        .map(|op| format!("{}/responses", op.pointer()))
        .collect();
    places.push("/components/responses".to_owned());
    for place in places {
        if let Some(Value::Object(responses)) = doc.pointer_mut(&place) {
            for response in responses.values_mut() {
                if let Value::Object(r) = response
                    && !r.contains_key("$ref")
                {
                    r.insert("description".into(), Value::String(String::new()));
                }
            }
        }
    }
}

/// Gathers every `$ref` under `value`.
fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(target)) => out.push(target.clone()),
                    _ => collect_refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// Splits `#/components/<kind>/<name>[/...]` into kind and name.
fn component_of(reference: &str) -> Result<(String, String), XtaskError> {
    let unescape = |s: &str| s.replace("~1", "/").replace("~0", "~");
    let mut parts = reference
        .strip_prefix("#/components/")
        .ok_or_else(|| {
            spec_error(
                reference,
                format!("`$ref: {reference}` is not a local component reference"),
            )
        })?
        .split('/');
    match (parts.next(), parts.next()) {
        (Some(kind), Some(name)) if !kind.is_empty() && !name.is_empty() => {
            Ok((unescape(kind), unescape(name)))
        }
        _ => Err(spec_error(
            reference,
            format!("`$ref: {reference}` does not name a component"),
        )),
    }
}

/// Removes prose keys; in name maps (`properties`, `paths`...) keys are names and stay.
pub fn strip_prose(value: &mut Value, is_name_map: bool) {
    match value {
        Value::Object(map) => {
            if is_name_map {
                map.values_mut().for_each(|v| strip_prose(v, false));
                return;
            }
            map.retain(|k, _| !PROSE_KEYS.contains(&k.as_str()) && !k.starts_with("x-"));
            for (key, v) in map.iter_mut() {
                let names = NAME_MAP_KEYS.contains(&key.as_str()) && v.is_object();
                strip_prose(v, names);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| strip_prose(v, false)),
        _ => {}
    }
}

/// Puts keys in a fixed order: top level as in `TOP_LEVEL_ORDER`, all else sorted.
pub fn canonical(value: Value) -> Value {
    let Value::Object(map) = value else {
        return value;
    };
    let mut entries: Vec<(String, Value)> = map.into_iter().collect();
    entries.sort_by_key(|(k, _)| {
        (
            TOP_LEVEL_ORDER
                .iter()
                .position(|t| t == k)
                .unwrap_or(TOP_LEVEL_ORDER.len()),
            k.clone(),
        )
    });
    Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
}

fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// Adds the overlay's descriptions; returns the entries that match nothing.
///
/// Every entry is tried, so that one run names every stale entry (after an
/// upstream release, several usually go stale together); the caller refuses
/// the result when any is returned. Lines are not known here: see
/// [`locate_entries`].
pub fn apply_overlay(doc: &mut Value, overlay: &Overlay) -> Vec<StaleEntry> {
    let fix = "delete the entry or fix its key";
    let mut stale = Vec::new();
    if let Some(text) = &overlay.info {
        doc["info"]["description"] = Value::String(text.clone());
    }
    for (id, text) in &overlay.operations {
        let op = spec::operations(doc)
            .into_iter()
            .find(|op| spec::operation_id(doc, op) == Some(id.as_str()));
        match op.and_then(|op| spec::operation_mut(doc, &op)) {
            Some(Value::Object(o)) => {
                o.insert("description".into(), Value::String(text.clone()));
            }
            _ => stale.push(StaleEntry {
                key: format!("operations.{id}"),
                line: None,
                problem: format!(
                    "describes an operation that is not vendored (not in {OPERATIONS_FILE}, \
                     or upstream renamed it?); {fix}"
                ),
            }),
        }
    }
    for (key, text) in &overlay.schemas {
        let (schema, property) = match key.split_once('.') {
            Some((s, p)) => (s, Some(p)),
            None => (key.as_str(), None),
        };
        let schema_pointer = format!("/components/schemas/{}", escape(schema));
        let pointer = match property {
            Some(p) => format!("{schema_pointer}/properties/{}", escape(p)),
            None => schema_pointer.clone(),
        };
        if let Some(target) = doc.pointer_mut(&pointer).and_then(Value::as_object_mut) {
            target.insert("description".into(), Value::String(text.clone()));
            continue;
        }
        let problem = match property {
            Some(p) if doc.pointer(&schema_pointer).is_some() => format!(
                "describes nothing in the vendored fragment: schema `{schema}` has no property \
                 `{p}` (upstream dropped or renamed it?); {fix}"
            ),
            _ => format!(
                "describes nothing in the vendored fragment: there is no schema `{schema}` \
                 (upstream dropped or renamed it, or no vendored operation uses it?); {fix}"
            ),
        };
        stale.push(StaleEntry {
            key: format!("schemas.{key}"),
            line: None,
            problem,
        });
    }
    stale.extend(describe_members(doc, overlay));
    for (key, values) in &overlay.enums {
        let pointer = match key.split_once('.') {
            Some((s, p)) => format!("/components/schemas/{}/properties/{}", escape(s), escape(p)),
            None => format!("/components/schemas/{}", escape(key)),
        };
        let Some(target) = doc.pointer_mut(&pointer).and_then(Value::as_object_mut) else {
            stale.push(StaleEntry {
                key: format!("enums.{key}"),
                line: None,
                problem: format!(
                    "describes nothing in the vendored fragment: no schema or property `{key}` \
                     (upstream dropped or renamed it?); {fix}"
                ),
            });
            continue;
        };
        let known: BTreeSet<String> = target
            .get("enum")
            .and_then(Value::as_array)
            .map(|v| {
                v.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let mut described = Map::new();
        for (value, text) in values {
            if known.contains(value) {
                described.insert(value.clone(), Value::String(text.clone()));
            } else {
                stale.push(StaleEntry {
                    key: format!("enums.{key}"),
                    line: None,
                    problem: format!(
                        "describes the value `{value}`, which `{key}` does not have \
                         (upstream dropped it, or it is not an enum any more?); {fix}"
                    ),
                });
            }
        }
        if !described.is_empty() {
            target.insert(ENUM_DESCRIPTIONS.into(), Value::Object(described));
        }
    }
    *doc = canonical(std::mem::take(doc));
    stale
}

/// Fills in the line of each stale entry in the overlay's `text`.
///
/// serde_yaml does not say where a map key was, so this looks for the key
/// at the start of an indented line under its top-level section, as the
/// overlay is written (plain or quoted keys); an entry it cannot find keeps
/// no line rather than a wrong one.
pub fn locate_entries(text: &str, entries: &mut [StaleEntry]) {
    for entry in entries {
        let Some((section, key)) = entry.key.split_once('.') else {
            continue;
        };
        let mut in_section = false;
        for (index, line) in text.lines().enumerate() {
            if !line.starts_with([' ', '\t', '#']) && !line.trim().is_empty() {
                in_section = line.starts_with(&format!("{section}:"));
                continue;
            }
            let trimmed = line.trim_start();
            let names_key = [
                format!("{key}:"),
                format!("\"{key}\":"),
                format!("'{key}':"),
            ]
            .iter()
            .any(|k| trimmed.starts_with(k.as_str()));
            if in_section && names_key {
                entry.line = Some(index + 1);
                break;
            }
        }
    }
}

/// Gives every schema property named in `overlay.members` that has no
/// description of its own (from `schemas`, applied first) the member's
/// description; a member no schema has is stale.
fn describe_members(doc: &mut Value, overlay: &Overlay) -> Vec<StaleEntry> {
    let mut used = BTreeSet::new();
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        for schema in schemas.values_mut() {
            let Some(Value::Object(properties)) = schema.get_mut("properties") else {
                continue;
            };
            for (name, property) in properties.iter_mut() {
                let Some(text) = overlay.members.get(name) else {
                    continue;
                };
                used.insert(name.clone());
                let Value::Object(property) = property else {
                    continue;
                };
                let described = property
                    .get("description")
                    .and_then(Value::as_str)
                    .is_some_and(|d| !d.trim().is_empty());
                if !described {
                    property.insert("description".into(), Value::String(text.clone()));
                }
            }
        }
    }
    overlay
        .members
        .keys()
        .filter(|name| !used.contains(*name))
        .map(|name| StaleEntry {
            key: format!("members.{name}"),
            line: None,
            problem: "describes nothing in the vendored fragment: no schema has a member of \
                      that name (upstream dropped or renamed it?); delete the entry or fix its key"
                .to_owned(),
        })
        .collect()
}

/// Where `vendor` reads and writes, under one openapi directory.
#[derive(Debug, Clone)]
pub struct OpenapiDir(pub PathBuf);

impl OpenapiDir {
    /// The operation list.
    pub fn operations(&self) -> PathBuf {
        self.0.join(OPERATIONS_FILE)
    }
    /// The corrections of the upstream spec (see [`crate::corrections`]).
    pub fn corrections(&self) -> PathBuf {
        self.0.join(crate::corrections::FILE)
    }
    /// The overlay.
    pub fn overlay(&self) -> PathBuf {
        self.0.join(OVERLAY_FILE)
    }
    /// The vendored fragment.
    pub fn fragment(&self) -> PathBuf {
        self.0.join(FRAGMENT_FILE)
    }
    /// The operations left out on purpose.
    pub fn not_vendored(&self) -> PathBuf {
        self.0.join(NOT_VENDORED_FILE)
    }
    /// Which copy each conflicting component comes from.
    pub fn choices(&self) -> PathBuf {
        self.0.join(crate::copies::CHOICES_FILE)
    }
}

/// The operationIds listed in `dir`.
pub fn listed_ids(dir: &OpenapiDir) -> Result<Vec<String>, XtaskError> {
    Ok(read_operation_list(&dir.operations())?
        .into_iter()
        .map(|(_, id)| id)
        .collect())
}

/// What `vendor --from ..` writes into `dir`, and the lines to tell the
/// maintainer on the way (the copies' differences it took a recorded side in).
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The fragment's text.
    pub text: String,
    /// One line per difference between the copies among the fragment's
    /// components, each saying which copy was taken.
    pub notes: Vec<String>,
}

/// Computes the fragment text that `vendor --from upstream..` writes into `dir`.
pub fn render(upstream_paths: &[PathBuf], dir: &OpenapiDir) -> Result<Rendered, XtaskError> {
    let choices = crate::copies::read_choices(&dir.choices())?;
    let upstreams = crate::copies::load(upstream_paths, &choices)?;
    let ids = listed_ids(dir)?;
    let overlay = read_overlay(&dir.overlay())?;
    let mut doc = extract(&upstreams.merged, &ids)?;
    upstreams.check_decided(&doc, &choices)?;
    let mut notes: Vec<String> = upstreams
        .conflicts_in(&doc)
        .into_iter()
        .flat_map(|c| c.describe())
        .collect();
    // Before the overlay, so that it can describe what they add.
    let corrections = crate::corrections::read(&dir.corrections())?;
    notes.extend(crate::corrections::apply(&mut doc, &corrections)?);
    let mut doc = canonical(doc);
    let mut stale = apply_overlay(&mut doc, &overlay);
    if !stale.is_empty() {
        let path = dir.overlay();
        // The file was just read; if it cannot be read again, lines are only missing.
        locate_entries(
            &std::fs::read_to_string(&path).unwrap_or_default(),
            &mut stale,
        );
        return Err(XtaskError::StaleOverlay {
            path,
            entries: stale,
        });
    }
    // The result must itself be a spec the generator can read.
    let mut check = doc.clone();
    crate::normalise::require_local_refs_resolve(&mut check)?;
    let text = serde_yaml::to_string(&doc).map_err(|e| XtaskError::Format {
        message: e.to_string(),
    })?;
    let text = format!(
        "# Vendored by `cargo xtask vendor` from Authlete's published OpenAPI spec:\n\
         # structure only, corrected by {}, descriptions from {OVERLAY_FILE}.\n\
         # Do not edit by hand; change {OPERATIONS_FILE}, {} or {OVERLAY_FILE}\n\
         # and vendor again.\n{text}",
        crate::corrections::FILE,
        crate::corrections::FILE
    );
    Ok(Rendered { text, notes })
}
