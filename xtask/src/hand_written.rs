//! The hand-written modules beside each group's emitted code.
//!
//! A group's `mod.rs` is emitted, with one `mod` line per module that
//! `openapi/semantics.yaml` lists under the group's `behaviour`. A file in
//! `facade/src/<group>/` that the list leaves out would not be compiled,
//! without a word from rustc; `generate` refuses to run instead, naming it.

use std::collections::BTreeMap;
use std::path::Path;

use crate::output::OutputFile;
use crate::semantics::{self, Group};

/// One message per hand-written module in a group's directory under
/// `facade_dir` that the group's `behaviour` does not declare. `emitted`
/// are the files `generate` writes there (which are declared already).
pub fn undeclared(
    facade_dir: &Path,
    groups: &BTreeMap<String, Group>,
    emitted: &[OutputFile],
) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, group) in groups {
        let dir = facade_dir.join("src").join(name);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut found: Vec<(String, String)> = entries
            .flatten()
            .filter_map(|entry| {
                let path = entry.path();
                let file_name = path.file_name()?.to_str()?.to_owned();
                // `x.rs`, or `x/mod.rs` for a module with children.
                let module = if path.is_dir() {
                    path.join("mod.rs").is_file().then(|| file_name.clone())?
                } else {
                    file_name.strip_suffix(".rs")?.to_owned()
                };
                let relative = format!("src/{name}/{file_name}");
                let is_emitted = emitted.iter().any(|f| f.relative == relative);
                (!is_emitted && module != "mod").then_some((module, relative))
            })
            .collect();
        found.sort();
        for (module, relative) in found {
            if !group.behaviour.contains(&module) {
                problems.push(format!(
                    "facade/{relative} would not be compiled: it is hand-written beside the group's emitted code but `groups.{name}.behaviour` in openapi/{} does not list `{module}`; add it there (or move the file)",
                    semantics::FILE
                ));
            }
        }
    }
    problems
}
