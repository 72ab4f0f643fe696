// SPDX-License-Identifier: GPL-2.0

//! A thermal zone whose temperature follows a model of the CPUs, for testing
//! powerclamp under the kernel's own thermal control loop.
//!
//! QEMU has no thermal sensor, so this zone computes one: a first-order
//! model in which the CPUs heat towards a steady temperature set by their
//! busy share and lag behind it with a time constant,
//!
//! ```text
//!     steady = AMBIENT + FULL_LOAD_RISE * busy,     tau * dT/dt = steady - T
//! ```
//!
//! with `busy` the share of the online CPUs' time `/proc/stat` counts as user
//! (and nice) time since the zone was last read. With the defaults a full load
//! heads for 90 °C, and the steady temperature equals the 70 °C trip at 60 %
//! busy.
//!
//! The load is user time, not all that is not idle, because on the test
//! kernel an injection counts as system time whenever the tick keeps running
//! through it (Documentation/powerclamp.rst, "What idle means"): the clamp
//! would heat the model it is meant to cool. The loads the tests apply are
//! user-space busy loops.
//!
//! The zone has one passive trip, bound to the `powerclamp` cooling device
//! only and driven by the `step_wise` governor; the thermal core reads the
//! temperature every `poll_ms` and sends it to the thermal netlink
//! `sampling` group. The model starts at `AMBIENT` when the module loads.

use core::{
    ffi::{
        c_int,
        c_void, //
    },
    ptr::NonNull,
};
use kernel::{
    error::from_err_ptr,
    new_mutex,
    prelude::*,
    sync::Mutex,
    time::{
        Instant,
        Monotonic, //
    },
};

module! {
    type: ThermalModel,
    name: "thermal_model",
    authors: ["The rust-kmods developers"],
    description: "Test thermal zone modelling the CPUs' temperature, bound to powerclamp",
    license: "GPL",
    params: {
        trip: u32 {
            default: 70_000,
            description: "The passive trip, millidegrees Celsius (42000-89999)",
        },
        tau_ms: u32 {
            default: 8_000,
            description: "The model's time constant, ms (100-60000)",
        },
        poll_ms: u32 {
            default: 100,
            description: "How often the thermal core reads the zone, ms (10-10000)",
        },
    },
}

/// The temperature of idle CPUs, millidegrees Celsius.
const AMBIENT: i64 = 40_000;
/// How far above [`AMBIENT`] a full load heats the CPUs, millidegrees.
const FULL_LOAD_RISE: i64 = 50_000;
/// The trip's hysteresis, millidegrees: once crossed, the zone stays
/// throttled down to `trip - HYSTERESIS`.
const HYSTERESIS: i64 = 2_000;

/// An opaque `struct thermal_zone_device`.
#[repr(C)]
struct ThermalZoneDevice {
    _private: [u8; 0],
}

extern "C" {
    fn thermal_model_register(
        model: *mut c_void,
        trip_mc: c_int,
        hysteresis_mc: c_int,
        poll_ms: u32,
    ) -> *mut ThermalZoneDevice;
    fn thermal_model_unregister(tz: *mut ThermalZoneDevice);
    fn thermal_model_cpu_times(user_ns: *mut u64, total_ns: *mut u64);
}

/// The online CPUs' accounted time at one instant.
#[derive(Clone, Copy)]
struct Sample {
    at: Instant<Monotonic>,
    user_ns: u64,
    total_ns: u64,
}

impl Sample {
    fn now() -> Self {
        let (mut user_ns, mut total_ns) = (0, 0);
        // SAFETY: both pointers are valid for writes for the call.
        unsafe { thermal_model_cpu_times(&mut user_ns, &mut total_ns) };
        Self {
            at: Instant::now(),
            user_ns,
            total_ns,
        }
    }
}

/// The model's state.
struct Model {
    tau_ms: i64,
    /// Millidegrees Celsius.
    temperature: i64,
    last: Option<Sample>,
}

impl Model {
    fn new(tau_ms: u32) -> Self {
        Self {
            tau_ms: tau_ms.into(),
            temperature: AMBIENT,
            last: None,
        }
    }

    /// Advances the model to now and returns its temperature.
    fn read(&mut self) -> i64 {
        let now = Sample::now();
        if let Some(last) = self.last {
            let elapsed_ms = (now.at - last.at).as_millis();
            let total = now.total_ns.saturating_sub(last.total_ns);
            let user = now.user_ns.saturating_sub(last.user_ns).min(total);
            if elapsed_ms > 0 && total > 0 {
                let busy_bp = (user * 10_000 / total) as i64;
                let steady = AMBIENT + FULL_LOAD_RISE * busy_bp / 10_000;
                // Backward Euler on tau * dT/dt = steady - T: stable for any
                // step, exact at the steady state.
                self.temperature = (self.temperature * self.tau_ms + steady * elapsed_ms)
                    / (self.tau_ms + elapsed_ms);
            }
        }
        self.last = Some(now);
        self.temperature
    }
}

/// The zone's `get_temp`: the entry point from the C shim.
///
/// # Safety
///
/// `model` is the pointer [`Zone::register`] gave the zone, and `temp` is
/// valid for writes.
#[no_mangle]
unsafe extern "C" fn thermal_model_rs_get_temp(model: *mut c_void, temp: *mut c_int) -> c_int {
    // SAFETY: by the function's contract `model` is `Zone::register`'s
    // `Mutex<Model>`, which outlives the zone.
    let model = unsafe { &*model.cast::<Mutex<Model>>() };
    let temperature = model.lock().read();
    // SAFETY: `temp` is valid for writes (the function's contract).
    unsafe { *temp = temperature as c_int };
    0
}

/// The registered zone, unregistered on drop, and the model it reads.
///
/// # Invariants
///
/// `tz` is a zone `thermal_model_register()` returned for `model`, not yet
/// unregistered.
struct Zone {
    tz: NonNull<ThermalZoneDevice>,
    // Declared after `tz`: the zone reads the model until it is unregistered.
    _model: Pin<KBox<Mutex<Model>>>,
}

// SAFETY: the thermal core locks the zone itself; it may be unregistered from
// any task, and the model is behind a mutex.
unsafe impl Send for Zone {}
// SAFETY: as for `Send`: `Zone` has no method taking `&self`.
unsafe impl Sync for Zone {}

impl Zone {
    fn register(trip: u32, tau_ms: u32, poll_ms: u32) -> Result<Self> {
        let model = KBox::pin_init(new_mutex!(Model::new(tau_ms)), GFP_KERNEL)?;
        let model_ptr = core::ptr::from_ref::<Mutex<Model>>(&*model)
            .cast_mut()
            .cast::<c_void>();
        // SAFETY:
        // - `model_ptr` points to a pinned mutex that `Zone` frees only after
        //   unregistering the zone (field order and `Drop`).
        // - The trip and the hysteresis are within `c_int` (checked by
        //   `ThermalModel::init`).
        let tz = from_err_ptr(unsafe {
            thermal_model_register(model_ptr, trip as c_int, HYSTERESIS as c_int, poll_ms)
        })?;
        let tz = NonNull::new(tz).ok_or(EINVAL)?;
        // INVARIANT: `tz` was just registered for `model`.
        Ok(Self { tz, _model: model })
    }
}

impl Drop for Zone {
    fn drop(&mut self) {
        // SAFETY: by the type invariant the zone is registered. Once this
        // returns the thermal core no longer calls `get_temp`, so `_model`,
        // dropped after this function, may go.
        unsafe { thermal_model_unregister(self.tz.as_ptr()) };
    }
}

struct ThermalModel {
    _zone: Zone,
}

impl kernel::Module for ThermalModel {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let trip = module_parameters::trip.value();
        let tau_ms = module_parameters::tau_ms.value();
        let poll_ms = module_parameters::poll_ms.value();
        let trip_range = (AMBIENT + HYSTERESIS) as u32..(AMBIENT + FULL_LOAD_RISE) as u32;
        if !trip_range.contains(&trip)
            || !(100..=60_000).contains(&tau_ms)
            || !(10..=10_000).contains(&poll_ms)
        {
            return Err(EINVAL);
        }
        Ok(Self {
            _zone: Zone::register(trip, tau_ms, poll_ms)?,
        })
    }
}
