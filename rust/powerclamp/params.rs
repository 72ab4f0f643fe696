// SPDX-License-Identifier: GPL-2.0

//! The module parameters, writable at run time under
//! `/sys/module/powerclamp/parameters/` (the C side registers them), and the
//! target the threads follow.
//!
//! The values live in atomics because insmod sets them before the module's
//! init runs, and the threads read them every period without a lock.
//! Writers hold the module's `kernel_param_lock()`.

use crate::common::text::parse_decimal;
use crate::mask::{
    CpuSet,
    WORDS, //
};
use core::ops::RangeInclusive;
use kernel::{
    fmt::{
        self,
        Write, //
    },
    prelude::*,
    sync::atomic::{
        Atomic,
        Relaxed, //
    },
};

pub(crate) const DURATION_MS: RangeInclusive<u32> = 6..=25;
pub(crate) const WINDOW_SIZE: RangeInclusive<u32> = 2..=10;
/// 90 % leaves the controller room to compensate below its 95 % bound.
pub(crate) const MAX_IDLE: RangeInclusive<u32> = 1..=90;

static DURATION: Atomic<u32> = Atomic::new(24);
static WINDOW: Atomic<u32> = Atomic::new(2);
static MAX_IDLE_PCT: Atomic<u32> = Atomic::new(50);
/// Every CPU until the parameter is written.
static CPUMASK: [Atomic<usize>; WORDS] = [const { Atomic::new(usize::MAX) }; WORDS];
/// The session's target in percent, 0 when off; written under the control
/// lock (`clamp.rs`).
static TARGET: Atomic<u32> = Atomic::new(0);

pub(crate) fn duration_ms() -> u32 {
    DURATION.load(Relaxed)
}

pub(crate) fn window_size() -> u32 {
    WINDOW.load(Relaxed)
}

pub(crate) fn max_idle() -> u32 {
    MAX_IDLE_PCT.load(Relaxed)
}

pub(crate) fn cpumask() -> CpuSet {
    let mut set = CpuSet::empty();
    for (word, atomic) in set.0.iter_mut().zip(CPUMASK.iter()) {
        *word = atomic.load(Relaxed);
    }
    set
}

pub(crate) fn target() -> u32 {
    TARGET.load(Relaxed)
}

pub(crate) fn set_target(percent: u32) {
    TARGET.store(percent, Relaxed);
}

/// A parameter, by its name under `/sys/module/powerclamp/parameters/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Param {
    Duration,
    WindowSize,
    Cpumask,
    MaxIdle,
}

/// A checked value for a [`Param`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Value {
    Number(u32),
    Mask(CpuSet),
}

impl Param {
    pub(crate) fn from_name(name: &[u8]) -> Option<Self> {
        match name {
            b"duration" => Some(Param::Duration),
            b"window_size" => Some(Param::WindowSize),
            b"cpumask" => Some(Param::Cpumask),
            b"max_idle" => Some(Param::MaxIdle),
            _ => None,
        }
    }

    /// Checks `text` as written to the parameter: `EINVAL` for anything but
    /// a decimal number in the parameter's range, or a mask
    /// [`CpuSet::parse`] accepts, for a machine of `nr_cpus` CPU numbers.
    pub(crate) fn parse(self, text: &[u8], nr_cpus: u32) -> Result<Value> {
        let range = match self {
            Param::Cpumask => return CpuSet::parse(text, nr_cpus).map(Value::Mask),
            Param::Duration => DURATION_MS,
            Param::WindowSize => WINDOW_SIZE,
            Param::MaxIdle => MAX_IDLE,
        };
        let n = parse_decimal(text.trim_ascii())?;
        let n = u32::try_from(n).map_err(|_| EINVAL)?;
        if !range.contains(&n) {
            return Err(EINVAL);
        }
        Ok(Value::Number(n))
    }

    /// Stores a value [`Param::parse`] returned for this parameter.
    pub(crate) fn store(self, value: Value) {
        match (self, value) {
            (Param::Duration, Value::Number(n)) => DURATION.store(n, Relaxed),
            (Param::WindowSize, Value::Number(n)) => WINDOW.store(n, Relaxed),
            (Param::MaxIdle, Value::Number(n)) => MAX_IDLE_PCT.store(n, Relaxed),
            (Param::Cpumask, Value::Mask(set)) => {
                for (atomic, word) in CPUMASK.iter().zip(set.0.iter()) {
                    atomic.store(*word, Relaxed);
                }
            }
            _ => {}
        }
    }

    /// Writes the current value as reading the parameter shows it.
    pub(crate) fn write(self, f: &mut impl Write, nr_cpus: u32) -> fmt::Result {
        match self {
            Param::Duration => f.write_fmt(fmt!("{}", duration_ms())),
            Param::WindowSize => f.write_fmt(fmt!("{}", window_size())),
            Param::MaxIdle => f.write_fmt(fmt!("{}", max_idle())),
            Param::Cpumask => {
                let all = CpuSet::first(nr_cpus);
                let mut set = cpumask();
                for (word, mask) in set.0.iter_mut().zip(all.0.iter()) {
                    *word &= *mask;
                }
                set.write_hex(nr_cpus, f)
            }
        }
    }
}

#[cfg(kmods_kunit)]
#[kunit_tests(powerclamp_params)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_range_are_accepted() {
        assert_eq!(Param::Duration.parse(b"6", 2), Ok(Value::Number(6)));
        assert_eq!(Param::Duration.parse(b"25\n", 2), Ok(Value::Number(25)));
        assert_eq!(Param::WindowSize.parse(b"2", 2), Ok(Value::Number(2)));
        assert_eq!(Param::WindowSize.parse(b"10", 2), Ok(Value::Number(10)));
        assert_eq!(Param::MaxIdle.parse(b"1", 2), Ok(Value::Number(1)));
        assert_eq!(Param::MaxIdle.parse(b"90", 2), Ok(Value::Number(90)));
    }

    #[test]
    fn bad_numbers_are_refused() {
        for (param, bad) in [
            (Param::Duration, &b"5"[..]),
            (Param::Duration, b"26"),
            (Param::Duration, b"-1"),
            (Param::Duration, b"+10"),
            (Param::Duration, b"1e1"),
            (Param::Duration, b""),
            (Param::Duration, b"99999999999"),
            (Param::WindowSize, b"1"),
            (Param::WindowSize, b"11"),
            (Param::MaxIdle, b"0"),
            (Param::MaxIdle, b"91"),
            (Param::MaxIdle, b"fifty"),
            (Param::MaxIdle, b"\xff"),
        ] {
            assert_eq!(param.parse(bad, 2), Err(EINVAL));
        }
    }

    #[test]
    fn parameters_are_found_by_name() {
        assert_eq!(Param::from_name(b"duration"), Some(Param::Duration));
        assert_eq!(Param::from_name(b"window_size"), Some(Param::WindowSize));
        assert_eq!(Param::from_name(b"cpumask"), Some(Param::Cpumask));
        assert_eq!(Param::from_name(b"max_idle"), Some(Param::MaxIdle));
        assert_eq!(Param::from_name(b"max_idle "), None);
        assert_eq!(
            Param::Cpumask.parse(b"1", 2),
            CpuSet::parse(b"1", 2).map(Value::Mask)
        );
    }
}
