// SPDX-License-Identifier: GPL-2.0

//! The clamping session: the target the cooling device sets, the threads that
//! carry it out, CPU hotplug, and the run-time parameter changes that affect
//! them.
//!
//! # Locking
//!
//! [`CONTROL`] guards the session and the threads; it is the innermost lock.
//! The hotplug callbacks take it too, which orders thread starts and stops
//! against CPUs coming and going without `cpus_read_lock()`: the cooling
//! device calls in with its lock held, and CPU onlining takes that lock
//! under the hotplug lock (ACPI processor cooling devices), so taking the
//! hotplug lock here would close a cycle. A session starts threads on the
//! CPUs the callbacks have seen come up and not yet go down. A thread woken
//! as its CPU starts going down still lands elsewhere; it does nothing until
//! the CPU's teardown callback stops it (`injector.rs`).
//! `thermal_cooling_device_update()` (which takes the cooling device's lock)
//! is called with [`CONTROL`] released.

use crate::{
    injector::{
        CpuStats,
        Thread, //
    },
    mask::CpuSet,
    params::{
        self,
        Param,
        Value, //
    },
    shim::{
        self,
        ThermalCoolingDevice, //
    },
    state::{
        Plan,
        Session,
        State, //
    },
};
use core::ptr;
use kernel::{
    bindings,
    cpu::nr_cpu_ids,
    error::from_err_ptr,
    fmt,
    prelude::*,
    str::{
        CStr,
        Formatter, //
    },
    sync::{
        atomic::{
            Acquire,
            Atomic,
            Release, //
        },
        Arc,
    },
    ThisModule,
};

kernel::sync::global_lock! {
    // SAFETY: `SessionGuard::new` initialises it in the module's init, before
    // the cooling device, the hotplug callbacks and the parameters (through
    // `LIVE`) can reach it.
    unsafe(uninit) static CONTROL: Mutex<Control> = Control::new();
}

/// Whether parameter writes reach [`CONTROL`]; changed under the module's
/// `kernel_param_lock()`, which every parameter write holds.
static LIVE: Atomic<bool> = Atomic::new(false);

pub(crate) struct Control {
    session: Session,
    /// One per possible CPU number; threads point into it.
    stats: Option<Arc<KVec<CpuStats>>>,
    /// Indexed like `stats`.
    threads: KVec<Option<Thread>>,
    /// Indexed like `stats`: between the hotplug startup and teardown
    /// callbacks.
    up: KVec<bool>,
    cdev: CdevPtr,
}

struct CdevPtr(*mut ThermalCoolingDevice);

// SAFETY: the cooling device may be updated from any task.
unsafe impl Send for CdevPtr {}

impl Control {
    const fn new() -> Self {
        Self {
            session: Session::new(),
            stats: None,
            threads: KVec::new(),
            up: KVec::new(),
            cdev: CdevPtr(ptr::null_mut()),
        }
    }

    fn has_thread(&self, cpu: u32) -> bool {
        matches!(self.threads.get(cpu as usize), Some(Some(_)))
    }

    /// Starts the thread of `cpu` if it has none.
    fn start_thread(&mut self, cpu: u32) -> Result {
        let index = cpu as usize;
        let Some(stats) = self.stats.as_ref().and_then(|s| s.get(index)) else {
            return Err(EINVAL);
        };
        if self.has_thread(cpu) {
            return Ok(());
        }
        // SAFETY: `stats` is in the `Arc` this `Control` holds until every
        // thread has been stopped (`SessionGuard::drop`).
        let thread = unsafe { Thread::start(stats)? };
        self.threads[index] = Some(thread);
        Ok(())
    }

    fn stop_thread(&mut self, cpu: u32) {
        if let Some(thread) = self.threads.get_mut(cpu as usize).and_then(Option::take) {
            thread.stop();
        }
    }

    fn stop_all(&mut self) {
        for cpu in 0..self.threads.len() {
            self.stop_thread(cpu as u32);
        }
    }

    /// Starts a thread on every CPU of `mask` that is up; all or none.
    fn start_all(&mut self, mask: &CpuSet) -> Result {
        let mut started = KVec::new();
        for cpu in 0..self.threads.len() as u32 {
            if !mask.contains(cpu) || !self.up[cpu as usize] || self.has_thread(cpu) {
                continue;
            }
            let pushed = started.push(cpu, GFP_KERNEL);
            if let Err(e) = pushed
                .map_err(Error::from)
                .and_then(|()| self.start_thread(cpu))
            {
                for cpu in started.iter() {
                    self.stop_thread(*cpu);
                }
                return Err(e);
            }
        }
        Ok(())
    }

    /// Carries out a request for `target` percent of idle.
    fn set_target(&mut self, target: u32) -> Result {
        match self.session.request(target, params::max_idle())? {
            Plan::Nothing => Ok(()),
            Plan::Retarget => {
                params::set_target(target);
                Ok(())
            }
            Plan::Start => {
                params::set_target(target);
                let started = self.start_all(&params::cpumask());
                self.session.started(started.is_ok());
                if started.is_err() {
                    params::set_target(0);
                }
                started
            }
            Plan::Stop => {
                self.stop_all();
                params::set_target(0);
                self.session.stopped();
                Ok(())
            }
        }
    }

    /// Moves the threads to the CPUs of `mask`, all or nothing.
    fn change_mask(&mut self, mask: &CpuSet) -> Result {
        if self.session.state() == State::Clamping {
            self.start_all(mask)?;
            for cpu in 0..self.threads.len() as u32 {
                if !mask.contains(cpu) {
                    self.stop_thread(cpu);
                }
            }
        }
        Param::Cpumask.store(Value::Mask(*mask));
        Ok(())
    }
}

/// The session's per-CPU state, and on drop the end of the session: every
/// thread stopped, the per-CPU state freed.
pub(crate) struct SessionGuard;

impl SessionGuard {
    pub(crate) fn new() -> Result<Self> {
        let nr = nr_cpu_ids();
        let mut stats = KVec::with_capacity(nr as usize, GFP_KERNEL)?;
        let mut threads = KVec::with_capacity(nr as usize, GFP_KERNEL)?;
        let mut up = KVec::with_capacity(nr as usize, GFP_KERNEL)?;
        for cpu in 0..nr {
            stats.push(CpuStats::new(cpu), GFP_KERNEL)?;
            threads.push(None, GFP_KERNEL)?;
            up.push(false, GFP_KERNEL)?;
        }
        let stats = Arc::new(stats, GFP_KERNEL)?;
        // SAFETY: called once, from the module's init, before any use.
        unsafe { CONTROL.init() };
        let mut control = CONTROL.lock();
        control.stats = Some(stats);
        control.threads = threads;
        control.up = up;
        Ok(Self)
    }
}

impl Drop for SessionGuard {
    fn drop(&mut self) {
        let mut control = CONTROL.lock();
        control.stop_all();
        params::set_target(0);
        control.session = Session::new();
        control.threads = KVec::new();
        control.up = KVec::new();
        control.stats = None;
    }
}

/// CPU hotplug callbacks: they track which CPUs are up; a CPU coming up
/// during a session gets its thread, one going down loses it.
pub(crate) struct Hotplug {
    state: c_int,
}

impl Hotplug {
    pub(crate) fn new() -> Result<Self> {
        // SAFETY: the name is static; the callbacks may be called from now
        // (for every online CPU: invoke is true) until `drop`, and only need
        // `CONTROL`, initialised before.
        let state = unsafe {
            bindings::__cpuhp_setup_state(
                bindings::cpuhp_state_CPUHP_AP_ONLINE_DYN,
                c"powerclamp:online".as_char_ptr(),
                true,
                Some(cpu_up),
                Some(cpu_down),
                false,
            )
        };
        if state < 0 {
            return Err(Error::from_errno(state));
        }
        Ok(Self { state })
    }
}

impl Drop for Hotplug {
    fn drop(&mut self) {
        // SAFETY: `state` came from __cpuhp_setup_state(); no callback runs
        // once this returns.
        unsafe { bindings::__cpuhp_remove_state(self.state, false) };
    }
}

/// # Safety
///
/// Called by the CPU hotplug core only, for a possible CPU.
unsafe extern "C" fn cpu_up(cpu: c_uint) -> c_int {
    let mut control = CONTROL.lock();
    if let Some(up) = control.up.get_mut(cpu as usize) {
        *up = true;
    }
    if control.session.state() == State::Clamping && params::cpumask().contains(cpu) {
        // Refusing the CPU would be worse than not clamping it.
        if let Err(e) = control.start_thread(cpu) {
            pr_warn!("cpu {cpu} is not clamped: no thread ({e:?})\n");
        }
    }
    0
}

/// # Safety
///
/// Called by the CPU hotplug core only, for a possible CPU.
unsafe extern "C" fn cpu_down(cpu: c_uint) -> c_int {
    let mut control = CONTROL.lock();
    if let Some(up) = control.up.get_mut(cpu as usize) {
        *up = false;
    }
    control.stop_thread(cpu);
    0
}

/// The registered `powerclamp` cooling device.
pub(crate) struct CoolingDevice;

impl CoolingDevice {
    pub(crate) fn new() -> Result<Self> {
        // SAFETY: no precondition; the callbacks only need `CONTROL`.
        let cdev = from_err_ptr(unsafe { shim::powerclamp_cdev_register() })?;
        CONTROL.lock().cdev = CdevPtr(cdev);
        Ok(Self)
    }
}

impl Drop for CoolingDevice {
    fn drop(&mut self) {
        let cdev = core::mem::replace(&mut CONTROL.lock().cdev, CdevPtr(ptr::null_mut()));
        // SAFETY: registered by `new`; unregistering waits for callbacks.
        unsafe { shim::thermal_cooling_device_unregister(cdev.0) };
    }
}

/// Parameter writes reach the session while this exists.
pub(crate) struct LiveParams {
    module: &'static ThisModule,
}

impl LiveParams {
    pub(crate) fn new(module: &'static ThisModule) -> Self {
        let this = Self { module };
        this.set(true);
        this
    }

    fn set(&self, live: bool) {
        // SAFETY: the module outlives this; the lock is released below.
        unsafe { bindings::kernel_param_lock(self.module.as_ptr()) };
        LIVE.store(live, Release);
        // SAFETY: taken above.
        unsafe { bindings::kernel_param_unlock(self.module.as_ptr()) };
    }
}

impl Drop for LiveParams {
    fn drop(&mut self) {
        self.set(false);
    }
}

#[no_mangle]
extern "C" fn powerclamp_rs_max_state() -> c_ulong {
    params::max_idle() as c_ulong
}

#[no_mangle]
extern "C" fn powerclamp_rs_cur_state() -> c_ulong {
    CONTROL.lock().session.target() as c_ulong
}

#[no_mangle]
extern "C" fn powerclamp_rs_set_cur_state(state: c_ulong) -> c_int {
    let Ok(target) = u32::try_from(state) else {
        return EINVAL.to_errno();
    };
    match CONTROL.lock().set_target(target) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// # Safety
///
/// `name` and `val` are NUL-terminated strings.
#[no_mangle]
unsafe extern "C" fn powerclamp_rs_param_set(name: *const c_char, val: *const c_char) -> c_int {
    // SAFETY: the caller's promise.
    let (name, val) = unsafe { (CStr::from_char_ptr(name), CStr::from_char_ptr(val)) };
    match param_set(name.to_bytes(), val.to_bytes()) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

fn param_set(name: &[u8], text: &[u8]) -> Result {
    let param = Param::from_name(name).ok_or(EINVAL)?;
    let value = param.parse(text, nr_cpu_ids())?;
    if !LIVE.load(Acquire) {
        param.store(value);
        return Ok(());
    }
    match (param, value) {
        (Param::Cpumask, Value::Mask(mask)) => CONTROL.lock().change_mask(&mask),
        (Param::MaxIdle, Value::Number(max_idle)) => {
            let cdev = {
                let control = CONTROL.lock();
                if max_idle < control.session.target() {
                    return Err(EBUSY);
                }
                param.store(value);
                control.cdev.0
            };
            // SAFETY: `LIVE` is set, so the device stays registered while
            // this parameter write holds the parameter lock.
            unsafe { shim::thermal_cooling_device_update(cdev) };
            Ok(())
        }
        // The threads read them at their next period.
        _ => {
            param.store(value);
            Ok(())
        }
    }
}

/// # Safety
///
/// `name` is NUL-terminated; `buffer` holds `PAGE_SIZE` bytes.
#[no_mangle]
unsafe extern "C" fn powerclamp_rs_param_get(name: *const c_char, buffer: *mut c_char) -> c_int {
    // SAFETY: the caller's promise.
    let name = unsafe { CStr::from_char_ptr(name) };
    let Some(param) = Param::from_name(name.to_bytes()) else {
        return EINVAL.to_errno();
    };
    let len = bindings::PAGE_SIZE;
    // SAFETY: the caller's promise; nothing else uses the buffer meanwhile.
    let buffer = unsafe { core::slice::from_raw_parts_mut(buffer.cast::<u8>(), len) };
    let mut f = Formatter::new(buffer);
    if param.write(&mut f, nr_cpu_ids()).is_err() || fmt::Write::write_char(&mut f, '\n').is_err() {
        return EINVAL.to_errno();
    }
    f.bytes_written() as c_int
}

/// `/sys/kernel/debug/powerclamp/status`: one `key=value` line.
pub(crate) fn write_status(f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let control = CONTROL.lock();
    let target = control.session.target();
    let threads = control.threads.iter().filter(|t| t.is_some()).count();
    f.write_fmt(fmt!(
        "state={} target={} max_idle={} duration_ms={} window_size={} cpumask=",
        control.session.state(),
        target,
        params::max_idle(),
        params::duration_ms(),
        params::window_size(),
    ))?;
    Param::Cpumask.write(f, nr_cpu_ids())?;
    f.write_fmt(fmt!(" threads={threads}\n"))
}

/// `/sys/kernel/debug/powerclamp/cpus`: one `key=value` line per CPU.
pub(crate) fn write_cpus(f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let control = CONTROL.lock();
    let target = control.session.target();
    if let Some(stats) = &control.stats {
        for (cpu, s) in stats.iter().enumerate() {
            s.write_line(f, control.has_thread(cpu as u32), target)?;
        }
    }
    Ok(())
}
