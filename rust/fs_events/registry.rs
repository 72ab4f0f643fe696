// SPDX-License-Identifier: GPL-2.0

//! Every watch, the poller thread that polls them, the module's counters and
//! the entry points the C side calls.

use crate::{shim, watch::Watch};
use core::ptr::{self, NonNull};
use kernel::{
    bindings,
    prelude::*,
    str::CString,
    sync::{
        atomic::{Atomic, Relaxed},
        Arc,
    },
};

/// Most watches at once, so that configuration cannot exhaust memory or
/// the poller's time.
pub(crate) const MAX_WATCHES: usize = 256;

pub(crate) struct Registry {
    watches: KVec<Arc<Watch>>,
    next_id: u32,
}

impl Registry {
    const fn new() -> Self {
        Registry {
            watches: KVec::new(),
            next_id: 1,
        }
    }
}

kernel::sync::global_lock! {
    // SAFETY: `init()` initialises it in the module's init, before the
    // configfs subsystem, the netlink family and the marks can reach it.
    unsafe(uninit) static REGISTRY: Mutex<Registry> = Registry::new();
}

static SENT: Atomic<u64> = Atomic::new(0);
static DROPPED: Atomic<u64> = Atomic::new(0);

/// Initialises the registry; once, from the module's init. The registry
/// lives until the returned [`Storage`] is dropped.
pub(crate) fn init() -> Storage {
    // SAFETY: called once, from the module's init, before any use.
    unsafe { REGISTRY.init() };
    Storage
}

/// The registry's buffer, freed on drop: the static lock around it is never
/// dropped, so without this the list's allocation would outlive the module.
/// Dropped last at unload, when configfs has removed every watch.
pub(crate) struct Storage;

impl Drop for Storage {
    fn drop(&mut self) {
        let watches = core::mem::take(&mut REGISTRY.lock().watches);
        drop(watches);
    }
}

pub(crate) fn count_sent() {
    SENT.fetch_add(1, Relaxed);
}

pub(crate) fn count_drop() {
    DROPPED.fetch_add(1, Relaxed);
}

/// The configfs root's `stats` attribute.
pub(crate) fn write_stats(f: &mut kernel::str::Formatter<'_>) -> core::fmt::Result {
    use kernel::fmt::Write;
    let watches = REGISTRY.lock().watches.len();
    f.write_fmt(fmt!(
        "watches={} sent={} dropped={}\n",
        watches,
        SENT.load(Relaxed),
        DROPPED.load(Relaxed)
    ))
}

/// Creates a watch named `name` and registers it; `ENOSPC` past [`MAX_WATCHES`].
/// Nothing is registered unless it succeeds. Identifiers only grow, so the
/// registry stays sorted by them.
pub(crate) fn add(name: CString) -> Result<Arc<Watch>> {
    let mut registry = REGISTRY.lock();
    if registry.watches.len() >= MAX_WATCHES {
        return Err(ENOSPC);
    }
    let watch = Watch::new(registry.next_id, name)?;
    registry.watches.push(watch.clone(), GFP_KERNEL)?;
    registry.next_id += 1;
    Ok(watch)
}

/// Unregisters `watch` and lets go of its filesystem.
pub(crate) fn remove(watch: &Arc<Watch>) {
    let removed = {
        let mut registry = REGISTRY.lock();
        let index = registry.watches.iter().position(|w| Arc::ptr_eq(w, watch));
        index.and_then(|i| registry.watches.remove(i).ok())
    };
    watch.shut_down();
    drop(removed);
}

/// A copy of the list, so that watches are polled without the registry lock.
fn snapshot() -> Result<KVec<Arc<Watch>>> {
    let registry = REGISTRY.lock();
    let mut copy = KVec::with_capacity(registry.watches.len(), GFP_KERNEL)?;
    for watch in registry.watches.iter() {
        copy.push(watch.clone(), GFP_KERNEL)?;
    }
    Ok(copy)
}

/// The poller thread: polls each due watch, then sleeps until the next one
/// is due or a configuration change kicks it.
///
/// # Safety
///
/// Only as the function of a kthread that `kthread_stop()` ends.
unsafe extern "C" fn poller_main(_data: *mut c_void) -> c_int {
    // SAFETY: called from a kthread.
    while !unsafe { bindings::kthread_should_stop() } {
        let now = crate::watch::now_ms();
        let mut next = u64::MAX;
        match snapshot() {
            Ok(watches) => {
                for watch in watches.iter() {
                    if let Some(due) = watch.poll_if_due(now) {
                        next = next.min(due);
                    }
                }
            }
            // Out of memory: try again in a while.
            Err(_) => next = now + 100,
        }
        let timeout = match next {
            u64::MAX => 0,
            due => due
                .saturating_sub(crate::watch::now_ms())
                .clamp(1, u32::MAX.into()) as u32,
        };
        // SAFETY: called from the poller kthread.
        unsafe { shim::fs_events_poller_sleep(timeout) };
    }
    0
}

/// The poller thread, stopped on drop.
///
/// # Invariants
///
/// `task` is a running kthread that returns only after `kthread_stop()`.
pub(crate) struct Poller {
    task: NonNull<bindings::task_struct>,
}

// SAFETY: a kthread may be stopped from any thread.
unsafe impl Send for Poller {}
// SAFETY: no methods through `&self`.
unsafe impl Sync for Poller {}

impl Poller {
    pub(crate) fn start() -> Result<Poller> {
        // SAFETY: `poller_main` fits the thread function type; the name is a
        // format string without conversions.
        let task = unsafe {
            bindings::kthread_create_on_node(
                Some(poller_main),
                ptr::null_mut(),
                bindings::NUMA_NO_NODE,
                c"fs_events_poll".as_char_ptr(),
            )
        };
        let task = kernel::error::from_err_ptr(task)?;
        // SAFETY: a new kthread, not yet started.
        unsafe { bindings::wake_up_process(task) };
        Ok(Poller {
            task: NonNull::new(task).ok_or(ENOMEM)?,
        })
    }
}

impl Drop for Poller {
    fn drop(&mut self) {
        // SAFETY: running until stopped (type invariant); stopped once, here.
        unsafe { bindings::kthread_stop(self.task.as_ptr()) };
    }
}

/// # Safety
///
/// `watch` is the cookie a mark holds: a pointer from `Arc::into_raw`.
unsafe fn borrow_watch<'a>(watch: *const c_void) -> &'a Watch {
    // SAFETY: the mark's reference keeps the watch alive while the mark is.
    unsafe { &*watch.cast::<Watch>() }
}

/// Called by the C mark callbacks (`fs_events_shim.c`).
///
/// # Safety
///
/// `watch` is the cookie of a mark that is not yet freed.
#[no_mangle]
unsafe extern "C" fn fs_events_rs_fs_error(watch: *const c_void, error: c_int) {
    // SAFETY: the C side passes the cookie of a live mark.
    unsafe { borrow_watch(watch) }.fs_error(error);
}

/// Called by the C mark callbacks (`fs_events_shim.c`).
///
/// # Safety
///
/// `watch` is the cookie of a mark that is not yet freed.
#[no_mangle]
unsafe extern "C" fn fs_events_rs_sb_gone(watch: *const c_void, mark: *const shim::FsEventsMark) {
    // SAFETY: the C side passes the cookie of a live mark.
    unsafe { borrow_watch(watch) }.sb_gone(mark);
}

/// Called by the C mark callbacks (`fs_events_shim.c`).
///
/// # Safety
///
/// `watch` is the cookie of a mark that is not yet freed.
#[no_mangle]
unsafe extern "C" fn fs_events_rs_mark_freed(watch: *const c_void) {
    // SAFETY: the mark's reference, from `Arc::into_raw` in `Watch::set_path`;
    // the mark is being freed, so nothing uses the cookie after this.
    drop(unsafe { Arc::from_raw(watch.cast::<Watch>()) });
}

/// The get-state dump: one message per watch of the caller's network
/// namespace whose identifier is `*cursor` or more. The cursor is the next
/// identifier, not an index, so that a watch removed between two parts of the
/// dump does not make the next part skip another.
///
/// # Safety
///
/// `skb`, `net` and `cursor` are the running dump's (`fs_events_genl.c`).
#[no_mangle]
unsafe extern "C" fn fs_events_rs_dump(
    skb: *mut bindings::sk_buff,
    portid: u32,
    seq: u32,
    net: *const bindings::net,
    cursor: *mut c_ulong,
) -> c_int {
    let registry = REGISTRY.lock();
    // SAFETY: the dump's state, ours while the dump runs.
    let cursor = unsafe { &mut *cursor };
    let first = *cursor;
    let due = registry.watches.iter().filter(|w| w.id as c_ulong >= first);
    for (written, watch) in due.filter(|w| w.net() == net).enumerate() {
        // SAFETY: `skb` is the dump's skb.
        if let Err(e) = unsafe { watch.dump_state(skb, portid, seq) } {
            // Full: continue in the next skb, unless not even one fits.
            return if written > 0 {
                // SAFETY: `skb` is valid.
                unsafe { (*skb).len as c_int }
            } else {
                e.to_errno()
            };
        }
        *cursor = watch.id as c_ulong + 1;
    }
    // SAFETY: `skb` is valid.
    unsafe { (*skb).len as c_int }
}

/// `fs_event_notify()`: see include/fs_events.h.
///
/// # Safety
///
/// `origin` and `message` (unless null) are NUL-terminated strings; `sb` is
/// a superblock the caller holds, or null.
#[no_mangle]
unsafe extern "C" fn __fs_event_notify(
    sb: *const c_void,
    origin: *const c_char,
    code: u32,
    message: *const c_char,
) -> c_int {
    if sb.is_null() || origin.is_null() {
        return EINVAL.to_errno();
    }
    // SAFETY: NUL-terminated by the function's contract.
    let origin = unsafe { CStr::from_char_ptr(origin) };
    let message = if message.is_null() {
        None
    } else {
        // SAFETY: NUL-terminated by the function's contract.
        Some(unsafe { CStr::from_char_ptr(message) })
    };
    if message.is_some_and(|m| m.to_bytes().len() > crate::FS_EVENT_MESSAGE_MAX) {
        return EINVAL.to_errno();
    }
    let watches = match snapshot() {
        Ok(watches) => watches,
        Err(e) => return e.to_errno(),
    };
    let taken = watches
        .iter()
        .filter(|watch| watch.report(sb, code, message, origin))
        .count();
    taken as c_int
}
