//! The per-call option setters every request builder has, written once.
//!
//! Each emitted builder holds its [`CallOptions`](crate::CallOptions) in a
//! field named `options` and invokes [`per_call_setters!`] once, which gives
//! it inherent methods (so callers need no import): `timeout`,
//! `retry_policy`, `header` and `options`, and `service_id` unless the
//! operation lies outside one service (`service().create()`, the health
//! check). Each hands over to `CallOptions`' setter of the same name,
//! which documents it and checks the value.

/// Adds the per-call option setters to the request builder `$builder`
/// (a type with one lifetime and a field `options: CallOptions`);
/// `$builder, without_service_id` leaves out `service_id`.
// Unused only in a build with no group's feature on (no builders at all).
#[allow(unused_macros)]
macro_rules! per_call_setters {
    ($builder:ident) => {
        $crate::per_call::per_call_setters!($builder, without_service_id);

        impl $builder<'_> {
            /// Makes this call for another service, with the same token, as
            /// [`Client::for_service`](crate::Client::for_service) does; see
            /// [`CallOptions::service_id`](crate::CallOptions::service_id).
            pub fn service_id(mut self, service_id: impl Into<String>) -> Self {
                self.options = self.options.service_id(service_id);
                self
            }
        }
    };
    ($builder:ident, without_service_id) => {
        impl $builder<'_> {
            /// This call's deadline per attempt, instead of the client's; see
            /// [`CallOptions::timeout`](crate::CallOptions::timeout).
            pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
                self.options = self.options.timeout(timeout);
                self
            }

            /// How this call is retried, instead of the client's policy; see
            /// [`CallOptions::retry_policy`](crate::CallOptions::retry_policy).
            pub fn retry_policy(mut self, policy: $crate::RetryPolicy) -> Self {
                self.options = self.options.retry_policy(policy);
                self
            }

            /// Adds a header to this call's request (never `Authorization`); see
            /// [`CallOptions::header`](crate::CallOptions::header).
            pub fn header<K, V>(mut self, name: K, value: V) -> Self
            where
                http::HeaderName: TryFrom<K>,
                http::HeaderValue: TryFrom<V>,
            {
                self.options = self.options.header(name, value);
                self
            }

            /// Replaces this call's options with `options`, set up once for
            /// several calls.
            pub fn options(mut self, options: $crate::CallOptions) -> Self {
                self.options = options;
                self
            }
        }
    };
}

// Used by the emitted builders; unused only when no group's feature is on.
#[allow(unused_imports)]
pub(crate) use per_call_setters;
