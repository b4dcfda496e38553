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

open_enum! {
    /// What the token endpoint should do after `/auth/token`.
    pub enum TokenAction for types::TokenResponseAction {
        /// Authlete or the request to it failed: answer 500 with `responseContent`.
        InternalServerError = "INTERNAL_SERVER_ERROR",
        /// Client authentication failed: answer 401 with `responseContent`
        /// and a `WWW-Authenticate` challenge.
        InvalidClient = "INVALID_CLIENT",
        /// The token request is wrong: answer 400 with `responseContent`.
        BadRequest = "BAD_REQUEST",
        /// Resource owner password grant: check the username and password,
        /// then call `/auth/token/issue` or `/auth/token/fail` with the ticket.
        Password = "PASSWORD",
        /// Tokens were issued: answer 200 with `responseContent`.
        Ok = "OK",
        /// Token exchange (RFC 8693): the authorization server decides and
        /// answers itself.
        TokenExchange = "TOKEN_EXCHANGE",
        /// JWT bearer grant (RFC 7523): the authorization server checks the
        /// assertion and answers itself.
        JwtBearer = "JWT_BEARER",
        /// Native SSO: the authorization server completes the exchange and answers.
        NativeSso = "NATIVE_SSO",
        /// Refresh-token grant whose ID token may be issued again: call
        /// `/idtoken/reissue`, or answer 200 with `responseContent` as it is.
        IdTokenReissuable = "ID_TOKEN_REISSUABLE",
    }
}

open_enum! {
    /// What the token endpoint should do after `/auth/token/issue`.
    pub enum TokenIssueAction for types::TokenIssueResponseAction {
        /// Authlete or the call failed: answer 500 with `responseContent`.
        InternalServerError = "INTERNAL_SERVER_ERROR",
        /// Tokens were issued: answer 200 with `responseContent`.
        Ok = "OK",
    }
}

open_enum! {
    /// The outcome of `/idtoken/reissue`.
    pub enum IdTokenReissueAction for types::IdtokenReissueResponseAction {
        /// The ID token was issued again: answer 200 with `responseContent`.
        Ok = "OK",
        /// Authlete failed: answer 500 with `responseContent`.
        InternalServerError = "INTERNAL_SERVER_ERROR",
        /// The call itself was wrong (a bug on the caller's side): answer 500.
        CallerError = "CALLER_ERROR",
    }
}

open_enum! {
    /// The outcome of `/auth/token/create`.
    pub enum TokenCreateAction for types::TokenCreateResponseAction {
        /// Authlete failed.
        InternalServerError = "INTERNAL_SERVER_ERROR",
        /// The request was wrong.
        BadRequest = "BAD_REQUEST",
        /// The service does not allow this.
        Forbidden = "FORBIDDEN",
        /// The token was created.
        Ok = "OK",
    }
}

open_enum! {
    /// The outcome of `/auth/token/update`.
    pub enum TokenUpdateAction for types::TokenUpdateResponseAction {
        /// Authlete failed.
        InternalServerError = "INTERNAL_SERVER_ERROR",
        /// The request was wrong.
        BadRequest = "BAD_REQUEST",
        /// The service does not allow this.
        Forbidden = "FORBIDDEN",
        /// No such access token.
        NotFound = "NOT_FOUND",
        /// The token was updated.
        Ok = "OK",
    }
}

open_enum! {
    /// OAuth grant types, as Authlete names them.
    pub enum GrantType for types::GrantType {
        /// Authorization code (RFC 6749 §4.1).
        AuthorizationCode = "AUTHORIZATION_CODE",
        /// Implicit (RFC 6749 §4.2).
        Implicit = "IMPLICIT",
        /// Resource owner password credentials (RFC 6749 §4.3).
        Password = "PASSWORD",
        /// Client credentials (RFC 6749 §4.4).
        ClientCredentials = "CLIENT_CREDENTIALS",
        /// Refresh token (RFC 6749 §6).
        RefreshToken = "REFRESH_TOKEN",
        /// Client-initiated backchannel authentication.
        Ciba = "CIBA",
        /// Device authorization (RFC 8628).
        DeviceCode = "DEVICE_CODE",
        /// Token exchange (RFC 8693).
        TokenExchange = "TOKEN_EXCHANGE",
        /// JWT bearer assertion (RFC 7523).
        JwtBearer = "JWT_BEARER",
        /// Pre-authorized code (OpenID for Verifiable Credential Issuance).
        PreAuthorizedCode = "PRE_AUTHORIZED_CODE",
    }
}

open_enum! {
    /// Token types of token exchange (RFC 8693).
    pub enum TokenType for types::TokenType {
        /// A JWT.
        Jwt = "JWT",
        /// An OAuth access token.
        AccessToken = "ACCESS_TOKEN",
        /// An OAuth refresh token.
        RefreshToken = "REFRESH_TOKEN",
        /// An OpenID Connect ID token.
        IdToken = "ID_TOKEN",
        /// A SAML 1.1 assertion.
        Saml1 = "SAML1",
        /// A SAML 2.0 assertion.
        Saml2 = "SAML2",
        /// A device secret (Native SSO).
        DeviceSecret = "DEVICE_SECRET",
        /// A device code.
        DeviceCode = "DEVICE_CODE",
        /// A token issued by token exchange.
        TokenExchange = "TOKEN_EXCHANGE",
        /// A JWT bearer assertion.
        JwtBearer = "JWT_BEARER",
    }
}

open_enum! {
    /// Whether a client can keep a secret (RFC 6749 §2.1).
    pub enum ClientType for types::ClientType {
        /// Cannot keep a secret (native and browser apps).
        Public = "PUBLIC",
        /// Can keep a secret (server-side apps).
        Confidential = "CONFIDENTIAL",
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
