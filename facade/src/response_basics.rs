//! What every response type has, written once: the body as received, its
//! `Request-Id`, and the way back to the generated type.
//!
//! Each emitted response type holds `body` (the generated type) and
//! `request_id`, and invokes [`response_basics!`] once; its accessors per
//! field and its `Debug` (which shows only what the semantics file allows)
//! are emitted beside it.

// Unused only in a build with no group's feature on (no responses).
#[allow(unused_macros)]
/// Adds `new`, `request_id`, `raw` and `into_raw` to the response type
/// `$response`, whose body is the generated type `types::$generated` (the
/// invoking module imports `authlete_generated::types`).
macro_rules! response_basics {
    ($response:ident, $generated:ident) => {
        impl $response {
            pub(crate) fn new(
                body: types::$generated,
                request_id: Option<http::HeaderValue>,
            ) -> Self {
                $response { body, request_id }
            }

            /// Authlete's `Request-Id` for this call, if it sent one as readable text.
            pub fn request_id(&self) -> Option<&str> {
                self.request_id.as_ref().and_then(|v| v.to_str().ok())
            }

            /// The whole body as generated from the spec: the escape hatch
            /// to `authlete-generated`, for what this type does not offer.
            pub fn raw(&self) -> &types::$generated {
                &self.body
            }

            /// The whole body as generated from the spec, by value.
            pub fn into_raw(self) -> types::$generated {
                self.body
            }
        }
    };
}

// Unused only in a build with no group's feature on.
#[allow(unused_imports)]
pub(crate) use response_basics;
