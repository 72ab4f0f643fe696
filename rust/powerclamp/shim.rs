// SPDX-License-Identifier: GPL-2.0

//! Declarations of the C side, `powerclamp_shim.c`; see `powerclamp_shim.h`
//! for each function's contract.

use kernel::prelude::*;

/// An opaque `struct thermal_cooling_device`.
#[repr(C)]
pub(crate) struct ThermalCoolingDevice {
    _private: [u8; 0],
}

extern "C" {
    pub(crate) fn powerclamp_trace_inject_start(cpu: c_uint, requested_ns: u64);
    pub(crate) fn powerclamp_trace_inject_end(
        cpu: c_uint,
        requested_ns: u64,
        actual_ns: u64,
        idle_ns: u64,
    );
    pub(crate) fn powerclamp_trace_adjust(
        cpu: c_uint,
        target_bp: c_uint,
        achieved_bp: c_uint,
        share_before_bp: c_uint,
        share_after_bp: c_uint,
    );
    pub(crate) fn powerclamp_cdev_register() -> *mut ThermalCoolingDevice;
    pub(crate) fn powerclamp_sleep_until(expires_ns: u64) -> bool;
    pub(crate) fn powerclamp_cpu_times(cpu: c_uint, idle_ns: *mut u64, total_ns: *mut u64);

    // Exported by drivers/thermal/thermal_core.c; thermal.h is not in the
    // kernel crate's bindings.
    pub(crate) fn thermal_cooling_device_unregister(cdev: *mut ThermalCoolingDevice);
    pub(crate) fn thermal_cooling_device_update(cdev: *mut ThermalCoolingDevice);
}
