// SPDX-License-Identifier: GPL-2.0

//! The C side, `powerclamp_shim.c`, and the kernel functions the kernel crate
//! has no abstraction for, behind safe wrappers; see `powerclamp_shim.h` for
//! each C function's contract.

use core::ptr::NonNull;
use kernel::{
    bindings,
    cpu::CpuId,
    error::{
        from_err_ptr,
        to_result, //
    },
    prelude::*,
    types::NotThreadSafe,
    ThisModule,
};

/// An opaque `struct thermal_cooling_device`.
#[repr(C)]
struct ThermalCoolingDevice {
    _private: [u8; 0],
}

extern "C" {
    fn powerclamp_cdev_register() -> *mut ThermalCoolingDevice;
    fn powerclamp_cpu_times(cpu: c_uint, idle_ns: *mut u64, total_ns: *mut u64);
    fn powerclamp_run_pending_softirqs();

    // Exported by drivers/thermal/thermal_core.c; thermal.h is not in the
    // kernel crate's bindings.
    fn thermal_cooling_device_unregister(cdev: *mut ThermalCoolingDevice);
    fn thermal_cooling_device_update(cdev: *mut ThermalCoolingDevice);
}

/// The registered `powerclamp` cooling device, unregistered on drop.
///
/// # Invariants
///
/// `0` is a cooling device `powerclamp_cdev_register()` returned, not yet
/// unregistered.
pub(crate) struct Cdev(NonNull<ThermalCoolingDevice>);

// SAFETY: the thermal core locks the device itself; it may be updated and
// unregistered from any task.
unsafe impl Send for Cdev {}
// SAFETY: as for `Send`; `update` takes `&self`.
unsafe impl Sync for Cdev {}

impl Cdev {
    /// Registers the device; its callbacks are the `powerclamp_rs_*_state()`
    /// functions, which may run from now on.
    pub(crate) fn register() -> Result<Self> {
        // SAFETY: process context, at load; `drop` unregisters the device.
        let cdev = from_err_ptr(unsafe { powerclamp_cdev_register() })?;
        // INVARIANT: registered, as `from_err_ptr` found no error.
        NonNull::new(cdev).map(Cdev).ok_or(ENOMEM)
    }

    /// Has the thermal core read the device's states again.
    ///
    /// Context: process context, without the device's callbacks' locks.
    pub(crate) fn update(&self) {
        // SAFETY: registered (type invariant).
        unsafe { thermal_cooling_device_update(self.0.as_ptr()) };
    }
}

impl Drop for Cdev {
    fn drop(&mut self) {
        // SAFETY: registered (type invariant) and unregistered once, here;
        // this waits for running callbacks.
        unsafe { thermal_cooling_device_unregister(self.0.as_ptr()) };
    }
}

/// The idle and total time of `cpu` since boot, as `/proc/stat` counts them,
/// in ns.
pub(crate) fn cpu_times(cpu: CpuId) -> (u64, u64) {
    let (mut idle, mut total) = (0, 0);
    // SAFETY:
    // - A `CpuId` is below `nr_cpu_ids`, so it has per-CPU statistics.
    // - Both pointers are valid for writes.
    unsafe { powerclamp_cpu_times(cpu.as_u32(), &mut idle, &mut total) };
    (idle, total)
}

/// Runs the softirqs pending on this CPU, so that the idle loop can stop the
/// tick as soon as an injection starts (see `powerclamp_shim.h`).
pub(crate) fn run_pending_softirqs() {
    // SAFETY: called from a kthread in process context with softirqs
    // enabled (`injector.rs` calls it between injections).
    unsafe { powerclamp_run_pending_softirqs() };
}

/// Runs `f` under the module's `kernel_param_lock()`, which every parameter
/// write holds.
pub(crate) fn with_param_lock<T>(module: &'static ThisModule, f: impl FnOnce() -> T) -> T {
    // SAFETY: the module outlives this; unlocked below.
    unsafe { bindings::kernel_param_lock(module.as_ptr()) };
    let value = f();
    // SAFETY: locked above, by this task.
    unsafe { bindings::kernel_param_unlock(module.as_ptr()) };
    value
}

/// Migration disabled for the current task while this exists.
pub(crate) struct MigrationDisabled(NotThreadSafe);

impl MigrationDisabled {
    pub(crate) fn new() -> Self {
        // SAFETY: paired with migrate_enable() on drop, in the same task
        // (the guard cannot leave it).
        unsafe { bindings::migrate_disable() };
        Self(NotThreadSafe)
    }
}

impl Drop for MigrationDisabled {
    fn drop(&mut self) {
        // SAFETY: migrate_disable() was called by `new`, in this task.
        unsafe { bindings::migrate_enable() };
    }
}

/// Forces the current CPU idle for `duration_ns`, letting cpuidle pick its
/// deepest state.
///
/// # Safety
///
/// - The caller is a kthread (no mm), `SCHED_FIFO`, bound to one CPU with
///   `PF_NO_SETAFFINITY`, and its migration is disabled
///   ([`MigrationDisabled`]).
/// - `duration_ns` is above 0.
pub(crate) unsafe fn play_idle_precise(duration_ns: u64) {
    // SAFETY: the caller's promise; `u64::MAX` is any exit latency.
    unsafe { bindings::play_idle_precise(duration_ns, u64::MAX) };
}

/// A dynamic CPU hotplug state with its callbacks, removed on drop.
///
/// # Invariants
///
/// `0` is a state `__cpuhp_setup_state()` returned, not yet removed.
pub(crate) struct CpuHotplugState(c_int);

impl CpuHotplugState {
    /// Sets up an online state named `name`: `startup` runs for every CPU
    /// online now and every one coming online, `teardown` for every one
    /// going offline, until this is dropped.
    pub(crate) fn setup(
        name: &'static CStr,
        startup: extern "C" fn(cpu: c_uint) -> c_int,
        teardown: extern "C" fn(cpu: c_uint) -> c_int,
    ) -> Result<Self> {
        // SAFETY:
        // - The name is static.
        // - The callbacks are module code, which stays until `drop` removes
        //   them.
        let state = unsafe {
            bindings::__cpuhp_setup_state(
                bindings::cpuhp_state_CPUHP_AP_ONLINE_DYN,
                name.as_char_ptr(),
                true,
                Some(startup),
                Some(teardown),
                false,
            )
        };
        to_result(state)?;
        // INVARIANT: a dynamic state is the positive number returned.
        Ok(Self(state))
    }
}

impl Drop for CpuHotplugState {
    fn drop(&mut self) {
        // SAFETY: set up (type invariant), removed once, here; no callback
        // runs once this returns.
        unsafe { bindings::__cpuhp_remove_state(self.0, false) };
    }
}
