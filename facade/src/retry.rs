//! When a failed call is tried again, decided per operation.
//!
//! Two things decide a retry: whether the failure is transient
//! ([`Error::is_retryable`]) and whether repeating the operation is safe.
//! Operations that spend a one-time ticket (`/auth/token/fail`) are repeated
//! only when the request provably never left this machine (the connection
//! could not be opened); others are repeated on connection failures and on
//! 408, 429, 502, 503 and 504.
//!
//! Delays grow exponentially with jitter (computed by `backon`), never fall
//! below what the server asked for in `Retry-After`, and never push the call
//! past the policy's total deadline.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};

use crate::error::Error;

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
            Replay::Idempotent => error.is_retryable(),
            Replay::OnlyIfNeverSent => error.never_sent(),
        }
    }
}

/// How many times, and how patiently, a call is retried.
///
/// The default makes up to 3 attempts, waits 200 ms then up to 2 s between
/// them (with jitter) and gives up once 30 s have passed since the first
/// attempt started.
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

    /// The waits between attempts, in order (one fewer than the attempts).
    pub(crate) fn delays(&self) -> impl Iterator<Item = Duration> + use<> {
        let mut builder = ExponentialBuilder::new()
            .with_min_delay(self.initial_backoff)
            .with_max_delay(self.max_backoff)
            .with_factor(2.0)
            .with_max_times(self.max_attempts.saturating_sub(1) as usize);
        if self.jitter {
            builder = builder.with_jitter();
        }
        builder.build()
    }
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
    use std::time::{Duration, SystemTime};

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

    #[test]
    fn delays_double_up_to_the_cap_and_stop_after_the_attempts() {
        let policy = RetryPolicy::default()
            .with_max_attempts(5)
            .with_initial_backoff(Duration::from_millis(100))
            .with_max_backoff(Duration::from_millis(300))
            .with_jitter(false);
        // backon computes in floating point: compare whole milliseconds.
        let delays: Vec<u128> = policy.delays().map(|d| d.as_millis()).collect();
        assert_eq!(delays, [100, 200, 300, 300]);
        assert_eq!(RetryPolicy::never().delays().count(), 0);
        assert_eq!(
            RetryPolicy::default().with_max_attempts(0).max_attempts(),
            1
        );
    }

    #[test]
    fn ticket_spending_operations_only_retry_unsent_requests() {
        let api = Error::Api {
            status: http::StatusCode::SERVICE_UNAVAILABLE,
            result_code: None,
            result_message: None,
            request_id: None,
            retry_after: None,
        };
        assert!(Replay::Idempotent.allows(&api));
        assert!(!Replay::OnlyIfNeverSent.allows(&api));
        assert!(!Replay::OnlyIfNeverSent.allows(&Error::Timeout));
        assert!(!Replay::Idempotent.allows(&Error::Timeout));
    }
}
