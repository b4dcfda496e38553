//! The low-level Authlete client, generated from `openapi/` by `cargo xtask generate`.
//!
//! This crate mirrors the vendored spec one to one: an operation per
//! endpoint (builder style, `client.auth_token_fail_api().service_id(..).body(..).send()`),
//! a type per schema in [`types`], and progenitor's [`Error`]. It is the
//! foundation of the `authlete` crate, which is what applications should use:
//! that crate adds configuration, open enums, typed errors and retries.
//!
//! The code in `client.rs` comes from progenitor; [`hooks`] is the small
//! runtime piece every request passes through (credentials, observation);
//! [`catalog`] lists every operation and type by name, for tests and fuzzing.
//!
//! Feature `schemars` derives `schemars::JsonSchema` for every type (the
//! tests compare those schemas with the spec); applications leave it off.
//!
//! Every group of operations is a feature (`tokens`, `authorization`, …,
//! named as the `authlete` crate names them; `full` for all): an
//! operation compiles with its group, a type with any group that reaches
//! it. The `authlete` crate turns them on; see its README.

// On docs.rs (nightly, `--cfg docsrs`): each item's feature shows as a label.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[rustfmt::skip]
#[allow(
    clippy::all,
    clippy::unwrap_used,
    missing_debug_implementations,
    unused_imports,
    unused_mut
)]
mod client;
#[rustfmt::skip]
// With only some groups on, the catalog's helpers serve fewer arms (or none).
#[cfg_attr(not(feature = "full"), allow(dead_code, unused_imports, unreachable_code, unused_variables))]
pub mod catalog;
pub mod hooks;

pub use client::*;
