//! Slowing down password guessing: per account and per client address,
//! each failure past a free allowance locks the key for twice as long as
//! the one before.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use http::header::{HeaderValue, RETRY_AFTER};
use http::{Response, StatusCode};

/// How hard [`LoginThrottle`] pushes back.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ThrottleLimits {
    /// Failures an account may have before it is locked (default 5).
    pub account_free_failures: u32,
    /// Failures a client address may have before it is locked (default 20:
    /// many people can share one address behind a NAT).
    pub address_free_failures: u32,
    /// The first lock's length (default 30 s); each further failure doubles it.
    pub first_delay: Duration,
    /// The longest lock (default 15 min).
    pub max_delay: Duration,
    /// Failures are forgotten this long after the last one (default 1 h).
    pub forget_after: Duration,
    /// Accounts, and separately addresses, tracked at once (default
    /// 10,000): the bound on the throttle's memory. When full, the longest
    /// quiet entry is dropped first.
    pub max_tracked: usize,
}

impl Default for ThrottleLimits {
    fn default() -> Self {
        ThrottleLimits {
            account_free_failures: 5,
            address_free_failures: 20,
            first_delay: Duration::from_secs(30),
            max_delay: Duration::from_secs(15 * 60),
            forget_after: Duration::from_secs(60 * 60),
            max_tracked: 10_000,
        }
    }
}

/// A login attempt refused without checking the password, because the
/// account or the address failed too often.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled {
    /// How long until an attempt is taken again.
    pub retry_after: Duration,
}

impl Throttled {
    /// The whole seconds to send in `Retry-After`, at least 1.
    pub fn retry_after_secs(&self) -> u64 {
        self.retry_after.as_secs_f64().ceil().max(1.0) as u64
    }

    /// 429 with `Retry-After` and a page saying why, for a login form.
    pub fn page(&self) -> Response<String> {
        let seconds = self.retry_after_secs();
        let body = format!(
            "<p>Too many failed sign-in attempts. Wait {seconds} seconds, then try again.</p>"
        );
        let mut response = super::page(StatusCode::TOO_MANY_REQUESTS, "Please wait", &body);
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(seconds));
        response
    }
}

/// Failed logins, counted per account and per client address.
///
/// Ask [`check`](Self::check) before comparing a password, and refuse the
/// attempt on `Err` *without* comparing it, so that a locked account gives
/// a guesser nothing, even for the right password. Then report the result
/// with [`failed`](Self::failed) or [`succeeded`](Self::succeeded).
/// Failures are logged (`tracing`, warn) with the account and address,
/// never the password.
///
/// Accounts are compared case-insensitively, so `Alice` and `alice` share
/// a count. Memory is bounded by [`ThrottleLimits::max_tracked`]. Cheap to
/// clone; clones share the counts.
#[derive(Clone)]
pub struct LoginThrottle {
    limits: ThrottleLimits,
    state: Arc<Mutex<Counts>>,
    /// What a failure is, for the log: `login` unless set.
    what: &'static str,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle::new(ThrottleLimits::default())
    }
}

impl std::fmt::Debug for LoginThrottle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let counts = self.lock();
        f.debug_struct("LoginThrottle")
            .field("limits", &self.limits)
            .field("what", &self.what)
            .field("accounts", &counts.accounts.len())
            .field("addresses", &counts.addresses.len())
            .finish()
    }
}

#[derive(Default)]
struct Counts {
    accounts: HashMap<String, Failures>,
    addresses: HashMap<IpAddr, Failures>,
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
    locked_until: Option<Instant>,
}

impl LoginThrottle {
    /// A throttle with `limits`.
    pub fn new(limits: ThrottleLimits) -> Self {
        LoginThrottle {
            limits,
            state: Arc::default(),
            what: "login",
        }
    }

    /// Names what this throttle counts, for its log line (`"<what>
    /// failed"`): `login` by default; a throttle for something else that
    /// can be guessed (a device's user code) says so, so that its failures
    /// do not read as wrong passwords.
    pub fn counting(mut self, what: &'static str) -> Self {
        self.what = what;
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `Err` while `account` or `address` is locked: refuse the attempt
    /// without looking at the password.
    pub fn check(&self, account: &str, address: Option<IpAddr>) -> Result<(), Throttled> {
        self.check_at(account, address, Instant::now())
    }

    fn check_at(
        &self,
        account: &str,
        address: Option<IpAddr>,
        now: Instant,
    ) -> Result<(), Throttled> {
        let counts = self.lock();
        let waits = [
            counts.accounts.get(&normalise(account)),
            address.and_then(|a| counts.addresses.get(&a)),
        ];
        let longest = waits
            .into_iter()
            .flatten()
            .filter_map(|f| f.locked_until)
            .filter(|until| *until > now)
            .max();
        match longest {
            Some(until) => Err(Throttled {
                retry_after: until - now,
            }),
            None => Ok(()),
        }
    }

    /// Counts a wrong password (or an unknown account) against both keys.
    pub fn failed(&self, account: &str, address: Option<IpAddr>) {
        self.failed_at(account, address, Instant::now());
    }

    fn failed_at(&self, account: &str, address: Option<IpAddr>, now: Instant) {
        let limits = &self.limits;
        let mut counts = self.lock();
        let for_account = record(
            &mut counts.accounts,
            normalise(account),
            limits.account_free_failures,
            limits,
            now,
        );
        let for_address = address.map(|a| {
            record(
                &mut counts.addresses,
                a,
                limits.address_free_failures,
                limits,
                now,
            )
        });
        tracing::warn!(
            account,
            address = address.map(tracing::field::display),
            account_failures = for_account,
            address_failures = for_address,
            "{} failed",
            self.what
        );
    }

    /// Clears the account's failures after a correct password. The
    /// address keeps its count: one account's success says nothing about
    /// the guesses made at others from there.
    pub fn succeeded(&self, account: &str, _address: Option<IpAddr>) {
        self.lock().accounts.remove(&normalise(account));
    }
}

fn normalise(account: &str) -> String {
    account.trim().to_lowercase()
}

/// Adds a failure for `key` and returns its count, locking it once past
/// `free` failures.
fn record<K: Hash + Eq + Clone>(
    map: &mut HashMap<K, Failures>,
    key: K,
    free: u32,
    limits: &ThrottleLimits,
    now: Instant,
) -> u32 {
    if !map.contains_key(&key) && map.len() >= limits.max_tracked {
        make_room(map, limits, now);
    }
    let entry = map.entry(key).or_insert(Failures {
        count: 0,
        last: now,
        locked_until: None,
    });
    if now.duration_since(entry.last) > limits.forget_after {
        entry.count = 0;
    }
    entry.count = entry.count.saturating_add(1);
    entry.last = now;
    if entry.count > free {
        let doublings = (entry.count - free - 1).min(20);
        let delay = limits
            .first_delay
            .saturating_mul(1 << doublings)
            .min(limits.max_delay);
        entry.locked_until = Some(now + delay);
    }
    entry.count
}

/// Drops the forgotten entries, or else the one quiet the longest.
fn make_room<K: Hash + Eq + Clone>(
    map: &mut HashMap<K, Failures>,
    limits: &ThrottleLimits,
    now: Instant,
) {
    map.retain(|_, f| {
        now.duration_since(f.last) <= limits.forget_after
            || f.locked_until.is_some_and(|until| until > now)
    });
    if map.len() >= limits.max_tracked {
        let oldest = map
            .iter()
            .min_by_key(|(_, f)| f.last)
            .map(|(k, _)| k.clone());
        if let Some(oldest) = oldest {
            map.remove(&oldest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1)));
    const ELSEWHERE: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2)));

    #[test]
    fn an_account_is_locked_after_its_free_failures_for_doubling_times() {
        let throttle = LoginThrottle::default();
        let t0 = Instant::now();
        for _ in 0..5 {
            assert_eq!(throttle.check_at("alice", HOME, t0), Ok(()));
            throttle.failed_at("alice", HOME, t0);
        }
        assert_eq!(throttle.check_at("alice", HOME, t0), Ok(()));
        throttle.failed_at("Alice", HOME, t0);
        // Locked for the first delay, from any address, in any case.
        let Err(wait) = throttle.check_at("ALICE", ELSEWHERE, t0) else {
            panic!("expected a lock")
        };
        assert_eq!(wait.retry_after, Duration::from_secs(30));
        assert_eq!(wait.retry_after_secs(), 30);
        let t1 = t0 + Duration::from_secs(30);
        assert_eq!(throttle.check_at("alice", ELSEWHERE, t1), Ok(()));
        throttle.failed_at("alice", ELSEWHERE, t1);
        let Err(wait) = throttle.check_at("alice", HOME, t1) else {
            panic!("expected a lock")
        };
        assert_eq!(wait.retry_after, Duration::from_secs(60));
        // Other accounts are untouched.
        assert_eq!(throttle.check_at("bob", ELSEWHERE, t1), Ok(()));
    }

    #[test]
    fn success_clears_the_account_and_time_forgets() {
        let throttle = LoginThrottle::default();
        let t0 = Instant::now();
        for _ in 0..5 {
            throttle.failed_at("alice", HOME, t0);
        }
        throttle.succeeded("alice", HOME);
        throttle.failed_at("alice", HOME, t0);
        assert_eq!(throttle.check_at("alice", HOME, t0), Ok(()));
        for _ in 0..5 {
            throttle.failed_at("bob", HOME, t0);
        }
        let later = t0 + Duration::from_secs(2 * 60 * 60);
        throttle.failed_at("bob", HOME, later);
        assert_eq!(throttle.check_at("bob", HOME, later), Ok(()));
    }

    #[test]
    fn an_address_trying_many_accounts_is_locked() {
        let throttle = LoginThrottle::default();
        let t0 = Instant::now();
        for n in 0..21 {
            throttle.failed_at(&format!("user{n}"), HOME, t0);
        }
        assert!(throttle.check_at("someone-new", HOME, t0).is_err());
        assert_eq!(throttle.check_at("someone-new", ELSEWHERE, t0), Ok(()));
        assert_eq!(throttle.check_at("someone-new", None, t0), Ok(()));
    }

    #[test]
    fn locks_stop_growing_at_the_maximum() {
        let throttle = LoginThrottle::default();
        let t0 = Instant::now();
        for _ in 0..60 {
            throttle.failed_at("alice", None, t0);
        }
        let Err(wait) = throttle.check_at("alice", None, t0) else {
            panic!("expected a lock")
        };
        assert_eq!(wait.retry_after, Duration::from_secs(15 * 60));
    }

    #[test]
    fn memory_is_bounded() {
        let throttle = LoginThrottle::new(ThrottleLimits {
            max_tracked: 100,
            ..ThrottleLimits::default()
        });
        let t0 = Instant::now();
        for n in 0..1_000u32 {
            let address = IpAddr::V4(std::net::Ipv4Addr::from(n));
            throttle.failed_at(&format!("user{n}"), Some(address), t0);
        }
        let counts = throttle.lock();
        assert!(counts.accounts.len() <= 100);
        assert!(counts.addresses.len() <= 100);
    }

    #[test]
    fn the_refusal_page_says_when_to_come_back() {
        let page = Throttled {
            retry_after: Duration::from_millis(2_500),
        }
        .page();
        assert_eq!(page.status(), 429);
        assert_eq!(page.headers()[RETRY_AFTER], "3");
        assert_eq!(page.headers()["x-frame-options"], "DENY");
        assert!(page.body().contains("3 seconds"));
    }
}
