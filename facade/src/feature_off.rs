//! What a group method answers while its cargo feature is off.
//!
//! Without the `clients` feature there is no `Client::clients()`, and rustc
//! would only say "no method named `clients` found for struct `Client`".
//! `groups.rs` declares, for each group whose feature is off, a hidden
//! stand-in method bound by a trait nobody implements; the trait's
//! `#[diagnostic::on_unimplemented]` message names the feature to turn on.
//! No call of such a method compiles, so [`FeatureOff`] is never made.

/// The answer of a group method whose feature is off; see the module docs.
#[doc(hidden)]
#[derive(Debug)]
pub struct FeatureOff;
