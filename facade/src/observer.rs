//! Watching and adjusting every request the client sends, for metrics,
//! correlation headers or audit, without wrapping each call.
//!
//! Register a [`CallObserver`] with
//! [`ClientBuilder::observer`](crate::ClientBuilder::observer). For what an
//! observer cannot do (proxies, TLS, connection pools) give the builder your
//! own [`reqwest::Client`](crate::ClientBuilder::http_client).

use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, Method, StatusCode};

use crate::error::Error;
use crate::operations::OperationInfo;

/// Sees every attempt of every call a [`Client`](crate::Client) makes, and
/// may add headers to its request.
///
/// Both methods run on the calling task, inline: keep them quick (count,
/// record, enqueue), never block. Observers run in the order they were
/// registered. A metrics example, counting attempts by operation and status:
///
/// ```
/// use std::collections::HashMap;
/// use std::sync::{Arc, Mutex};
/// use authlete::{AttemptOutcome, CallObserver, OutgoingRequest};
///
/// #[derive(Default)]
/// struct Metrics {
///     /// (operation, status or "none") → attempts; a real one would feed
///     /// Prometheus or OpenTelemetry instead.
///     attempts: Mutex<HashMap<(&'static str, String), u64>>,
/// }
///
/// impl CallObserver for Metrics {
///     fn on_request(&self, request: &mut OutgoingRequest<'_>) {
///         request
///             .headers_mut()
///             .insert("x-request-source", http::HeaderValue::from_static("checkout"));
///     }
///
///     fn on_response(&self, outcome: &AttemptOutcome<'_>) {
///         let status = outcome.status().map_or("none".into(), |s| s.as_u16().to_string());
///         let mut attempts = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
///         *attempts.entry((outcome.operation().id, status)).or_default() += 1;
///         // outcome.elapsed() feeds a latency histogram the same way.
///     }
/// }
///
/// # fn main() -> Result<(), authlete::Error> {
/// let metrics = Arc::new(Metrics::default());
/// let client = authlete::Client::builder()
///     .service_id("715948317")
///     .access_token("service-access-token")
///     .observer(metrics.clone())
///     .build()?;
/// # drop(client);
/// # Ok(()) }
/// ```
pub trait CallObserver: Send + Sync + 'static {
    /// Called just before each attempt's request leaves, after the call's
    /// own headers are set and before `Authorization` is: an observer can
    /// neither read nor replace the credentials.
    fn on_request(&self, request: &mut OutgoingRequest<'_>) {
        let _ = request;
    }

    /// Called once per attempt when it ended: with the response's status
    /// and headers, or without them when no response came (a timeout, a
    /// refused connection, a failing token provider).
    fn on_response(&self, outcome: &AttemptOutcome<'_>) {
        let _ = outcome;
    }
}

impl<T: CallObserver + ?Sized> CallObserver for Arc<T> {
    fn on_request(&self, request: &mut OutgoingRequest<'_>) {
        (**self).on_request(request);
    }

    fn on_response(&self, outcome: &AttemptOutcome<'_>) {
        (**self).on_response(outcome);
    }
}

/// One attempt's request, as a [`CallObserver`] sees it.
///
/// It offers the operation (whose `id` and path template make good metric
/// labels) rather than the URL, whose path may hold a token's identifier.
pub struct OutgoingRequest<'a> {
    pub(crate) operation: &'static OperationInfo,
    pub(crate) attempt: u32,
    pub(crate) request: &'a mut reqwest::Request,
}

impl std::fmt::Debug for OutgoingRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Not the URL (a token's identifier may be in its path) nor the
        // header values.
        f.debug_struct("OutgoingRequest")
            .field("operation", &self.operation.id)
            .field("attempt", &self.attempt)
            .field("method", self.request.method())
            .finish_non_exhaustive()
    }
}

impl OutgoingRequest<'_> {
    /// The operation being called.
    pub fn operation(&self) -> &'static OperationInfo {
        self.operation
    }

    /// Which attempt this is, from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        self.request.method()
    }

    /// The headers so far (`Authorization` is added after the observers).
    pub fn headers(&self) -> &HeaderMap {
        self.request.headers()
    }

    /// The headers, to add or change one. An `Authorization` header set
    /// here is replaced by the client's.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        self.request.headers_mut()
    }
}

/// How one attempt ended, as a [`CallObserver`] sees it.
pub struct AttemptOutcome<'a> {
    pub(crate) operation: &'static OperationInfo,
    pub(crate) attempt: u32,
    pub(crate) status: Option<StatusCode>,
    pub(crate) headers: Option<&'a HeaderMap>,
    pub(crate) elapsed: Duration,
    pub(crate) error: Option<&'a Error>,
}

impl std::fmt::Debug for AttemptOutcome<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttemptOutcome")
            .field("operation", &self.operation.id)
            .field("attempt", &self.attempt)
            .field("status", &self.status)
            .field("elapsed", &self.elapsed)
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl<'a> AttemptOutcome<'a> {
    /// The operation that was called.
    pub fn operation(&self) -> &'static OperationInfo {
        self.operation
    }

    /// Which attempt this was, from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The response's status, if a response came.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// The response's headers, if a response came.
    pub fn headers(&self) -> Option<&'a HeaderMap> {
        self.headers
    }

    /// How long the attempt took, from asking for a token (or sending) to
    /// its end.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// Why the attempt failed, if it did (the call may still be retried).
    pub fn error(&self) -> Option<&'a Error> {
        self.error
    }
}

/// The observers of one client, shared by its clones.
pub(crate) type Observers = Arc<[Arc<dyn CallObserver>]>;
