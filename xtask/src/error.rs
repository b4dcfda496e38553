//! The one error type every xtask step reports through.
//!
//! Each variant names the place the problem was found (a file with line and
//! column, a JSON pointer into the spec, or an operation) so that a maintainer
//! can go straight to it.

use std::fmt;
use std::path::PathBuf;

/// Something went wrong while turning the spec into code; nothing was written.
#[derive(Debug)]
pub enum XtaskError {
    /// The spec file could not be read from disk.
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The spec is not valid YAML, or not an OpenAPI document.
    Parse {
        path: PathBuf,
        line: Option<usize>,
        column: Option<usize>,
        message: String,
    },
    /// A list of operationIds (`operations.txt`, `not-vendored.txt`) says
    /// something impossible at this line.
    List {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// The spec parsed, but declares something this tool refuses to use.
    Spec { pointer: String, message: String },
    /// progenitor rejected (or panicked on) the spec.
    Generate {
        /// Every operation progenitor fails on when given alone, each with
        /// its own message; empty when none fails alone (the failure comes
        /// from the operations together, or from the schemas).
        operations: Vec<Blame>,
        message: String,
    },
    /// The generated tokens were not valid Rust (a generator bug).
    Format { message: String },
    /// Writing the output failed; already-written files are whole.
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// `overlay.yaml` has entries that describe nothing in the fragment; all
    /// of them, so that one run shows everything to fix.
    StaleOverlay {
        path: PathBuf,
        entries: Vec<StaleEntry>,
    },
    /// No default path can be found: the current directory is not inside the
    /// project's workspace.
    NotInWorkspace {
        /// Where the search started (the current directory).
        start: PathBuf,
    },
}

impl fmt::Display for XtaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            XtaskError::Read { path, source } => {
                write!(f, "cannot read {}: {source}", path.display())
            }
            XtaskError::Parse {
                path,
                line,
                column,
                message,
            } => {
                write!(f, "{}", path.display())?;
                if let (Some(line), Some(column)) = (line, column) {
                    write!(f, ":{line}:{column}")?;
                }
                write!(f, ": not a valid OpenAPI document: {message}")
            }
            XtaskError::List {
                path,
                line,
                message,
            } => write!(f, "{}:{line}: {message}", path.display()),
            XtaskError::Spec { pointer, message } => {
                write!(f, "spec at {pointer}: {message}")
            }
            XtaskError::Generate {
                operations,
                message,
            } => match operations.as_slice() {
                [] => write!(f, "progenitor failed: {message}"),
                [op] => write!(
                    f,
                    "progenitor failed on operation `{}` at {}: {}",
                    op.operation_id, op.pointer, op.message
                ),
                all => {
                    write!(f, "progenitor failed on {} operations:", all.len())?;
                    for op in all {
                        write!(
                            f,
                            "\n  - `{}` at {}: {}",
                            op.operation_id, op.pointer, op.message
                        )?;
                    }
                    Ok(())
                }
            },
            XtaskError::Format { message } => {
                write!(f, "generated code is not valid Rust: {message}")
            }
            XtaskError::Write { path, source } => {
                write!(f, "cannot write {}: {source}", path.display())
            }
            XtaskError::StaleOverlay { path, entries } => {
                write!(
                    f,
                    "{} entr{} in {} describe{} nothing in the vendored fragment:",
                    entries.len(),
                    if entries.len() == 1 { "y" } else { "ies" },
                    path.display(),
                    if entries.len() == 1 { "s" } else { "" },
                )?;
                for entry in entries {
                    write!(f, "\n  {}", path.display())?;
                    if let Some(line) = entry.line {
                        write!(f, ":{line}")?;
                    }
                    write!(f, ": `{}` {}", entry.key, entry.problem)?;
                }
                Ok(())
            }
            XtaskError::NotInWorkspace { start } => write!(
                f,
                "not inside the SDK's workspace: looked in {} and every directory above it \
                 for a Cargo.toml with a [workspace] table beside xtask/ and openapi/; \
                 run this from inside the workspace, or give every path explicitly",
                start.display()
            ),
        }
    }
}

impl std::error::Error for XtaskError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            XtaskError::Read { source, .. } | XtaskError::Write { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// One `overlay.yaml` entry that matches nothing, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleEntry {
    /// The entry as a dotted path from the top of the file, such as
    /// `schemas.token_request.dpop` or `operations.auth_token_api`.
    pub key: String,
    /// Its line in the file, when it could be found.
    pub line: Option<usize>,
    /// Why it matches nothing and what to do, as the rest of a sentence.
    pub problem: String,
}

/// The operation progenitor choked on, and where it is in the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blame {
    /// Its operationId.
    pub operation_id: String,
    /// JSON pointer to the operation object.
    pub pointer: String,
    /// What progenitor said about it alone.
    pub message: String,
}

/// Builds a [`XtaskError::Spec`] for the place `pointer` in the document.
pub(crate) fn spec_error(pointer: impl Into<String>, message: impl Into<String>) -> XtaskError {
    XtaskError::Spec {
        pointer: pointer.into(),
        message: message.into(),
    }
}
