// SPDX-License-Identifier: GPL-2.0

//! Calling a module's own trace events from Rust.
//!
//! A trace event is defined in C (`TRACE_EVENT()` is preprocessor work only C
//! can do): the module's `<name>_trace.c` defines `CREATE_TRACE_POINTS` and
//! `CREATE_RUST_TRACE_POINTS` and includes its trace header, and the kernel's
//! `define_trace.h` then emits, for each event, the tracepoint
//! `__tracepoint_<event>` and a function `rust_do_trace_<event>()` that runs
//! its probes.
//!
//! The kernel crate's `declare_trace!` calls exactly these, but finds the
//! tracepoint in the kernel crate's own bindings, which know only the
//! kernel's events. [`module_trace_events!`] is the same for a module's
//! events: each declared function tests the tracepoint's static branch inline
//! (a disabled event costs one `nop`) and calls `rust_do_trace_<event>()`
//! only when the event is enabled.

/// Declares Rust functions that emit trace events the module defines in C.
///
/// Each `unsafe fn event(args);` becomes a function of that name, whose
/// arguments are the event's `TP_PROTO()` in Rust types. Calling it is
/// `unsafe` exactly as calling the C function `trace_<event>()` would be:
/// pointer arguments must be valid for what the event's `TP_fast_assign()`
/// reads.
///
/// ```ignore
/// module_trace_events! {
///     /// `taint_audit:taint_audit_taint`.
///     pub(crate) unsafe fn taint_audit_taint(flag: c_uint, caller: *const c_char);
/// }
/// ```
macro_rules! module_trace_events {
    ($($(#[$attr:meta])* $pub:vis unsafe fn $name:ident($($arg:ident : $ty:ty),* $(,)?);)*) => {$(
        $(#[$attr])*
        ///
        /// # Safety
        ///
        /// Pointer arguments are valid for what the event's
        /// `TP_fast_assign()` reads.
        #[inline(always)]
        $pub unsafe fn $name($($arg : $ty),*) {
            ::kernel::macros::paste! {
                // `struct tracepoint` holds an empty struct, which the lint
                // flags; only the tracepoint's address is taken.
                #[allow(improper_ctypes)]
                extern "C" {
                    // Defined by `define_trace.h` in the module's trace object.
                    static [< __tracepoint_ $name >]: ::kernel::bindings::tracepoint;
                    fn [< rust_do_trace_ $name >]($($arg : $ty),*);
                }
                // SAFETY: the tracepoint is a static of this module, defined
                // in C above; querying its static key is always allowed.
                let enabled = unsafe {
                    ::kernel::jump_label::static_branch_unlikely!(
                        [< __tracepoint_ $name >],
                        ::kernel::bindings::tracepoint,
                        key
                    )
                };
                if enabled {
                    // SAFETY: the caller provides what the event reads, as
                    // this function's own contract says.
                    unsafe { [< rust_do_trace_ $name >]($($arg),*) };
                }
            }
        }
    )*};
}
pub(crate) use module_trace_events;
