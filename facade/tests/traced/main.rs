//! The facade's integration tests that read what it tells `tracing`, in one
//! binary apart from the others (see `suite`): every test here installs a
//! capturing subscriber first, because `tracing` caches per call site
//! whether anyone listens, and a test without one in the same process would
//! make the others flaky.

#[path = "../common/mod.rs"]
mod common;
mod traces;

mod call_tracing;
mod decode_secrets;
mod e2e_oauth2;
mod endpoint_logs;
mod token_provider;
