//! Structured values that appear inside requests and responses, as generated
//! from the spec: token properties, attribute pairs, rich authorization
//! details, scopes, token and client summaries.
//!
//! They are plain data with public fields. Enum-typed fields among them
//! accept values newer than this crate (an `Other(String)` variant).

pub use authlete_generated::types::{
    AccessToken, AuthorizationDetailsElement, AuthzDetails, CimdOptions, ClientLimited, Pair,
    Property, Scope, TaggedValue, TokenInfo,
};
