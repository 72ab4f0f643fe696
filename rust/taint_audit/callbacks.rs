// SPDX-License-Identifier: GPL-2.0

//! Where the kernel calls into the module: the module notifier and the taint kretprobes.
//!
//! Each registration keeps the [`AuditLog`] its callbacks feed alive until
//! it is dropped, and dropping it waits for callbacks in progress. Each
//! `extern "C"` entry point turns its raw arguments into safe types once,
//! calls one safe method of the log and maps what it returns to what the
//! kernel expects, once.

use crate::{
    attribution::{
        Attribution,
        Site, //
    },
    audit::{
        AuditLog,
        ModuleEvent, //
    },
    shim::ModuleRef,
};
use core::ptr::NonNull;
use kernel::{
    bindings,
    error::to_result,
    prelude::*,
    sync::Arc,
    types::Opaque, //
};

/// The `struct module` state change `action` as a [`ModuleEvent`], if it is
/// one the audit records.
fn module_event(action: c_ulong) -> Option<ModuleEvent> {
    match u32::try_from(action).ok()? {
        bindings::module_state_MODULE_STATE_COMING => Some(ModuleEvent::Load),
        bindings::module_state_MODULE_STATE_GOING => Some(ModuleEvent::Unload),
        _ => None,
    }
}

/// A notifier block on the kernel's module notifier chain, feeding an [`AuditLog`].
///
/// # Invariants
///
/// - `nb` is on the module notifier chain from the end of [`Self::register`]
///   until `drop`, and its callback is [`module_notify`].
/// - `log` is initialised before `nb` is registered.
#[pin_data(PinnedDrop)]
pub(crate) struct ModuleNotifier {
    /// The log the callback records into.
    log: Arc<AuditLog>,
    #[pin]
    nb: Opaque<bindings::notifier_block>,
}

// SAFETY: `nb` is accessed only by the notifier chain, under the chain's own
// lock, and by `drop`; `log` is `Send`.
unsafe impl Send for ModuleNotifier {}
// SAFETY: A shared `ModuleNotifier` gives access to nothing but `log`, which
// is `Sync`.
unsafe impl Sync for ModuleNotifier {}

impl ModuleNotifier {
    /// Puts a notifier block that records into `log` on the module notifier chain.
    pub(crate) fn register(log: Arc<AuditLog>) -> impl PinInit<Self, Error> {
        // INVARIANT: `log` comes first, so it is initialised before `nb` is
        // registered; `nb` is registered with `module_notify` as its callback.
        try_pin_init!(ModuleNotifier {
            log,
            nb <- Opaque::try_ffi_init(|nb: *mut bindings::notifier_block| {
                // SAFETY: `nb` is valid for writes: it is the field being
                // initialised.
                unsafe {
                    nb.write(bindings::notifier_block {
                        notifier_call: Some(module_notify),
                        next: core::ptr::null_mut(),
                        priority: 0,
                    })
                };
                // SAFETY:
                // - `nb` is an initialised notifier block, written above.
                // - It is pinned, and `drop` takes it off the chain before its
                //   memory goes.
                to_result(unsafe { bindings::register_module_notifier(nb) })
            }),
        })
    }
}

#[pinned_drop]
impl PinnedDrop for ModuleNotifier {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: By the type invariant `nb` is on the chain. Unregistering
        // waits for callbacks in progress (the chain's rwsem), so none runs
        // after this.
        unsafe { bindings::unregister_module_notifier(self.nb.get()) };
    }
}

/// Called by the module notifier chain for every module state change.
///
/// A failure to record is not reported to the chain: an error at
/// `MODULE_STATE_COMING` would fail the module's load.
///
/// # Safety
///
/// - `nb` is the `nb` of a registered [`ModuleNotifier`].
/// - `data` is the `struct module` whose state changes, valid for the call,
///   as the module loader guarantees for this chain.
unsafe extern "C" fn module_notify(
    nb: *mut bindings::notifier_block,
    action: c_ulong,
    data: *mut c_void,
) -> c_int {
    let Some(event) = module_event(action) else {
        return bindings::NOTIFY_DONE as c_int;
    };
    let Some(module) = NonNull::new(data) else {
        return bindings::NOTIFY_DONE as c_int;
    };
    // SAFETY:
    // - By the safety contract `nb` is the `nb` field of a live
    //   `ModuleNotifier`; `Opaque<T>` has the layout of `T`.
    // - By its type invariant `log` was initialised before `nb` was
    //   registered, so before this call.
    let notifier = unsafe {
        &*kernel::container_of!(
            nb.cast::<Opaque<bindings::notifier_block>>(),
            ModuleNotifier,
            nb
        )
    };
    // SAFETY: By the safety contract `data` is a valid `struct module` for
    // the duration of the call, which the borrow does not outlive.
    let module = unsafe { ModuleRef::from_raw(module) };
    match notifier.log.record(event, module) {
        Ok(()) => bindings::NOTIFY_OK as c_int,
        Err(_) => bindings::NOTIFY_DONE as c_int,
    }
}

/// The taint kretprobes of `taint_audit_probe.c`; see `taint_audit_shim.h`.
mod probe {
    use kernel::prelude::*;

    extern "C" {
        pub(super) fn taint_audit_register_taint_probe(ctx: *mut c_void) -> c_int;
        pub(super) fn taint_audit_unregister_taint_probe();
    }
}

/// Keeps the taint kretprobes feeding an [`AuditLog`]'s attribution.
///
/// The probes are static: at most one registration exists at a time, the
/// module's.
///
/// # Invariants
///
/// The probes are registered, with `_log.attribution` as their context, until `drop`.
pub(crate) struct TaintProbes {
    /// The log the probes record into, kept alive while they are registered.
    _log: Arc<AuditLog>,
}

impl TaintProbes {
    /// Starts attributing taint changes to `log`.
    pub(crate) fn register(log: Arc<AuditLog>) -> Result<Self> {
        let ctx: *const Attribution = &log.attribution;
        // SAFETY: `ctx` points into `log`, which the registration keeps alive
        // until `drop` has unregistered the probes.
        to_result(unsafe { probe::taint_audit_register_taint_probe(ctx.cast_mut().cast()) })?;
        // INVARIANT: Registered just above, with `log.attribution` as context.
        Ok(TaintProbes { _log: log })
    }
}

impl Drop for TaintProbes {
    fn drop(&mut self) {
        // SAFETY: By the type invariant the probes are registered. No
        // handler runs once this returns, so none uses `self._log` after it.
        unsafe { probe::taint_audit_unregister_taint_probe() };
    }
}

/// Called by the taint kretprobes after every probed call; see `taint_audit_shim.h`.
///
/// Recording cannot fail (what does not fit is counted), so there is no
/// error to map.
///
/// # Safety
///
/// `ctx` is the context of a registered [`TaintProbes`]: an [`Attribution`]
/// that outlives the registration.
#[no_mangle]
unsafe extern "C" fn taint_audit_rs_taints_set(
    ctx: *mut c_void,
    flag: c_int,
    before: c_ulong,
    after: c_ulong,
    site: c_ulong,
    site_is_return_address: bool,
) {
    // SAFETY: By the safety contract `ctx` is a live `Attribution`, which
    // outlives this call.
    let attribution = unsafe { &*ctx.cast::<Attribution>() };
    let site = if site_is_return_address {
        Site::ReturnAddress(site)
    } else {
        Site::Function(site)
    };
    attribution.taints_set(u32::try_from(flag).ok(), before as u64, after as u64, site);
}
