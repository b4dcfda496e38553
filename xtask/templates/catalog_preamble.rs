// The start of `generated/src/catalog.rs`, the same for every spec.
// `xtask/src/catalog.rs` splices in this file's tokens and prettyplease
// lays the catalog out: edit it as Rust, then regenerate. Comments like
// this one do not reach the catalog; doc comments do.

//! Everything this crate generated, by name.
//!
//! Tests, property tests and fuzz targets go through these tables and
//! functions instead of naming generated types, so a spec change shows
//! up as a snapshot diff rather than as a compile error in them.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{Client, Error, ResponseValue, types};

/// One operation of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The spec's `operationId`.
    pub operation_id: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template, with `{name}` for path parameters.
    pub path: &'static str,
    /// Wire names of the path parameters.
    pub path_params: &'static [&'static str],
    /// Wire names of the query parameters.
    pub query_params: &'static [&'static str],
    /// The type of the JSON request body, if the operation takes one.
    pub request_body: Option<&'static str>,
    /// Every response the spec describes, in spec order.
    pub responses: &'static [Response],
}

/// One response of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Response {
    /// The status code (`"200"`), or `"default"`.
    pub status: &'static str,
    /// The type of the body, or `None` for a response without one.
    pub body: Option<&'static str>,
}

/// One string enum and the values it knows; any other value decodes too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Enum {
    /// The type's name.
    pub name: &'static str,
    /// The known wire values, in spec order.
    pub values: &'static [&'static str],
}
