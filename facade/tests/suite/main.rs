//! The facade's integration tests, one module per subject, in one binary so
//! that axum, wiremock and the OAuth client crates are linked once.
//!
//! The tests that capture `tracing` output live in the `traced` binary:
//! `tracing` caches per call site whether anyone listens, so tests with a
//! capturing subscriber and tests without one must not share a process.
//!
//! Which stand-in a test uses: `MockAuthlete` (the crate's own stateful
//! stand-in) when the test is about a flow as Authlete runs it, so that the
//! stand-in's strictness is part of what is tested; wiremock (`common`)
//! when the test is about the HTTP exchange itself (exact bytes sent,
//! status codes, headers, delays and dropped connections scripted per
//! request) and nothing Authlete would keep state for.

#[path = "../common/mod.rs"]
mod common;

mod axum_example;
mod call_options;
mod config;
mod endpoint_authorization;
mod endpoint_ciba;
mod endpoint_credential_issuer;
mod endpoint_device;
mod endpoint_discovery;
mod endpoint_federation;
mod endpoint_grant_management;
mod endpoint_introspection;
mod endpoint_par;
mod endpoint_registration;
mod endpoint_revocation;
mod endpoint_token;
mod endpoint_userinfo;
mod errors;
mod every_operation;
mod faults;
mod fuzz_corpus;
mod guard;
mod load_faults;
mod mock_admin;
mod mock_decode;
mod mock_flows;
mod mock_id_tokens;
mod mock_resources;
mod mock_strict;
mod observers;
mod operations;
mod properties;
mod read_modify_write;
mod redaction;
mod retries;
mod services;
mod token_flow;
mod unknown_fields;
