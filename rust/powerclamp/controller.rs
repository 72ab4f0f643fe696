// SPDX-License-Identifier: GPL-2.0

//! The per-CPU closed-loop controller: how much idle to inject so that the
//! idle time the kernel accounts reaches the target.
//!
//! Shares are in basis points (1/100 of a percent, [`FULL`] is 100 %), so
//! that integer arithmetic keeps two decimals.
//!
//! # Algorithm
//!
//! The period is fixed by the target: `period = duration * 100 / target`, so
//! that injecting exactly the target share forces `duration` of idle per
//! period (intel_powerclamp's law). Every CPU's period starts on the same
//! time grid, so the CPUs idle together. What is injected per period is the
//! *share* `s`: `idle = period * s`.
//!
//! The kernel's idle accounting does not see all of it: the first tick of an
//! injection is charged to the injecting thread when there is no cpuidle
//! driver to stop it, the whole injection is when RCU or a pending timer
//! keeps the tick running, and interrupts taken while idle are not idle
//! time. It also sees idle the workload leaves by itself. Over a window the
//! achieved idle share is, to first order, `a = n + e * s`, with `n` the
//! natural idle and `0 < e <= 1` the injection's efficiency. At the end of
//! each window the controller integrates the error into a level `L` and
//! injects the level, within bounds:
//!
//! ```text
//!     L' = clamp(L + G * (target - a), -target / 2, upper(target) + target / 2)
//!     s' = clamp(L', 0, upper(target)),                        G = 3/4
//! ```
//!
//! While `s` is within its bounds the error evolves as
//! `err' = (1 - G * e) * err`. With `G = 3/4` and `e` in `(0, 1]` the factor
//! lies in `[1/4, 1)`: the loop converges without oscillating (no
//! overshoot), by at least 3/4 of the error per window when nothing is lost
//! and still by about two thirds with the 17 % loss a retained 4 ms tick
//! causes on a 24 ms injection.
//!
//! The level may run past the share's bounds by half the target, so that a
//! single outlier window (a whole injection charged as system time, then
//! accounted late in the next window) is remembered rather than clipped:
//! clipping outliers on one side only would bias the mean. Bounding the
//! level is the anti-windup: after any saturation the share moves again
//! within `(target / 2) / (G * error)` windows.
//!
//! `upper(target) = min(2 * target + 5 %, 95 %)`: compensation may at most
//! double the injected share (plus 5 points at small targets), and always
//! leaves the workload 5 % of each period, which the scheduler's fair server
//! would take anyway. The lower bound 0 is the natural-idle case: when the
//! workload already idles at least the target, `s` falls to 0 and periods
//! are skipped.
//!
//! A target change rescales the level by `new / old` (the loss is roughly
//! proportional to the injected share), so that a step starts close to its
//! settled value.

use kernel::prelude::*;

/// 100 % in basis points.
pub(crate) const FULL: u32 = 10_000;
/// The part of every period left to the workload, whatever the compensation.
const MIN_RUN: u32 = 500;
/// Extra share compensation may add on top of doubling the target.
const EXTRA: u32 = 500;
/// Injections shorter than this are skipped: they would cost more than they
/// give.
pub(crate) const MIN_INJECT_NS: u64 = 100_000;

/// One CPU's controller.
///
/// # Invariants
///
/// `0 < target <= MAX_TARGET` and `level` lies within `level_bounds(target)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Controller {
    target: u32,
    level: i32,
}

/// What one [`Controller::adjust`] did, for the trace event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Adjustment {
    pub(crate) achieved: u32,
    pub(crate) share_before: u32,
    pub(crate) share_after: u32,
}

/// The largest share compensation may inject for `target`.
pub(crate) fn upper(target: u32) -> u32 {
    (2 * target + EXTRA).min(FULL - MIN_RUN)
}

/// How far the integrator may go: half the target past the share's bounds.
fn level_bounds(target: u32) -> (i32, i32) {
    let slack = (target / 2) as i32;
    (-slack, upper(target) as i32 + slack)
}

/// The largest target the controller accepts, in basis points.
pub(crate) const MAX_TARGET: u32 = FULL - MIN_RUN;

impl Controller {
    /// A controller for `target` basis points, injecting the target at first.
    ///
    /// Returns `None` for a target of 0 (nothing to control) or above
    /// [`MAX_TARGET`].
    pub(crate) fn new(target: u32) -> Option<Self> {
        if target == 0 || target > MAX_TARGET {
            return None;
        }
        // INVARIANT: target is in range and within its own level bounds.
        Some(Self {
            target,
            level: target as i32,
        })
    }

    pub(crate) fn target(&self) -> u32 {
        self.target
    }

    /// The share of each period injected, in basis points.
    pub(crate) fn share(&self) -> u32 {
        self.level.clamp(0, upper(self.target) as i32) as u32
    }

    /// The share injected beyond the target (negative: below it).
    pub(crate) fn compensation(&self) -> i32 {
        self.share() as i32 - self.target as i32
    }

    /// Moves to a new target, keeping the compensation in proportion.
    ///
    /// A target of 0 or above [`MAX_TARGET`] is refused and changes nothing.
    pub(crate) fn retarget(&mut self, target: u32) -> Result {
        if target == 0 || target > MAX_TARGET {
            return Err(EINVAL);
        }
        let scaled = i64::from(self.level) * i64::from(target) / i64::from(self.target);
        let (low, high) = level_bounds(target);
        // INVARIANT: target is in range; the level is clamped to its bounds.
        self.level = scaled.clamp(low.into(), high.into()) as i32;
        self.target = target;
        Ok(())
    }

    /// Feeds the idle share achieved over the last window back into the
    /// injected share.
    pub(crate) fn adjust(&mut self, achieved: u32) -> Adjustment {
        let achieved = achieved.min(FULL);
        let error = i64::from(self.target) - i64::from(achieved);
        let share_before = self.share();
        let (low, high) = level_bounds(self.target);
        // INVARIANT: clamped to the level bounds.
        self.level = (i64::from(self.level) + error * 3 / 4).clamp(low.into(), high.into()) as i32;
        Adjustment {
            achieved,
            share_before,
            share_after: self.share(),
        }
    }

    /// The length of one run-plus-idle period for `duration_ns` of forced
    /// idle at the target.
    // Inlined: a copy of its own would end in the call of the division's
    // panic, which objtool does not know as a function that never returns
    // (`panic_const_div_by_zero`), and objtool would warn.
    #[inline]
    pub(crate) fn period_ns(&self, duration_ns: u64) -> u64 {
        duration_ns * u64::from(FULL) / u64::from(self.target)
    }

    /// The idle to inject in a period of `period_ns`; 0 means skip it.
    pub(crate) fn idle_ns(&self, period_ns: u64) -> u64 {
        let idle = period_ns * u64::from(self.share()) / u64::from(FULL);
        if idle < MIN_INJECT_NS {
            0
        } else {
            idle
        }
    }
}

/// The share of `wall` that `idle` is, in basis points, at most [`FULL`].
pub(crate) fn share_of(idle: u64, wall: u64) -> u32 {
    if wall == 0 {
        return 0;
    }
    (idle.min(wall) * u64::from(FULL) / wall) as u32
}

#[cfg(kmods_kunit)]
#[kunit_tests(powerclamp_controller)]
mod tests {
    use super::*;

    const MS: u64 = 1_000_000;

    #[test]
    fn period_and_idle_follow_intel_powerclamps_law() {
        let c = Controller::new(2500).unwrap();
        // 24 ms of idle at 25 %: a 96 ms period, 72 ms of it running.
        assert_eq!(c.period_ns(24 * MS), 96 * MS);
        assert_eq!(c.idle_ns(96 * MS), 24 * MS);
        let c = Controller::new(1000).unwrap();
        assert_eq!(c.period_ns(24 * MS), 240 * MS);
        assert_eq!(c.idle_ns(240 * MS), 24 * MS);
        let c = Controller::new(5000).unwrap();
        assert_eq!(c.period_ns(6 * MS), 12 * MS);
        assert_eq!(c.idle_ns(12 * MS), 6 * MS);
    }

    #[test]
    fn targets_out_of_range_are_refused() {
        assert!(Controller::new(0).is_none());
        assert!(Controller::new(MAX_TARGET + 1).is_none());
        assert!(Controller::new(1).is_some());
        assert!(Controller::new(MAX_TARGET).is_some());
        let mut c = Controller::new(3000).unwrap();
        assert_eq!(c.retarget(0), Err(EINVAL));
        assert_eq!(c.retarget(FULL), Err(EINVAL));
        assert_eq!(c.target(), 3000);
    }

    #[test]
    fn compensation_makes_up_for_lost_idle() {
        // The kernel sees 80 % of what is injected.
        let mut c = Controller::new(2500).unwrap();
        for _ in 0..8 {
            let achieved = c.share() * 8 / 10;
            c.adjust(achieved);
        }
        let achieved = c.share() * 8 / 10;
        assert!(achieved.abs_diff(2500) <= 10);
        assert!(c.compensation() > 0);
    }

    #[test]
    fn the_loop_settles_within_three_windows_without_overshoot() {
        // Efficiency 83 %: a 4 ms tick retained per 24 ms injection.
        let mut c = Controller::new(5000).unwrap();
        let mut errors = KVec::new();
        for _ in 0..3 {
            let achieved = c.share() * 83 / 100;
            let error = 5000 - achieved as i32;
            errors.push(error, GFP_KERNEL).unwrap();
            c.adjust(achieved);
        }
        let final_error = 5000 - (c.share() * 83 / 100) as i32;
        // Monotone: never crosses the target.
        for e in errors.iter() {
            assert!(*e >= 0);
        }
        assert!(final_error >= 0);
        // Within 1 percentage point after three windows.
        assert!(final_error <= 100);
    }

    #[test]
    fn natural_idle_stops_injection() {
        // The workload sleeps 60 % of the time by itself.
        let mut c = Controller::new(3000).unwrap();
        for _ in 0..10 {
            let achieved = 6000 + c.share() * 4 / 10;
            c.adjust(achieved);
        }
        assert_eq!(c.share(), 0);
        assert_eq!(c.idle_ns(c.period_ns(24 * MS)), 0);
    }

    #[test]
    fn compensation_is_bounded() {
        // Nothing injected ever shows up as idle (an interrupt storm).
        let mut c = Controller::new(1000).unwrap();
        for _ in 0..50 {
            c.adjust(0);
        }
        assert_eq!(c.share(), upper(1000));
        assert_eq!(c.share(), 2500);
        let mut c = Controller::new(8000).unwrap();
        for _ in 0..50 {
            c.adjust(0);
        }
        // Every period leaves the workload 5 %.
        assert_eq!(c.share(), 9500);
        // The level ran 40 points past it, no further: three windows that
        // overshoot by 20 points bring the share down.
        for _ in 0..2 {
            c.adjust(FULL);
        }
        assert_eq!(c.share(), 9500);
        let a = c.adjust(FULL);
        assert_eq!(a.share_before, 9500);
        assert_eq!(a.share_after, 9500 + 4000 - 3 * 1500);
    }

    #[test]
    fn a_lone_outlier_window_is_remembered_not_clipped() {
        // Settled at 50 % with 75 % injected, then a window where the tick
        // never stopped (nothing accounted) and one that accounted it late.
        let mut c = Controller::new(5000).unwrap();
        c.level = 7500;
        c.adjust(0);
        assert_eq!(c.share(), 9500);
        c.adjust(10_000);
        assert_eq!(c.share(), 7500);
    }

    #[test]
    fn a_target_change_keeps_the_compensation_in_proportion() {
        let mut c = Controller::new(2000).unwrap();
        c.adjust(1600);
        assert_eq!(c.share(), 2300);
        c.retarget(4000).unwrap();
        assert_eq!(c.target(), 4000);
        assert_eq!(c.share(), 4600);
        // Scaling never passes the new target's bound.
        let mut c = Controller::new(4000).unwrap();
        for _ in 0..20 {
            c.adjust(0);
        }
        c.retarget(1000).unwrap();
        assert!(c.share() <= upper(1000));
    }

    #[test]
    fn short_injections_are_skipped() {
        // 0.01 % of a 100 ms period is 10 us: not worth waking up for.
        let c = Controller::new(1).unwrap();
        assert_eq!(c.idle_ns(100 * MS), 0);
        let c = Controller::new(10).unwrap();
        assert_eq!(c.idle_ns(100 * MS), MIN_INJECT_NS);
    }

    #[test]
    fn achieved_share_is_clamped_to_the_window() {
        assert_eq!(share_of(0, 0), 0);
        assert_eq!(share_of(5, 10), 5000);
        // Idle accounting may run ahead of the wall clock by a few us.
        assert_eq!(share_of(20, 10), FULL);
    }
}
