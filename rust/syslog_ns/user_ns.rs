// SPDX-License-Identifier: GPL-2.0

//! User namespaces, the kernel's `struct user_namespace`, as far as the
//! logs need them.
//!
//! The kernel crate has no user namespace type; its reference counts and
//! `current_user_ns()` are static inlines and macros, which the C side
//! (`syslog_ns_shim.c`) wraps. This file is the one place that calls them.

use crate::shim::raw;
use core::{
    ops::Deref,
    ptr::{self, NonNull},
};
use kernel::{
    bindings,
    prelude::*,
    sync::aref::{ARef, AlwaysRefCounted},
    types::{NotThreadSafe, Opaque},
};

/// A user namespace.
///
/// # Invariants
///
/// A `&UserNamespace` is to a user namespace that is live (its reference
/// count is positive) for the reference's lifetime.
#[repr(transparent)]
pub(crate) struct UserNamespace(Opaque<bindings::user_namespace>);

// SAFETY: user namespaces are shared by every task in them; their methods
// here only read what does not change, or take their own locks.
unsafe impl Send for UserNamespace {}
// SAFETY: as above.
unsafe impl Sync for UserNamespace {}

// SAFETY: `get_user_ns()` and `put_user_ns()` are its reference count; the
// last put frees it (after an RCU grace period, as namespaces are).
unsafe impl AlwaysRefCounted for UserNamespace {
    fn inc_ref(&self) {
        // SAFETY: live (type invariant), so a reference may be taken.
        unsafe { raw::syslog_ns_get_user_ns(self.as_ptr()) };
    }

    unsafe fn dec_ref(obj: NonNull<Self>) {
        // SAFETY: the caller gives up a reference it holds.
        unsafe { raw::syslog_ns_put_user_ns(obj.as_ptr().cast()) };
    }
}

impl UserNamespace {
    /// The user namespace at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` is to a user namespace that stays live for `'a`: a task's, a
    /// net's, or one a reference is held on.
    pub(crate) unsafe fn from_raw<'a>(ptr: *mut bindings::user_namespace) -> &'a Self {
        // SAFETY: `repr(transparent)`; live for `'a`, as the caller says.
        // INVARIANT: as above.
        unsafe { &*ptr.cast() }
    }

    pub(crate) fn as_ptr(&self) -> *mut bindings::user_namespace {
        self.0.get()
    }

    /// The current task's user namespace.
    pub(crate) fn current() -> CurrentUserNs {
        // SAFETY: a task's credentials always name a user namespace.
        let ns = unsafe { NonNull::new_unchecked(raw::syslog_ns_current_user_ns()) };
        // INVARIANT: the current task's credentials hold a reference on it,
        // and only the task itself can replace them, which the holder of a
        // `CurrentUserNs` (on this thread, as it is not `Send`) does not.
        CurrentUserNs {
            ns,
            _not_send: NotThreadSafe,
        }
    }

    /// The user namespace of the task with pid `nr` in the initial pid
    /// namespace, if there is such a task. Any context.
    pub(crate) fn of_task(nr: i32) -> Option<ARef<UserNamespace>> {
        // SAFETY: no precondition; any context.
        let ns = NonNull::new(unsafe { raw::syslog_ns_task_user_ns(nr) })?;
        // SAFETY: `syslog_ns_task_user_ns()` took the reference this owns.
        Some(unsafe { ARef::from_raw(ns.cast()) })
    }

    /// Whether this is the host's, the initial user namespace.
    pub(crate) fn is_initial(&self) -> bool {
        ptr::eq(self.as_ptr(), &raw const bindings::init_user_ns)
    }

    /// The parent, `None` for the initial user namespace.
    pub(crate) fn parent(&self) -> Option<&UserNamespace> {
        // SAFETY: live (type invariant).
        let parent = unsafe { raw::syslog_ns_user_ns_parent(self.as_ptr()) };
        // SAFETY: a user namespace holds a reference on its parent, so the
        // parent of a live one is live as long as it is.
        (!parent.is_null()).then(|| unsafe { UserNamespace::from_raw(parent) })
    }

    /// Whether the current task has `cap` over this namespace.
    pub(crate) fn capable(&self, cap: u32) -> bool {
        // SAFETY: live (type invariant).
        unsafe { bindings::ns_capable(self.as_ptr(), cap as c_int) }
    }

    /// Whether the current task may write to this namespace's log as it
    /// may write to `/dev/kmsg` (see `syslog_ns_may_write()`).
    pub(crate) fn may_write_kmsg(&self) -> bool {
        // SAFETY: live (type invariant).
        unsafe { raw::syslog_ns_may_write(self.as_ptr()) }
    }

    /// Whether any task, child namespace or nsfs file still uses it; a
    /// reference keeps only its memory.
    pub(crate) fn is_active(&self) -> bool {
        // SAFETY: live (type invariant).
        unsafe { raw::syslog_ns_user_ns_active(self.as_ptr()) }
    }

    /// Its `ns_id`: unique for the boot, never reused.
    pub(crate) fn id(&self) -> u64 {
        // SAFETY: live (type invariant).
        unsafe { raw::syslog_ns_user_ns_id(self.as_ptr()) }
    }

    /// The uid, on the host, that owns it.
    pub(crate) fn owner(&self) -> u32 {
        // SAFETY: live (type invariant).
        unsafe { raw::syslog_ns_user_ns_owner(self.as_ptr()) }
    }

    /// The uid, on the host, charged for what it and the namespaces under it
    /// hold: the owner of its ancestor just below the initial namespace.
    pub(crate) fn quota_uid(&self) -> u32 {
        // SAFETY: live (type invariant).
        unsafe { raw::syslog_ns_user_ns_quota_uid(self.as_ptr()) }
    }

    /// A reference of its own on it.
    pub(crate) fn get(&self) -> ARef<UserNamespace> {
        ARef::from(self)
    }
}

/// The current task's user namespace, for as long as it is at hand.
///
/// # Invariants
///
/// `ns` is the current task's user namespace, which stays live while this
/// exists: it is not `Send`, and nothing holding it changes the task's
/// credentials.
pub(crate) struct CurrentUserNs {
    ns: NonNull<bindings::user_namespace>,
    _not_send: NotThreadSafe,
}

impl Deref for CurrentUserNs {
    type Target = UserNamespace;

    fn deref(&self) -> &UserNamespace {
        // SAFETY: live while `self` is (type invariant).
        unsafe { UserNamespace::from_raw(self.ns.as_ptr()) }
    }
}
