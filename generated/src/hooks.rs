// Written by hand, not by `cargo xtask generate` (which leaves this file
// alone: it is listed in HAND_KEPT in xtask/src/output.rs). It is the
// runtime policy of every request; progenitor's generated code in client.rs
// calls into it through `crate::hooks::CallContext`, the client's inner type.
// Edit it here like any other source file.

//! What every generated request passes through on its way out and back.
//!
//! progenitor calls [`ClientHooks::pre`] just before sending and
//! [`ClientHooks::post`] as soon as the response headers (or a transport
//! error) are in. The caller attaches a [`CallContext`] to the generated
//! [`Client`](crate::Client); through it the hooks
//!
//! - add the `Authorization` header, prepared once by the caller and marked
//!   sensitive so it never shows in `Debug` output;
//! - apply the caller's overall deadline, even on a caller-supplied
//!   `reqwest::Client`;
//! - drop the `api-version` header progenitor adds, which Authlete does not
//!   define;
//! - note the status, content type and `Request-Id` of the response, which
//!   progenitor's error type does not always carry (a body that fails to
//!   decode loses its status), for a caller that runs the call inside
//!   [`observe`];
//! - cap how much of a response body is read, so a runaway body ends in an
//!   error instead of filling memory (see [`is_body_too_large`]).

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::time::Duration;

use progenitor_client::{ClientHooks, Error, OperationInfo};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue};

/// The response header in which Authlete identifies the request.
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("request-id");

/// The per-client settings the hooks apply to every request.
///
/// It holds no per-call state, so one generated [`Client`](crate::Client)
/// (and one context) serves any number of concurrent calls.
#[derive(Clone, Default)]
pub struct CallContext {
    authorization: Option<HeaderValue>,
    timeout: Option<Duration>,
    body_limit: Option<usize>,
}

impl fmt::Debug for CallContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallContext")
            .field(
                "authorization",
                &self.authorization.as_ref().map(|_| "<redacted>"),
            )
            .field("timeout", &self.timeout)
            .field("body_limit", &self.body_limit)
            .finish_non_exhaustive()
    }
}

impl CallContext {
    /// A context that sends `authorization` as the `Authorization` header.
    ///
    /// The value is marked sensitive (so HTTP/2 never indexes it and `Debug`
    /// never prints it) before it is stored.
    pub fn with_authorization(mut authorization: HeaderValue) -> Self {
        authorization.set_sensitive(true);
        CallContext {
            authorization: Some(authorization),
            ..CallContext::default()
        }
    }

    /// Sets a deadline for the whole of each request, from sending to the end of the body.
    pub fn with_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// Caps response bodies at `limit` bytes; reading more fails with an
    /// error that [`is_body_too_large`] recognises.
    pub fn with_body_limit(mut self, limit: Option<usize>) -> Self {
        self.body_limit = limit;
        self
    }

    /// The body limit set with [`with_body_limit`](Self::with_body_limit).
    pub fn body_limit(&self) -> Option<usize> {
        self.body_limit
    }
}

/// The parts of a response's head that the caller reports in errors.
///
/// Header values are kept as received (cloning one shares its bytes), so
/// noting them costs no allocation on calls that end well.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    /// The HTTP status.
    pub status: StatusCode,
    /// The `Content-Type` header, if present, for an error status (it is
    /// not looked up for a success).
    pub content_type: Option<HeaderValue>,
    /// Authlete's `Request-Id` header, if present.
    pub request_id: Option<HeaderValue>,
}

tokio::task_local! {
    // Task-local rather than a field of the context: every call gets its own
    // record without a per-call allocation or a per-call generated client.
    // Boxed: the scope swaps its value in and out on every poll, and a
    // pointer is cheaper to swap than the record itself.
    static OBSERVED: Cell<Option<Box<Observed>>>;
}

/// Runs `call` and returns its output together with the head of the last
/// response the hooks saw while it ran (`None` if no response arrived).
///
/// Each `observe` has its own record, so concurrent calls through one
/// client never see each other's responses. Outside `observe` the hooks
/// note nothing.
pub async fn observe<F: Future>(call: F) -> (F::Output, Option<Observed>) {
    let mut scoped = std::pin::pin!(OBSERVED.scope(Cell::new(None), call));
    let output = scoped.as_mut().await;
    let record = scoped.take_value().and_then(Cell::into_inner);
    (output, record.map(|record| *record))
}

/// Whether `error` (or anything in its source chain) says a response body
/// was longer than the limit set with [`CallContext::with_body_limit`].
pub fn is_body_too_large(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        current = e.source();
    }
    false
}

impl ClientHooks<CallContext> for crate::Client {
    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let response = self.client.execute(request).await?;
        let Some(limit) = self.inner.body_limit else {
            return Ok(response);
        };
        // A body of known length within the limit cannot grow past it (the
        // connection reads no more than `Content-Length`): no wrapping needed.
        if response
            .content_length()
            .is_some_and(|length| length <= limit as u64)
        {
            return Ok(response);
        }
        // Rebuild the response around a body that stops at `limit` bytes;
        // status, version and headers move over as received.
        let response = http::Response::<reqwest::Body>::from(response)
            .map(|body| reqwest::Body::wrap(http_body_util::Limited::new(body, limit)));
        Ok(reqwest::Response::from(response))
    }

    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        let headers = request.headers_mut();
        headers.remove("api-version");
        if let Some(authorization) = &self.inner.authorization {
            headers.insert(AUTHORIZATION, authorization.clone());
        }
        if let Some(timeout) = self.inner.timeout {
            *request.timeout_mut() = Some(timeout);
        }
        Ok(())
    }

    async fn post<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        if let Ok(response) = result {
            // Outside `observe` there is nowhere to note the response; that is fine.
            let _ = OBSERVED.try_with(|record| {
                let headers = response.headers();
                let status = response.status();
                record.set(Some(Box::new(Observed {
                    status,
                    // What a success claims to be does not change how it is
                    // reported, so only an error's content type is looked up.
                    content_type: if status.is_success() {
                        None
                    } else {
                        headers.get(CONTENT_TYPE).cloned()
                    },
                    request_id: headers.get(REQUEST_ID_HEADER).cloned(),
                })));
            });
        }
        Ok(())
    }
}
