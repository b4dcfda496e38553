//! The [`Client`] handle: cheap to clone, shared connection pool, `Send + Sync`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::config::ClientBuilder;
use crate::credentials::ServiceTokenProvider;
use crate::deadline::Clock;
use crate::error::Error;
use crate::observer::Observers;
use crate::retry::RetryPolicy;

/// A configured connection to one Authlete service.
///
/// Build one with [`Client::builder`] or [`Client::from_env`], keep it for
/// the life of the program and clone it freely: clones share the connection
/// pool and settings.
///
/// ```
/// # fn main() -> Result<(), authlete::Error> {
/// let client = authlete::Client::builder()
///     .service_id("715948317")
///     .access_token("service-access-token")
///     .region(authlete::Region::Jp)
///     .build()?;
/// assert_eq!(client.base_url(), "https://jp.authlete.com");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Clone)]
pub(crate) struct Inner {
    pub(crate) service_id: String,
    pub(crate) base_url: String,
    /// Built once: the hooks keep no per-call state in it, so every call and
    /// every clone of this client shares it.
    pub(crate) generated: authlete_generated::Client,
    /// The deadline of each attempt.
    pub(crate) timeout: Duration,
    /// The most bytes of a response body that are read.
    pub(crate) body_limit: usize,
    pub(crate) retry: RetryPolicy,
    /// Asked for the token before every attempt; `None` when the token is
    /// fixed (and already in `generated`'s context).
    pub(crate) provider: Option<Arc<dyn ServiceTokenProvider>>,
    /// Called around every attempt.
    pub(crate) observers: Observers,
    /// The one timer behind every attempt's deadline; shared by clones and
    /// by [`Client::for_service`]'s clients.
    pub(crate) clock: Arc<Clock>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("service_id", &self.inner.service_id)
            .field("base_url", &self.inner.base_url)
            .field("access_token", &crate::error::Redacted)
            .field("access_token_provider", &self.inner.provider.is_some())
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .field("observers", &self.inner.observers.len())
            .finish()
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from `AUTHLETE_BASE_URL`, `AUTHLETE_SERVICE_ID`
    /// (or `AUTHLETE_SERVICE_APIKEY`) and `AUTHLETE_SERVICE_ACCESSTOKEN` (or
    /// `AUTHLETE_BEARER`); see [`ClientBuilder::from_env`].
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::default().from_env()?.build()
    }

    /// The service every call is made for.
    pub fn service_id(&self) -> &str {
        &self.inner.service_id
    }

    /// The same client for another service: same token, base URL, timeouts,
    /// retry policy and connection pool, calls under `/api/{service_id}`.
    ///
    /// For deployments that reach several services with one organization
    /// token. For a single call, the request builders' `.service_id(..)`
    /// does the same. Operations outside any service (`service().list()`,
    /// `service().create(..)`, `utility()`, `lifecycle()`) ignore the service
    /// ID, so any client with the right token makes them.
    ///
    /// ```
    /// # fn main() -> Result<(), authlete::Error> {
    /// let org = authlete::Client::builder()
    ///     .service_id("715948317")
    ///     .access_token("organization-token")
    ///     .build()?;
    /// let other = org.for_service("1042843946")?;
    /// assert_eq!(other.service_id(), "1042843946");
    /// assert_eq!(org.service_id(), "715948317");
    /// assert_eq!(other.base_url(), org.base_url());
    /// assert!(org.for_service("..").is_err());
    /// # Ok(()) }
    /// ```
    ///
    /// The service ID is checked as [`ClientBuilder::service_id`](crate::ClientBuilder::service_id)'s
    /// is: an ID that cannot be one path segment is an [`Error::Config`].
    pub fn for_service(&self, service_id: impl Into<String>) -> Result<Client, Error> {
        let service_id = service_id.into();
        crate::config::check_path_segment("service_id", &service_id).map_err(Error::Config)?;
        let mut inner = Inner::clone(&self.inner);
        inner.service_id = service_id;
        Ok(Client::from_parts(inner))
    }

    /// The base URL calls go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    pub(crate) fn from_parts(inner: Inner) -> Client {
        Client {
            inner: Arc::new(inner),
        }
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }
}
