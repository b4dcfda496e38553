//! Attempt deadlines that share one timer per client.
//!
//! `tokio::time::timeout` arms a timer of its own for every call: it enters
//! the runtime's timer wheel under a lock when the call first waits, leaves
//! it under the lock again when the call ends, and wakes the runtime's
//! driver whenever the wheel was empty. With 64 calls in flight that cost
//! about two points of calls per second (BENCHMARKS.md, issue 18.7), though
//! almost no call ever reaches its deadline.
//!
//! A client's attempts mostly share one timeout, so their deadlines come in
//! the order the attempts started. One timer per client, armed for the
//! earliest deadline listed, therefore serves them all: an attempt that has
//! to wait only lists its deadline and waker ([`Clock`]), and the timer is
//! re-armed about once per timeout rather than once per call. Deadlines keep
//! their exact instants; nothing is rounded.
//!
//! The timer belongs to the runtime that first waited on it. An attempt on
//! any other runtime gets a timer of its own, as before: a timer is only
//! driven while its runtime runs, and a deadline must not depend on another
//! runtime being busy.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};
use std::task::{Context, Poll, Wake, Waker};

use slab::Slab;
use tokio::runtime::{Handle, Id};
use tokio::time::{Instant, Sleep};

/// The deadlines of one client's waiting attempts, and the one timer that
/// wakes them.
pub(crate) struct Clock {
    /// The runtime whose driver runs the timer: the first one that waited.
    runtime: OnceLock<Id>,
    /// Whether the timer is set; read without the lock on every wait, so
    /// that an attempt notices when it has to set it (see [`Clock::fire`]).
    armed: AtomicBool,
    /// How many times the timer has gone off. A listed attempt reads the
    /// clock only when this moved since it last looked: it is told of its
    /// deadline only by the timer going off, since the timer is always set
    /// for the earliest deadline listed (or about to be, by a woken
    /// attempt), and [`Clock::fire`] raises this after reading the time it
    /// tells by.
    fired: AtomicU64,
    /// What the timer wakes when it goes off.
    alarm: Waker,
    /// Created by the first attempt that waits, inside its runtime.
    ///
    /// Apart from `state`, and always locked before it: setting a timer
    /// whose deadline just passed wakes its waker at once, and that runs
    /// [`Clock::fire`], which takes `state`.
    timer: Mutex<Option<Pin<Box<Sleep>>>>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    waiting: Slab<Waiting>,
    /// The deadline the timer is set for.
    armed_for: Option<Instant>,
}

struct Waiting {
    deadline: Instant,
    waker: Waker,
    /// Woken because its deadline passed; no reason to wake it again.
    told: bool,
}

/// The timer's waker. It holds the clock weakly: the clock holds the timer,
/// and the timer its waker.
struct Alarm(Weak<Clock>);

impl Wake for Alarm {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if let Some(clock) = self.0.upgrade() {
            clock.fire();
        }
    }
}

impl Clock {
    /// A clock with nothing listed and no timer yet.
    pub(crate) fn new() -> Arc<Self> {
        Arc::new_cyclic(|clock| Clock {
            runtime: OnceLock::new(),
            armed: AtomicBool::new(false),
            fired: AtomicU64::new(0),
            alarm: Waker::from(Arc::new(Alarm(clock.clone()))),
            timer: Mutex::default(),
            state: Mutex::default(),
        })
    }

    /// A deadline at `at`, not yet listed: see [`Deadline::poll_passed`].
    pub(crate) fn deadline(&self, at: Instant) -> Deadline<'_> {
        Deadline {
            at,
            wait: Wait::Unlisted(self),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // Nothing panics while the lock is held but a broken allocator; the
        // list is still whole if one did.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn timer(&self) -> MutexGuard<'_, Option<Pin<Box<Sleep>>>> {
        self.timer.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Lists an attempt that has to wait, or gives it a timer of its own if
    /// this clock's timer runs on another runtime.
    fn list(&self, deadline: Instant, cx: &mut Context<'_>) -> Wait<'_> {
        let ours = Handle::try_current().is_ok_and(|handle| {
            let here = handle.id();
            *self.runtime.get_or_init(|| here) == here
        });
        if !ours {
            return Wait::Own(Box::pin(tokio::time::sleep_until(deadline)));
        }
        let waker = cx.waker().clone();
        let mut state = self.state();
        let key = state.waiting.insert(Waiting {
            deadline,
            waker: waker.clone(),
            told: false,
        });
        // Read under the lock that `fire` counts under: a firing after this
        // is one this attempt has not seen.
        let seen = self.fired.load(Ordering::Acquire);
        let sooner = state.armed_for.is_none_or(|at| deadline < at);
        drop(state);
        if sooner {
            self.arm();
        }
        Wait::Listed(Listed {
            clock: self,
            key,
            waker,
            seen,
        })
    }

    /// Sets the timer for the earliest deadline not yet told, unless it is
    /// already set for that or sooner.
    fn arm(&self) {
        let mut guard = self.timer();
        let at = {
            let mut state = self.state();
            let Some((_, at)) = earliest(&state.waiting) else {
                return;
            };
            if state.armed_for.is_some_and(|armed| armed <= at) {
                return;
            }
            state.armed_for = Some(at);
            self.armed.store(true, Ordering::Release);
            at
        };
        let timer = guard.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(at)));
        timer.as_mut().reset(at);
        // Unbudgeted: a task out of its cooperative budget would otherwise
        // get `Pending` and the alarm woken at once.
        let poll_once = std::future::poll_fn(|cx| Poll::Ready(timer.as_mut().poll(cx)));
        let mut alarm = Context::from_waker(&self.alarm);
        let gone_off = match std::pin::pin!(tokio::task::unconstrained(poll_once)).poll(&mut alarm)
        {
            Poll::Ready(polled) => polled.is_ready(),
            Poll::Pending => false,
        };
        // Released before ringing below: a task woken there and polled at
        // once on another worker would otherwise wait for this lock to list
        // itself. (A `reset` that rings the alarm at once still rings under
        // it: see `timer`.)
        drop(guard);
        // `at` passed while it was set (a deadline already past when
        // listed): nothing will ring, so ring here.
        if gone_off {
            self.fire();
        }
    }

    /// The timer went off: wakes every attempt whose deadline has passed,
    /// and the one with the earliest deadline still ahead, whose next poll
    /// sets the timer again.
    ///
    /// The timer is not set again here: this runs inside the runtime's
    /// driver, possibly as it shuts down, where a timer must not be polled.
    fn fire(&self) {
        let mut wake = Vec::new();
        {
            let mut state = self.state();
            state.armed_for = None;
            self.armed.store(false, Ordering::Release);
            // The clock is read before the count is raised: an attempt that
            // sees the new count then reads a time no earlier than this one,
            // so one told here finds its deadline passed. Raised after the
            // read, an attempt could see the count, read a time just short
            // of its deadline, be told anyway, and never look again.
            let now = Instant::now();
            self.fired.fetch_add(1, Ordering::Release);
            tell_due(&mut state.waiting, now, &mut wake);
            if let Some((key, _)) = earliest(&state.waiting) {
                wake.push(state.waiting[key].waker.clone());
            }
        }
        for waker in wake {
            waker.wake();
        }
    }
}

/// Marks every attempt whose deadline is past as told, and collects its
/// waker.
fn tell_due(waiting: &mut Slab<Waiting>, now: Instant, wake: &mut Vec<Waker>) {
    for (_, waiting) in waiting.iter_mut() {
        if waiting.deadline <= now && !waiting.told {
            waiting.told = true;
            wake.push(waiting.waker.clone());
        }
    }
}

/// The waiting attempt with the earliest deadline not yet told.
fn earliest(waiting: &Slab<Waiting>) -> Option<(usize, Instant)> {
    waiting
        .iter()
        .filter(|(_, w)| !w.told)
        .map(|(key, w)| (key, w.deadline))
        .min_by_key(|(_, at)| *at)
}

/// An attempt's place in a [`Clock`]'s list; leaving it unlists the
/// attempt.
struct Listed<'c> {
    clock: &'c Clock,
    key: usize,
    /// The waker listed, to tell without the lock whether it changed.
    waker: Waker,
    /// The clock's `fired` when this attempt last looked at it.
    seen: u64,
}

impl Listed<'_> {
    /// Whether the timer went off since this attempt last asked: only then
    /// may its deadline have passed.
    fn fired_since(&mut self) -> bool {
        let fired = self.clock.fired.load(Ordering::Acquire);
        let since = fired != self.seen;
        self.seen = fired;
        since
    }

    /// Called on each wait after the first.
    fn wait_again(&mut self, cx: &mut Context<'_>) {
        let moved = !self.waker.will_wake(cx.waker());
        let unarmed = !self.clock.armed.load(Ordering::Acquire);
        if !moved && !unarmed {
            return;
        }
        if moved {
            self.waker = cx.waker().clone();
            if let Some(waiting) = self.clock.state().waiting.get_mut(self.key) {
                waiting.waker = self.waker.clone();
            }
        }
        // `arm` looks again under the lock: someone may have set it since.
        if unarmed {
            self.clock.arm();
        }
    }
}

impl Drop for Listed<'_> {
    fn drop(&mut self) {
        let mut state = self.clock.state();
        state.waiting.try_remove(self.key);
        // The attempt that `fire` woke to set the timer again may be dropped
        // instead of polled: pass the task on to the next one.
        if state.armed_for.is_none()
            && let Some((key, _)) = earliest(&state.waiting)
        {
            let next = state.waiting[key].waker.clone();
            drop(state);
            next.wake();
        }
    }
}

/// Where an attempt stands with its clock. Each state holds the clock
/// itself, so that a [`Deadline`] keeps one reference to it, not two.
enum Wait<'c> {
    /// Not waited yet.
    Unlisted(&'c Clock),
    Listed(Listed<'c>),
    /// On another runtime than the clock's timer.
    Own(Pin<Box<Sleep>>),
}

/// One attempt's deadline. The attempt's own future polls it each time the
/// attempt itself is still pending; dropping it unlists the attempt.
pub(crate) struct Deadline<'c> {
    at: Instant,
    wait: Wait<'c>,
}

impl Deadline<'_> {
    /// `Ready` once the deadline has passed; otherwise the task in `cx` is
    /// woken when it passes.
    ///
    /// Polled after the attempt, as `tokio::time::timeout` does: an attempt
    /// that ends as its deadline passes has ended.
    pub(crate) fn poll_passed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        // The clock is read only when the deadline may have passed: a listed
        // attempt's first wait lists it, and its later waits look at the
        // clock only after its timer went off. A call that ends well before
        // its deadline (almost every call) then reads no clock here at all,
        // where it read one per wait (BENCHMARKS.md, issue 18.7). An attempt
        // past its deadline ends when the timer goes off for it, as with
        // `tokio::time::timeout`, not at whatever poll first comes after.
        match &mut self.wait {
            // A deadline already past when listed sets the timer for the
            // past, which goes off at once and wakes this attempt again.
            Wait::Unlisted(clock) => {
                let clock = *clock;
                self.wait = clock.list(self.at, cx);
                // On another runtime: its own timer, polled as below.
                if let Wait::Own(_) = self.wait {
                    return self.poll_passed(cx);
                }
            }
            Wait::Listed(listed) => {
                if listed.fired_since() && Instant::now() >= self.at {
                    return Poll::Ready(());
                }
                listed.wait_again(cx);
            }
            Wait::Own(own) => {
                if Instant::now() >= self.at {
                    return Poll::Ready(());
                }
                // Polled here only, the first time too: a deadline that
                // passes between the check above and this poll still ends
                // the attempt.
                if own.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(());
                }
            }
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    //! Real time, in tens of milliseconds: tokio's paused clock needs its
    //! `test-util` feature, which would also slow every clock read in the
    //! benchmarks built with the same dev-dependencies. No test asserts how
    //! soon a deadline fires, only that it does and in what order.

    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    use super::*;

    const SHORT: Duration = Duration::from_millis(30);

    /// A waker that counts its wakes.
    #[derive(Default)]
    struct Count(AtomicUsize);

    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn counted() -> (Arc<Count>, Waker) {
        let count = Arc::new(Count::default());
        (count.clone(), Waker::from(count))
    }

    fn wakes(count: &Count) -> usize {
        count.0.load(Ordering::SeqCst)
    }

    fn poll_with<F: Future>(future: Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
        future.poll(&mut Context::from_waker(waker))
    }

    /// The deadline passed before the attempt ended.
    #[derive(Debug)]
    struct Elapsed;

    /// `attempt` bound by `deadline`, polled as the call path polls its
    /// attempts: the attempt first, then the deadline.
    async fn bound<F: Future>(
        clock: &Clock,
        deadline: Instant,
        attempt: F,
    ) -> Result<F::Output, Elapsed> {
        let mut attempt = std::pin::pin!(attempt);
        let mut deadline = clock.deadline(deadline);
        std::future::poll_fn(|cx| {
            if let Poll::Ready(output) = attempt.as_mut().poll(cx) {
                return Poll::Ready(Ok(output));
            }
            deadline.poll_passed(cx).map(|()| Err(Elapsed))
        })
        .await
    }

    /// An attempt that never ends by itself, bound by `deadline`.
    fn never_ending(
        clock: &Clock,
        deadline: Instant,
    ) -> Pin<Box<impl Future<Output = Result<(), Elapsed>> + '_>> {
        Box::pin(bound(clock, deadline, std::future::pending()))
    }

    /// Waits on a never-ending attempt with a deadline `SHORT` from now, and
    /// checks that it ends by the deadline, not before.
    async fn ends_at_a_short_deadline(clock: &Clock) {
        let started = Instant::now();
        let answer = never_ending(clock, started + SHORT).await;
        assert!(answer.is_err());
        assert!(started.elapsed() >= SHORT);
    }

    #[tokio::test]
    async fn an_attempt_that_ends_in_time_ends_well_and_leaves_no_entry() {
        let clock = Clock::new();
        let answer = bound(&clock, Instant::now() + Duration::from_secs(30), async {
            tokio::time::sleep(Duration::from_millis(1)).await;
            7
        })
        .await;
        assert_eq!(answer.ok(), Some(7));
        assert!(clock.state().waiting.is_empty());
    }

    #[tokio::test]
    async fn an_attempt_past_its_deadline_ends_elapsed() {
        let clock = Clock::new();
        ends_at_a_short_deadline(&clock).await;
        assert!(clock.state().waiting.is_empty());
    }

    #[tokio::test]
    async fn a_deadline_already_past_when_listed_ends_the_attempt() {
        // Listing does not read the clock: the timer, set for the past,
        // goes off at once, and the next wait sees that it did.
        let clock = Clock::new();
        let bounded = bound(&clock, Instant::now(), std::future::pending::<()>());
        // A guard, so that the failure is an assertion and not a hang.
        let ended = tokio::time::timeout(Duration::from_secs(10), bounded).await;
        assert!(matches!(ended, Ok(Err(Elapsed))), "{ended:?}");
        assert!(clock.state().waiting.is_empty());
    }

    #[tokio::test]
    async fn an_attempt_woken_for_other_reasons_ends_once_its_deadline_passes() {
        // Woken over and over by its own work, so its waits come before,
        // around and after the timer goes off: it ends, and only after the
        // deadline.
        let clock = Clock::new();
        let started = Instant::now();
        let busy = async {
            loop {
                tokio::task::yield_now().await;
            }
        };
        let answer = tokio::time::timeout(
            Duration::from_secs(10),
            bound(&clock, started + SHORT, busy),
        )
        .await;
        assert!(matches!(answer, Ok(Err(Elapsed))), "{answer:?}");
        assert!(started.elapsed() >= SHORT);
        assert!(clock.state().waiting.is_empty());
    }

    #[tokio::test]
    async fn later_deadlines_share_the_timer_and_an_earlier_one_resets_it() {
        let clock = Clock::new();
        let now = Instant::now();
        let (_, waker) = counted();
        let mut first = never_ending(&clock, now + Duration::from_secs(20));
        let mut later = never_ending(&clock, now + Duration::from_secs(30));
        assert!(poll_with(first.as_mut(), &waker).is_pending());
        assert!(poll_with(later.as_mut(), &waker).is_pending());
        assert_eq!(clock.state().waiting.len(), 2);
        assert_eq!(clock.state().armed_for, Some(now + Duration::from_secs(20)));

        // A call with a shorter timeout of its own: its deadline comes first.
        ends_at_a_short_deadline(&clock).await;
        // The timer went off for it; the next poll of what still waits sets
        // it again for the earliest deadline left.
        assert!(poll_with(later.as_mut(), &waker).is_pending());
        assert_eq!(clock.state().armed_for, Some(now + Duration::from_secs(20)));
        drop(first);
        drop(later);
        assert!(clock.state().waiting.is_empty());
    }

    #[tokio::test]
    async fn the_attempt_woken_to_set_the_timer_again_may_be_dropped() {
        let clock = Clock::new();
        let now = Instant::now();
        let (a_wakes, a) = counted();
        let (b_wakes, b) = counted();
        let (c_wakes, c) = counted();
        let mut first = never_ending(&clock, now + SHORT);
        let mut second = never_ending(&clock, now + 80 * SHORT);
        let mut third = never_ending(&clock, now + 40 * SHORT);
        assert!(poll_with(first.as_mut(), &a).is_pending());
        assert!(poll_with(second.as_mut(), &b).is_pending());
        assert!(poll_with(third.as_mut(), &c).is_pending());

        // The first deadline passes: the first attempt is told, and the one
        // whose deadline comes next (the third) is woken to set the timer.
        tokio::time::sleep(SHORT).await;
        while wakes(&a_wakes) == 0 {
            tokio::task::yield_now().await;
        }
        assert_eq!((wakes(&b_wakes), wakes(&c_wakes)), (0, 1));
        assert!(poll_with(first.as_mut(), &a).is_ready());

        // Dropped instead of polled: the duty passes to the second.
        drop(third);
        assert_eq!(wakes(&b_wakes), 1);
        assert!(poll_with(second.as_mut(), &b).is_pending());
        assert_eq!(clock.state().armed_for, Some(now + 80 * SHORT));
    }

    #[test]
    fn setting_the_timer_for_a_deadline_already_past_rings_without_a_deadlock() {
        // Before the runtime's clock started: the timer wheel takes such a
        // deadline as gone by and fires the timer as it is set, whatever
        // time the driver last looked at.
        let past = Instant::now();
        std::thread::sleep(Duration::from_millis(2));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime");
        let clock = Clock::new();
        let (_, waker) = counted();
        let mut listed = never_ending(&clock, Instant::now() + Duration::from_secs(30));
        // Sets the timer, which now holds the alarm.
        runtime.block_on(async { assert!(poll_with(listed.as_mut(), &waker).is_pending()) });
        let (late_wakes, late) = counted();
        clock.state().waiting.insert(Waiting {
            deadline: past,
            waker: late,
            told: false,
        });
        // Setting the timer for `past` rings the alarm at once, and the
        // alarm runs `fire` right there: it must not wait on a lock that
        // `arm` holds.
        let (done, finished) = std::sync::mpsc::channel();
        let arming = clock.clone();
        std::thread::spawn(move || {
            arming.arm();
            let _ = done.send(());
        });
        assert!(
            finished.recv_timeout(Duration::from_secs(10)).is_ok(),
            "arm() did not return"
        );
        assert_eq!(wakes(&late_wakes), 1);
        assert_eq!(clock.state().armed_for, None);
        drop(listed);
    }

    #[test]
    fn an_attempt_on_another_runtime_gets_a_timer_of_its_own() {
        let clock = Clock::new();
        let runtime = || {
            tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .expect("runtime")
        };
        let (first, second) = (runtime(), runtime());
        // The first runtime's attempt lists itself; that runtime then sits
        // idle, so its timer could wake nobody on the second.
        let mut listed = never_ending(&clock, Instant::now() + Duration::from_secs(30));
        first.block_on(async {
            let (_, waker) = counted();
            assert!(poll_with(listed.as_mut(), &waker).is_pending());
        });
        assert_eq!(clock.state().waiting.len(), 1);

        let ended = second.block_on(async {
            let bounded = bound(&clock, Instant::now() + SHORT, std::future::pending::<()>());
            // A guard, so that the failure is an assertion and not a hang.
            tokio::time::timeout(Duration::from_secs(10), bounded).await
        });
        assert!(matches!(ended, Ok(Err(Elapsed))), "{ended:?}");
        assert_eq!(clock.state().waiting.len(), 1);
    }
}
