//! Settings for one call that override the client's: its timeout, retry
//! policy, service, and extra headers.
//!
//! Every request builder holds a [`CallOptions`] and has a setter for each
//! option (`.timeout(..)`, `.retry_policy(..)`, `.service_id(..)`,
//! `.header(..)`, or all at once with `.options(..)`); the call layer
//! applies them. Problems with an option are reported by `send()`, before
//! anything is sent, so the setters chain.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use reqwest::header::{
    AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HOST, HeaderMap, HeaderName, HeaderValue,
    TRANSFER_ENCODING,
};

use crate::client::Client;
use crate::error::Error;
use crate::retry::RetryPolicy;

/// Headers the client sets itself: `Authorization` carries the credentials
/// (set them with `access_token` or `access_token_provider`), the others
/// frame the request and would corrupt it.
const RESERVED: [HeaderName; 5] = [
    AUTHORIZATION,
    CONTENT_LENGTH,
    CONTENT_TYPE,
    HOST,
    TRANSFER_ENCODING,
];

/// Options for one call, overriding the [`Client`]'s settings for it.
///
/// Each request builder has the same setters, so most code never names
/// this type; build one to reuse a set of options across calls:
///
/// ```
/// use std::time::Duration;
/// use authlete::{CallOptions, RetryPolicy};
///
/// # fn main() -> Result<(), authlete::Error> {
/// # let client = authlete::Client::builder().service_id("1").access_token("t").build()?;
/// let patient = CallOptions::new()
///     .timeout(Duration::from_secs(60))
///     .retry_policy(RetryPolicy::never())
///     .header("x-correlation-id", "c0ffee");
/// let listing = client.tokens().list().options(patient.clone());
/// let one_off = client.tokens().delete("at-id").timeout(Duration::from_secs(2));
/// # drop((listing, one_off));
/// # Ok(()) }
/// ```
#[derive(Clone, Default)]
pub struct CallOptions {
    /// Absent until a setter runs. Boxed: every request builder holds its
    /// options and every call's future its builder, while most calls set
    /// none, so the call path carries a pointer instead of about 200 bytes.
    set: Option<Box<Overrides>>,
}

/// What a call's options override.
#[derive(Clone, Default)]
struct Overrides {
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    service_id: Option<String>,
    headers: HeaderMap,
    /// The first option that cannot be sent, reported by `send()`.
    problem: Option<String>,
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = self.set.as_deref();
        // Header values may be credentials of their own: names only.
        let names: Vec<&str> = set
            .map(|set| set.headers.keys().map(HeaderName::as_str).collect())
            .unwrap_or_default();
        f.debug_struct("CallOptions")
            .field("timeout", &set.and_then(|set| set.timeout))
            .field("retry", &set.and_then(|set| set.retry.as_ref()))
            .field("service_id", &set.and_then(|set| set.service_id.as_ref()))
            .field("headers", &names)
            .finish()
    }
}

impl CallOptions {
    /// No overrides: the call uses the client's settings.
    pub fn new() -> Self {
        CallOptions::default()
    }

    /// The deadline of each attempt of this call, instead of the client's
    /// [`timeout`](crate::ClientBuilder::timeout). Must be longer than zero.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        if timeout.is_zero() {
            self.note("timeout must be longer than zero".into());
        }
        self.set().timeout = Some(timeout);
        self
    }

    /// How this call is retried, instead of the client's
    /// [`retry_policy`](crate::ClientBuilder::retry_policy). The operation's
    /// replay class still decides which failures may be retried at all.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.set().retry = Some(policy);
        self
    }

    /// Makes this call for another service than the client's, with the
    /// same token (an organization token, typically).
    ///
    /// The same as calling through [`Client::for_service`], which is the
    /// better choice for several calls to that service; operations outside
    /// any service have no such setter. An ID that cannot be one path
    /// segment fails the call with [`Error::Config`], as `for_service` does.
    pub fn service_id(mut self, service_id: impl Into<String>) -> Self {
        self.set().service_id = Some(service_id.into());
        self
    }

    /// Adds a header to the request (again for each attempt); a second
    /// value for the same name is added beside the first, and a header the
    /// request already has is replaced.
    ///
    /// `Authorization` is refused, so that an option cannot leak or replace
    /// the credentials by accident (set them on the [`ClientBuilder`](crate::ClientBuilder)),
    /// and so are `Content-Type`, `Content-Length`, `Transfer-Encoding` and
    /// `Host`, which the client sets to frame the request. A refused or
    /// malformed header fails the call with [`Error::InvalidRequest`] naming
    /// it (never quoting its value) before anything is sent.
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        HeaderName: TryFrom<K>,
        HeaderValue: TryFrom<V>,
    {
        let Ok(name) = HeaderName::try_from(name) else {
            self.note("a header name is not valid".into());
            return self;
        };
        if RESERVED.contains(&name) {
            self.note(format!(
                "header `{name}` is set by the client and cannot be given per call"
            ));
            return self;
        }
        match HeaderValue::try_from(value) {
            Ok(value) => {
                self.set().headers.append(name, value);
            }
            Err(_) => self.note(format!("the value of header `{name}` is not valid")),
        }
        self
    }

    /// Keeps the first problem: it is the one the caller will fix first.
    fn note(&mut self, problem: String) {
        self.set().problem.get_or_insert(problem);
    }

    fn set(&mut self) -> &mut Overrides {
        self.set.get_or_insert_default()
    }

    /// The client this call goes through: `client` itself, or the same
    /// client for the service these options name. Fails for options that
    /// cannot be sent.
    pub(crate) fn client<'c>(&self, client: &'c Client) -> Result<Cow<'c, Client>, Error> {
        let Some(set) = self.set.as_deref() else {
            return Ok(Cow::Borrowed(client));
        };
        if let Some(problem) = &set.problem {
            return Err(Error::InvalidRequest(problem.clone()));
        }
        match &set.service_id {
            Some(id) if id != client.service_id() => Ok(Cow::Owned(client.for_service(id)?)),
            _ => Ok(Cow::Borrowed(client)),
        }
    }

    /// This call's deadline per attempt, if it overrides the client's.
    pub(crate) fn timeout_override(&self) -> Option<Duration> {
        self.set.as_ref().and_then(|set| set.timeout)
    }

    /// This call's retry policy, if it overrides the client's.
    pub(crate) fn retry_override(&self) -> Option<&RetryPolicy> {
        self.set.as_ref().and_then(|set| set.retry.as_ref())
    }

    /// The extra headers, applied to each attempt's request, if any.
    pub(crate) fn headers(&self) -> Option<&HeaderMap> {
        self.set
            .as_ref()
            .map(|set| &set.headers)
            .filter(|headers| !headers.is_empty())
    }
}
