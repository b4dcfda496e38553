//! The whole `generate` run, from spec file to files on disk, in one place.
//!
//! The binary and the tests both go through [`plan`], so what the tests
//! prove about error handling and determinism is what maintainers run.

use std::path::Path;

use crate::error::XtaskError;
use crate::normalise::{self, Report};
use crate::output::{self, Drift, OutputFile};
use crate::{codegen, enum_uses, facade, features, hand_written, semantics, spec};

/// The generated crate's package name, as the facade's features name it.
pub const GENERATED_CRATE: &str = "authlete-generated";

/// Everything `generate` would write, computed without touching the disk.
#[derive(Debug, Clone)]
pub struct Plan {
    /// What normalisation changed.
    pub report: Report,
    /// The files of the generated crate.
    pub files: Vec<OutputFile>,
    /// The facade's emitted files, relative to the facade crate
    /// ([`crate::facade`]); empty for specs without a semantics file.
    pub facade: Vec<OutputFile>,
    /// What the facade emitter has to say about the semantics file.
    pub notes: Vec<String>,
    /// The operation table in Markdown, for the README.
    pub readme_table: String,
    /// The generated crate's features block for its `Cargo.toml` (empty
    /// without a semantics file), see [`crate::features`].
    pub generated_features: String,
    /// The facade's features block for its `Cargo.toml`.
    pub facade_features: String,
    /// The features table in Markdown, for the README.
    pub readme_features: String,
    /// The facade's groups as the semantics file declares them, with their
    /// hand-written modules.
    pub groups: std::collections::BTreeMap<String, semantics::Group>,
    /// Every generated enum with its values.
    pub variants: enum_uses::Variants,
}

/// Reads, normalises and generates; `spec_label` names the spec in headers.
pub fn plan(spec_path: &Path, spec_label: &str) -> Result<Plan, XtaskError> {
    plan_with(spec_path, spec_label, normalise::STEPS)
}

/// [`plan`] with a chosen set of normalisation steps.
pub fn plan_with(
    spec_path: &Path,
    spec_label: &str,
    steps: &[normalise::Step],
) -> Result<Plan, XtaskError> {
    let mut doc = spec::load(spec_path)?;
    let report = normalise::normalise_with(&mut doc, steps)?;
    let decided = semantics::load(&semantics::beside(spec_path))?;
    let groups = decided
        .operations
        .iter()
        .map(|(id, d)| (id.clone(), d.group.clone()))
        .collect();
    let code = codegen::generate_named(&doc, &decided.enums, &groups, &decided.always)?;
    let rendered = if decided.operations.is_empty() {
        facade::Rendered::default()
    } else {
        let retired = retired_operations(spec_path)?;
        facade::render(
            &doc,
            &code.client,
            &decided,
            &retired,
            spec_label,
            &code.gates,
        )?
    };
    Ok(Plan {
        report,
        files: output::render(spec_label, &code.client, &code.catalog),
        facade: rendered.files,
        notes: rendered.notes,
        readme_table: rendered.readme_table,
        generated_features: features::generated_block(&decided.groups),
        facade_features: features::facade_block(&decided.groups, GENERATED_CRATE),
        readme_features: features::readme_table(&decided.groups),
        groups: decided.groups,
        variants: code.variants,
    })
}

/// The operations `not-vendored.txt` beside the spec lists (none when
/// there is no such file, as for specs outside `openapi/`).
fn retired_operations(spec_path: &Path) -> Result<std::collections::BTreeSet<String>, XtaskError> {
    let list = spec_path
        .parent()
        .unwrap_or(Path::new("."))
        .join(crate::vendor::NOT_VENDORED_FILE);
    if !list.is_file() {
        return Ok(Default::default());
    }
    Ok(crate::vendor::read_operation_list(&list)?
        .into_iter()
        .map(|(_, id)| id)
        .collect())
}

impl Plan {
    /// Writes the plan under `out_dir`; returns the paths that changed.
    pub fn write(&self, out_dir: &Path) -> Result<Vec<std::path::PathBuf>, XtaskError> {
        output::write_all(out_dir, &self.files)
    }

    /// Writes the facade's emitted files under `facade_dir`; returns the paths that changed.
    pub fn write_facade(&self, facade_dir: &Path) -> Result<Vec<std::path::PathBuf>, XtaskError> {
        output::write_all(facade_dir, &self.facade)
    }

    /// Lists the facade's emitted files under `facade_dir` that differ from the plan.
    pub fn check_facade(&self, facade_dir: &Path) -> Vec<Drift> {
        output::check(facade_dir, &self.facade)
    }

    /// The hand-written files beside the groups' emitted code under
    /// `facade_dir` that no `behaviour` list declares, so that nothing would
    /// compile them; one message each.
    pub fn undeclared_modules(&self, facade_dir: &Path) -> Vec<String> {
        hand_written::undeclared(facade_dir, &self.groups, &self.facade)
    }

    /// Where the hand-written code under `facade_dir` names an enum value
    /// the spec no longer has (file and line), or matches on an enum
    /// without deciding every value; one message each (see
    /// [`enum_uses`]).
    pub fn enum_uses(&self, facade_dir: &Path) -> Vec<String> {
        let sources = enum_uses::hand_written(facade_dir);
        let mut problems = enum_uses::removed(&sources, &self.variants);
        problems.extend(enum_uses::undecided(&sources, &self.variants));
        problems
    }

    /// Lists the files under `out_dir` that differ from the plan.
    pub fn check(&self, out_dir: &Path) -> Vec<Drift> {
        output::check(out_dir, &self.files)
    }
}
