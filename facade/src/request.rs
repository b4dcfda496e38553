//! How the facade's request builders delegate to the generated body builders.
//!
//! Each facade setter takes the value in the caller's terms (`impl Into<String>`,
//! an open enum, any iterable) and hands it to the typify builder generated
//! for the request body, so field names and types stay defined in one place:
//! the spec.
//!
//! | kind | setter takes |
//! |---|---|
//! | `text` | `impl Into<String>` |
//! | `int` | `i64` |
//! | `flag` | `bool` |
//! | `strings` | `impl IntoIterator<Item = impl Into<String>>` |
//! | `items<T>` | `impl IntoIterator<Item = T>` |
//! | `object<T>` | `T` |

/// Declares the setter for one optional field of a request body.
macro_rules! setter {
    ($(#[$m:meta])* $field:ident: text) => {
        $(#[$m])*
        pub fn $field(mut self, value: impl Into<String>) -> Self {
            self.body = self.body.$field(Some(value.into()));
            self
        }
    };
    ($(#[$m:meta])* $field:ident: int) => {
        $(#[$m])*
        pub fn $field(mut self, value: i64) -> Self {
            self.body = self.body.$field(Some(value));
            self
        }
    };
    ($(#[$m:meta])* $field:ident: flag) => {
        $(#[$m])*
        pub fn $field(mut self, value: bool) -> Self {
            self.body = self.body.$field(Some(value));
            self
        }
    };
    ($(#[$m:meta])* $field:ident: strings) => {
        $(#[$m])*
        pub fn $field<S: Into<String>>(mut self, values: impl IntoIterator<Item = S>) -> Self {
            self.body = self.body.$field(values.into_iter().map(Into::into).collect::<Vec<String>>());
            self
        }
    };
    ($(#[$m:meta])* $field:ident: items<$t:ty>) => {
        $(#[$m])*
        pub fn $field(mut self, values: impl IntoIterator<Item = $t>) -> Self {
            self.body = self.body.$field(values.into_iter().collect::<Vec<$t>>());
            self
        }
    };
    ($(#[$m:meta])* $field:ident: object<$t:ty>) => {
        $(#[$m])*
        pub fn $field(mut self, value: $t) -> Self {
            self.body = self.body.$field(Some(value));
            self
        }
    };
}

/// Declares the setters of a request builder whose body builder is `self.body`.
macro_rules! setters {
    ($( $(#[$m:meta])* $field:ident: $kind:ident $(<$t:ty>)?; )*) => {
        $( crate::request::setter!($(#[$m])* $field: $kind $(<$t>)?); )*
    };
}

pub(crate) use {setter, setters};
