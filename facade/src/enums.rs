//! Enums that stay usable when Authlete is newer than this crate.
//!
//! Each enum lists the values this crate knows, plus `Unknown(String)` that
//! holds any other value exactly as received. A response with a value added
//! by Authlete after this release still decodes, and a caller can send a
//! value newer than this crate with `Unknown`. `Display`, `FromStr` and serde
//! all use the wire strings, and converting back and forth never loses text.
//!
//! The enums are `#[non_exhaustive]`: when a later release learns a value,
//! matches that handled it through `Unknown` keep compiling.

use authlete_generated::types;

/// Declares an open enum mapped onto the generated (open) enum `$generated`.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident for $generated:ty {
            $($(#[$vmeta:meta])* $variant:ident = $wire:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version of the crate does not know, kept exactly as received.
            Unknown(String),
        }

        impl $name {
            /// The value as Authlete writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Unknown(raw) => raw,
                }
            }

            /// True for [`Self::Unknown`]: a value newer than this crate.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($wire => Self::$variant,)+
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match Self::from(value.as_str()) {
                    Self::Unknown(_) => Self::Unknown(value),
                    known => known,
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }

        impl From<&$generated> for $name {
            fn from(value: &$generated) -> Self {
                Self::from(value.as_str())
            }
        }

        impl From<&$name> for $generated {
            fn from(value: &$name) -> Self {
                <$generated>::from(value.as_str())
            }
        }
    };
}

open_enum! {
    /// Why the authorization server turns a token request down, sent to
    /// `/auth/token/fail`.
    pub enum TokenFailReason for types::TokenFailRequestReason {
        /// No more specific reason applies (`UNKNOWN` on the wire).
        ///
        /// Called `Unspecified` here because `Unknown` is the name every
        /// open enum in this crate gives to values it does not know.
        Unspecified = "UNKNOWN",
        /// The resource owner's username or password is wrong (password grant).
        InvalidResourceOwnerCredentials = "INVALID_RESOURCE_OWNER_CREDENTIALS",
        /// A requested `resource` is not acceptable (RFC 8707).
        InvalidTarget = "INVALID_TARGET",
    }
}

open_enum! {
    /// What the token endpoint should do with the response Authlete built
    /// in `/auth/token/fail`.
    pub enum TokenFailAction for types::TokenFailResponseAction {
        /// Authlete or the call itself failed: answer the client with 500.
        InternalServerError = "INTERNAL_SERVER_ERROR",
        /// Answer the client with 400 and the prepared body.
        BadRequest = "BAD_REQUEST",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_use_their_wire_strings_everywhere() {
        for (value, wire) in [
            (TokenFailReason::Unspecified, "UNKNOWN"),
            (
                TokenFailReason::InvalidResourceOwnerCredentials,
                "INVALID_RESOURCE_OWNER_CREDENTIALS",
            ),
            (TokenFailReason::InvalidTarget, "INVALID_TARGET"),
        ] {
            assert_eq!(value.to_string(), wire);
            assert_eq!(wire.parse::<TokenFailReason>(), Ok(value.clone()));
            let json = serde_json::to_string(&value).expect("serialises");
            assert_eq!(json, format!("\"{wire}\""));
            assert_eq!(
                serde_json::from_str::<TokenFailReason>(&json).expect("deserialises"),
                value
            );
            assert_eq!(types::TokenFailRequestReason::from(&value).as_str(), wire);
        }
    }

    #[test]
    fn unknown_values_round_trip_exactly() {
        for raw in ["SLOW_DOWN", "bad_request", "", "ünïcode", "with \"quotes\""] {
            let action = TokenFailAction::from(raw);
            assert_eq!(action, TokenFailAction::Unknown(raw.to_owned()));
            assert!(action.is_unknown());
            assert_eq!(action.as_str(), raw);
            let json = serde_json::to_string(&action).expect("serialises");
            assert_eq!(
                serde_json::from_str::<TokenFailAction>(&json).expect("deserialises"),
                action
            );
            let generated = types::TokenFailResponseAction::from(&action);
            assert_eq!(TokenFailAction::from(&generated), action);
        }
    }

    #[test]
    fn a_known_value_given_as_unknown_is_recognised_on_parse() {
        assert_eq!(
            TokenFailAction::from("BAD_REQUEST"),
            TokenFailAction::BadRequest
        );
        assert_eq!(
            TokenFailAction::from(String::from("INTERNAL_SERVER_ERROR")),
            TokenFailAction::InternalServerError
        );
    }
}
