//! [`ResourceGuard`] as `tower` middleware (feature `tower`).
//!
//! axum needs nothing more: `Router::layer` (or `route_layer`) takes the
//! layer, and handlers read the token with axum's own
//! `Extension<ValidatedToken>` extractor, so this crate does not depend on
//! axum for an extractor of its own.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::header::HeaderValue;
use http::{Request, Response};
use tower::{Layer, Service};

use super::{ResourceGuard, ValidatedToken};
use crate::http_response::DPOP_NONCE;

/// A `tower::Layer` that puts a [`ResourceGuard`] in front of a service.
#[derive(Debug, Clone)]
pub struct ResourceGuardLayer {
    guard: Arc<ResourceGuard>,
}

impl ResourceGuardLayer {
    /// A layer checking every request with `guard`.
    pub fn new(guard: ResourceGuard) -> Self {
        ResourceGuardLayer {
            guard: Arc::new(guard),
        }
    }
}

impl<S> Layer<S> for ResourceGuardLayer {
    type Service = ResourceGuardService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ResourceGuardService {
            guard: Arc::clone(&self.guard),
            inner,
        }
    }
}

/// A service that calls `S` only for requests with a valid access token,
/// with the [`ValidatedToken`] in the request's extensions; the others get
/// the guard's refusal.
#[derive(Debug, Clone)]
pub struct ResourceGuardService<S> {
    guard: Arc<ResourceGuard>,
    inner: S,
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for ResourceGuardService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: 'static,
    ReqBody: Send + 'static,
    ResBody: From<String> + 'static,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        // The clone that was polled ready is the one to call; leave a fresh
        // clone in its place for the next request.
        let fresh = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, fresh);
        let guard = Arc::clone(&self.guard);
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            let token = match guard.check(&parts).await {
                Ok(token) => token,
                Err(refusal) => return Ok(refusal.map(ResBody::from)),
            };
            let nonce = nonce_header(&token);
            parts.extensions.insert(token);
            let mut response = inner.call(Request::from_parts(parts, body)).await?;
            if let Some(nonce) = nonce {
                response.headers_mut().entry(DPOP_NONCE).or_insert(nonce);
            }
            Ok(response)
        })
    }
}

/// The `DPoP-Nonce` the client should use next, when Authlete gave one.
fn nonce_header(token: &ValidatedToken) -> Option<HeaderValue> {
    token
        .dpop_nonce()
        .and_then(|nonce| HeaderValue::from_str(nonce).ok())
}
