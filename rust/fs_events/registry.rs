// SPDX-License-Identifier: GPL-2.0

//! Every watch, the poller thread that polls them, the module's counters and
//! the entry points the C side calls.

use crate::{
    common::kthread::{
        Current,
        KThread,
        Spec,
        Waker, //
    },
    fs_error::{
        ErrorReport,
        RawError, //
    },
    netlink::Skb,
    poll_order::{
        self,
        DueIn, //
    },
    shim::{
        FsEventsMark,
        UserNsRef, //
    },
    watch::Watch, //
};
use core::ptr::NonNull;
use kernel::{
    bindings,
    error::from_result,
    prelude::*,
    str::CString,
    sync::{
        atomic::{
            Atomic,
            Relaxed, //
        },
        Arc,
    },
    time::{
        Delta,
        Instant,
        Monotonic, //
    },
    types::ScopeGuard,
};

/// The most the `max_watches` parameter may allow: each watch costs the
/// poller a statfs per interval, and a dump or an `fs_event_notify()` walks
/// them all.
pub(crate) const MAX_WATCHES_LIMIT: u32 = 65536;

pub(crate) struct Registry {
    watches: KVec<Arc<Watch>>,
    next_id: u32,
    /// Wakes the poller; every watch gets a reference.
    poller: Option<Arc<Waker>>,
}

impl Registry {
    const fn new() -> Self {
        Registry {
            watches: KVec::new(),
            next_id: 1,
            poller: None,
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
    ScopeGuard::new_with_data((), free_storage)
}

/// The registry's buffer, freed on drop: the static lock around it is never
/// dropped, so without this the list's allocation would outlive the module.
/// Dropped last at unload, when configfs has removed every watch.
pub(crate) type Storage = ScopeGuard<(), fn(())>;

fn free_storage(_: ()) {
    let (watches, poller) = {
        let mut registry = REGISTRY.lock();
        (
            core::mem::take(&mut registry.watches),
            registry.poller.take(),
        )
    };
    drop(watches);
    drop(poller);
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

/// Creates a watch named `name`, owned by the caller's user namespace, and
/// registers it: `EPERM` unless the caller has `CAP_SYS_ADMIN` in its own
/// user namespace, `ENOSPC` past `max_watches` in all, `EDQUOT` past
/// `max_per_owner` in the user namespaces charged to one host uid (the
/// host's own watches are not). Nothing is registered unless it succeeds.
/// Identifiers only grow, so the registry stays sorted by them.
pub(crate) fn add(name: CString) -> Result<Arc<Watch>> {
    let owner = UserNsRef::current()?;
    if !owner.admin_is_current() {
        return Err(EPERM);
    }
    let quota_uid = (!owner.is_initial()).then(|| owner.quota_uid());
    let mut registry = REGISTRY.lock();
    if registry.watches.len() >= crate::params::max_watches() {
        return Err(ENOSPC);
    }
    if let Some(uid) = quota_uid {
        let charged = registry
            .watches
            .iter()
            .filter(|w| w.quota_uid == Some(uid))
            .count();
        if charged >= crate::params::max_per_owner() {
            return Err(EDQUOT);
        }
    }
    let poller = registry.poller.clone().ok_or(EINVAL)?;
    let watch = Watch::new(registry.next_id, name, poller, owner)?;
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

/// One round of the poller: every watch, with when it is due, in the order
/// to poll them ([`poll_order::sort`]).
fn round(start: Instant<Monotonic>) -> Result<KVec<(DueIn, Arc<Watch>)>> {
    let mut round = {
        let registry = REGISTRY.lock();
        let mut round = KVec::with_capacity(registry.watches.len(), GFP_KERNEL)?;
        for watch in registry.watches.iter() {
            round.push((None, watch.clone()), GFP_KERNEL)?;
        }
        round
    };
    for (due, watch) in round.iter_mut() {
        *due = watch.next_due().map(|at| at - start);
    }
    poll_order::sort(&mut round);
    Ok(round)
}

/// The poller thread: each wake-up polls the watches due, earliest first,
/// and with them those due soon ([`poll_order::poll_round`]), then sleeps
/// until the next one is due or a configuration change kicks it.
fn poll_watches(thread: &Current<'_>) {
    while !thread.should_stop() {
        let start = Instant::<Monotonic>::now();
        let next = match round(start) {
            Ok(mut round) => poll_order::poll_round(
                &mut round,
                || Instant::<Monotonic>::now() - start,
                |watch, elapsed| watch.poll_if_due(start + elapsed).map(|due| due - start),
            )
            .map(|next| start + next),
            // Out of memory: try again in a while.
            Err(_) => Some(start + Delta::from_millis(100)),
        };
        // At least a millisecond from now, however late the polls ran.
        let soonest = Instant::now() + Delta::from_millis(1);
        thread.sleep_until(next.map(|next| later(next, soonest)));
    }
}

/// The later of two instants (`Instant<Monotonic>` has no `Ord`: its clock
/// has none).
fn later(a: Instant<Monotonic>, b: Instant<Monotonic>) -> Instant<Monotonic> {
    if (b - a).is_negative() {
        a
    } else {
        b
    }
}

/// The poller thread, stopped on drop.
pub(crate) struct Poller {
    _thread: KThread,
}

impl Poller {
    /// Starts `fs_events_poll`; watches added from now on can wake it.
    pub(crate) fn start() -> Result<Poller> {
        let waker = Arc::pin_init(Waker::new(), GFP_KERNEL)?;
        REGISTRY.lock().poller = Some(waker.clone());
        let spec = Spec {
            name: c"fs_events_poll",
            cpu: None,
            fifo: false,
        };
        Ok(Poller {
            _thread: KThread::start(spec, waker, poll_watches)?,
        })
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
/// `watch` is the cookie of a mark that is not yet freed, and `error` is
/// valid for reads for the duration of the call.
#[no_mangle]
unsafe extern "C" fn fs_events_rs_fs_error(watch: *const c_void, error: *const RawError) {
    // SAFETY: the C side passes a report that lives through the call.
    let report = ErrorReport::from_raw(unsafe { &*error });
    // SAFETY: the C side passes the cookie of a live mark.
    unsafe { borrow_watch(watch) }.fs_error(report);
}

/// Called by the C mark callbacks (`fs_events_shim.c`).
///
/// # Safety
///
/// `watch` is the cookie of a mark that is not yet freed.
#[no_mangle]
unsafe extern "C" fn fs_events_rs_sb_gone(watch: *const c_void, mark: *const FsEventsMark) {
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
    // SAFETY: the mark's reference, from `Arc::into_raw` in `Mark::attach`;
    // the mark is being freed, so nothing uses the cookie after this.
    drop(unsafe { Arc::from_raw(watch.cast::<Watch>()) });
}

/// The get-state dump, `fs_events_nl_get_state_dumpit()`: see [`dump`].
///
/// # Safety
///
/// - `skb` is the running dump's skb, which this call may write to.
/// - `cursor` is the running dump's state, valid for reads and writes and
///   used by nothing else during the call.
#[no_mangle]
unsafe extern "C" fn fs_events_rs_dump(
    skb: *mut bindings::sk_buff,
    portid: u32,
    seq: u32,
    net: *const bindings::net,
    cursor: *mut c_ulong,
) -> c_int {
    let Some(skb) = NonNull::new(skb) else {
        return EINVAL.to_errno();
    };
    // SAFETY: the caller's promise: the dump's skb is ours to write during
    // the call.
    let mut skb = unsafe { Skb::from_raw(skb) };
    // SAFETY: the caller's promise.
    let cursor = unsafe { &mut *cursor };
    from_result(|| dump(&mut skb, portid, seq, net, cursor))
}

/// Writes one message per watch of the network namespace `net` whose
/// identifier is `*cursor` or more, as many as fit; returns the skb's length.
/// The cursor is the next identifier, not an index, so that a watch removed
/// between two parts of the dump does not make the next part skip another.
fn dump(
    skb: &mut Skb<'_>,
    portid: u32,
    seq: u32,
    net: *const bindings::net,
    cursor: &mut c_ulong,
) -> Result<c_int> {
    let registry = REGISTRY.lock();
    let first = *cursor;
    let due = registry.watches.iter().filter(|w| w.id as c_ulong >= first);
    for (written, watch) in due.filter(|w| w.net() == net).enumerate() {
        if let Err(e) = watch.dump_state(skb, portid, seq) {
            // Full: continue in the next skb, unless not even one fits.
            return if written > 0 { Ok(skb.len()) } else { Err(e) };
        }
        *cursor = watch.id as c_ulong + 1;
    }
    Ok(skb.len())
}

/// `fs_event_notify()`: see include/fs_events.h.
///
/// # Safety
///
/// - `origin` and `message` (unless null) are NUL-terminated strings.
/// - `sb` is a superblock the caller holds, or null; it is only compared.
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
    from_result(|| notify(sb, origin, code, message))
}

/// Sends a report to every watch armed on `sb` that wants reports; returns
/// how many took it.
fn notify(sb: *const c_void, origin: &CStr, code: u32, message: Option<&CStr>) -> Result<c_int> {
    if message.is_some_and(|m| m.to_bytes().len() > crate::FS_EVENT_MESSAGE_MAX) {
        return Err(EINVAL);
    }
    let watches = snapshot()?;
    let taken = watches
        .iter()
        .filter(|watch| watch.report(sb, code, message, origin))
        .count();
    Ok(taken as c_int)
}
