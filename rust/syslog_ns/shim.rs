// SPDX-License-Identifier: GPL-2.0

//! Declarations of the C side (`syslog_ns_shim.c`); see `syslog_ns_shim.h`.

extern "C" {
    pub(crate) fn syslog_ns_preempt_disable();
    pub(crate) fn syslog_ns_preempt_enable();
}

/// Preemption is off while this lives.
pub(crate) struct NoPreempt(());

impl NoPreempt {
    pub(crate) fn new() -> Self {
        // SAFETY: no precondition; `Drop` pairs it.
        unsafe { syslog_ns_preempt_disable() };
        NoPreempt(())
    }
}

impl Drop for NoPreempt {
    fn drop(&mut self) {
        // SAFETY: pairs the disable in `new`.
        unsafe { syslog_ns_preempt_enable() };
    }
}
