// SPDX-License-Identifier: GPL-2.0

//! What the C side calls in Rust (`syslog_ns_shim.h`).
//!
//! Each function turns its raw arguments into safe types once, calls the
//! safe function of `log.rs` that does the work, and maps its result once.

use crate::{
    common::miscdev::PollTable,
    log::{self, Log},
    oom, shim,
    syslog::{self, Caller},
    user_ns::UserNamespace,
};
use kernel::{
    bindings,
    error::from_result,
    fs::File,
    prelude::*,
    sync::{Arc, ArcBorrow},
    uaccess::{UserPtr, UserSlice},
};

// include/uapi/linux/eventpoll.h, which bindgen cannot see through the
// `__force __poll_t` casts.
const EPOLLIN: u32 = 0x1;
const EPOLLRDNORM: u32 = 0x40;

/// [`log::store_for`], for the C side's `syslog_ns_printk()` and netfilter
/// logger: the stored length or a negative errno.
///
/// # Safety
///
/// - `ns` is a live user namespace, or null (`EINVAL`);
/// - `text` is valid for `len` bytes.
#[no_mangle]
unsafe extern "C" fn syslog_ns_store(
    ns: *mut bindings::user_namespace,
    to_host: bool,
    level: c_uint,
    facility: c_uint,
    text: *const c_char,
    len: usize,
) -> c_int {
    from_result(|| {
        if ns.is_null() {
            return Err(EINVAL);
        }
        // SAFETY: live for the call, the caller says.
        let ns = unsafe { UserNamespace::from_raw(ns) };
        // SAFETY: valid for `len` bytes, the caller says.
        let text = unsafe { core::slice::from_raw_parts(text.cast::<u8>(), len) };
        let stored = log::store_for(ns, to_host, (level & 7) as u8, facility as u8, text)?;
        Ok(stored as c_int)
    })
}

/// [`log::has_log`], for the netfilter redirect, which asks before it
/// takes a line away from the kernel's logger. Any context.
///
/// # Safety
///
/// `ns` is a live user namespace, or null (no log).
#[no_mangle]
unsafe extern "C" fn syslog_ns_has_log(ns: *mut bindings::user_namespace) -> bool {
    if ns.is_null() {
        return false;
    }
    // SAFETY: live for the call, the caller says.
    log::has_log(unsafe { UserNamespace::from_raw(ns) })
}

/// [`log::capture`], for the printk console probe.
///
/// # Safety
///
/// `text` is valid for `len` bytes.
#[no_mangle]
unsafe extern "C" fn syslog_ns_console(text: *const c_char, len: usize) {
    // SAFETY: valid for `len` bytes, the caller says.
    log::capture(unsafe { core::slice::from_raw_parts(text.cast::<u8>(), len) });
}

/// [`log::collect`], for the collector's delayed work, once a second.
#[no_mangle]
extern "C" fn syslog_ns_collect() {
    log::collect();
}

/// [`oom::text`], for the printk console probe: whether `text` was part of
/// an OOM report.
///
/// # Safety
///
/// `text` is valid for `len` bytes.
#[no_mangle]
unsafe extern "C" fn syslog_ns_oom_text(text: *const c_char, len: usize) -> bool {
    // SAFETY: valid for `len` bytes, the caller says.
    oom::text(unsafe { core::slice::from_raw_parts(text.cast::<u8>(), len) })
}

/// The log of the current task, which the redirect found it has: a task
/// keeps its user namespace active, so its log is not collected.
fn current_log() -> Result<Arc<Log>> {
    log::find_arc(&UserNamespace::current()).ok_or(ENOENT)
}

/// `do_syslog()` for a task with a log: syslog(2) on that log.
///
/// # Safety
///
/// Called in place of `do_syslog(type, buf, len, SYSLOG_FROM_READER)` by
/// the redirect, which holds a module reference for the call.
#[no_mangle]
unsafe extern "C" fn syslog_ns_do_syslog(
    action: c_int,
    buf: *mut c_char,
    len: c_int,
    _source: c_int,
) -> c_int {
    let ret = from_result(|| {
        let log = current_log()?;
        syslog::call(&log, action, buf as usize, len, Caller::Syscall)
    });
    // SAFETY: the call's reference; nothing sleeps after it.
    unsafe { shim::redirect_done() };
    ret
}

/// `kmsg_open()` for a task with a log: checks it may read the log, as the
/// kernel checks `SYSLOG_ACTION_OPEN`, and binds the file to it. The file
/// keeps the call's module reference until its release.
///
/// # Safety
///
/// Called in place of `kmsg_open(inode, file)` by the redirect, which holds
/// a module reference for the call; `file` is being opened.
#[no_mangle]
unsafe extern "C" fn syslog_ns_proc_kmsg_open(
    _inode: *mut bindings::inode,
    file: *mut bindings::file,
) -> c_int {
    let ret = from_result(|| {
        let log = current_log()?;
        syslog::check(&log, syslog::SYSLOG_ACTION_OPEN)?;
        // SAFETY: the file is being opened; kmsg.c does not use its
        // private data, which stays ours until the release.
        unsafe { (*file).private_data = Arc::into_raw(log).cast_mut().cast() };
        Ok(0)
    });
    if ret != 0 {
        // SAFETY: the call's reference, kept by no file; nothing sleeps
        // after it.
        unsafe { shim::redirect_done() };
    }
    ret
}

/// The log a `/proc/kmsg` file was bound to.
///
/// # Safety
///
/// `file` is a `/proc/kmsg` file `syslog_ns_proc_kmsg_open()` bound, not
/// released for `'a`.
unsafe fn bound_log<'a>(file: *mut bindings::file) -> ArcBorrow<'a, Log> {
    // SAFETY: its private data is an `Arc<Log>` made raw, which the release
    // takes back, after every other operation.
    unsafe { ArcBorrow::from_raw((*file).private_data.cast::<Log>()) }
}

/// `kmsg_release()` of a bound file: unbinds it, and gives back its module
/// reference.
///
/// # Safety
///
/// Called in place of `kmsg_release(inode, file)` by the redirect, for a
/// file `syslog_ns_proc_kmsg_open()` bound.
#[no_mangle]
unsafe extern "C" fn syslog_ns_proc_kmsg_release(
    _inode: *mut bindings::inode,
    file: *mut bindings::file,
) -> c_int {
    // SAFETY: the open's `Arc<Log>`, taken back once, by the release.
    drop(unsafe { Arc::from_raw((*file).private_data.cast::<Log>()) });
    // SAFETY: the file's reference; nothing sleeps after it.
    unsafe { shim::redirect_done() };
    0
}

/// `kmsg_read()` of a bound file: syslog(2)'s `READ` on its log, or
/// `EAGAIN` if the file is non-blocking and nothing is unread.
///
/// # Safety
///
/// Called in place of `kmsg_read(file, buf, count, ppos)` by the redirect,
/// for a file `syslog_ns_proc_kmsg_open()` bound.
#[no_mangle]
unsafe extern "C" fn syslog_ns_proc_kmsg_read(
    file: *mut bindings::file,
    buf: *mut c_char,
    count: usize,
    _ppos: *mut bindings::loff_t,
) -> isize {
    let result = (|| {
        // SAFETY: bound, and the VFS holds it for the read.
        let log = unsafe { bound_log(file) };
        // SAFETY: the VFS holds it for the read.
        let flags = unsafe { (*file).f_flags };
        if flags & bindings::O_NONBLOCK != 0 && !syslog::unread(&log) {
            return Err(EAGAIN);
        }
        // The kernel passes the count as do_syslog()'s int.
        let len = count.min(i32::MAX as usize);
        syslog::read(
            &log,
            UserSlice::new(UserPtr::from_addr(buf as usize), len).writer(),
        )
    })();
    match result {
        Ok(n) => n as isize,
        Err(e) => e.to_errno() as isize,
    }
}

/// `kmsg_poll()` of a bound file: readable while its log has unread records.
///
/// # Safety
///
/// Called in place of `kmsg_poll(file, wait)` by the redirect, for a file
/// `syslog_ns_proc_kmsg_open()` bound; `wait` is null or valid for the poll.
#[no_mangle]
unsafe extern "C" fn syslog_ns_proc_kmsg_poll(
    file: *mut bindings::file,
    wait: *mut bindings::poll_table_struct,
) -> bindings::__poll_t {
    // SAFETY: bound, and the VFS holds it for the poll.
    let log = unsafe { bound_log(file) };
    // SAFETY: the VFS holds the file for the poll.
    let file_ref = unsafe { File::from_raw_file(file) };
    // SAFETY: null or valid for the poll, the caller says.
    let table = unsafe { PollTable::from_raw(wait) };
    log.waiters.poll_wait(file_ref, &table);
    if syslog::unread(&log) {
        EPOLLIN | EPOLLRDNORM
    } else {
        0
    }
}
