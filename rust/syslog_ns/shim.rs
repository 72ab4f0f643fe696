// SPDX-License-Identifier: GPL-2.0

//! Declarations of the C side (`syslog_ns_shim.c`, `syslog_ns_netfilter.c`);
//! see `syslog_ns_shim.h` for why each is in C.

use core::ffi::c_void;
use kernel::{bindings, prelude::*};

/// The C side's wait queue and irq_work of one log; opaque here.
#[repr(C)]
pub(crate) struct syslog_ns_waiters {
    _opaque: [u8; 0],
}

// `struct user_namespace` holds an empty struct, which the lint flags; it is
// only ever passed by pointer.
#[allow(improper_ctypes)]
extern "C" {
    pub(crate) fn syslog_ns_preempt_disable();
    pub(crate) fn syslog_ns_preempt_enable();
    pub(crate) fn syslog_ns_clock() -> u64;
    pub(crate) fn syslog_ns_caller_id() -> u32;

    pub(crate) fn syslog_ns_current_user_ns() -> *mut bindings::user_namespace;
    pub(crate) fn syslog_ns_get_user_ns(
        ns: *mut bindings::user_namespace,
    ) -> *mut bindings::user_namespace;
    pub(crate) fn syslog_ns_put_user_ns(ns: *mut bindings::user_namespace);
    pub(crate) fn syslog_ns_user_ns_active(ns: *mut bindings::user_namespace) -> bool;
    pub(crate) fn syslog_ns_user_ns_id(ns: *mut bindings::user_namespace) -> u64;
    pub(crate) fn syslog_ns_user_ns_owner(ns: *mut bindings::user_namespace) -> u32;
    pub(crate) fn syslog_ns_user_ns_parent(
        ns: *mut bindings::user_namespace,
    ) -> *mut bindings::user_namespace;
    pub(crate) fn syslog_ns_user_ns_quota_uid(ns: *mut bindings::user_namespace) -> u32;
    pub(crate) fn syslog_ns_may_write(ns: *mut bindings::user_namespace) -> bool;
    pub(crate) fn syslog_ns_current_comm(buf: *mut u8, len: usize) -> usize;

    pub(crate) fn syslog_ns_alloc_accounted(bytes: usize) -> *mut c_void;
    pub(crate) fn syslog_ns_free_accounted(ptr: *mut c_void);

    pub(crate) fn syslog_ns_waiters_new() -> *mut syslog_ns_waiters;
    pub(crate) fn syslog_ns_waiters_free(w: *mut syslog_ns_waiters);
    pub(crate) fn syslog_ns_wake(w: *mut syslog_ns_waiters);
    pub(crate) fn syslog_ns_wait(
        w: *mut syslog_ns_waiters,
        ready: Option<extern "C" fn(arg: *const c_void) -> bool>,
        arg: *const c_void,
    ) -> c_int;
    pub(crate) fn syslog_ns_poll_wait(
        file: *mut bindings::file,
        w: *mut syslog_ns_waiters,
        pt: *mut bindings::poll_table_struct,
    );

    pub(crate) fn syslog_ns_find_host_kmsg() -> *const bindings::file_operations;
    pub(crate) fn syslog_ns_forget_host_kmsg();
    pub(crate) fn syslog_ns_host_kmsg_permission(file: *mut bindings::file) -> c_int;
    pub(crate) fn syslog_ns_open_host(
        table: *const bindings::file_operations,
        host: *const bindings::file_operations,
        inode: *mut bindings::inode,
        file: *mut bindings::file,
    ) -> c_int;

    pub(crate) fn syslog_ns_collector_start();
    pub(crate) fn syslog_ns_collector_stop();
    pub(crate) fn syslog_ns_console_capture_start() -> c_int;
    pub(crate) fn syslog_ns_console_capture_stop();
    pub(crate) fn syslog_ns_nf_register() -> c_int;
    pub(crate) fn syslog_ns_nf_unregister();

    pub(crate) fn syslog_ns_trace_created(id: u64, owner: u32, size: u32);
    pub(crate) fn syslog_ns_trace_destroyed(id: u64, records: u64, dropped: u64);
    pub(crate) fn syslog_ns_trace_dropped(id: u64, dropped: u64);

    pub(crate) fn syslog_ns_host_printk(level: c_uint, id: u64, text: *const c_char, len: usize);

    pub(crate) fn syslog_ns_text_init() -> c_int;
    pub(crate) fn syslog_ns_text_exit();
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
