//! Shared helpers for the workspace-level tests in `tests/tests/`.
//!
//! The tests themselves are grouped by what they guard:
//!
//! - `api_surface.rs`: the generated crate's public shape, read from its source;
//! - `schemas.rs`: JSON Schemas of the generated types, and their agreement with the fragment;
//! - `normalise.rs`: each normalisation step on the project's own fixture specs;
//! - `generate.rs`: bad specs fail cleanly and leave the output untouched;
//! - `wire.rs`: the exact HTTP request each operation sends (every operation
//!   with an example derived from the fragment, plus hand-picked requests);
//! - `roundtrip.rs`, `open_enums.rs`: decode/encode properties of every type
//!   and enum, through `authlete_generated::catalog`;
//! - `spec_changes.rs`: each kind of spec change shows in the derived inputs.
//!
//! No test names a generated type: they go through the catalog, so a spec
//! change is a set of snapshot diffs ([`snapshots::Batch`] reports all of a
//! binary's in one run), never a compile error.

pub mod examples;
pub mod snapshots;

// The summaries the snapshot tests read live in the xtask, which also
// prints the facade's summary diff when `generate` changes it.
pub use xtask::{facade_surface, surface};

use std::path::{Path, PathBuf};

/// The workspace root (the directory holding the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The vendored OpenAPI fragment the generated crate is built from.
pub fn fragment_path() -> PathBuf {
    workspace_root().join("openapi/authlete.yaml")
}

/// A fixture file under `tests/fixtures/`.
pub fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(relative)
}

/// The fragment, parsed as plain JSON values.
pub fn fragment() -> serde_json::Value {
    let text = std::fs::read_to_string(fragment_path()).expect("the fragment is readable");
    serde_yaml::from_str(&text).expect("the fragment is YAML")
}

/// The source of progenitor's output inside the generated crate.
pub fn generated_client_source() -> String {
    std::fs::read_to_string(workspace_root().join("generated/src/client.rs"))
        .expect("generated/src/client.rs is readable")
}

/// The fragment after the generator's normalisation: what progenitor read.
pub fn normalised_fragment() -> serde_json::Value {
    let mut doc = fragment();
    xtask::normalise::normalise(&mut doc).expect("the fragment normalises");
    doc
}

/// An operationId or a camelCase name in snake case, as progenitor and
/// typify spell methods and fields (`getAuthorizationTicketInfo` ->
/// `get_authorization_ticket_info`).
pub fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
