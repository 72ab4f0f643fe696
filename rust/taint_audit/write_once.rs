// SPDX-License-Identifier: GPL-2.0

//! A value written once, by whichever caller claims it first, and read without locks after.
//!
//! Taint attribution records the first cause of each flag from kretprobe
//! handlers, which may run in any context, NMI included: no lock may be
//! taken and nothing allocated. A [`WriteOnce`] is claimed with a
//! compare-and-exchange, written by its one claimer, and published with a
//! release store; a reader sees the value only once it is complete.

use core::cell::UnsafeCell;
#[cfg(kmods_kunit)]
use kernel::prelude::*;
use kernel::sync::atomic::{
    Acquire,
    Atomic,
    Relaxed,
    Release, //
};

/// Nobody has claimed the value.
const EMPTY: u32 = 0;
/// A claimer is writing the value.
const WRITING: u32 = 1;
/// The value is written and will not change again.
const READY: u32 = 2;

/// A value written at most once, then shared read-only.
///
/// # Invariants
///
/// - `value` is written only by the one caller that moved `state` from
///   `EMPTY` to `WRITING`, and only until that caller stores `READY`; it is
///   never written again after that.
/// - `value` is read only after `READY` was loaded with acquire ordering.
pub(crate) struct WriteOnce<T> {
    state: Atomic<u32>,
    value: UnsafeCell<T>,
}

// SAFETY: By the type invariants, `value` has one writer, which may be on any
// thread (so `T: Send`), and is shared between threads only once it is
// written (so `T: Sync`).
unsafe impl<T: Send + Sync> Sync for WriteOnce<T> {}

impl<T> WriteOnce<T> {
    /// An unclaimed cell; `placeholder` is what its writer starts from.
    pub(crate) fn new(placeholder: T) -> Self {
        // INVARIANT: `EMPTY`: nobody may write or read `value` yet.
        WriteOnce {
            state: Atomic::new(EMPTY),
            value: UnsafeCell::new(placeholder),
        }
    }

    /// The value, once it has been written.
    pub(crate) fn get(&self) -> Option<&T> {
        if self.state.load(Acquire) != READY {
            return None;
        }
        // SAFETY: `READY` was loaded with acquire ordering, so the writer's
        // last access happened before this one, and by the type invariants
        // no write follows.
        Some(unsafe { &*self.value.get() })
    }

    /// Calls `write` with the value to fill in, unless another caller has
    /// claimed it already; returns whether `write` ran.
    ///
    /// The value is published when `write` returns, so `write` may read what
    /// it wrote (to emit a trace event, say) before anyone else can.
    pub(crate) fn write_once(&self, write: impl FnOnce(&mut T)) -> bool {
        if self.state.cmpxchg(EMPTY, WRITING, Relaxed).is_err() {
            return false;
        }
        // SAFETY: This call moved the state from `EMPTY` to `WRITING`, so by
        // the type invariants it is the only one that may access `value`
        // until it stores `READY`.
        write(unsafe { &mut *self.value.get() });
        // INVARIANT: The borrow given to `write` has ended: every access of
        // the writer happens before `READY`, and none after it.
        self.state.store(READY, Release);
        true
    }
}

#[cfg(kmods_kunit)]
#[kunit_tests(taint_audit_write_once)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_read_before_the_write() {
        let cell = WriteOnce::new(0u32);
        assert!(cell.get().is_none());
    }

    #[test]
    fn the_first_writer_wins_and_the_second_is_refused() {
        let cell = WriteOnce::new(0u32);
        assert!(cell.write_once(|v| *v = 1));
        assert!(!cell.write_once(|v| *v = 2));
        assert_eq!(cell.get(), Some(&1));
    }

    #[test]
    fn the_writer_reads_what_it_wrote_before_publishing() {
        let cell = WriteOnce::new([0u8; 4]);
        let mut seen = 0;
        cell.write_once(|v| {
            v[0] = 7;
            seen = v[0];
        });
        assert_eq!(seen, 7);
        assert_eq!(cell.get().map(|v| v[0]), Some(7));
    }
}
