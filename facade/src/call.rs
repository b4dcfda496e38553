//! Running one operation: attempts, retries, tracing, and turning whatever
//! happened into a value or an [`Error`].
//!
//! Every facade operation goes through [`execute`] with a closure that makes
//! one attempt on the client's generated client. The call is one future,
//! [`Calling`]: each attempt is polled with its own [`Recording`] lent to
//! the hooks, so the status, content type and `Request-Id` the hooks saw
//! belong to that attempt and no other concurrent call, and inside its
//! deadline (the call's [`CallOptions`] or the client's), which covers
//! everything from asking a token provider to reading the last byte of an
//! error body. The call's options and the client's observers and token
//! provider reach the request through [`Outgoing`], which the hooks apply.

use std::future::Future;
use std::marker::PhantomData;
use std::ops::ControlFlow;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::{Duration, SystemTime};

use authlete_generated::hooks::{
    Observation, Observed, Outgoing, Prepare, REQUEST_ID_HEADER as REQUEST_ID, Recording,
};
use authlete_generated::types::ResultBody;
use authlete_generated::{Error as GeneratedError, ResponseValue};
use http::{HeaderName, HeaderValue, StatusCode};
use reqwest::header::{CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use serde::de::DeserializeOwned;
use tracing::field::Empty;

use crate::client::{Client, Inner};
use crate::credentials::ServiceTokenProvider;
use crate::deadline::Deadline;
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
    E: ErrorBody + Send + 'c,
{
    execute_some(client, op, options, move |generated| {
        Some(attempt(generated))
    })
}

/// [`execute`], for an `attempt` that may have nothing to send (`None`).
fn execute_some<'c, T, E, F, Fut>(
    client: &'c Client,
    op: Operation,
    options: &'c CallOptions,
    attempt: F,
) -> Calling<'c, T, E, F, Fut>
where
    F: FnMut(&'c authlete_generated::Client) -> Option<Fut>,
    Fut: Future<Output = Attempt<T, E>>,
{
    let inner = client.inner();
    let span = tracing::info_span!(
        "authlete.call",
        operation = op.id,
        attempt = Empty,
        status = Empty,
        request_id = Empty,
        elapsed_ms = Empty,
    );
    Calling {
        span,
        call: None,
        attempts: Attempts {
            inner,
            op,
            options,
            retry: policy(client, options),
            timeout: options.timeout_override().unwrap_or(inner.timeout),
            started: None,
            number: 0,
            attempt,
            stage: Stage::Start,
            deadline: None,
            output: PhantomData,
        },
    }
}

pin_project_lite::pin_project! {
    /// A call in progress: its attempts, each inside its deadline and with its
    /// record lent to the hooks, all inside the call's span.
    ///
    /// One hand-written future rather than `async` layers (the loop, the
    /// deadline, the observation, the span, each awaiting the next): each layer
    /// had a poll of its own and moved the attempt's outcome up through every
    /// one of them, and the code a call runs is most of what it costs one call
    /// at a time (BENCHMARKS.md, issue 18.7).
    pub(crate) struct Calling<'c, T, E, F, Fut> {
        // Entered while the call is polled; recorded into only when enabled.
        span: tracing::Span,
        // The current attempt's generated future, in place: boxed, it cost
        // every attempt an allocation of most of a KiB and its free, which
        // with 64 calls in flight was about a point of calls per second
        // (BENCHMARKS.md, issue 18.7).
        #[pin]
        call: Option<Fut>,
        attempts: Attempts<'c, T, E, F, Fut>,
    }
}

/// A call's state apart from its span, which is entered while this is
/// polled.
struct Attempts<'c, T, E, F, Fut> {
    inner: &'c Inner,
    op: Operation,
    options: &'c CallOptions,
    retry: &'c RetryPolicy,
    /// Each attempt's.
    timeout: Duration,
    /// When the first attempt started and when the current one did: the
    /// one clock read of a call that ends at its first attempt. Tokio's
    /// clock, as the deadline's timer uses.
    started: Option<(tokio::time::Instant, tokio::time::Instant)>,
    /// The current attempt's number, from 1.
    number: u32,
    /// Makes each attempt's request.
    attempt: F,
    stage: Stage<'c>,
    /// The current attempt's; dropped (unlisted) as the attempt ends.
    deadline: Option<Deadline<'c>>,
    output: Outputs<T, E, Fut>,
}

/// The types a call's attempts produce, which its state does not hold:
/// `Fut` is [`Calling`]'s, apart.
type Outputs<T, E, Fut> = PhantomData<fn() -> (T, E, Fut)>;

/// What a failed attempt's error and observation come to once its body,
/// if any, is read.
type Failing<'c> = Pin<Box<dyn Future<Output = (Error, Option<Observation>)> + Send + 'c>>;

/// Where a call stands. The attempt's generated future is not here but in
/// [`Calling`], pinned where it was made: it is most of a KiB (768 bytes
/// for the token-fail call), and the states would move it.
enum Stage<'c> {
    /// The next poll starts an attempt.
    Start,
    /// Asking the token provider for the attempt's `Authorization`. Boxed:
    /// only clients with a provider pay for its room.
    Credentials(Pin<Box<dyn Future<Output = Result<HeaderValue, Error>> + Send + 'c>>),
    /// The attempt's request is out, or on its way.
    Sending(Recording),
    /// The attempt failed; its error is being explained (which may read an
    /// unexpected body). Boxed, so that every call does not carry the
    /// error path's room.
    Failing(Failing<'c>),
    /// Waiting before the next attempt. Boxed: a timer kept in every call
    /// for the rare retry would be copied with it.
    Pausing(Pin<Box<tokio::time::Sleep>>),
    /// The call's result was handed back.
    Done,
}

// Nothing in a call's state is pinned in place (the attempt's future is
// `Calling`'s, apart): `attempt` is only ever called through `&mut`.
impl<T, E, F, Fut> Unpin for Attempts<'_, T, E, F, Fut> {}

impl<'c, T, E, F, Fut> Future for Calling<'c, T, E, F, Fut>
where
    F: FnMut(&'c authlete_generated::Client) -> Option<Fut>,
    Fut: Future<Output = Attempt<T, E>>,
    T: DeserializeOwned,
    E: ErrorBody + Send + 'c,
{
    type Output = Result<Reply<T>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let (span, attempts, mut call) = (this.span, this.attempts, this.call);
        let _entered = span.enter();
        let recorder = (!span.is_disabled()).then_some(&*span);
        loop {
            if let Stage::Pausing(pause) = &mut attempts.stage {
                ready!(pause.as_mut().poll(cx));
                attempts.stage = Stage::Start;
            }
            let (outcome, observation) = ready!(attempts.poll_attempt(call.as_mut(), recorder, cx));
            call.set(None);
            attempts.stage = Stage::Start;
            attempts.deadline = None;
            let times = attempts.started.unwrap_or_else(|| {
                let now = tokio::time::Instant::now();
                (now, now)
            });
            if recorder.is_some() || !attempts.inner.observers.is_empty() {
                tell(
                    attempts.inner,
                    attempts.op,
                    recorder,
                    attempts.number,
                    times,
                    outcome.as_ref().map(|reply| reply.request_id.as_ref()),
                    observation.as_ref().and_then(Observation::observed),
                );
            }
            // A success goes straight out: each move of the reply is a copy
            // of some 160 bytes (BENCHMARKS.md, issue 18.7).
            let error = match outcome {
                Ok(reply) => {
                    attempts.stage = Stage::Done;
                    return Poll::Ready(Ok(reply));
                }
                Err(error) => error,
            };
            match next(attempts.retry, attempts.op, attempts.number, times.0, error) {
                ControlFlow::Break(error) => {
                    attempts.stage = Stage::Done;
                    return Poll::Ready(Err(error));
                }
                ControlFlow::Continue(delay) => {
                    attempts.stage = Stage::Pausing(Box::pin(tokio::time::sleep(delay)));
                }
            }
        }
    }
}

impl<'c, T, E, F, Fut> Attempts<'c, T, E, F, Fut>
where
    F: FnMut(&'c authlete_generated::Client) -> Option<Fut>,
    Fut: Future<Output = Attempt<T, E>>,
    T: DeserializeOwned,
    E: ErrorBody + Send + 'c,
{
    /// Drives the current attempt (starting one if none is under way) until
    /// it ends: `Ready` with its outcome and the head of its response, if the
    /// hooks noted one (an error's, or every one when there are observers).
    fn poll_attempt(
        &mut self,
        mut call: Pin<&mut Option<Fut>>,
        recorder: Option<&tracing::Span>,
        cx: &mut Context<'_>,
    ) -> Poll<Outcome<T>> {
        let inner = self.inner;
        loop {
            match &mut self.stage {
                Stage::Start => match (self.attempt)(&inner.generated) {
                    Some(attempt) => {
                        call.set(Some(attempt));
                        self.start(recorder);
                    }
                    // `execute_with_body` never runs out of bodies before
                    // the policy runs out of attempts.
                    None => return internal("more attempts than the retry policy allows"),
                },
                Stage::Credentials(fetch) => match fetch.as_mut().poll(cx) {
                    Poll::Pending => break,
                    Poll::Ready(Ok(authorization)) => {
                        self.stage = self.sending(Some(authorization));
                    }
                    Poll::Ready(Err(error)) => return Poll::Ready((Err(error), None)),
                },
                Stage::Sending(recording) => match call.as_mut().as_pin_mut() {
                    // Set as the attempt starts, before this stage.
                    None => return internal("an attempt was sent without its request"),
                    Some(attempt) => match recording.poll(attempt, cx) {
                        Poll::Pending => break,
                        Poll::Ready(Ok(value)) => {
                            // Noted by the hooks only when there are observers.
                            let observation = recording.finish();
                            let reply = Reply {
                                request_id: value.headers().get(REQUEST_ID).cloned(),
                                body: value.into_inner(),
                            };
                            return Poll::Ready((Ok(reply), observation));
                        }
                        Poll::Ready(Err(error)) => {
                            let observation = recording.finish();
                            self.stage =
                                Stage::Failing(failing::<T, E>(error, observation, inner, self.op));
                        }
                    },
                },
                Stage::Failing(failing) => match failing.as_mut().poll(cx) {
                    Poll::Pending => break,
                    // `tell` reads the observation only for observers.
                    Poll::Ready((error, observation)) => {
                        return Poll::Ready((Err(error), observation));
                    }
                },
                Stage::Pausing(_) | Stage::Done => {
                    return internal("a call was polled after it ended");
                }
            }
        }
        // The attempt waits: so does its deadline.
        match self
            .deadline
            .as_mut()
            .map(|deadline| deadline.poll_passed(cx))
        {
            Some(Poll::Ready(())) => Poll::Ready((
                Err(Error::Timeout {
                    operation: self.op,
                    deadline: Some(self.timeout),
                }),
                None,
            )),
            _ => Poll::Pending,
        }
    }

    /// Starts an attempt whose request was just made: its number, its
    /// deadline, and what it waits for first.
    fn start(&mut self, recorder: Option<&tracing::Span>) {
        let now = tokio::time::Instant::now();
        let started = self.started.map_or(now, |(first, _)| first);
        self.started = Some((started, now));
        self.number += 1;
        if let Some(span) = recorder {
            span.record("attempt", self.number);
        }
        // The deadline is kept here rather than in reqwest so that it holds
        // for a caller-supplied `reqwest::Client` too and covers asking the
        // token provider and reading an error body; the client's one timer
        // serves every attempt (`deadline`).
        let at = now.checked_add(self.timeout).unwrap_or(now + FAR_FUTURE);
        self.deadline = Some(self.inner.clock.deadline(at));
        let inner = self.inner;
        self.stage = match &inner.provider {
            Some(provider) => asking(provider.as_ref()),
            None => self.sending(None),
        };
    }

    /// The attempt's request on its way, with what the hooks apply to it:
    /// `authorization` from the provider, the call's extra headers and the
    /// observers.
    fn sending(&self, authorization: Option<HeaderValue>) -> Stage<'c> {
        let inner = self.inner;
        Stage::Sending(Recording::new(Outgoing {
            authorization,
            prepare: prepare(inner, self.op, self.number, self.options),
            keep_headers: !inner.observers.is_empty(),
        }))
    }
}

/// Asking the token provider for an attempt's `Authorization`. Never
/// inlined, for the reason [`tell`] gives: only clients with a provider
/// run it.
#[inline(never)]
fn asking(provider: &dyn ServiceTokenProvider) -> Stage<'_> {
    Stage::Credentials(Box::pin(crate::credentials::fetch(provider)))
}

/// How an attempt ended, and the head of its response if the hooks noted
/// one.
type Outcome<T> = (Result<Reply<T>, Error>, Option<Observation>);

/// An attempt ended by a state the call should never be in: an error for
/// the caller rather than a panic.
#[cold]
#[inline(never)]
fn internal<T>(what: &str) -> Poll<Outcome<T>> {
    Poll::Ready((
        Err(Error::InvalidRequest(format!("internal error: {what}"))),
        None,
    ))
}

/// The failed attempt's error turned into the facade's, with its
/// observation kept for the observers. Never inlined, for the reason
/// [`tell`] gives: a call that succeeds runs none of it.
#[inline(never)]
fn failing<'c, T: DeserializeOwned, E: ErrorBody + Send + 'c>(
    error: GeneratedError<E>,
    observation: Option<Observation>,
    inner: &'c Inner,
    op: Operation,
) -> Failing<'c> {
    Box::pin(async move {
        let observed = observation.as_ref().and_then(Observation::observed);
        let error = map_error(error, op, observed, inner.body_limit, explain_decode::<T>).await;
        (error, observation)
    })
}

/// Tells the span and the observers how an attempt ended.
///
/// Never inlined, like [`next`]: a call that succeeds with nobody watching
/// runs none of this, and keeping it out of the call's own code keeps that
/// code to fewer cache lines, which is most of what a call costs one at a
/// time (BENCHMARKS.md, issue 18.7).
#[inline(never)]
fn tell(
    inner: &Inner,
    op: Operation,
    recorder: Option<&tracing::Span>,
    number: u32,
    (started, attempt_started): (tokio::time::Instant, tokio::time::Instant),
    outcome: Result<Option<&HeaderValue>, &Error>,
    observed: Option<&Observed>,
) {
    if let Some(span) = recorder {
        span.record("elapsed_ms", started.elapsed().as_millis() as u64);
    }
    if !inner.observers.is_empty() {
        notify(
            inner,
            op,
            number,
            outcome.err(),
            observed,
            attempt_started.elapsed(),
        );
    }
    let Some(span) = recorder else {
        return;
    };
    match outcome {
        Ok(request_id) => {
            if let Some(id) = request_id.and_then(|v| v.to_str().ok()) {
                span.record("request_id", id);
            }
            span.record("status", "ok");
        }
        Err(error) => {
            if let Some(status) = error.status() {
                span.record("status", status.as_u16());
            }
            if let Some(id) = error.request_id() {
                span.record("request_id", id);
            }
        }
    }
}

/// Whether a failed attempt is tried again, and after what delay
/// (`Continue`), or its error is the call's (`Break`). Never inlined, for
/// the reason [`tell`] gives.
#[inline(never)]
fn next(
    retry: &RetryPolicy,
    op: Operation,
    number: u32,
    started: tokio::time::Instant,
    error: Error,
) -> ControlFlow<Error, Duration> {
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
            ControlFlow::Break(error)
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
    E: ErrorBody + Send + 'c,
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
fn notify(
    inner: &Inner,
    op: Operation,
    number: u32,
    error: Option<&Error>,
    observed: Option<&Observed>,
    elapsed: Duration,
) {
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
    /// closure's. It holds the generated client's future for the attempt in
    /// place too (768 bytes for this call), rather than boxing it per
    /// attempt. The rest was 616 bytes while `execute`'s loop kept the
    /// span twice and `attempt_once` and `observe_with` kept their arguments
    /// and the attempt's result twice, and 448 while the loop kept the
    /// attempt's outcome and error across the wait before a retry, and 344
    /// while the loop, the deadline and the observation were `async` layers
    /// each awaiting the next; one hand-written future (`Calling`) makes it
    /// 232. The layout is fixed before optimisation, so a debug build
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
        let attempt = std::mem::size_of_val(
            &client
                .inner()
                .generated
                .auth_token_fail_api()
                .service_id("715948317")
                .body(authlete_generated::types::TokenFailRequest {
                    reason: crate::TokenFailReason::Unknown,
                    ticket: "ticket".into(),
                    extra: Default::default(),
                })
                .send(),
        );
        let rest = size.saturating_sub(4 * body + attempt);
        assert!(
            rest <= 280,
            "the token-fail call's future is {size} bytes, {rest} besides four copies of its \
             {body}-byte body and the {attempt}-byte attempt, over 280: something in the call \
             path keeps a value twice"
        );
    }
}
