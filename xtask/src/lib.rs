//! Maintainer tooling for the Authlete Rust SDK.
//!
//! - `vendor` and `drift` ([`vendor`], [`drift`]): keep the fragment in
//!   `openapi/` in step with Authlete's published spec, in our own words;
//! - `generate` ([`pipeline`]): read the fragment, reshape it into something
//!   progenitor accepts ([`normalise`]), turn it into Rust ([`codegen`], with
//!   open enums named as [`semantics`] says, [`open_enums`]) and a catalog of
//!   it ([`catalog`]), with progenitor's doc examples made doc tests that
//!   compile ([`doc_examples`]), emit the facade's mechanical layer from it and
//!   `openapi/semantics.yaml` ([`facade`]), and write it all ([`output`])
//!   without ever leaving a half-written file behind.
//!
//! Everything here is a library so that the snapshot tests in `tests/` can
//! drive each step on the project's own small fixture specs.

pub mod builder_errors;
pub mod catalog;
pub mod codegen;
pub mod copies;
pub mod corrections;
pub mod doc_examples;
pub mod drift;
pub mod enum_uses;
pub mod error;
pub mod examples;
pub mod facade;
pub mod facade_surface;
pub mod features;
pub mod hand_written;
pub mod lean_requests;
pub mod normalise;
pub mod open_enums;
pub mod output;
pub mod pipeline;
pub mod review;
pub mod semantics;
pub mod spec;
pub mod surface;
mod syn_util;
pub mod vendor;

pub use error::XtaskError;
