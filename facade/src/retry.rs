//! When a failed call is tried again: every rule lives here.
//!
//! [`decide`] is the whole decision, as a pure function of the policy, the
//! operation's replay class, the error, the attempt's number and the time
//! spent so far: either stop, or try again after a delay. The call layer
//! (`call.rs`) asks it after every failed attempt and does what it says;
//! [`Error::is_retryable`] reads its list of transient statuses. The rules
//! users read are on [`RetryPolicy`].

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use http::StatusCode;

use crate::error::Error;

/// The statuses that usually mean "try again later" (named for users in
/// [`RetryPolicy`]'s documentation).
pub(crate) const TRANSIENT_STATUSES: [StatusCode; 5] = [
    StatusCode::REQUEST_TIMEOUT,
    StatusCode::TOO_MANY_REQUESTS,
    StatusCode::BAD_GATEWAY,
    StatusCode::SERVICE_UNAVAILABLE,
    StatusCode::GATEWAY_TIMEOUT,
];

/// The longest `Retry-After` the client waits out; a server asking for more
/// gets its error returned at once instead of a call that hangs.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);

/// Whether the same call could succeed if made again later: a network
/// failure, or one of the [`TRANSIENT_STATUSES`]. Says nothing about
/// whether repeating is safe; [`Replay`] does.
pub(crate) fn is_transient(error: &Error) -> bool {
    match error {
        Error::Transport { .. } => true,
        _ => error
            .status()
            .is_some_and(|status| TRANSIENT_STATUSES.contains(&status)),
    }
}

/// How an operation may be repeated after a failure; every operation's is
/// in [`crate::operations`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Replay {
    /// Repeating has the same effect as sending once (delete, revoke):
    /// repeated on transient failures.
    Idempotent,
    /// The call spends a ticket or code, or creates something: repeated only
    /// if the request provably never left this machine.
    OnlyIfNeverSent,
}

impl Replay {
    /// Whether `error` allows another attempt of an operation of this kind.
    pub(crate) fn allows(self, error: &Error) -> bool {
        match self {
            Replay::Idempotent => is_transient(error),
            Replay::OnlyIfNeverSent => error.is_never_sent(),
        }
    }
}

/// How many times, and how patiently, a call is retried.
///
/// The default makes up to 3 attempts, waits 200 ms then up to 2 s between
/// them (with jitter) and gives up once 30 s have passed since the first
/// attempt started.
///
/// A failed attempt is made again only when all of these hold:
///
/// - the failure is transient: the network failed, or the answer was
///   408, 429, 502, 503 or 504 ([`Error::is_retryable`]);
/// - repeating is safe for the operation ([`Replay`]): a call that spends
///   a one-time ticket (`/auth/token/fail`) is repeated only when its
///   request provably never left this machine (the connection could not be
///   opened);
/// - the policy allows another attempt;
/// - the server did not ask, in `Retry-After`, to wait more than 5 minutes
///   (a longer wait returns the error at once rather than hang the call);
/// - the next attempt would start before the total deadline.
///
/// The wait before the next attempt is the backoff (the initial backoff
/// after the first attempt, then doubling up to the maximum, plus up to as
/// much again in random jitter), or the server's `Retry-After` when that is
/// longer.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    jitter: bool,
    total_deadline: Option<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(2),
            jitter: true,
            total_deadline: Some(Duration::from_secs(30)),
        }
    }
}

impl RetryPolicy {
    /// A policy that sends every call once and never repeats it.
    pub fn never() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Sets the number of attempts, the first included (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the delay before the second attempt; later delays double.
    pub fn with_initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// Caps the delay between two attempts (a longer `Retry-After` still wins,
    /// within the total deadline).
    pub fn with_max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// Turns random jitter on or off (on by default; off gives fixed delays).
    pub fn with_jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// Stops retrying once this much time has passed since the first attempt
    /// began (`None`: only the attempt count limits retries).
    pub fn with_total_deadline(mut self, deadline: Option<Duration>) -> Self {
        self.total_deadline = deadline;
        self
    }

    /// The number of attempts, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The deadline for all attempts together, if any.
    pub fn total_deadline(&self) -> Option<Duration> {
        self.total_deadline
    }

    /// Whether the policy allows an attempt after attempt `attempt` (from 1).
    pub(crate) fn allows_after(&self, attempt: u32) -> bool {
        attempt < self.max_attempts
    }

    /// The wait after failed attempt `attempt` (from 1), before any
    /// `Retry-After`: the initial backoff after the first attempt, then
    /// doubling, capped at the maximum; with jitter on, `jitter` (in
    /// [0, 1)) of it again on top.
    ///
    /// The first wait is the initial backoff even when that is above the
    /// maximum, as the `backon` crate this replaces computed it.
    fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let base = if attempt <= 1 {
            self.initial_backoff
        } else {
            let factor = 2u32.saturating_pow(attempt - 1);
            self.initial_backoff
                .saturating_mul(factor)
                .min(self.max_backoff)
        };
        if !self.jitter || !(0.0..1.0).contains(&jitter) {
            return base;
        }
        let extra = Duration::try_from_secs_f64(base.as_secs_f64() * jitter).unwrap_or(base);
        base.saturating_add(extra)
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Make another attempt after waiting this long.
    RetryAfter(Duration),
    /// Return the error.
    Stop(Stop),
}

/// Why a failed call is not tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The failure is not transient, or repeating the operation is not safe.
    NotReplayable,
    /// The policy's attempts are used up.
    OutOfAttempts,
    /// The server asked to wait longer than [`MAX_RETRY_AFTER`].
    WaitTooLong,
    /// The next attempt would start at or after the policy's total deadline.
    PastDeadline,
}

impl Stop {
    /// What a trace says about stopping, for the reasons that are not plain
    /// from the error itself.
    pub(crate) fn explanation(self) -> Option<&'static str> {
        match self {
            Stop::NotReplayable | Stop::OutOfAttempts => None,
            Stop::WaitTooLong => Some("not retrying: the server asked to wait too long"),
            Stop::PastDeadline => Some("not retrying: the total deadline would pass"),
        }
    }
}

/// The retry decision after attempt number `attempt` (from 1) of an
/// operation of class `replay` failed with `error`, `elapsed` after the
/// first attempt began.
///
/// `jitter` is a number in [0, 1) the caller drew at random (see
/// [`jitter`]); taking it as an argument keeps this function pure, so the
/// same inputs always give the same answer. The checks run in the order
/// [`RetryPolicy`] lists them.
pub(crate) fn decide(
    policy: &RetryPolicy,
    replay: Replay,
    error: &Error,
    attempt: u32,
    elapsed: Duration,
    jitter: f64,
) -> Decision {
    if !replay.allows(error) {
        return Decision::Stop(Stop::NotReplayable);
    }
    if !policy.allows_after(attempt) {
        return Decision::Stop(Stop::OutOfAttempts);
    }
    let asked = error.retry_after().unwrap_or_default();
    if asked > MAX_RETRY_AFTER {
        return Decision::Stop(Stop::WaitTooLong);
    }
    let delay = policy.backoff(attempt, jitter).max(asked);
    let past_deadline = policy.total_deadline.is_some_and(|deadline| {
        elapsed
            .checked_add(delay)
            .is_none_or(|next| next >= deadline)
    });
    if past_deadline {
        return Decision::Stop(Stop::PastDeadline);
    }
    Decision::RetryAfter(delay)
}

/// A number drawn uniformly from [0, 1), for [`decide`]'s jitter.
///
/// No random number crate for this: each `RandomState` has its own SipHash
/// keys (taken from the operating system's randomness once per thread, then
/// stepped for every new one), so hashing nothing with a fresh one gives 64
/// bits nobody can predict, which is all jitter needs.
pub(crate) fn jitter() -> f64 {
    let bits = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    // The top 53 bits, as many as an f64 holds exactly.
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// Parses a `Retry-After` value: delay seconds, or an HTTP date.
pub(crate) fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    // Short names keep each row of the tables on one line.
    use Replay::{Idempotent as I, OnlyIfNeverSent as T};
    const NO: Decision = Decision::Stop(Stop::NotReplayable);
    const END: Decision = Decision::Stop(Stop::OutOfAttempts);
    const LONG: Decision = Decision::Stop(Stop::WaitTooLong);
    const LATE: Decision = Decision::Stop(Stop::PastDeadline);

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    /// Another attempt after `n` milliseconds.
    fn wait(n: u64) -> Decision {
        Decision::RetryAfter(ms(n))
    }

    /// Authlete refusing the call with `status`.
    fn api(status: u16) -> Error {
        Error::Api {
            status: StatusCode::from_u16(status).expect("a status"),
            result_code: None,
            result_message: None,
            request_id: None,
            retry_after: None,
        }
    }

    /// A 429 asking, in `Retry-After`, to wait `delay`.
    fn asks(delay: Duration) -> Error {
        Error::Api {
            status: StatusCode::TOO_MANY_REQUESTS,
            result_code: None,
            result_message: None,
            request_id: None,
            retry_after: Some(delay),
        }
    }

    /// A proxy's answer with `status`.
    fn proxy(status: u16) -> Error {
        Error::UnexpectedResponse {
            status: StatusCode::from_u16(status).expect("a status"),
            content_type: None,
            snippet: String::new(),
            request_id: None,
            retry_after: None,
        }
    }

    /// A network failure, while connecting (`connect`) or after.
    fn network(connect: bool) -> Error {
        let source = reqwest::Client::new()
            .get("not a url")
            .build()
            .expect_err("a reqwest error");
        Error::Transport {
            connect,
            failure: crate::TransportFailure::Other,
            source,
        }
    }

    /// A deadline that ran out.
    fn timeout() -> Error {
        Error::Timeout {
            operation: &crate::operations::tokens::FAIL,
            deadline: Some(ms(10)),
        }
    }

    /// A body over the limit, after a response with `status`.
    fn too_large(status: Option<u16>) -> Error {
        Error::ResponseTooLarge {
            status: status.map(|s| StatusCode::from_u16(s).expect("a status")),
            limit: 1,
        }
    }

    /// Failures that never reached the network.
    fn local(which: u8) -> Error {
        match which {
            0 => Error::InvalidRequest("x".into()),
            1 => Error::Config("x".into()),
            _ => Error::ServiceToken { source: "x".into() },
        }
    }

    /// The default policy without jitter, so that delays are exact.
    fn plain() -> RetryPolicy {
        RetryPolicy::default().with_jitter(false)
    }

    #[test]
    fn which_failures_are_tried_again() {
        let next = wait(200);
        // (what, replay class, error, decision after the first attempt)
        let cases = [
            ("408", I, api(408), next),
            ("429", I, api(429), next),
            ("502", I, api(502), next),
            ("503", I, api(503), next),
            ("504", I, api(504), next),
            ("502, proxy", I, proxy(502), next),
            ("400", I, api(400), NO),
            ("401", I, api(401), NO),
            ("403", I, api(403), NO),
            ("404, proxy", I, proxy(404), NO),
            ("500", I, api(500), NO),
            ("501", I, api(501), NO),
            ("timeout: may have arrived", I, timeout(), NO),
            ("connection reset", I, network(false), next),
            ("connection refused", I, network(true), next),
            ("too large, 503", I, too_large(Some(503)), next),
            ("too large, 200", I, too_large(Some(200)), NO),
            ("too large, no status", I, too_large(None), NO),
            ("invalid request", I, local(0), NO),
            ("configuration", I, local(1), NO),
            ("token provider", I, local(2), NO),
            ("ticket, 503", T, api(503), NO),
            ("ticket, 429", T, api(429), NO),
            ("ticket, 400", T, api(400), NO),
            ("ticket, timeout", T, timeout(), NO),
            ("ticket, connection reset", T, network(false), NO),
            ("ticket, connection refused", T, network(true), next),
            ("ticket, provider", T, local(2), NO),
        ];
        for (what, replay, error, expected) in cases {
            let decision = decide(&plain(), replay, &error, 1, ms(5), 0.0);
            assert_eq!(decision, expected, "{what}");
            if replay == I {
                // The public predicate says the same as the decision.
                assert_eq!(error.is_retryable(), decision != NO, "{what}");
            }
        }
    }

    #[test]
    fn attempts_waits_and_deadlines() {
        let (p, never) = (&plain(), &RetryPolicy::never());
        let free = &plain().with_total_deadline(None);
        let nine = &plain().with_max_attempts(9);
        let most = MAX_RETRY_AFTER;
        // (what, policy, error, attempt that failed, elapsed, decision)
        let cases = [
            ("2nd attempt", p, api(503), 1, ms(5), wait(200)),
            ("3rd attempt", p, api(503), 2, ms(300), wait(400)),
            ("no 4th attempt", p, api(503), 3, ms(900), END),
            ("never", never, api(503), 1, ms(5), END),
            ("capped", nine, api(503), 6, ms(5), wait(2_000)),
            ("asks 1 s", p, asks(secs(1)), 1, ms(5), wait(1_000)),
            ("asks 50 ms", p, asks(ms(50)), 1, ms(5), wait(200)),
            ("asks 0", p, asks(ms(0)), 1, ms(5), wait(200)),
            ("asks 5 min", free, asks(most), 1, ms(5), wait(300_000)),
            ("asks 301 s", free, asks(secs(301)), 1, ms(5), LONG),
            ("asks forever", free, asks(Duration::MAX), 1, ms(5), LONG),
            ("asks 2 min of 30 s", p, asks(secs(120)), 1, ms(5), LATE),
            ("asks 301 s, last", p, asks(secs(301)), 3, ms(5), END),
            ("at the deadline", p, api(503), 1, ms(29_800), LATE),
            ("before it", p, api(503), 1, ms(29_799), wait(200)),
            ("no deadline", free, api(503), 1, secs(86_400), wait(200)),
            ("elapsed overflows", p, api(503), 1, Duration::MAX, LATE),
        ];
        for (what, policy, error, attempt, elapsed, expected) in cases {
            let decision = decide(policy, I, &error, attempt, elapsed, 0.0);
            assert_eq!(decision, expected, "{what}");
        }
    }

    #[test]
    fn jitter_adds_up_to_the_backoff_again() {
        let (jittery, p) = (&RetryPolicy::default(), &plain());
        let two = asks(secs(2));
        // (what, policy, error, draw, decision)
        let cases = [
            ("none drawn", jittery, api(503), 0.0, wait(200)),
            ("half", jittery, api(503), 0.5, wait(300)),
            ("jitter off", p, api(503), 0.5, wait(200)),
            ("outside [0, 1)", jittery, api(503), 1.5, wait(200)),
            ("not on Retry-After", jittery, two, 0.5, wait(2_000)),
        ];
        for (what, policy, error, draw, expected) in cases {
            let decision = decide(policy, I, &error, 1, ms(5), draw);
            assert_eq!(decision, expected, "{what}");
        }
        let draws: Vec<f64> = (0..64).map(|_| jitter()).collect();
        assert!(draws.iter().all(|d| (0.0..1.0).contains(d)), "{draws:?}");
        let low = draws.iter().filter(|d| **d < 0.5).count();
        assert!((8..=56).contains(&low), "{draws:?}");
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy = plain()
            .with_initial_backoff(ms(100))
            .with_max_backoff(ms(300));
        let delays: Vec<Duration> = (1..=5).map(|n| policy.backoff(n, 0.0)).collect();
        assert_eq!(delays, [ms(100), ms(200), ms(300), ms(300), ms(300)]);
        // An initial backoff above the cap is waited once as given.
        let inverted = policy.clone().with_initial_backoff(ms(500));
        let delays: Vec<Duration> = (1..=3).map(|n| inverted.backoff(n, 0.0)).collect();
        assert_eq!(delays, [ms(500), ms(300), ms(300)]);
        // Far attempts and huge settings saturate instead of overflowing.
        let huge = RetryPolicy::default()
            .with_initial_backoff(Duration::MAX)
            .with_max_backoff(Duration::MAX);
        assert_eq!(huge.backoff(100, 0.99), Duration::MAX);
        assert_eq!(plain().backoff(u32::MAX, 0.0), secs(2));
        assert_eq!(plain().with_max_attempts(0).max_attempts(), 1);
    }

    #[test]
    fn retry_after_accepts_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        // 2015-10-21 07:28:00 GMT is exactly `now`; 90 s later is a 90 s wait.
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:29:30 GMT", now),
            Some(Duration::from_secs(90))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }
}
