//! The one error type every call returns, and how each failure maps onto it.
//!
//! A caller can tell apart, by matching on [`Error`]: Authlete refusing the
//! call, a response that is not what Authlete sends (a proxy's HTML page), a
//! body that does not decode, a deadline passing, the network failing, and a
//! mistake in the configuration or the request. No message ever includes the
//! access token or a request URL (token identifiers travel in the path).

use std::fmt;
use std::time::Duration;

use http::StatusCode;

/// How many bytes of an unexpected body an error keeps, at most.
pub(crate) const SNIPPET_LIMIT: usize = 512;

/// Everything that can go wrong when talking to Authlete.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Authlete received the call and refused it (a 4xx or 5xx with its `result` body).
    #[error("{}", api_message(*status, result_code.as_deref(), result_message.as_deref(), request_id.as_deref()))]
    Api {
        /// The HTTP status Authlete answered with.
        status: StatusCode,
        /// Authlete's result code, such as `A001201`.
        result_code: Option<String>,
        /// Authlete's explanation of the result.
        result_message: Option<String>,
        /// Authlete's `Request-Id` for the call, to quote to Authlete support.
        request_id: Option<String>,
        /// How long the server asked the caller to wait, from `Retry-After`.
        retry_after: Option<Duration>,
    },

    /// A status or content type Authlete does not send for this call, such as
    /// an HTML error page from a proxy in between.
    #[error(
        "unexpected response: HTTP {status}, content type {}: {snippet:?}",
        content_type.as_deref().unwrap_or("(none)")
    )]
    UnexpectedResponse {
        /// The HTTP status.
        status: StatusCode,
        /// The `Content-Type` header, if any.
        content_type: Option<String>,
        /// The start of the body (at most 512 bytes, lossily decoded).
        snippet: String,
        /// Authlete's `Request-Id`, if the response carried one.
        request_id: Option<String>,
        /// How long the server asked the caller to wait, from `Retry-After`.
        retry_after: Option<Duration>,
    },

    /// The response had the expected status but its body did not decode.
    #[error("cannot decode the HTTP {status} response body: {message} (body starts {snippet:?})")]
    Decode {
        /// The HTTP status.
        status: StatusCode,
        /// What the JSON decoder objected to.
        message: String,
        /// The start of the body (at most 512 bytes, lossily decoded).
        snippet: String,
        /// Authlete's `Request-Id`, if the response carried one.
        request_id: Option<String>,
    },

    /// The response body was longer than the configured maximum
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes));
    /// reading stopped there.
    #[error("the response body is larger than the {limit}-byte limit")]
    ResponseTooLarge {
        /// The HTTP status of the response, if it was known.
        status: Option<StatusCode>,
        /// The limit in force, in bytes.
        limit: usize,
    },

    /// The call did not finish within the configured timeout.
    #[error("the call to Authlete timed out")]
    Timeout,

    /// The request could not be delivered or the response could not be read
    /// (connection refused or reset, DNS, TLS).
    #[error("cannot reach Authlete: {source}")]
    Transport {
        /// True when the failure happened while connecting, so that nothing
        /// of the request can have reached Authlete.
        connect: bool,
        /// The underlying error, with the request URL removed.
        #[source]
        source: reqwest::Error,
    },

    /// The client configuration is not usable; the message says which setting and why.
    #[error("invalid client configuration: {0}")]
    Config(String),

    /// The request is not valid and was not sent; the message says which field and why.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
}

fn api_message(
    status: StatusCode,
    code: Option<&str>,
    message: Option<&str>,
    request_id: Option<&str>,
) -> String {
    let mut out = format!("Authlete refused the call (HTTP {status}");
    if let Some(code) = code {
        out.push_str(&format!(", {code}"));
    }
    out.push(')');
    if let Some(message) = message {
        out.push_str(&format!(": {message}"));
    }
    if let Some(id) = request_id {
        out.push_str(&format!(" [request id {id}]"));
    }
    out
}

impl Error {
    /// The HTTP status of the response behind this error, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. }
            | Error::UnexpectedResponse { status, .. }
            | Error::Decode { status, .. } => Some(*status),
            Error::ResponseTooLarge { status, .. } => *status,
            _ => None,
        }
    }

    /// Authlete's result code, when Authlete refused the call.
    pub fn result_code(&self) -> Option<&str> {
        match self {
            Error::Api { result_code, .. } => result_code.as_deref(),
            _ => None,
        }
    }

    /// Authlete's result message, when Authlete refused the call.
    pub fn result_message(&self) -> Option<&str> {
        match self {
            Error::Api { result_message, .. } => result_message.as_deref(),
            _ => None,
        }
    }

    /// Authlete's `Request-Id` for the call, when the response carried one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api { request_id, .. }
            | Error::UnexpectedResponse { request_id, .. }
            | Error::Decode { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// How long the server asked to wait before trying again (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api { retry_after, .. } | Error::UnexpectedResponse { retry_after, .. } => {
                *retry_after
            }
            _ => None,
        }
    }

    /// True for a timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout)
    }

    /// True when the same call could succeed if made again later: a network
    /// failure, or a 408, 429, 502, 503 or 504.
    ///
    /// This says nothing about whether repeating is *safe*: a call that
    /// spends a ticket must not be repeated once it may have reached
    /// Authlete. The client's retry policy takes care of that per operation.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { .. } => true,
            _ => self.status().is_some_and(is_retryable_status),
        }
    }

    /// True when the request provably never reached Authlete (it failed while connecting).
    pub fn never_sent(&self) -> bool {
        matches!(self, Error::Transport { connect: true, .. })
    }

    /// Builds the error for a failure inside `reqwest`, keeping the URL out of it.
    pub(crate) fn from_reqwest(
        error: reqwest::Error,
        status: Option<StatusCode>,
        body_limit: usize,
    ) -> Error {
        if authlete_generated::hooks::is_body_too_large(&error) {
            Error::ResponseTooLarge {
                status,
                limit: body_limit,
            }
        } else if error.is_timeout() {
            Error::Timeout
        } else {
            Error::Transport {
                connect: error.is_connect(),
                source: error.without_url(),
            }
        }
    }
}

/// The statuses that usually mean "try again later".
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 502 | 503 | 504)
}

/// The first [`SNIPPET_LIMIT`] bytes of `body`, as text.
pub(crate) fn snippet(body: &[u8]) -> String {
    let end = body.len().min(SNIPPET_LIMIT);
    String::from_utf8_lossy(&body[..end]).into_owned()
}

/// Shows a value as `<redacted>` in `Debug` output.
pub(crate) struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}
