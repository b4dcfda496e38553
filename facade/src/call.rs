//! Running one operation: attempts, retries, tracing, and turning whatever
//! happened into a value or an [`Error`].
//!
//! Every facade operation goes through [`execute`] with a closure that makes
//! one attempt on the client's generated client. Each attempt runs inside
//! [`observe`], so the status, content type and `Request-Id` the hooks saw
//! belong to that attempt and no other concurrent call, and inside the
//! deadline (the call's [`CallOptions`] or the client's), which covers
//! everything from asking a token provider to reading the last byte of an
//! error body. The call's options and the client's observers and token
//! provider reach the request through [`Outgoing`], which the hooks apply.

use std::future::Future;
use std::ops::ControlFlow;
use std::time::{Duration, SystemTime};

use authlete_generated::hooks::{
    Observation, Observed, Outgoing, Prepare, REQUEST_ID_HEADER as REQUEST_ID, observe_with,
};
use authlete_generated::types::ResultBody;
use authlete_generated::{Error as GeneratedError, ResponseValue};
use http::{HeaderName, HeaderValue, StatusCode};
use reqwest::header::{CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use serde::de::DeserializeOwned;
use tracing::Instrument;
use tracing::field::Empty;

use crate::client::{Client, Inner};
use crate::error::{Error, decode_message, snippet};
use crate::observer::{AttemptOutcome, OutgoingRequest};
use crate::options::CallOptions;
use crate::retry::{Decision, RetryPolicy, decide, jitter, parse_retry_after};

/// How much of an unexpected body is read to explain it.
const UNEXPECTED_BODY_LIMIT: usize = 64 * 1024;

/// What the call layer reads about an operation: its entry in the table
/// (`id` for traces, `replay` for retries).
pub(crate) type Operation = &'static crate::operations::OperationInfo;

/// A decoded success, with what the response head said about it.
#[derive(Debug)]
pub(crate) struct Reply<T> {
    pub(crate) body: T,
    pub(crate) request_id: Option<HeaderValue>,
}

type Attempt<T, E> = Result<ResponseValue<T>, GeneratedError<E>>;

/// The body of an error status an operation documents: Authlete's
/// `result` for almost all of them, nothing for the few whose spec gives
/// their errors no body.
pub(crate) trait ErrorBody: DeserializeOwned {
    /// `resultCode` and `resultMessage`, where the body has them.
    fn into_result(self) -> (Option<String>, Option<String>);
}

impl ErrorBody for ResultBody {
    fn into_result(self) -> (Option<String>, Option<String>) {
        (self.result_code, self.result_message)
    }
}

impl ErrorBody for () {
    fn into_result(self) -> (Option<String>, Option<String>) {
        (None, None)
    }
}

/// The retry policy of a call: its own, else the client's.
fn policy<'a>(client: &'a Client, options: &'a CallOptions) -> &'a RetryPolicy {
    options.retry_override().unwrap_or(&client.inner().retry)
}

/// Runs `attempt` until it succeeds or [`decide`] says stop.
///
/// `client` is the one [`CallOptions::client`] chose for the call.
pub(crate) fn execute<'c, T, E, F, Fut>(
    client: &'c Client,
    op: Operation,
    options: &'c CallOptions,
    mut attempt: F,
) -> impl Future<Output = Result<Reply<T>, Error>> + use<'c, T, E, F, Fut>
where
    F: FnMut(&'c authlete_generated::Client) -> Fut,
    Fut: Future<Output = Attempt<T, E>>,
    T: DeserializeOwned,
    E: ErrorBody,
{
    execute_some(client, op, options, move |generated| {
        Some(attempt(generated))
    })
}

/// [`execute`], for an `attempt` that may have nothing to send (`None`).
///
/// A plain function returning the future rather than an `async fn`: each
/// `async fn` layer would hold, and copy as it is built, the whole state of
/// the layers inside it.
fn execute_some<'c, T, E, F, Fut>(
    client: &'c Client,
    op: Operation,
    options: &'c CallOptions,
    mut attempt: F,
) -> impl Future<Output = Result<Reply<T>, Error>> + use<'c, T, E, F, Fut>
where
    F: FnMut(&'c authlete_generated::Client) -> Option<Fut>,
    Fut: Future<Output = Attempt<T, E>>,
    T: DeserializeOwned,
    E: ErrorBody,
{
    let inner = client.inner();
    let retry = policy(client, options);
    let timeout = options.timeout_override().unwrap_or(inner.timeout);
    let span = tracing::info_span!(
        "authlete.call",
        operation = op.id,
        attempt = Empty,
        status = Empty,
        request_id = Empty,
        elapsed_ms = Empty,
    );
    // Recording into a disabled span still looks each field up by name, and
    // the values cost a clock read and a header scan: skip all of it. The
    // copy recorded into is boxed, and made only when the span is enabled:
    // `instrument` keeps the span too, and every call's future would carry
    // both.
    let recorder = (!span.is_disabled()).then(|| Box::new(span.clone()));
    async move {
        // The one clock read of a call that ends at its first attempt: the
        // deadline and every elapsed time count from it. Tokio's clock, as
        // the deadline's timer uses.
        let started = tokio::time::Instant::now();
        let mut attempt_started = started;
        let mut number = 0u32;
        loop {
            number += 1;
            if let Some(span) = &recorder {
                span.record("attempt", number);
            }
            // Boxed once here: the generated future is most of a KiB (768
            // bytes for the token-fail call), and the layers around it
            // (deadline, observation, tracing) would otherwise copy it each
            // time one of them is built (unboxed, at 1,072 bytes, 64 calls
            // in flight measured slower: BENCHMARKS.md). Boxed in its
            // own statement: a `match` on the unboxed value would keep room
            // for it in this future's state across the `await` below.
            let call = attempt(&inner.generated).map(Box::pin);
            let (outcome, observation) = match call {
                Some(call) => {
                    // The deadline is kept here rather than in reqwest so
                    // that it holds for a caller-supplied `reqwest::Client`
                    // too and covers reading an error body; the client's
                    // one timer serves every attempt (`deadline`).
                    let deadline = attempt_started
                        .checked_add(timeout)
                        .unwrap_or_else(|| attempt_started + FAR_FUTURE);
                    match inner
                        .clock
                        .bound(deadline, attempt_once(inner, op, number, options, call))
                        .await
                    {
                        Ok(done) => done,
                        Err(_) => (
                            Err(Error::Timeout {
                                operation: op,
                                deadline: Some(timeout),
                            }),
                            None,
                        ),
                    }
                }
                // `execute_with_body` never runs out of bodies before the
                // policy runs out of attempts; an error rather than a panic
                // if it did.
                None => (
                    Err(Error::InvalidRequest(
                        "internal error: more attempts than the retry policy allows".into(),
                    )),
                    None,
                ),
            };
            // Settled by a plain function that takes the outcome: kept
            // here, it would stay in every call's future across the wait
            // for the rare retry below.
            let delay = match settle(
                inner,
                op,
                retry,
                recorder.as_deref(),
                number,
                (started, attempt_started),
                outcome,
                observation,
            ) {
                ControlFlow::Break(result) => return result,
                ControlFlow::Continue(delay) => delay,
            };
            // Boxed: a timer kept in every call's future for the rare retry
            // would be copied with it on every call.
            Box::pin(tokio::time::sleep(delay)).await;
            attempt_started = tokio::time::Instant::now();
        }
    }
    .instrument(span)
}

/// What an attempt's outcome means for the call: its result
/// (`Break`), or another attempt after a delay (`Continue`). Observers
/// are told, and the span records how the attempt ended.
// The outcome and the observation come by value, so that the loop's
// future does not keep them; the rest is the loop's state, read only.
#[allow(clippy::too_many_arguments)]
fn settle<T>(
    inner: &Inner,
    op: Operation,
    retry: &RetryPolicy,
    recorder: Option<&tracing::Span>,
    number: u32,
    (started, attempt_started): (tokio::time::Instant, tokio::time::Instant),
    outcome: Result<Reply<T>, Error>,
    observation: Option<Observation>,
) -> ControlFlow<Result<Reply<T>, Error>, Duration> {
    if let Some(span) = recorder {
        span.record("elapsed_ms", started.elapsed().as_millis() as u64);
    }
    if !inner.observers.is_empty() {
        notify(
            inner,
            op,
            number,
            &outcome,
            observation.as_ref().and_then(Observation::observed),
            attempt_started.elapsed(),
        );
    }
    let error = match outcome {
        Ok(reply) => {
            if let Some(span) = recorder {
                if let Some(id) = reply.request_id.as_ref().and_then(|v| v.to_str().ok()) {
                    span.record("request_id", id);
                }
                span.record("status", "ok");
            }
            return ControlFlow::Break(Ok(reply));
        }
        Err(error) => error,
    };
    if let Some(span) = recorder {
        if let Some(status) = error.status() {
            span.record("status", status.as_u16());
        }
        if let Some(id) = error.request_id() {
            span.record("request_id", id);
        }
    }
    match decide(
        retry,
        op.replay,
        &error,
        number,
        started.elapsed(),
        jitter(),
    ) {
        Decision::RetryAfter(delay) => {
            tracing::debug!(%error, attempt = number, delay_ms = delay.as_millis() as u64, "retrying");
            ControlFlow::Continue(delay)
        }
        Decision::Stop(stop) => {
            if let Some(why) = stop.explanation() {
                tracing::debug!(%error, attempt = number, "{why}");
            }
            ControlFlow::Break(Err(error))
        }
    }
}

/// A deadline for a timeout too long to add to an instant (what
/// `tokio::time::timeout` would fall back to): about 30 years.
const FAR_FUTURE: Duration = Duration::from_secs(86_400 * 365 * 30);

/// [`execute`] for the operations whose request is the service ID in the
/// path plus a JSON body: each attempt gets its own copy of the body, except
/// the last one the retry policy allows, which takes the original.
pub(crate) fn execute_with_body<'c, B, T, E, F, Fut>(
    client: &'c Client,
    op: Operation,
    options: &'c CallOptions,
    body: B,
    call: F,
) -> impl Future<Output = Result<Reply<T>, Error>> + use<'c, B, T, E, F, Fut>
where
    B: Clone,
    F: Fn(&'c authlete_generated::Client, &'c str, B) -> Fut,
    Fut: Future<Output = Attempt<T, E>>,
    T: DeserializeOwned,
    E: ErrorBody,
{
    let service_id = client.inner().service_id.as_str();
    let retry = policy(client, options);
    let mut made = 0;
    let mut body = Some(body);
    // No `async` wrapper around `call`'s future: it would hold that future
    // twice (as its capture and as what it awaits), doubling what is boxed
    // and copied on every attempt.
    execute_some(client, op, options, move |generated| {
        made += 1;
        let this_attempt = if retry.allows_after(made) {
            body.clone()
        } else {
            body.take()
        };
        this_attempt.map(|body| call(generated, service_id, body))
    })
}

/// One attempt, with whatever went wrong turned into the facade's error,
/// and the head of its response when there are observers to tell.
///
/// A plain function around an `async` block, not an `async fn`: the latter
/// keeps room for each argument twice (as the argument and as the local it
/// is moved to), in every call's future.
#[allow(clippy::manual_async_fn)] // the point: see above
fn attempt_once<'a, T: DeserializeOwned, E: ErrorBody>(
    inner: &'a Inner,
    op: Operation,
    number: u32,
    options: &'a CallOptions,
    attempt: impl Future<Output = Attempt<T, E>>,
) -> impl Future<Output = (Result<Reply<T>, Error>, Option<Observation>)> {
    async move {
        let authorization = match &inner.provider {
            // Boxed: only clients with a provider pay for its future's room.
            Some(provider) => match Box::pin(crate::credentials::fetch(provider.as_ref())).await {
                Ok(header) => Some(header),
                Err(error) => return (Err(error), None),
            },
            None => None,
        };
        let outgoing = Outgoing {
            authorization,
            prepare: prepare(inner, op, number, options),
            keep_headers: !inner.observers.is_empty(),
        };
        // The error path's future is made in this block and awaited after
        // it, so that the result (a decoded body, or the generated client's
        // error) is not kept in every call's future while that one runs.
        let failed = {
            let (result, mut observation) = observe_with(outgoing, attempt).await;
            match result {
                Ok(value) => {
                    let reply = Reply {
                        body: value.into_inner(),
                        // Noted by the hooks already: no second header lookup.
                        request_id: observation
                            .as_mut()
                            .and_then(Observation::observed_mut)
                            .and_then(|o| o.request_id.take()),
                    };
                    let observation = observation.filter(|_| !inner.observers.is_empty());
                    return (Ok(reply), observation);
                }
                // Boxed: the error path's futures (reading an unexpected
                // body) would otherwise make every call's future larger, and
                // it is copied.
                Err(error) => Box::pin(async move {
                    let observed = observation.as_ref().and_then(Observation::observed);
                    let error =
                        map_error(error, op, observed, inner.body_limit, explain_decode::<T>).await;
                    (error, observation)
                }),
            }
        };
        let (error, observation) = failed.await;
        let observation = observation.filter(|_| !inner.observers.is_empty());
        (Err(error), observation)
    }
}

/// What the hooks run on the attempt's request before `Authorization` is
/// set: the call's extra headers, then the observers. Nothing (and no
/// allocation) when there is neither.
fn prepare(inner: &Inner, op: Operation, number: u32, options: &CallOptions) -> Option<Prepare> {
    let headers = options.headers();
    if headers.is_none() && inner.observers.is_empty() {
        return None;
    }
    let headers = headers.cloned();
    let observers = inner.observers.clone();
    Some(Box::new(move |request: &mut reqwest::Request| {
        if let Some(headers) = headers {
            request.headers_mut().extend(headers);
        }
        let mut outgoing = OutgoingRequest {
            operation: op,
            attempt: number,
            request,
        };
        for observer in observers.iter() {
            observer.on_request(&mut outgoing);
        }
    }))
}

/// Tells the observers how an attempt ended.
fn notify<T>(
    inner: &Inner,
    op: Operation,
    number: u32,
    outcome: &Result<Reply<T>, Error>,
    observed: Option<&Observed>,
    elapsed: Duration,
) {
    let error = outcome.as_ref().err();
    let outcome = AttemptOutcome {
        operation: op,
        attempt: number,
        status: observed
            .map(|o| o.status)
            .or_else(|| error.and_then(Error::status)),
        headers: observed.and_then(|o| o.headers.as_ref()),
        elapsed,
        error,
    };
    for observer in inner.observers.iter() {
        observer.on_response(&outcome);
    }
}

fn header(headers: &HeaderMap, name: HeaderName) -> Option<String> {
    headers.get(name).and_then(text)
}

fn text(value: &HeaderValue) -> Option<String> {
    value.to_str().ok().map(str::to_owned)
}

fn retry_after(headers: &HeaderMap) -> Option<std::time::Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value, SystemTime::now())
}

fn is_json(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| {
        let essence = ct.split(';').next().unwrap_or_default().trim();
        essence.eq_ignore_ascii_case("application/json") || essence.ends_with("+json")
    })
}

/// Says why `bytes` do not decode into a `T`, without quoting them: decodes
/// them again, this time noting the field path (the error progenitor gives
/// has only a line and column), and builds the message from the path and
/// the parts of the decoder's error that cannot hold a value from the body.
///
/// Only ever run for a body that already failed to decode, so the second
/// pass costs nothing on the path that matters.
fn explain_decode<T: DeserializeOwned>(bytes: &[u8], original: serde_json::Error) -> String {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(error) => decode_message(Some(error.path()), error.inner()),
        // What `serde_json::from_slice` checks after the value.
        Ok(_) => match de.end() {
            Err(error) => decode_message(None, &error),
            // The second pass succeeded where the first failed: not
            // expected, but the first error is still safe to describe.
            Ok(()) => decode_message(None, &original),
        },
    }
}

/// Turns what progenitor reported into the facade's error.
///
/// `explain` says why the body of a success status did not decode (it knows
/// the operation's response type); error statuses carry a [`ResultBody`].
async fn map_error<E: ErrorBody>(
    error: GeneratedError<E>,
    op: Operation,
    observed: Option<&Observed>,
    body_limit: usize,
    explain: fn(&[u8], serde_json::Error) -> String,
) -> Error {
    match error {
        GeneratedError::ErrorResponse(value) => {
            let headers = value.headers().clone();
            let status = value.status();
            let (result_code, result_message) = value.into_inner().into_result();
            Error::Api {
                status,
                result_code,
                result_message,
                request_id: header(&headers, REQUEST_ID),
                retry_after: retry_after(&headers),
            }
        }
        GeneratedError::UnexpectedResponse(response) => unexpected(response, op, body_limit).await,
        GeneratedError::InvalidResponsePayload(bytes, decode_error) => {
            let status = observed.map_or(StatusCode::OK, |o| o.status);
            let content_type = observed
                .and_then(|o| o.content_type.as_ref())
                .and_then(text);
            let request_id = observed.and_then(|o| o.request_id.as_ref()).and_then(text);
            if status.is_success() || is_json(content_type.as_deref()) {
                let explain = if status.is_success() {
                    explain
                } else {
                    explain_decode::<E>
                };
                Error::Decode {
                    status,
                    message: explain(&bytes, decode_error),
                    snippet: snippet(&bytes),
                    request_id,
                }
            } else {
                Error::UnexpectedResponse {
                    status,
                    content_type,
                    snippet: snippet(&bytes),
                    request_id,
                    retry_after: None,
                }
            }
        }
        GeneratedError::CommunicationError(e)
        | GeneratedError::ResponseBodyError(e)
        | GeneratedError::InvalidUpgrade(e) => {
            Error::from_reqwest(e, op, observed.map(|o| o.status), body_limit)
        }
        GeneratedError::InvalidRequest(message) | GeneratedError::Custom(message) => {
            Error::InvalidRequest(message)
        }
    }
}

/// A status the spec does not list for the operation.
///
/// If it still carries Authlete's JSON `result` body (a 404 or 429 from
/// Authlete itself), it is reported as Authlete refusing the call;
/// otherwise as an unexpected response with what can safely be shown of its
/// body (see [`snippet`]: the shape of a JSON body, the start of any other).
pub(crate) async fn unexpected(
    mut response: reqwest::Response,
    op: Operation,
    body_limit: usize,
) -> Error {
    let status = response.status();
    let headers = response.headers().clone();
    let content_type = header(&headers, CONTENT_TYPE);
    let mut body = Vec::new();
    while body.len() < UNEXPECTED_BODY_LIMIT {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) => break,
            Err(e) => return Error::from_reqwest(e, op, Some(status), body_limit),
        }
    }
    if is_json(content_type.as_deref())
        && let Ok(result) = serde_json::from_slice::<ResultBody>(&body)
        && (result.result_code.is_some() || result.result_message.is_some())
    {
        return Error::Api {
            status,
            result_code: result.result_code,
            result_message: result.result_message,
            request_id: header(&headers, REQUEST_ID),
            retry_after: retry_after(&headers),
        };
    }
    Error::UnexpectedResponse {
        status,
        content_type,
        snippet: snippet(&body),
        request_id: header(&headers, REQUEST_ID),
        retry_after: retry_after(&headers),
    }
}

#[cfg(test)]
mod tests {
    /// What a caller boxes, spawns or joins per call. Its size depends on
    /// the request body's, which depends on serde_json's features (with
    /// `preserve_order`, which a workspace build turns on, the unknown-field
    /// map grows from 24 bytes to 72), and the future holds the body four
    /// times: twice as the builder (an `async fn` keeps its argument and the
    /// local it moves to) and twice in the call path, one of them the retry
    /// closure's. The rest was 616 bytes while `execute`'s loop kept the
    /// span twice and `attempt_once` and `observe_with` kept their arguments
    /// and the attempt's result twice, and 448 while the loop kept the
    /// attempt's outcome and error across the wait before a retry; it is
    /// 344 now. The layout is fixed before optimisation, so a debug build
    /// measures what a release build does.
    #[cfg(feature = "tokens")]
    #[test]
    fn a_token_fail_calls_future_stays_small() {
        let client = crate::Client::builder()
            .service_id("715948317")
            .access_token("token")
            .base_url("http://127.0.0.1:9")
            .allow_insecure_http(true)
            .build()
            .expect("client");
        let call = client
            .tokens()
            .fail("ticket", crate::TokenFailReason::Unknown)
            .send();
        let size = std::mem::size_of_val(&call);
        let body = std::mem::size_of::<authlete_generated::types::TokenFailRequest>();
        let rest = size.saturating_sub(4 * body);
        assert!(
            rest <= 400,
            "the token-fail call's future is {size} bytes, {rest} besides four copies of its \
             {body}-byte body, over 400: something in the call path keeps a value twice"
        );
    }
}
