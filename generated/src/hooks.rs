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
//!   sensitive so it never shows in `Debug` output, or the one the caller
//!   gives a single attempt (a token that rotates);
//! - let the caller adjust each attempt's request (extra headers, its
//!   observers) before `Authorization` is set, so that nothing it runs can
//!   read or replace the credentials;
//! - apply the caller's overall deadline, even on a caller-supplied
//!   `reqwest::Client`;
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

use progenitor_client::{ClientHooks, Error, OperationInfo, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};

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

/// Runs on one attempt's request just before it is sent; see [`Outgoing`].
pub type Prepare = Box<dyn FnOnce(&mut reqwest::Request) + Send>;

/// What the caller gives one attempt, applied by the hooks as its request
/// leaves: the default adds nothing.
#[derive(Default)]
pub struct Outgoing {
    /// Sent as `Authorization` instead of the context's (marked sensitive
    /// by the hooks before it is sent).
    pub authorization: Option<HeaderValue>,
    /// Runs on the request before `Authorization` is set.
    pub prepare: Option<Prepare>,
    /// Keep every response header in [`Observed::headers`].
    pub keep_headers: bool,
}

impl fmt::Debug for Outgoing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Outgoing")
            .field(
                "authorization",
                &self.authorization.as_ref().map(|_| "<redacted>"),
            )
            .field("prepare", &self.prepare.is_some())
            .field("keep_headers", &self.keep_headers)
            .finish()
    }
}

impl Outgoing {
    fn is_empty(&self) -> bool {
        self.authorization.is_none() && self.prepare.is_none() && !self.keep_headers
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
    /// Every response header, when the attempt asked for them
    /// ([`Outgoing::keep_headers`]).
    pub headers: Option<HeaderMap>,
}

/// One attempt's record: what goes out with it, what came back.
#[derive(Default)]
struct Record {
    outgoing: Outgoing,
    observed: Option<Observed>,
    /// Note the head of a success too (see [`note`]).
    every: bool,
}

/// What [`observe_with`] hands back: the head of the last response the
/// hooks saw, left in the box they wrote it into.
///
/// Boxed rather than an [`Observed`] by value: the caller passes it through
/// several layers of futures, and a pointer is cheaper to move than the head
/// (which may hold every response header).
pub struct Observation(Box<Record>);

impl Observation {
    /// The head of the response, if one arrived.
    pub fn observed(&self) -> Option<&Observed> {
        self.0.observed.as_ref()
    }

    /// The head of the response, to take parts of it.
    pub fn observed_mut(&mut self) -> Option<&mut Observed> {
        self.0.observed.as_mut()
    }
}

impl fmt::Debug for Observation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Observation")
            .field(&self.observed())
            .finish()
    }
}

std::thread_local! {
    // Thread-local, and lent to the hooks only while an observed call is
    // being polled (see [`Observing`]): every call gets its own record
    // without a per-call allocation or a per-call generated client. Boxed:
    // it is swapped in and out on every poll, and a pointer is cheaper to
    // swap than the record itself. Created only when there is something to
    // apply or to note, so a plain attempt that succeeds allocates nothing.
    static RECORD: Cell<Lent> = const { Cell::new(Lent::Outside) };
}

/// What the hooks find on the thread that polls them.
#[derive(Default)]
enum Lent {
    /// No observed call is being polled here: nothing to apply or note.
    #[default]
    Outside,
    /// An observed call is being polled, with its record if it has one yet.
    Inside(Option<Box<Record>>),
}

/// Runs `f` on the record lent to this thread, if an observed call is
/// being polled here; a record `f` leaves in place stays lent.
fn with_lent<R>(f: impl FnOnce(&mut Option<Box<Record>>) -> R) -> Option<R> {
    RECORD
        .try_with(|cell| match cell.take() {
            Lent::Inside(mut record) => {
                let result = f(&mut record);
                cell.set(Lent::Inside(record));
                Some(result)
            }
            Lent::Outside => None,
        })
        .ok()
        .flatten()
}

/// A record lent to this thread for one poll; dropping it, on a panic
/// too, puts back whatever was lent before (a call observed inside
/// another).
struct Lending(Option<Lent>);

impl Lending {
    fn start(record: Option<Box<Record>>) -> Self {
        Lending(
            RECORD
                .try_with(|cell| cell.replace(Lent::Inside(record)))
                .ok(),
        )
    }

    /// Ends the loan and hands back the record, as the hooks left it.
    fn finish(mut self) -> Option<Box<Record>> {
        let outer = self.0.take()?;
        match RECORD.try_with(|cell| cell.replace(outer)) {
            Ok(Lent::Inside(record)) => record,
            _ => None,
        }
    }
}

impl Drop for Lending {
    fn drop(&mut self) {
        if let Some(outer) = self.0.take() {
            let _ = RECORD.try_with(|cell| cell.set(outer));
        }
    }
}

/// One attempt's record, lent to the hooks while the caller polls the
/// attempt's call through [`Recording::poll`]: for a caller that drives the
/// call inside a future of its own rather than awaiting [`observe_with`].
///
/// Boxed inside, and made only when there is something to apply
/// ([`Outgoing`]) or once the hooks note a response, so a plain attempt
/// that succeeds allocates nothing.
pub struct Recording(Option<Box<Record>>);

impl Recording {
    /// A record that applies `outgoing` to the request the call sends.
    ///
    /// It notes the head of a response that is not a success, and of a
    /// success whose body did not decode; the head of a decoded success is
    /// in its [`ResponseValue`], so it is noted only when
    /// [`Outgoing::keep_headers`] asks for every header.
    pub fn new(outgoing: Outgoing) -> Self {
        Recording((!outgoing.is_empty()).then(|| {
            Box::new(Record {
                every: outgoing.keep_headers,
                outgoing,
                observed: None,
            })
        }))
    }

    /// Polls `call` with this record lent to the hooks; dropping the loan,
    /// on a panic too, puts back whatever was lent before (a call observed
    /// inside another).
    pub fn poll<F: Future>(
        &mut self,
        call: std::pin::Pin<&mut F>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<F::Output> {
        let lending = Lending::start(self.0.take());
        let polled = call.poll(cx);
        self.0 = lending.finish();
        polled
    }

    /// The head of the response the hooks noted, if one arrived; the record
    /// is empty afterwards.
    pub fn finish(&mut self) -> Option<Observation> {
        self.0
            .take()
            .filter(|record| record.observed.is_some())
            .map(Observation)
    }
}

impl fmt::Debug for Recording {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Recording")
            .field(&self.0.as_ref().and_then(|r| r.observed.as_ref()))
            .finish()
    }
}

pin_project_lite::pin_project! {
    /// `call` with its record lent to the hooks while it is polled; see
    /// [`observe_with`].
    struct Observing<F> {
        #[pin]
        call: F,
        recording: Recording,
    }
}

impl<F: Future> Future for Observing<F> {
    type Output = (F::Output, Option<Observation>);

    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let this = self.project();
        let output = std::task::ready!(this.recording.poll(this.call, cx));
        std::task::Poll::Ready((output, this.recording.finish()))
    }
}

/// Runs `call` and returns its output together with the head of the last
/// response the hooks saw while it ran (`None` if no response arrived).
///
/// Each `observe` has its own record, so concurrent calls through one
/// client never see each other's responses. Outside `observe` the hooks
/// note nothing.
pub async fn observe<F: Future>(call: F) -> (F::Output, Option<Observed>) {
    let (output, observation) = observe_with(Outgoing::default(), call).await;
    (output, observation.and_then(|o| o.0.observed))
}

/// [`observe`], with `outgoing` applied to the request `call` sends; the
/// head comes back boxed ([`Observation`]), `None` if there is nothing in it.
pub fn observe_with<F: Future>(
    outgoing: Outgoing,
    call: F,
) -> impl Future<Output = (F::Output, Option<Observation>)> {
    // Made now, and marked to note every response: what `observe` promises.
    Observing {
        call,
        recording: Recording(Some(Box::new(Record {
            outgoing,
            observed: None,
            every: true,
        }))),
    }
}

/// Reads a JSON response into a [`ResponseValue`]: what progenitor's
/// `ResponseValue::from_response` does, except that the headers are moved
/// out of the response rather than copied (reading the body does not need
/// them). `cargo xtask generate` makes every operation call this instead.
///
/// A plain function around `poll_fn` rather than an `async fn`: an `async`
/// body keeps room for the response both as its argument and as what it
/// moved into the body's future (944 bytes, where this is 264), and
/// every operation's future is built around the largest thing it awaits.
pub fn decode<T: serde::de::DeserializeOwned, E>(
    response: reqwest::Response,
) -> impl Future<Output = Result<ResponseValue<T>, Error<E>>> {
    let (parts, body) = http::Response::from(response).into_parts();
    let mut head = Some((parts.status, parts.headers));
    let mut collect = http_body_util::BodyExt::collect(body);
    std::future::poll_fn(move |cx| {
        let collected = std::task::ready!(std::pin::Pin::new(&mut collect).poll(cx));
        // Taken once: a future is not polled again after it is ready.
        let (status, headers) = head.take().unwrap_or_default();
        // Either error loses the head, which `post` does not note for a
        // success: note it here.
        let full = match collected {
            Ok(collected) => collected.to_bytes(),
            Err(error) => {
                note(status, &headers, true);
                return std::task::Poll::Ready(Err(Error::ResponseBodyError(error)));
            }
        };
        match serde_json::from_slice(&full) {
            Ok(inner) => std::task::Poll::Ready(Ok(ResponseValue::new(inner, status, headers))),
            Err(error) => {
                note(status, &headers, true);
                std::task::Poll::Ready(Err(Error::InvalidResponsePayload(full, error)))
            }
        }
    })
}

/// A path parameter as it goes into a request's URL: percent-encoded as
/// progenitor's `encode_path` does, but written straight into the URL being
/// formatted rather than into a `String` of its own first (and from the
/// parameter itself, not from a copy of it). `cargo xtask generate` makes
/// every operation call this instead.
pub fn path_segment(segment: &str) -> impl fmt::Display + '_ {
    percent_encoding::utf8_percent_encode(segment, PATH_SET)
}

/// What progenitor's `encode_path` encodes (its set is private to
/// `progenitor_client`; a test holds the two to the same output).
const PATH_SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%');

/// Sends one operation's request through the hooks (`pre`, `exec`, `post`)
/// and gives back the raw response: what progenitor writes inline in every
/// `send`. `cargo xtask generate` makes every operation call this instead.
///
/// A future of its own rather than inline: inline, the request, its
/// `OperationInfo` and the raw result each kept a room of their own in the
/// operation's future for as long as it lived, beside the body being read
/// (1,072 bytes for the token-fail call, above the 1,032 that glibc's
/// per-thread cache serves); here they share that room with the body's
/// future, which only comes after (768 bytes).
///
/// A plain function around an `async move` block rather than an `async fn`:
/// an `async fn` copies its arguments into locals of its own, so its future
/// kept room for the request twice.
#[allow(clippy::manual_async_fn)]
pub fn round_trip<E>(
    client: &crate::Client,
    mut request: reqwest::Request,
    info: OperationInfo,
) -> impl Future<Output = Result<reqwest::Response, Error<E>>> + '_ {
    async move {
        client.pre(&mut request, &info).await?;
        let result = client.exec(request, &info).await;
        client.post(&result, &info).await?;
        Ok(result?)
    }
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

/// Notes a response's head in the record lent to this thread, if an
/// observed call is being polled here (outside one there is nowhere to note
/// it; that is fine).
///
/// A success is noted only for a record that asks for every response
/// ([`observe_with`], [`Outgoing::keep_headers`]) or when its body did not
/// decode (`undecodable`): a decoded success carries its head in its
/// [`ResponseValue`], and noting it would cost every call an allocation.
fn note(status: StatusCode, headers: &HeaderMap, undecodable: bool) {
    with_lent(|record| {
        let every = record.as_ref().is_some_and(|record| record.every);
        if status.is_success() && !undecodable && !every {
            return;
        }
        let record = record.get_or_insert_with(Box::default);
        record.observed = Some(Observed {
            status,
            // What a success claims to be does not change how it is
            // reported, so only an error's content type is looked up.
            content_type: if status.is_success() {
                None
            } else {
                headers.get(CONTENT_TYPE).cloned()
            },
            request_id: headers.get(REQUEST_ID_HEADER).cloned(),
            headers: record.outgoing.keep_headers.then(|| headers.clone()),
        });
    });
}

impl ClientHooks<CallContext> for crate::Client {
    // A plain function around a small `async` block rather than an
    // `async fn`: the request is moved into reqwest's (boxed) future here,
    // not kept as an argument in this future's room, which the operation's
    // future holds while it waits for the response.
    fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
        let pending = self.client.execute(request);
        let limit = self.inner.body_limit;
        async move {
            let response = pending.await?;
            let Some(limit) = limit else {
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
    }

    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        // What this attempt brings, if anything; outside `observe_with`, nothing.
        let (prepare, authorization) = with_lent(|record| {
            record.as_mut().map(|record| {
                (
                    record.outgoing.prepare.take(),
                    record.outgoing.authorization.take(),
                )
            })
        })
        .flatten()
        .unwrap_or_default();
        if let Some(prepare) = prepare {
            prepare(request);
        }
        // Last, so that nothing `prepare` runs can read or replace it.
        let authorization = authorization.or_else(|| self.inner.authorization.clone());
        if let Some(mut authorization) = authorization {
            authorization.set_sensitive(true);
            request.headers_mut().insert(AUTHORIZATION, authorization);
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
            note(response.status(), response.headers(), false);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    //! The record's loan: what the hooks find while an observed call is
    //! polled, and after.

    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    use super::*;

    /// What the `post` hook does with a response of `status`; `None` if no
    /// record was lent to note it in.
    fn note(status: u16) -> Option<()> {
        with_lent(|_| ())?;
        super::note(code(status), &HeaderMap::new(), false);
        Some(())
    }

    fn code(status: u16) -> StatusCode {
        StatusCode::from_u16(status).expect("status")
    }

    fn poll_once<F: Future>(future: std::pin::Pin<&mut F>) -> Poll<F::Output> {
        future.poll(&mut Context::from_waker(Waker::noop()))
    }

    fn status(observation: Option<Observation>) -> Option<u16> {
        observation?.observed().map(|o| o.status.as_u16())
    }

    #[test]
    fn the_hooks_note_nothing_outside_an_observed_call() {
        assert_eq!(note(200), None);
        // Nor does the attempt leave anything behind for a later one.
        let mut call = pin!(observe_with(Outgoing::default(), std::future::ready(())));
        assert!(matches!(poll_once(call.as_mut()), Poll::Ready(((), None))));
    }

    #[test]
    fn a_call_gets_back_what_the_hooks_noted_over_several_polls() {
        let mut polls = 0;
        let call = std::future::poll_fn(|_| {
            polls += 1;
            if polls == 1 {
                return Poll::Pending;
            }
            note(201).expect("lent while polled");
            Poll::Ready(polls)
        });
        let mut observed = pin!(observe_with(Outgoing::default(), call));
        assert!(poll_once(observed.as_mut()).is_pending());
        // Between polls the record is with the call, not the thread.
        assert_eq!(note(500), None);
        let Poll::Ready((polls, observation)) = poll_once(observed.as_mut()) else {
            panic!("the call ended");
        };
        assert_eq!((polls, status(observation)), (2, Some(201)));
    }

    #[test]
    fn a_call_observed_inside_another_leaves_the_outer_record_in_place() {
        let call = std::future::poll_fn(|_| {
            note(200).expect("outer record lent");
            let mut inner = pin!(observe_with(
                Outgoing::default(),
                std::future::poll_fn(|_| {
                    note(404).expect("inner record lent");
                    Poll::Ready(())
                })
            ));
            let Poll::Ready(((), inner)) = poll_once(inner.as_mut()) else {
                panic!("the inner call ended");
            };
            // The outer call's record is lent again once the inner one ends.
            assert!(with_lent(|record| record.is_some()).expect("outer lent"));
            Poll::Ready(status(inner))
        });
        let mut outer = pin!(observe_with(Outgoing::default(), call));
        let Poll::Ready((inner, outer)) = poll_once(outer.as_mut()) else {
            panic!("the outer call ended");
        };
        assert_eq!((inner, status(outer)), (Some(404), Some(200)));
    }

    #[test]
    fn a_call_that_panics_while_polled_gives_the_thread_back() {
        let panicked = std::panic::catch_unwind(|| {
            let mut call = pin!(observe_with(
                Outgoing::default(),
                std::future::poll_fn(|_| -> Poll<()> {
                    note(200).expect("lent");
                    panic!("the call failed");
                })
            ));
            let _ = poll_once(call.as_mut());
        });
        assert!(panicked.is_err());
        assert_eq!(note(200), None, "no record stays lent after the panic");
    }

    /// What `recording` ends with after a call during which the hooks saw
    /// a response of `status` (`undecodable`: its body did not decode).
    fn recorded(mut recording: Recording, status: u16, undecodable: bool) -> Option<Observed> {
        let mut call = pin!(std::future::poll_fn(|_| {
            let mut headers = HeaderMap::new();
            headers.insert(REQUEST_ID_HEADER, HeaderValue::from_static("r-1"));
            super::note(code(status), &headers, undecodable);
            Poll::Ready(())
        }));
        let polled = recording.poll(call.as_mut(), &mut Context::from_waker(Waker::noop()));
        assert!(polled.is_ready());
        recording.finish().and_then(|o| o.0.observed)
    }

    #[test]
    fn a_recording_notes_errors_and_undecodable_successes_but_not_a_decoded_success() {
        for (status, undecodable, noted) in [
            (200, false, false),
            (204, false, false),
            (200, true, true),
            (404, false, true),
            (503, false, true),
        ] {
            let observed = recorded(Recording::new(Outgoing::default()), status, undecodable);
            assert_eq!(
                observed.as_ref().map(|o| o.status.as_u16()),
                noted.then_some(status),
                "status {status}, undecodable {undecodable}"
            );
            if let Some(observed) = observed {
                assert_eq!(observed.request_id, Some(HeaderValue::from_static("r-1")));
                assert_eq!(observed.headers, None, "headers kept only when asked for");
            }
        }
    }

    #[test]
    fn a_recording_that_keeps_headers_notes_a_success_with_them() {
        let keep = Outgoing {
            keep_headers: true,
            ..Outgoing::default()
        };
        let observed = recorded(Recording::new(keep), 200, false).expect("noted");
        assert_eq!(observed.status, StatusCode::OK);
        let headers = observed.headers.expect("kept");
        assert_eq!(headers.get(REQUEST_ID_HEADER).expect("kept"), "r-1");
    }

    #[test]
    fn decode_notes_the_head_of_a_success_whose_body_does_not_decode() {
        let response = http::Response::builder()
            .status(200)
            .header(REQUEST_ID_HEADER, "r-2")
            .body(reqwest::Body::from("not json"))
            .expect("response");
        let mut recording = Recording::new(Outgoing::default());
        let mut decoding = pin!(decode::<u32, ()>(reqwest::Response::from(response)));
        let polled = recording.poll(decoding.as_mut(), &mut Context::from_waker(Waker::noop()));
        assert!(
            matches!(polled, Poll::Ready(Err(Error::InvalidResponsePayload(..)))),
            "{polled:?}"
        );
        let observed = recording
            .finish()
            .and_then(|o| o.0.observed)
            .expect("noted");
        assert_eq!(observed.status, StatusCode::OK);
        assert_eq!(observed.request_id, Some(HeaderValue::from_static("r-2")));
    }

    #[test]
    fn a_path_segment_is_encoded_as_progenitor_encodes_it() {
        let ascii: String = (0u8..128).map(char::from).collect();
        for segment in [
            "715948317",
            "client id/with?odd#chars",
            "50%{x}`<y>\"",
            "ünïcødé ✓",
            ascii.as_str(),
        ] {
            assert_eq!(
                path_segment(segment).to_string(),
                progenitor_client::encode_path(segment),
                "{segment:?}"
            );
        }
    }
}
