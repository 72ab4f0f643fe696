// SPDX-License-Identifier: GPL-2.0

//! Flood control: at most `burst` events per `interval`, counting the ones
//! suppressed so that the next event let through can say how many there
//! were.
//!
//! The kernel's `struct ratelimit_state` is the model (`devkmsg_write()`
//! gives each opener of `/dev/kmsg` one), but it takes a spinlock, and the
//! mirror path stores from any context, NMI included. This one is three
//! atomics: racing callers at the edge of an interval may let one or two
//! events more through than `burst`, never fewer, and every suppressed event
//! is counted once.

#[cfg(kmods_kunit)]
use kernel::prelude::*;
use kernel::sync::atomic::{Atomic, Relaxed};

/// What [`RateLimit::check`] decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Go ahead; `suppressed` events were held back since the last one that
    /// went ahead, and the caller says so first.
    Pass { suppressed: u64 },
    /// Over the limit: counted, not to be done.
    Suppressed,
}

/// A rate limit of `burst` events per `interval_ns`; `burst == 0` means none.
pub(crate) struct RateLimit {
    burst: u64,
    interval_ns: u64,
    /// When the current interval began (a `local_clock()` value), 0 before
    /// the first event.
    begin: Atomic<u64>,
    /// Events checked in the current interval.
    passed: Atomic<u64>,
    /// Events suppressed since the last one that passed.
    suppressed: Atomic<u64>,
}

impl RateLimit {
    pub(crate) const fn new(burst: u32, interval_ms: u32) -> Self {
        RateLimit {
            burst: burst as u64,
            interval_ns: interval_ms as u64 * 1_000_000,
            begin: Atomic::new(0),
            passed: Atomic::new(0),
            suppressed: Atomic::new(0),
        }
    }

    /// Checks one event at time `now` (nanoseconds, `local_clock()`); any
    /// context.
    pub(crate) fn check(&self, now: u64) -> Verdict {
        if self.burst == 0 {
            return Verdict::Pass { suppressed: 0 };
        }
        let begin = self.begin.load(Relaxed);
        // A clock that went backwards (another CPU's) starts no interval.
        let elapsed = now.wrapping_sub(begin) as i64;
        if (begin == 0 || elapsed >= self.interval_ns as i64)
            && self.begin.cmpxchg(begin, now.max(1), Relaxed).is_ok()
        {
            // This caller starts the new interval; the others count in it.
            self.passed.store(1, Relaxed);
            return Verdict::Pass {
                suppressed: self.suppressed.xchg(0, Relaxed),
            };
        }
        if self.passed.fetch_add(1, Relaxed) < self.burst {
            Verdict::Pass {
                suppressed: self.suppressed.xchg(0, Relaxed),
            }
        } else {
            self.suppressed.fetch_add(1, Relaxed);
            Verdict::Suppressed
        }
    }

    /// Events suppressed and not yet reported; reported now (at the end).
    pub(crate) fn take_suppressed(&self) -> u64 {
        self.suppressed.xchg(0, Relaxed)
    }
}

#[cfg(kmods_kunit)]
#[kunit_tests(syslog_ns_ratelimit)]
mod tests {
    use super::*;

    const MS: u64 = 1_000_000;

    #[test]
    fn burst_then_suppressed_then_reported() {
        let rl = RateLimit::new(3, 1000);
        let t = 5000 * MS;
        for i in 0..3 {
            assert_eq!(rl.check(t + i), Verdict::Pass { suppressed: 0 });
        }
        assert_eq!(rl.check(t + 3), Verdict::Suppressed);
        assert_eq!(rl.check(t + 4), Verdict::Suppressed);
        // The next interval's first event reports the two held back.
        assert_eq!(rl.check(t + 1000 * MS), Verdict::Pass { suppressed: 2 });
        assert_eq!(rl.check(t + 1001 * MS), Verdict::Pass { suppressed: 0 });
    }

    #[test]
    fn zero_burst_is_no_limit() {
        let rl = RateLimit::new(0, 1000);
        for i in 0..10_000 {
            assert_eq!(rl.check(i), Verdict::Pass { suppressed: 0 });
        }
    }

    #[test]
    fn clock_going_back_starts_no_interval() {
        let rl = RateLimit::new(1, 1000);
        let t = 9000 * MS;
        assert_eq!(rl.check(t), Verdict::Pass { suppressed: 0 });
        assert_eq!(rl.check(t - MS), Verdict::Suppressed);
        assert_eq!(rl.take_suppressed(), 1);
        assert_eq!(rl.take_suppressed(), 0);
    }
}
