// SPDX-License-Identifier: GPL-2.0

//! What the C side calls in Rust (`syslog_ns_shim.h`).
//!
//! Each function turns its raw arguments into safe types once, calls the
//! safe function of `log.rs` that does the work, and maps its result once.

use crate::{log, user_ns::UserNamespace};
use kernel::{bindings, error::from_result, prelude::*};

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
