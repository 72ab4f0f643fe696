// SPDX-License-Identifier: GPL-2.0

//! The module's trace events, defined in C by `taint_audit_trace.h` and
//! instantiated by `taint_audit_trace.c`.

use crate::audit::{
    ModuleEvent,
    ModuleRecord, //
};
use crate::common::trace::module_trace_events;
use kernel::prelude::*;

module_trace_events! {
    /// `taint_audit:taint_audit_module`.
    unsafe fn taint_audit_module(
        name: *const c_char,
        loading: bool,
        taints: c_ulong,
        sig_ok: bool,
        kernel_taint: c_ulong,
    );
    /// `taint_audit:taint_audit_taint`.
    unsafe fn taint_audit_taint(flag: c_uint, caller: *const c_char);
}

/// Emits `taint_audit:taint_audit_module` for one audited load or unload.
pub(crate) fn module_event(record: &ModuleRecord) {
    // SAFETY: The one pointer the event reads is `name`, as a string:
    // - `name_with_nul()` is NUL-terminated.
    // - It outlives the call, and the event copies it before returning.
    unsafe {
        taint_audit_module(
            record.name_with_nul().as_ptr().cast(),
            record.event == ModuleEvent::Load,
            record.module_taints.0 as c_ulong,
            record.signed,
            record.kernel_after.0 as c_ulong,
        )
    };
}

/// Emits `taint_audit:taint_audit_taint` for a flag newly set by `caller`.
///
/// `caller` must hold a NUL; the event stops at the first one.
pub(crate) fn taint_event(flag: u32, caller: &[u8]) {
    if !caller.contains(&0) {
        return;
    }
    // SAFETY: The one pointer the event reads is `caller`, up to its first
    // NUL, which is within `caller` as checked above.
    unsafe { taint_audit_taint(flag, caller.as_ptr()) };
}
