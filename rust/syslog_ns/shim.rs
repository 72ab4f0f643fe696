// SPDX-License-Identifier: GPL-2.0

//! The C side (`syslog_ns_shim.c`, `syslog_ns_netfilter.c`) as safe Rust.
//!
//! [`raw`] declares the C functions; see `syslog_ns_shim.h` for why each is
//! in C. What can be called safely is wrapped here once, saying once why it
//! is sound; the rest is called by the one boundary that has what it needs
//! (`device.rs` for `/dev/kmsg`'s operations, `user_ns.rs` for user
//! namespaces, `ringbuf.rs` for accounted memory).

use crate::common::trace::module_trace_events;
use core::{ffi::c_void, ptr::NonNull};
use kernel::{
    bindings,
    error::to_result,
    fs::File,
    prelude::*,
    sync::atomic::{Acquire, Atomic, Release},
};

use crate::common::miscdev::PollTable;

pub(crate) mod raw {
    use core::ffi::c_void;
    use kernel::{bindings, prelude::*};

    /// The C side's wait queue and irq_work of one log; opaque here.
    #[repr(C)]
    pub(crate) struct syslog_ns_waiters {
        _opaque: [u8; 0],
    }

    // `struct user_namespace` holds an empty struct, which the lint flags;
    // it is only ever passed by pointer.
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
            ready: Option<unsafe extern "C" fn(arg: *const c_void) -> bool>,
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
        pub(crate) fn syslog_ns_console_capture_start(console: bool, oom: bool) -> c_int;
        pub(crate) fn syslog_ns_console_capture_stop();
        pub(crate) fn syslog_ns_redirect_register(
            host_kmsg: *const bindings::file_operations,
            kmsg_ns: *const bindings::file_operations,
        ) -> c_int;
        pub(crate) fn syslog_ns_redirect_unregister();
        pub(crate) fn syslog_ns_redirect_done();
        pub(crate) fn syslog_ns_settings_open();
        pub(crate) fn syslog_ns_settings_close();
        pub(crate) fn syslog_ns_dmesg_restrict() -> bool;
        pub(crate) fn syslog_ns_printk_time() -> bool;
        pub(crate) fn syslog_ns_task_user_ns(nr: c_int) -> *mut bindings::user_namespace;
        pub(crate) fn syslog_ns_nf_register() -> c_int;
        pub(crate) fn syslog_ns_nf_unregister();

        pub(crate) fn syslog_ns_host_printk(
            level: c_uint,
            id: u64,
            text: *const c_char,
            len: usize,
        );

        pub(crate) fn syslog_ns_text_init() -> c_int;
        pub(crate) fn syslog_ns_text_exit();
    }
}

module_trace_events! {
    /// `syslog_ns:syslog_ns_created`.
    unsafe fn syslog_ns_created(id: u64, owner: u32, size: u32);
    /// `syslog_ns:syslog_ns_destroyed`.
    unsafe fn syslog_ns_destroyed(id: u64, records: u64, dropped: u64);
    /// `syslog_ns:syslog_ns_dropped`.
    unsafe fn syslog_ns_dropped(id: u64, dropped: u64);
}

/// The trace events, which take only integers: any context may emit them.
pub(crate) mod trace {
    pub(crate) fn created(id: u64, owner: u32, size: u32) {
        // SAFETY: integer arguments only.
        unsafe { super::syslog_ns_created(id, owner, size) };
    }

    pub(crate) fn destroyed(id: u64, records: u64, dropped: u64) {
        // SAFETY: integer arguments only.
        unsafe { super::syslog_ns_destroyed(id, records, dropped) };
    }

    pub(crate) fn dropped(id: u64, dropped: u64) {
        // SAFETY: integer arguments only.
        unsafe { super::syslog_ns_dropped(id, dropped) };
    }
}

/// The clock printk stamps its records with (`local_clock()`), in ns.
pub(crate) fn clock() -> u64 {
    // SAFETY: any context may read it.
    unsafe { raw::syslog_ns_clock() }
}

/// printk's caller id: the current thread's id, or 0x80000000 | CPU.
pub(crate) fn caller_id() -> u32 {
    // SAFETY: any context has one.
    unsafe { raw::syslog_ns_caller_id() }
}

/// The current task's name, as much of it as fits in `buf`.
pub(crate) fn current_comm(buf: &mut [u8]) -> &[u8] {
    // SAFETY: `buf` is valid for writes of its length.
    let len = unsafe { raw::syslog_ns_current_comm(buf.as_mut_ptr(), buf.len()) };
    &buf[..len.min(buf.len())]
}

/// Writes `text` to the host's log: as the host's own if `id` is 0, else
/// with the provenance of log `id`.
pub(crate) fn host_printk(level: u8, id: u64, text: &[u8]) {
    // SAFETY: `text` is valid for its length; printk copies it.
    unsafe { raw::syslog_ns_host_printk(u32::from(level), id, text.as_ptr().cast(), text.len()) };
}

/// Preemption is off while this lives.
pub(crate) struct NoPreempt(());

impl NoPreempt {
    pub(crate) fn new() -> Self {
        // SAFETY: any context may disable preemption; `Drop` enables it.
        unsafe { raw::syslog_ns_preempt_disable() };
        NoPreempt(())
    }
}

impl Drop for NoPreempt {
    fn drop(&mut self) {
        // SAFETY: pairs the disable in `new`.
        unsafe { raw::syslog_ns_preempt_enable() };
    }
}

/// The wait queue the readers of one log sleep on, woken from any context
/// (through `irq_work`, hence in C).
///
/// # Invariants
///
/// The pointer is from `syslog_ns_waiters_new()` and freed only by `drop`.
pub(crate) struct Waiters(NonNull<raw::syslog_ns_waiters>);

// SAFETY: wait queues and irq_work are used from any thread.
unsafe impl Send for Waiters {}
// SAFETY: as above; their operations do their own locking.
unsafe impl Sync for Waiters {}

impl Waiters {
    pub(crate) fn new() -> Result<Self> {
        // SAFETY: process context, the caller's (it allocates).
        let w = unsafe { raw::syslog_ns_waiters_new() };
        // INVARIANT: from `syslog_ns_waiters_new()`, if not null.
        NonNull::new(w).map(Waiters).ok_or(ENOMEM)
    }

    /// Wakes the sleepers and pollers; any context.
    pub(crate) fn wake(&self) {
        // SAFETY: allocated (type invariant).
        unsafe { raw::syslog_ns_wake(self.0.as_ptr()) };
    }

    /// Sleeps until `ready()`; `ERESTARTSYS` on a signal.
    pub(crate) fn wait_until(&self, ready: impl Fn() -> bool) -> Result {
        /// # Safety
        ///
        /// `arg` is a live `F`.
        unsafe extern "C" fn call<F: Fn() -> bool>(arg: *const c_void) -> bool {
            // SAFETY: `wait_until` passes its `ready`, which outlives the wait.
            unsafe { (*arg.cast::<F>())() }
        }

        fn trampoline<F: Fn() -> bool>(_: &F) -> unsafe extern "C" fn(*const c_void) -> bool {
            call::<F>
        }
        // SAFETY:
        // - allocated (type invariant);
        // - `ready` outlives the call, and `call` reads it as its own type.
        to_result(unsafe {
            raw::syslog_ns_wait(
                self.0.as_ptr(),
                Some(trampoline(&ready)),
                (&raw const ready).cast(),
            )
        })
    }

    /// Registers a poll of `file` on the wait queue.
    pub(crate) fn poll_wait(&self, file: &File, table: &PollTable<'_>) {
        // SAFETY:
        // - `file` is open and `table` null or valid for the poll;
        // - allocated (type invariant), and freed only after every file on
        //   the log is released, which removes its poll entries.
        unsafe { raw::syslog_ns_poll_wait(file.as_ptr(), self.0.as_ptr(), table.as_ptr()) };
    }
}

impl Drop for Waiters {
    fn drop(&mut self) {
        // SAFETY: allocated by `new` (type invariant); its irq_work is
        // synced before it is freed.
        unsafe { raw::syslog_ns_waiters_free(self.0.as_ptr()) };
    }
}

/// The collector, which frees the logs of user namespaces that are gone,
/// once a second, while this lives.
pub(crate) struct Collector(());

impl Collector {
    pub(crate) fn start() -> Self {
        // SAFETY: process context, at load; `Drop` stops it.
        unsafe { raw::syslog_ns_collector_start() };
        Collector(())
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        // SAFETY: started in `start`, and stopped once.
        unsafe { raw::syslog_ns_collector_stop() };
    }
}

/// The netfilter LOG lines of namespaces with a log go to that log while
/// this lives (`syslog_ns_netfilter.c`).
pub(crate) struct NetfilterRedirect(());

impl NetfilterRedirect {
    /// `EBUSY` if another ftrace user modifies `nf_log_packet()`,
    /// `EOPNOTSUPP` without ftrace's argument access.
    pub(crate) fn register() -> Result<Self> {
        // SAFETY: process context, at load; `Drop` unregisters it.
        to_result(unsafe { raw::syslog_ns_nf_register() })?;
        Ok(NetfilterRedirect(()))
    }
}

impl Drop for NetfilterRedirect {
    fn drop(&mut self) {
        // SAFETY: registered in `register`, unregistered once.
        unsafe { raw::syslog_ns_nf_unregister() };
    }
}

/// The printk console tracepoint's probe, while this lives: with
/// `console`, what tasks inside a namespace printk() goes to their log; with
/// `oom`, the OOM killer's report goes to its victim's (`oom.rs`).
pub(crate) struct ConsoleCapture(());

impl ConsoleCapture {
    pub(crate) fn register(console: bool, oom: bool) -> Result<Self> {
        // SAFETY: process context, at load; `Drop` unregisters it.
        to_result(unsafe { raw::syslog_ns_console_capture_start(console, oom) })?;
        Ok(ConsoleCapture(()))
    }
}

impl Drop for ConsoleCapture {
    fn drop(&mut self) {
        // SAFETY: registered in `register`, unregistered once.
        unsafe { raw::syslog_ns_console_capture_stop() };
    }
}

/// The kernel's syslog(2), `/proc/kmsg` and `/dev/kmsg` serve the tasks
/// with a log from their log while this lives (`syslog_ns_redirect.c`).
///
/// # Invariants
///
/// The hooks are registered until `drop`.
pub(crate) struct Redirect(());

impl Redirect {
    /// `host_kmsg` is `/dev/kmsg`'s operations, `kmsg_ns` `/dev/kmsg_ns`'s,
    /// both living until this is dropped. `EOPNOTSUPP` without ftrace's
    /// argument access, `EINVAL` if a kernel function is not found, `EBUSY`
    /// if a livepatch has one. The module's last step at load: a file it
    /// binds holds the module, which a failing load would not wait for.
    pub(crate) fn register(
        host_kmsg: *const bindings::file_operations,
        kmsg_ns: *const bindings::file_operations,
    ) -> Result<Self> {
        // SAFETY:
        // - process context, at load;
        // - both tables live until `drop` unregisters, the caller says.
        to_result(unsafe { raw::syslog_ns_redirect_register(host_kmsg, kmsg_ns) })?;
        REDIRECTING.store(true, Release);
        // INVARIANT: registered and open.
        Ok(Redirect(()))
    }
}

impl Drop for Redirect {
    fn drop(&mut self) {
        REDIRECTING.store(false, Release);
        // SAFETY: registered (type invariant), unregistered once; unload has
        // begun, so no redirected call or bound file is left.
        unsafe { raw::syslog_ns_redirect_unregister() };
    }
}

/// The host's `kernel.dmesg_restrict` and `printk.time`, readable while
/// this lives (from their files: the variables are not exported).
pub(crate) struct HostSettings(());

impl HostSettings {
    pub(crate) fn open() -> Self {
        // SAFETY: process context, at load; `Drop` closes them.
        unsafe { raw::syslog_ns_settings_open() };
        HostSettings(())
    }
}

impl Drop for HostSettings {
    fn drop(&mut self) {
        // SAFETY: opened by `open`, closed once, at unload, when no file of
        // the device or redirected call is left to read them.
        unsafe { raw::syslog_ns_settings_close() };
    }
}

/// Whether a [`Redirect`] lives.
static REDIRECTING: Atomic<bool> = Atomic::new(false);

/// Whether syslog(2), `/proc/kmsg` and `/dev/kmsg` are redirected.
pub(crate) fn redirecting() -> bool {
    REDIRECTING.load(Acquire)
}

/// Gives back the module reference of a redirected call or bound file.
///
/// # Safety
///
/// The caller holds such a reference (`syslog_ns_redirect.c`), and returns
/// without sleeping once this is called.
pub(crate) unsafe fn redirect_done() {
    // SAFETY: the caller holds the reference it gives back.
    unsafe { raw::syslog_ns_redirect_done() };
}

/// The host's `kernel.dmesg_restrict`, as a log's readers are checked
/// against it; restricted if it cannot be read.
pub(crate) fn dmesg_restrict() -> bool {
    // SAFETY: process context; called by a file's or a redirected call's
    // operation, while `HostSettings` lives.
    unsafe { raw::syslog_ns_dmesg_restrict() }
}

/// The host's `printk.time`: whether syslog(2) lines carry a timestamp.
pub(crate) fn printk_time() -> bool {
    // SAFETY: as in `dmesg_restrict`.
    unsafe { raw::syslog_ns_printk_time() }
}
