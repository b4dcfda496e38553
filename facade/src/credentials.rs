//! Where the access token comes from: one fixed value, or a provider asked
//! before every attempt, so a token can rotate without a new [`Client`](crate::Client).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use crate::error::Error;

/// A Service Access Token or Organization Token, as an
/// [`ServiceTokenProvider`] hands it over.
///
/// It never shows in `Debug` output, and nothing in this crate logs it.
#[derive(Clone)]
pub struct ServiceToken(SecretString);

impl ServiceToken {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        ServiceToken(SecretString::from(token.into()))
    }
}

impl From<String> for ServiceToken {
    fn from(token: String) -> Self {
        ServiceToken::new(token)
    }
}

impl From<&str> for ServiceToken {
    fn from(token: &str) -> Self {
        ServiceToken::new(token)
    }
}

impl fmt::Debug for ServiceToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServiceToken(<redacted>)")
    }
}

/// The future a [`ServiceTokenProvider`] returns.
pub type ServiceTokenFuture<'a> = Pin<
    Box<
        dyn Future<Output = Result<ServiceToken, Box<dyn std::error::Error + Send + Sync>>>
            + Send
            + 'a,
    >,
>;

/// Hands the client an access token before every attempt of every call
/// (retries included), for tokens that rotate or live in a secrets manager.
///
/// Caching is the provider's business: it is asked once per attempt and
/// should answer from memory while its token is fresh. A provider that
/// fails ends the call with [`Error::ServiceToken`], which is not retried
/// (retry inside the provider if its source is flaky). The token is
/// checked as [`ClientBuilder::access_token`](crate::ClientBuilder::access_token)'s
/// is, sent as `Authorization: Bearer ...`, and never logged.
///
/// Any `Send + Sync` closure returning a future of `Result<T, E>` is a
/// provider, where `T: Into<ServiceToken>` (a `String`) and `E` is any
/// error (`E: Into<Box<dyn std::error::Error + Send + Sync>>`):
///
/// ```
/// use std::sync::{Arc, RwLock};
///
/// # fn main() -> Result<(), authlete::Error> {
/// // Rotated elsewhere (a refresh task, a secrets manager's callback).
/// let current = Arc::new(RwLock::new(String::from("service-access-token")));
/// let source = current.clone();
/// let client = authlete::Client::builder()
///     .service_id("715948317")
///     .access_token_provider(move || {
///         let token = source
///             .read()
///             .map(|t| t.clone())
///             .map_err(|_| "the token store is poisoned");
///         async move { token }
///     })
///     .build()?;
/// *current.write().expect("not poisoned") = "the-next-token".into();
/// # drop(client);
/// # Ok(()) }
/// ```
///
/// A type of your own implements it with a boxed future:
///
/// ```
/// use authlete::{ServiceToken, ServiceTokenFuture, ServiceTokenProvider};
///
/// struct Vault;
///
/// impl ServiceTokenProvider for Vault {
///     fn service_token(&self) -> ServiceTokenFuture<'_> {
///         Box::pin(async { Ok(ServiceToken::new("from-the-vault")) })
///     }
/// }
/// ```
pub trait ServiceTokenProvider: Send + Sync + 'static {
    /// The token to send with the next attempt.
    fn service_token(&self) -> ServiceTokenFuture<'_>;
}

impl<F, Fut, T, E> ServiceTokenProvider for F
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<T, E>> + Send + 'static,
    T: Into<ServiceToken>,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    fn service_token(&self) -> ServiceTokenFuture<'_> {
        let token = self();
        Box::pin(async move { token.await.map(Into::into).map_err(Into::into) })
    }
}

/// Where a client's `Authorization` header comes from.
#[derive(Clone)]
pub(crate) enum Credentials {
    /// Checked and turned into a header once, when the client is built.
    Fixed(SecretString),
    /// Asked before every attempt.
    Provider(Arc<dyn ServiceTokenProvider>),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Fixed(_) => f.write_str("<redacted>"),
            Credentials::Provider(_) => f.write_str("<provider>"),
        }
    }
}

/// Asks `provider` for a token and turns it into the header to send.
pub(crate) async fn fetch(provider: &dyn ServiceTokenProvider) -> Result<HeaderValue, Error> {
    let token = provider
        .service_token()
        .await
        .map_err(|source| Error::ServiceToken { source })?;
    authorization_header(token.0.expose_secret()).map_err(|message| Error::ServiceToken {
        source: format!("the provider's {message}").into(),
    })
}

/// `Bearer <token>` as a header value, refusing anything but visible ASCII.
/// The message names the problem, never the token.
pub(crate) fn authorization_header(token: &str) -> Result<HeaderValue, String> {
    if token.is_empty() {
        return Err("access_token is empty".into());
    }
    // Checked by hand: HeaderValue accepts bytes (tabs, obs-text) that no
    // token contains and that some servers treat as header separators.
    if let Some(position) = token.bytes().position(|b| !b.is_ascii_graphic()) {
        return Err(format!(
            "access_token contains a character that cannot be sent in a header \
             (position {position}: only visible ASCII is allowed)"
        ));
    }
    let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
        .map_err(|_| "access_token is not a valid header value".to_owned())?;
    value.set_sensitive(true);
    Ok(value)
}
