//! How the facade's response types are declared: one macro, so that every
//! response wraps the generated body the same way, exposes its fields through
//! accessors in the caller's terms, and keeps secrets out of `Debug`.
//!
//! Field kinds, and what the accessor returns:
//!
//! | kind | generated field | accessor |
//! |---|---|---|
//! | `text` | `Option<String>` | `Option<&str>` |
//! | `int` / `int32` | `Option<i64>` / `Option<i32>` | the number |
//! | `flag` | `Option<bool>` | `Option<bool>` |
//! | `list<T>` | `Vec<T>` | `&[T]` |
//! | `object<T>` | `Option<T>` | `Option<&T>` |
//! | `open<E>` | an open generated enum | the facade's open enum `E` |

/// Declares the accessor for one field of a response body.
macro_rules! accessor {
    ($(#[$m:meta])* $field:ident: text) => {
        $(#[$m])*
        pub fn $field(&self) -> Option<&str> {
            self.body.$field.as_deref()
        }
    };
    ($(#[$m:meta])* $field:ident: int) => {
        $(#[$m])*
        pub fn $field(&self) -> Option<i64> {
            self.body.$field
        }
    };
    ($(#[$m:meta])* $field:ident: int32) => {
        $(#[$m])*
        pub fn $field(&self) -> Option<i32> {
            self.body.$field
        }
    };
    ($(#[$m:meta])* $field:ident: flag) => {
        $(#[$m])*
        pub fn $field(&self) -> Option<bool> {
            self.body.$field
        }
    };
    ($(#[$m:meta])* $field:ident: list<$t:ty>) => {
        $(#[$m])*
        pub fn $field(&self) -> &[$t] {
            &self.body.$field
        }
    };
    ($(#[$m:meta])* $field:ident: object<$t:ty>) => {
        $(#[$m])*
        pub fn $field(&self) -> Option<&$t> {
            self.body.$field.as_ref()
        }
    };
    ($(#[$m:meta])* $field:ident: open<$t:ty>) => {
        $(#[$m])*
        pub fn $field(&self) -> Option<$t> {
            self.body.$field.as_ref().map(<$t>::from)
        }
    };
}

/// Declares a response type wrapping the generated body `$generated`.
///
/// `with result` adds `result_code()` and `result_message()` for bodies that
/// carry Authlete's result fields. `Debug` shows only the fields listed under
/// `debug` (never tokens, tickets or credentials), the result code and the
/// request id.
macro_rules! response {
    (
        $(#[$meta:meta])*
        pub struct $name:ident wraps $generated:ty, with result;
        debug { $($debug:ident),* }
        fields { $($fields:tt)* }
    ) => {
        crate::response::response! {
            $(#[$meta])*
            pub struct $name wraps $generated;
            debug { $($debug,)* result_code }
            fields { $($fields)* }
        }

        impl $name {
            /// Authlete's result code for this call, such as `A067301`.
            pub fn result_code(&self) -> Option<&str> {
                self.body.result_code.as_deref()
            }

            /// Authlete's explanation of the result.
            pub fn result_message(&self) -> Option<&str> {
                self.body.result_message.as_deref()
            }
        }
    };
    (
        $(#[$meta:meta])*
        pub struct $name:ident wraps $generated:ty;
        debug { $($debug:ident),* }
        fields {
            $( $(#[$fmeta:meta])* $field:ident: $kind:ident $(<$t:ty>)?; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq)]
        pub struct $name {
            body: $generated,
            // Kept as received: most callers never read it, so it is not
            // copied into a `String` on every call.
            request_id: Option<http::HeaderValue>,
        }

        impl $name {
            pub(crate) fn new(body: $generated, request_id: Option<http::HeaderValue>) -> Self {
                $name { body, request_id }
            }

            /// Authlete's `Request-Id` for this call, if it sent one (and it is
            /// readable text).
            pub fn request_id(&self) -> Option<&str> {
                self.request_id.as_ref().and_then(|v| v.to_str().ok())
            }

            /// The whole body as generated from the spec, for fields this type
            /// has no accessor for yet.
            pub fn raw(&self) -> &$generated {
                &self.body
            }

            $( crate::response::accessor!($(#[$fmeta])* $field: $kind $(<$t>)?); )*
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name))
                    $(.field(stringify!($debug), &self.body.$debug))*
                    .field("request_id", &self.request_id())
                    .finish_non_exhaustive()
            }
        }
    };
}

pub(crate) use {accessor, response};
