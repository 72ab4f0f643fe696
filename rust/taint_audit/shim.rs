// SPDX-License-Identifier: GPL-2.0

//! What the module reads of the kernel, behind safe functions.
//!
//! The C side is `taint_audit_shim.c` (see `taint_audit_shim.h` for each
//! function's contract). Fields of `struct module` and `struct task_struct`
//! are read there, by the kernel's own compiler, never through bindgen's
//! mirror of those structures: both change shape with the configuration.
//! Every other file of the module calls the safe functions here.

use core::{
    marker::PhantomData,
    ptr::NonNull, //
};
use kernel::{
    bindings,
    prelude::*, //
};

/// `TASK_COMM_LEN`: the size of a task's name, NUL included.
pub(crate) const COMM_LEN: usize = bindings::TASK_COMM_LEN as usize;

mod c {
    use kernel::prelude::*;

    /// A `struct module`, opaque: only `taint_audit_shim.c` reads its fields.
    #[repr(C)]
    pub(super) struct Module {
        _opaque: [u8; 0],
    }

    extern "C" {
        pub(super) fn taint_audit_module_name(module: *const Module) -> *const c_char;
        pub(super) fn taint_audit_module_taints(module: *const Module) -> c_ulong;
        pub(super) fn taint_audit_module_sig_ok(module: *const Module) -> bool;
        pub(super) fn taint_audit_current_pid() -> c_int;
        pub(super) fn taint_audit_current_comm(buf: *mut c_char, len: usize);
        pub(super) fn taint_audit_kernel_taint() -> c_ulong;
        pub(super) fn taint_audit_symbolize(
            buf: *mut c_char,
            len: usize,
            addr: c_ulong,
            return_address: bool,
        ) -> c_int;
        pub(super) fn taint_audit_taint_probe_misses() -> c_ulong;
    }
}

/// A `struct module` borrowed for `'a`, such as the one a module notifier
/// call is about.
///
/// # Invariants
///
/// `ptr` points to a valid `struct module` for all of `'a`.
#[derive(Clone, Copy)]
pub(crate) struct ModuleRef<'a> {
    ptr: NonNull<c::Module>,
    _module: PhantomData<&'a c::Module>,
}

impl<'a> ModuleRef<'a> {
    /// Borrows the module at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` points to a valid `struct module` that stays valid for `'a`.
    pub(crate) unsafe fn from_raw(ptr: NonNull<c_void>) -> Self {
        // INVARIANT: By the safety contract.
        ModuleRef {
            ptr: ptr.cast(),
            _module: PhantomData,
        }
    }

    /// The module's name.
    pub(crate) fn name(&self) -> &'a CStr {
        // SAFETY: By the type invariant the module is valid.
        let name = unsafe { c::taint_audit_module_name(self.ptr.as_ptr()) };
        // SAFETY:
        // - `name` is the module's NUL-terminated name (`taint_audit_shim.h`).
        // - It lives as long as the module, which is valid for `'a` by the
        //   type invariant.
        // - Nothing writes it while the module is loaded.
        unsafe { CStr::from_char_ptr(name) }
    }

    /// The taint flags the module carries, as `TAINT_*` bits.
    pub(crate) fn taints(&self) -> u64 {
        // SAFETY: By the type invariant the module is valid.
        unsafe { c::taint_audit_module_taints(self.ptr.as_ptr()) as u64 }
    }

    /// Whether the module's signature verified against a trusted key.
    pub(crate) fn sig_ok(&self) -> bool {
        // SAFETY: By the type invariant the module is valid.
        unsafe { c::taint_audit_module_sig_ok(self.ptr.as_ptr()) }
    }
}

/// The pid and name of the current task; safe in any context, NMI included.
///
/// The name is NUL-terminated; a concurrent rename can tear it.
pub(crate) fn current_process() -> (i32, [u8; COMM_LEN]) {
    let mut comm = [0u8; COMM_LEN];
    // SAFETY: `comm` is valid for writes of `COMM_LEN` bytes.
    unsafe { c::taint_audit_current_comm(comm.as_mut_ptr(), COMM_LEN) };
    // SAFETY: Any context may call it; it reads `current`.
    (unsafe { c::taint_audit_current_pid() }, comm)
}

/// The kernel-wide taint, one bit per `TAINT_*` flag; safe in any context.
pub(crate) fn kernel_taint() -> u64 {
    // SAFETY: Any context may call it; it reads the taint flags.
    unsafe { c::taint_audit_kernel_taint() as u64 }
}

/// `CLOCK_MONOTONIC` in nanoseconds; safe in any context, NMI included.
///
/// `kernel::time::Instant<Monotonic>` is not: it reads `ktime_get()`, which
/// may spin on a sequence count that an interrupted writer holds, and it
/// does not give the absolute time either, which the report prints.
pub(crate) fn now_ns() -> u64 {
    // SAFETY: `ktime_get_mono_fast_ns()` may be called from any context,
    // NMI included.
    unsafe { bindings::ktime_get_mono_fast_ns() }
}

/// Writes `addr` as the kernel symbolizes code addresses, NUL-terminated
/// and truncated to fit: `fn+0x1c/0x80` (`%pB`) for a return address, else
/// the name of the function at `addr` (`%ps`). Safe in any context.
pub(crate) fn symbolize(buf: &mut [u8], addr: usize, return_address: bool) {
    // SAFETY: `buf` is valid for writes of `buf.len()` bytes; the call
    // writes within them.
    unsafe { c::taint_audit_symbolize(buf.as_mut_ptr(), buf.len(), addr, return_address) };
}

/// Probed calls since the taint probes were registered that found no free
/// kretprobe instance, so that their taint changes were not attributed.
pub(crate) fn taint_probe_misses() -> u64 {
    // SAFETY: Any context may call it; it reads counters of static probes.
    unsafe { c::taint_audit_taint_probe_misses() as u64 }
}
