// SPDX-License-Identifier: GPL-2.0

//! The module's trace events, defined in C by `powerclamp_trace.h` and
//! instantiated by `powerclamp_trace.c`. Shares are in basis points.

use crate::common::trace::module_trace_events;
use kernel::prelude::*;

module_trace_events! {
    /// `powerclamp:powerclamp_inject_start`.
    unsafe fn powerclamp_inject_start(cpu: c_uint, requested_ns: u64);
    /// `powerclamp:powerclamp_inject_end`.
    unsafe fn powerclamp_inject_end(cpu: c_uint, requested_ns: u64, actual_ns: u64, idle_ns: u64);
    /// `powerclamp:powerclamp_adjust`.
    unsafe fn powerclamp_adjust(
        cpu: c_uint,
        target_bp: c_uint,
        achieved_bp: c_uint,
        share_before_bp: c_uint,
        share_after_bp: c_uint,
    );
}

/// A thread starts forcing `cpu` idle for `requested_ns`.
pub(crate) fn inject_start(cpu: u32, requested_ns: u64) {
    // SAFETY: plain values, which the event copies.
    unsafe { powerclamp_inject_start(cpu, requested_ns) };
}

/// An injection ended after `actual_ns`, `idle_ns` of it accounted as idle.
pub(crate) fn inject_end(cpu: u32, requested_ns: u64, actual_ns: u64, idle_ns: u64) {
    // SAFETY: plain values, which the event copies.
    unsafe { powerclamp_inject_end(cpu, requested_ns, actual_ns, idle_ns) };
}

/// The end of a control window.
pub(crate) fn adjust(cpu: u32, target: u32, achieved: u32, share_before: u32, share_after: u32) {
    // SAFETY: plain values, which the event copies.
    unsafe { powerclamp_adjust(cpu, target, achieved, share_before, share_after) };
}
