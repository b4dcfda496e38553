//! Maintainer tooling for the Authlete Rust SDK.
//!
//! The only job today is `generate`: read the vendored OpenAPI fragment in
//! `openapi/`, reshape it into something progenitor accepts ([`normalise`]),
//! turn it into Rust ([`codegen`]) and write the result into `generated/`
//! ([`output`]) without ever leaving a half-written file behind.
//!
//! Everything here is a library so that the snapshot tests in `tests/` can
//! drive each step on the project's own small fixture specs.

pub mod catalog;
pub mod codegen;
pub mod drift;
pub mod error;
pub mod facade;
pub mod normalise;
pub mod open_enums;
pub mod output;
pub mod pipeline;
pub mod semantics;
pub mod spec;
pub mod vendor;

pub use error::XtaskError;
