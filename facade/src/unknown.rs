//! The members Authlete sends that this crate's spec does not name.
//!
//! Authlete's API moves ahead of its published spec (the token endpoint's
//! `attestationChallenge`, a service's attester roots). Every generated
//! struct keeps such members in a flattened map (`extra`), so that decoding
//! and encoding a body loses nothing, and an update built from what `get`
//! returned sends every setting back. Each emitted response and request
//! builder reaches that map through the methods written once here, and each
//! builder with a body can take a whole body (`body`), so that what `get`
//! returned goes back with every member it had.

// Unused only in a build with no group's feature on (no responses).
#[allow(unused_macros)]
/// Adds `unknown_field` and `unknown_field_names` to the response type
/// `$response` (a type with a field `body` whose type keeps unknown members).
macro_rules! unknown_field_accessors {
    ($response:ident) => {
        impl $response {
            /// A member Authlete sent that this crate's spec does not name
            /// (a newer Authlete than the spec), as received; `None` if it
            /// sent none by that name. `into_raw()` keeps them all, so an
            /// update built from this body sends them back.
            pub fn unknown_field(&self, name: &str) -> Option<&serde_json::Value> {
                self.body.extra.get(name)
            }

            /// The names of the members Authlete sent that this crate's
            /// spec does not name.
            pub fn unknown_field_names(&self) -> impl Iterator<Item = &str> {
                self.body.extra.keys().map(String::as_str)
            }
        }
    };
}

#[allow(unused_macros)]
/// Adds `unknown_field` to the request builder `$builder` (a type with one
/// lifetime and a field `body` whose type keeps unknown members).
macro_rules! unknown_field_setter {
    ($builder:ident) => {
        impl $builder<'_> {
            /// Sends `name` with `value` in the request body: a member
            /// Authlete accepts that this crate's spec does not name yet. A
            /// member the spec names is set with its own setter instead; the
            /// two would both be sent.
            pub fn unknown_field(
                mut self,
                name: impl Into<String>,
                value: serde_json::Value,
            ) -> Self {
                self.body.extra.insert(name.into(), value);
                self
            }
        }
    };
}

#[allow(unused_macros)]
/// Adds `body` to the request builder `$builder`, whose body is the
/// generated type `types::$body` (the invoking module imports
/// `authlete_generated::types`): the way to send back, whole, what a `get`
/// returned.
macro_rules! whole_body {
    ($builder:ident, $body:ident) => {
        impl $builder<'_> {
            /// Replaces the whole request body with `body`, arguments of
            /// the verb included, for a read-modify-write: pass what `get`
            /// answered (`into_raw()`), then change what you mean to change
            /// with the setters. Every setting in `body` is sent, the ones
            /// this crate's spec does not name too, so none is reset.
            pub fn body(mut self, body: types::$body) -> Self {
                self.body = body;
                self
            }
        }
    };
}

// Unused only in a build with no group's feature on.
#[allow(unused_imports)]
pub(crate) use {unknown_field_accessors, unknown_field_setter, whole_body};

/// How many items a list holds, for a `Debug` output that leaves the items
/// out: `3 items`.
#[allow(dead_code)]
pub(crate) struct ItemCount(pub(crate) usize);

impl std::fmt::Debug for ItemCount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            1 => f.write_str("1 item"),
            n => write!(f, "{n} items"),
        }
    }
}

/// Adds the names (never the values: a member may hold a credential) of
/// the unknown members in `extra` to a `Debug` output, if there are any.
#[allow(dead_code)]
pub(crate) fn debug_names<'o, 'a, 'b>(
    out: &'o mut std::fmt::DebugStruct<'a, 'b>,
    extra: &serde_json::Map<String, serde_json::Value>,
) -> &'o mut std::fmt::DebugStruct<'a, 'b> {
    if !extra.is_empty() {
        out.field("unknown_fields", &extra.keys().collect::<Vec<_>>());
    }
    out
}
