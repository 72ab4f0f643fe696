// SPDX-License-Identifier: GPL-2.0

//! The C side (`fs_events_shim.c`, `fs_events_genl.c`) behind safe types; see
//! `fs_events_shim.h` for each function's contract.

use crate::watch::Watch;
use core::ptr::{
    self,
    NonNull, //
};
use kernel::{
    bindings,
    error::to_result,
    prelude::*,
    sync::{
        atomic::{
            AtomicFlag,
            Relaxed, //
        },
        Arc,
    },
};

/// An opaque `struct fs_events_mark`: an fsnotify mark on a superblock.
#[repr(C)]
pub(crate) struct FsEventsMark {
    _private: [u8; 0],
}

/// `struct fs_events_statfs`: what a poll needs of `struct kstatfs`, which
/// the bindings know only by name.
#[repr(C)]
#[derive(Default)]
pub(crate) struct Statfs {
    pub(crate) blocks_free: u64,
    pub(crate) blocks_total: u64,
    pub(crate) inodes_free: u64,
    pub(crate) inodes_total: u64,
    pub(crate) block_size: u32,
    pub(crate) read_only: bool,
}

// `sk_buff` and `net` hold types bindgen cannot make FFI-safe; only
// pointers to them cross.
#[allow(improper_ctypes)]
extern "C" {
    fn fs_events_fsnotify_init() -> c_int;
    fn fs_events_fsnotify_exit();
    fn fs_events_mark_attach(
        name: *const c_char,
        watch: *const c_void,
        mark: *mut *mut FsEventsMark,
        dev_major: *mut u32,
        dev_minor: *mut u32,
        fs_type: *mut c_char,
        fs_type_len: usize,
    ) -> c_int;
    fn fs_events_mark_detach(mark: *mut FsEventsMark);
    fn fs_events_mark_sb(mark: *const FsEventsMark) -> *const c_void;
    fn fs_events_path_statfs(
        name: *const c_char,
        mark: *const FsEventsMark,
        st: *mut Statfs,
    ) -> c_int;

    fn fs_events_genl_register() -> c_int;
    fn fs_events_genl_unregister();
    pub(crate) fn fs_events_genl_put(
        skb: *mut bindings::sk_buff,
        portid: u32,
        seq: u32,
        flags: c_int,
        cmd: u8,
    ) -> *mut c_void;
    pub(crate) fn fs_events_genl_multicast(
        skb: *mut bindings::sk_buff,
        net: *mut bindings::net,
        gfp: bindings::gfp_t,
    ) -> c_int;
    fn fs_events_genl_has_listeners(net: *mut bindings::net) -> bool;
    fn fs_events_net_get_current() -> *mut bindings::net;
    fn fs_events_net_put(net: *mut bindings::net);

    fn fs_events_user_ns_get_current() -> *mut bindings::user_namespace;
    fn fs_events_user_ns_put(ns: *mut bindings::user_namespace);
    fn fs_events_user_ns_visible(ns: *const bindings::user_namespace) -> bool;
    fn fs_events_user_ns_is_initial(ns: *const bindings::user_namespace) -> bool;
    fn fs_events_user_ns_quota_uid(ns: *const bindings::user_namespace) -> u32;
}

/// Whether an [`FsnotifyGroup`] exists: the C side has room for one.
static GROUP: AtomicFlag = AtomicFlag::new(false);

/// The fsnotify group the marks belong to; freed once every mark is.
pub(crate) struct FsnotifyGroup;

impl FsnotifyGroup {
    /// Allocates the group; `EBUSY` while another [`FsnotifyGroup`] exists.
    pub(crate) fn new() -> Result<Self> {
        if GROUP.xchg(true, Relaxed) {
            return Err(EBUSY);
        }
        // SAFETY: no group exists (`GROUP`), which the call would replace.
        if let Err(e) = to_result(unsafe { fs_events_fsnotify_init() }) {
            GROUP.store(false, Relaxed);
            return Err(e);
        }
        Ok(FsnotifyGroup)
    }
}

impl Drop for FsnotifyGroup {
    fn drop(&mut self) {
        // SAFETY:
        // - The group exists: `new` allocated it, and no other value could.
        // - Every mark is detached: the module struct drops configfs, whose
        //   directories own them, first.
        unsafe { fs_events_fsnotify_exit() };
        GROUP.store(false, Relaxed);
    }
}

/// The registered netlink family.
pub(crate) struct Family;

impl Family {
    /// Registers the family; once, from the module's init.
    pub(crate) fn register() -> Result<Self> {
        // SAFETY: not registered yet: this is the module's init.
        to_result(unsafe { fs_events_genl_register() })?;
        Ok(Family)
    }
}

impl Drop for Family {
    fn drop(&mut self) {
        // SAFETY: registered by `register`, unregistered once, here.
        unsafe { fs_events_genl_unregister() };
    }
}

/// A reference to a network namespace, dropped with this value.
///
/// # Invariants
///
/// `0` is a `struct net` this value holds a reference to.
pub(crate) struct NetRef(NonNull<bindings::net>);

// SAFETY: a counted reference to a namespace may be used and dropped from
// any thread.
unsafe impl Send for NetRef {}
// SAFETY: as for `Send`; nothing is mutated through `&self`.
unsafe impl Sync for NetRef {}

impl NetRef {
    /// A reference to the calling process's network namespace.
    ///
    /// Context: process context.
    pub(crate) fn current() -> Result<Self> {
        // SAFETY: process context, the caller's; the reference taken is the
        // returned value's.
        let net = unsafe { fs_events_net_get_current() };
        // INVARIANT: `net` is referenced.
        NonNull::new(net).map(NetRef).ok_or(EINVAL)
    }

    /// The namespace, for comparison and for calls that need it referenced.
    pub(crate) fn as_ptr(&self) -> *mut bindings::net {
        self.0.as_ptr()
    }

    /// Whether anyone in the namespace listens to the events group.
    pub(crate) fn has_listeners(&self) -> bool {
        // SAFETY: `0` is referenced (type invariant).
        unsafe { fs_events_genl_has_listeners(self.0.as_ptr()) }
    }
}

impl Drop for NetRef {
    fn drop(&mut self) {
        // SAFETY: our reference (type invariant), dropped once, here.
        unsafe { fs_events_net_put(self.0.as_ptr()) };
    }
}

/// A reference to a user namespace, the owner of a watch, dropped with this
/// value.
///
/// # Invariants
///
/// `0` is a `struct user_namespace` this value holds a reference to.
pub(crate) struct UserNsRef(NonNull<bindings::user_namespace>);

// SAFETY: a counted reference to a namespace may be used and dropped from
// any thread.
unsafe impl Send for UserNsRef {}
// SAFETY: as for `Send`; nothing is mutated through `&self`.
unsafe impl Sync for UserNsRef {}

impl UserNsRef {
    /// A reference to the calling process's user namespace.
    ///
    /// Context: process context.
    pub(crate) fn current() -> Result<Self> {
        // SAFETY: process context, the caller's; the reference taken is the
        // returned value's.
        let ns = unsafe { fs_events_user_ns_get_current() };
        // INVARIANT: `ns` is referenced.
        NonNull::new(ns).map(UserNsRef).ok_or(EINVAL)
    }

    /// Whether the calling process's user namespace is this one or an
    /// ancestor of it: the processes that may see what it owns.
    ///
    /// Context: process context.
    pub(crate) fn visible_to_current(&self) -> bool {
        // SAFETY: `0` is referenced (type invariant); process context.
        unsafe { fs_events_user_ns_visible(self.0.as_ptr()) }
    }

    /// Whether the calling process has `CAP_SYS_ADMIN` over this namespace.
    ///
    /// Context: process context.
    pub(crate) fn admin_is_current(&self) -> bool {
        // SAFETY: `0` is referenced (type invariant); process context.
        unsafe { bindings::ns_capable(self.0.as_ptr(), bindings::CAP_SYS_ADMIN as c_int) }
    }

    /// Whether this is the initial user namespace, the host's.
    pub(crate) fn is_initial(&self) -> bool {
        // SAFETY: `0` is referenced (type invariant).
        unsafe { fs_events_user_ns_is_initial(self.0.as_ptr()) }
    }

    /// The host uid charged for this namespace's watches and those of the
    /// namespaces below it.
    pub(crate) fn quota_uid(&self) -> u32 {
        // SAFETY: `0` is referenced (type invariant).
        unsafe { fs_events_user_ns_quota_uid(self.0.as_ptr()) }
    }
}

impl Drop for UserNsRef {
    fn drop(&mut self) {
        // SAFETY: our reference (type invariant), dropped once, here.
        unsafe { fs_events_user_ns_put(self.0.as_ptr()) };
    }
}

/// The identity of a marked filesystem.
#[derive(Default)]
pub(crate) struct FsIdentity {
    pub(crate) dev_major: u32,
    pub(crate) dev_minor: u32,
    fs_type: [u8; 32],
}

impl FsIdentity {
    /// The filesystem type's name.
    pub(crate) fn fs_type(&self) -> &CStr {
        CStr::from_bytes_until_nul(&self.fs_type).unwrap_or(c"")
    }
}

/// An fsnotify mark for the `FS_ERROR` reports of a superblock, removed on
/// drop. The mark holds a reference to its watch, which
/// `fs_events_rs_mark_freed()` drops once the mark is freed.
///
/// # Invariants
///
/// `0` is a mark `fs_events_mark_attach()` attached, not yet detached.
pub(crate) struct Mark(NonNull<FsEventsMark>);

// SAFETY: the C side allows any thread to detach a mark or read its
// superblock; its callbacks do not depend on the thread that attached it.
unsafe impl Send for Mark {}

impl Mark {
    /// Marks the superblock of the mount whose root `path` is (resolved from
    /// the calling process's root): `EINVAL` when `path` is not the root of
    /// a mount, lookup errors as they come. The mark keeps `watch`.
    ///
    /// Context: process context; sleeps.
    pub(crate) fn attach(path: &CStr, watch: Arc<Watch>) -> Result<(Mark, FsIdentity)> {
        let cookie = Arc::into_raw(watch).cast::<c_void>();
        let mut mark = ptr::null_mut();
        let mut id = FsIdentity::default();
        // SAFETY:
        // - `path` is NUL-terminated.
        // - The out-pointers are valid for writes, `fs_type` for its length.
        // - `cookie` is a reference the mark owns once attached.
        let ret = unsafe {
            fs_events_mark_attach(
                path.as_char_ptr(),
                cookie,
                &mut mark,
                &mut id.dev_major,
                &mut id.dev_minor,
                id.fs_type.as_mut_ptr().cast(),
                id.fs_type.len(),
            )
        };
        if let Err(e) = to_result(ret) {
            // SAFETY: not attached, so the reference from `into_raw` is still
            // ours.
            drop(unsafe { Arc::from_raw(cookie.cast::<Watch>()) });
            return Err(e);
        }
        // INVARIANT: attached, as fs_events_mark_attach() returned 0, which
        // also set `mark`.
        let mark = NonNull::new(mark).map(Mark).ok_or(EINVAL)?;
        Ok((mark, id))
    }

    /// The mark, for comparison with the one its callbacks report.
    pub(crate) fn as_ptr(&self) -> *const FsEventsMark {
        self.0.as_ptr()
    }

    /// The marked superblock, for comparison only.
    pub(crate) fn sb(&self) -> *const c_void {
        // SAFETY: attached (type invariant).
        unsafe { fs_events_mark_sb(self.0.as_ptr()) }
    }

    /// statfs of `path`, which must still be the root of a mount of the
    /// marked superblock: `ESTALE` when it is not, lookup errors as they
    /// come.
    ///
    /// Context: process context; sleeps.
    pub(crate) fn statfs(&self, path: &CStr) -> Result<Statfs> {
        let mut st = Statfs::default();
        // SAFETY:
        // - `path` is NUL-terminated.
        // - `0` is attached (type invariant).
        // - `st` is valid for writes.
        to_result(unsafe { fs_events_path_statfs(path.as_char_ptr(), self.0.as_ptr(), &mut st) })?;
        Ok(st)
    }
}

impl Drop for Mark {
    fn drop(&mut self) {
        // SAFETY: attached (type invariant), detached once, here. Its
        // reference to the watch goes in fs_events_rs_mark_freed().
        unsafe { fs_events_mark_detach(self.0.as_ptr()) };
    }
}
