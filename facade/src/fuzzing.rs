//! Entry points for `fuzz/` (feature `fuzzing`): everything the SDK does with
//! bytes that come back from the network, reachable without a network.
//!
//! Not a public API; it exists so that the fuzz targets exercise the same
//! code paths as real calls.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// Statuses the fuzzer picks from (the documented ones and common faults).
const STATUSES: [u16; 11] = [200, 204, 302, 400, 401, 403, 404, 429, 500, 502, 503];

/// Feeds `input` to the response decoders of every operation.
///
/// Layout: byte 0 picks the operation, byte 1 the status; the rest is
/// `headers NUL body`, headers as `name: value` lines.
pub fn decode(input: &[u8]) {
    let [op, status, rest @ ..] = input else {
        return;
    };
    let status = STATUSES[usize::from(*status) % STATUSES.len()];
    let (head, body) = match rest.iter().position(|b| *b == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (&[][..], rest),
    };
    let mut response = http::Response::new(body.to_vec());
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK);
    for line in head.split(|b| *b == b'\n') {
        let Some(colon) = line.iter().position(|b| *b == b':') else {
            continue;
        };
        let (name, value) = (&line[..colon], &line[colon + 1..]);
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name),
            http::HeaderValue::from_bytes(value.trim_ascii()),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    if let Some(value) = response.headers().get(http::header::RETRY_AFTER)
        && let Ok(text) = value.to_str()
    {
        let _ = crate::retry::parse_retry_after(text, std::time::SystemTime::now());
    }

    if response.status().is_success() {
        decode_success(*op, body);
    } else {
        let error = block_on(crate::call::unexpected(
            reqwest::Response::from(response),
            &crate::operations::tokens::FAIL,
            64 * 1024,
        ));
        let _ = (
            error.to_string(),
            error.status(),
            error.is_retryable(),
            error.retry_after(),
        );
    }
}

/// Every operation's success decoding, picked from the operation table.
fn decode_success(op: u8, body: &[u8]) {
    let all = crate::operations::ALL;
    if let Some(operation) = all.get(usize::from(op) % all.len().max(1)) {
        let _ = crate::operations::exercise(operation.id, body);
    }
}

/// Runs a future whose I/O is all in memory (a `reqwest::Response` built
/// from bytes) to completion on this thread.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(value) = future.as_mut().poll(&mut context) {
            return value;
        }
    }
}

/// Decodes `body` as the success response of operation `id` the way a call
/// does, and returns the response's `Debug` output; `None` when the
/// operation's success has no response type (no body, or a plain value).
pub fn decode_success_response(id: &str, body: &[u8]) -> Option<Result<String, serde_json::Error>> {
    crate::operations::exercise(id, body)
}
