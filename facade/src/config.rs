//! Building a [`Client`](crate::Client): settings, defaults and validation.
//!
//! Everything that can be wrong with a setting is found in
//! [`ClientBuilder::build`], which returns [`Error::Config`] naming the
//! setting; nothing here panics.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use authlete_generated::hooks::CallContext;
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use crate::client::{Client, Inner};
use crate::credentials::{Credentials, ServiceTokenProvider, authorization_header};
use crate::deadline::Clock;
use crate::error::Error;
use crate::observer::CallObserver;
use crate::retry::RetryPolicy;

/// The overall deadline of one attempt, unless configured.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The deadline for opening a connection, unless configured.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest response body read unless configured: 4 MiB, far above any
/// token response Authlete sends.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;
/// The `User-Agent` sent unless configured: this crate and its version.
pub const DEFAULT_USER_AGENT: &str = concat!("authlete-rust/", env!("CARGO_PKG_VERSION"));

/// Environment variable holding the base URL of the Authlete API.
pub const ENV_BASE_URL: &str = "AUTHLETE_BASE_URL";
/// Environment variable holding the service ID.
pub const ENV_SERVICE_ID: &str = "AUTHLETE_SERVICE_ID";
/// The name Authlete's older SDKs (Java, Python, C#) give the service ID's
/// variable; read when [`ENV_SERVICE_ID`] is not set.
pub const ENV_SERVICE_APIKEY: &str = "AUTHLETE_SERVICE_APIKEY";
/// Environment variable holding the service (or organization) access token.
pub const ENV_ACCESS_TOKEN: &str = "AUTHLETE_SERVICE_ACCESSTOKEN";
/// Alternative environment variable for the access token.
pub const ENV_BEARER: &str = "AUTHLETE_BEARER";

/// The Authlete clusters, each with its own base URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Region {
    /// United States: `https://us.authlete.com`.
    Us,
    /// Japan: `https://jp.authlete.com`.
    Jp,
    /// Europe: `https://eu.authlete.com`.
    Eu,
    /// Brazil: `https://br.authlete.com`.
    Br,
}

impl Region {
    /// The base URL of this region's API.
    pub fn base_url(self) -> &'static str {
        match self {
            Region::Us => "https://us.authlete.com",
            Region::Jp => "https://jp.authlete.com",
            Region::Eu => "https://eu.authlete.com",
            Region::Br => "https://br.authlete.com",
        }
    }
}

/// Settings for a [`Client`]; start with [`Client::builder`].
///
/// `service_id` and `access_token` are required; the base URL defaults to
/// [`Region::Us`].
#[derive(Default)]
pub struct ClientBuilder {
    service_id: Option<String>,
    credentials: Option<Credentials>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    http_client: Option<reqwest::Client>,
    allow_insecure_http: bool,
    retry: Option<RetryPolicy>,
    max_response_bytes: Option<usize>,
    observers: Vec<Arc<dyn CallObserver>>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("service_id", &self.service_id)
            .field("access_token", &self.credentials)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("http_client", &self.http_client.is_some())
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("observers", &self.observers.len())
            .finish()
    }
}

impl ClientBuilder {
    /// The ID of the Authlete service every call is made for.
    pub fn service_id(mut self, service_id: impl Into<String>) -> Self {
        self.service_id = Some(service_id.into());
        self
    }

    /// The Service Access Token or Organization Token, sent as `Authorization: Bearer ...`.
    ///
    /// Replaces an [`access_token_provider`](Self::access_token_provider) set before.
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::Fixed(SecretString::from(token.into())));
        self
    }

    /// Takes the access token from `provider` before every attempt of every
    /// call, for tokens that rotate (see [`ServiceTokenProvider`]).
    ///
    /// Replaces an [`access_token`](Self::access_token) set before.
    pub fn access_token_provider(mut self, provider: impl ServiceTokenProvider) -> Self {
        self.credentials = Some(Credentials::Provider(Arc::new(provider)));
        self
    }

    /// Adds an observer that sees every attempt of every call and may add
    /// headers to its request (see [`CallObserver`]). Observers run in the
    /// order they were added.
    pub fn observer(mut self, observer: impl CallObserver) -> Self {
        self.observers.push(Arc::new(observer));
        self
    }

    /// Talk to the given Authlete region.
    pub fn region(mut self, region: Region) -> Self {
        self.base_url = Some(region.base_url().to_owned());
        self
    }

    /// Talk to any base URL: a dedicated Authlete cluster, a proxy, or a
    /// local stand-in. Plain `http://` is accepted only for loopback hosts
    /// unless [`allow_insecure_http`](Self::allow_insecure_http) is set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The deadline for one attempt, from taking a connection (or opening
    /// one) to the last byte of the body (default 30 s). Applies to a
    /// caller-supplied HTTP client too.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The deadline for opening a connection (default 10 s). Ignored when
    /// [`http_client`](Self::http_client) is given: configure that client instead.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header (default `authlete-rust/<version>`). Ignored
    /// when [`http_client`](Self::http_client) is given.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Use this `reqwest::Client` (and its connection pool, proxy and TLS
    /// settings) instead of building one. The client must not follow
    /// redirects to other hosts if you want the token to stay with Authlete.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Allow a plain `http://` base URL to a host that is not loopback.
    /// The access token then crosses the network in clear text.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// The largest response body to read (default 4 MiB); a longer one ends
    /// the call with [`Error::ResponseTooLarge`] after reading that much.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// How failed calls are retried (see [`RetryPolicy`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Reads `AUTHLETE_BASE_URL`, `AUTHLETE_SERVICE_ID` (or, as Authlete's
    /// older SDKs name it, `AUTHLETE_SERVICE_APIKEY`) and
    /// `AUTHLETE_SERVICE_ACCESSTOKEN` (or `AUTHLETE_BEARER`) into this builder.
    ///
    /// Fails with [`Error::Config`] naming the first variable that is
    /// missing, or both service ID variables when both are set and differ;
    /// other settings keep the values given so far.
    pub fn from_env(self) -> Result<Self, Error> {
        self.from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with a caller-supplied lookup (for tests
    /// and for configuration systems other than the process environment).
    pub fn from_lookup(mut self, lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let missing = |name: &str| Error::Config(format!("environment variable {name} is not set"));
        self.base_url = Some(get(ENV_BASE_URL).ok_or_else(|| missing(ENV_BASE_URL))?);
        self.service_id = Some(match (get(ENV_SERVICE_ID), get(ENV_SERVICE_APIKEY)) {
            (Some(id), Some(key)) if id.trim() != key.trim() => {
                // Service IDs are not secrets: showing both saves a round
                // of guessing which one is stale.
                return Err(Error::Config(format!(
                    "environment variables {ENV_SERVICE_ID} (`{id}`) and \
                     {ENV_SERVICE_APIKEY} (`{key}`) name different services; set only one"
                )));
            }
            (Some(id), _) | (None, Some(id)) => id,
            (None, None) => {
                return Err(Error::Config(format!(
                    "environment variable {ENV_SERVICE_ID} (or {ENV_SERVICE_APIKEY}) is not set"
                )));
            }
        });
        let token = get(ENV_ACCESS_TOKEN)
            .or_else(|| get(ENV_BEARER))
            .ok_or_else(|| {
                Error::Config(format!(
                    "environment variable {ENV_ACCESS_TOKEN} (or {ENV_BEARER}) is not set"
                ))
            })?;
        self.credentials = Some(Credentials::Fixed(SecretString::from(token)));
        Ok(self)
    }

    /// Checks every setting and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let service_id = self
            .service_id
            .ok_or_else(|| Error::Config("service_id is not set".into()))?;
        check_path_segment("service_id", &service_id).map_err(Error::Config)?;

        let credentials = self
            .credentials
            .ok_or_else(|| Error::Config("access_token is not set".into()))?;
        // A fixed token is checked and made a header once, here; a
        // provider's, at every attempt.
        let (context, provider) = match credentials {
            Credentials::Fixed(token) => (
                CallContext::with_authorization(
                    authorization_header(token.expose_secret()).map_err(Error::Config)?,
                ),
                None,
            ),
            Credentials::Provider(provider) => (CallContext::default(), Some(provider)),
        };

        let base_url = checked_base_url(
            self.base_url.as_deref().unwrap_or(Region::Us.base_url()),
            self.allow_insecure_http,
        )?;

        let timeout = positive("timeout", self.timeout.unwrap_or(DEFAULT_TIMEOUT))?;
        let connect_timeout = positive(
            "connect_timeout",
            self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
        )?;

        let http = match self.http_client {
            Some(client) => client,
            None => {
                let user_agent = self.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT);
                let user_agent = HeaderValue::from_str(user_agent)
                    .map_err(|_| Error::Config("user_agent is not a valid header value".into()))?;
                // No `timeout` here: the facade bounds each attempt itself.
                let builder = reqwest::Client::builder()
                    .user_agent(user_agent)
                    .connect_timeout(connect_timeout)
                    // A redirect could carry the bearer token to another host.
                    .redirect(reqwest::redirect::Policy::none());
                #[cfg(feature = "native-tls")]
                let builder = builder.tls_backend_native();
                builder
                    .build()
                    .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?
            }
        };

        let max_response_bytes = self
            .max_response_bytes
            .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES);
        if max_response_bytes == 0 {
            return Err(Error::Config(
                "max_response_bytes must be larger than zero".into(),
            ));
        }
        let context = context.with_body_limit(Some(max_response_bytes));
        let generated = authlete_generated::Client::new_with_client(&base_url, http, context);
        Ok(Client::from_parts(Inner {
            service_id,
            base_url,
            generated,
            timeout,
            body_limit: max_response_bytes,
            retry: self.retry.unwrap_or_default(),
            provider,
            observers: self.observers.into(),
            clock: Clock::new(),
        }))
    }
}

/// Refuses path segments that a URL parser would drop or resolve.
pub(crate) fn check_path_segment(what: &str, value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err(format!("{what} is empty"));
    }
    if value == "." || value == ".." {
        return Err(format!("{what} must not be `{value}`"));
    }
    Ok(())
}

fn positive(what: &str, duration: Duration) -> Result<Duration, Error> {
    if duration.is_zero() {
        Err(Error::Config(format!("{what} must be longer than zero")))
    } else {
        Ok(duration)
    }
}

/// Parses and vets the base URL; returns it without a trailing slash.
fn checked_base_url(raw: &str, allow_insecure_http: bool) -> Result<String, Error> {
    let url = url::Url::parse(raw.trim())
        .map_err(|e| Error::Config(format!("base_url `{raw}` is not a valid URL: {e}")))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&url) => {}
        "http" => {
            return Err(Error::Config(format!(
                "base_url `{raw}` uses plain http to a host that is not loopback; \
                 use https, or allow_insecure_http(true) if you really mean it"
            )));
        }
        other => {
            return Err(Error::Config(format!(
                "base_url `{raw}` has scheme `{other}`; only https (and http to loopback) work"
            )));
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(
            "base_url must not contain a user name or password; use access_token".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!(
            "base_url `{raw}` must not have a query or fragment"
        )));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}
