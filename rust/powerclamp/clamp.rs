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
    common::text::format_into,
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
        Cdev,
        CpuHotplugState, //
    },
    state::{
        Plan,
        Session,
        State, //
    },
};
use kernel::{
    bindings,
    cpu::{
        nr_cpu_ids,
        CpuId, //
    },
    error::from_result,
    fmt,
    prelude::*,
    str::CStr,
    sync::{
        atomic::{
            Acquire,
            Atomic,
            Release, //
        },
        Arc,
    },
    types::ScopeGuard,
    ThisModule,
};

kernel::sync::global_lock! {
    // SAFETY: `start_session` initialises it in the module's init, before the
    // cooling device, the hotplug callbacks and the parameters (through
    // `LIVE`) can reach it.
    unsafe(uninit) static CONTROL: Mutex<Control> = Control::new();
}

/// Whether parameter writes reach [`CONTROL`]; changed under the module's
/// `kernel_param_lock()`, which every parameter write holds.
static LIVE: Atomic<bool> = Atomic::new(false);

pub(crate) struct Control {
    session: Session,
    /// One per possible CPU number; threads share it.
    stats: Option<Arc<KVec<CpuStats>>>,
    /// Indexed like `stats`.
    threads: KVec<Option<Thread>>,
    /// Indexed like `stats`: between the hotplug startup and teardown
    /// callbacks.
    up: KVec<bool>,
    /// The cooling device, while registered; shared with a parameter write
    /// that updates it without [`CONTROL`].
    cdev: Option<Arc<Cdev>>,
}

impl Control {
    const fn new() -> Self {
        Self {
            session: Session::new(),
            stats: None,
            threads: KVec::new(),
            up: KVec::new(),
            cdev: None,
        }
    }

    fn has_thread(&self, cpu: u32) -> bool {
        matches!(self.threads.get(cpu as usize), Some(Some(_)))
    }

    /// A new thread for `cpu`, not yet recorded in `threads`.
    fn new_thread(&self, cpu: u32) -> Result<Thread> {
        let stats = self.stats.clone().ok_or(EINVAL)?;
        Thread::start(stats, cpu as usize)
    }

    /// Starts the thread of `cpu` if it has none.
    fn start_thread(&mut self, cpu: u32) -> Result {
        if self.has_thread(cpu) {
            return Ok(());
        }
        let thread = self.new_thread(cpu)?;
        let slot = self.threads.get_mut(cpu as usize).ok_or(EINVAL)?;
        *slot = Some(thread);
        Ok(())
    }

    fn stop_thread(&mut self, cpu: u32) {
        // Dropping the thread stops it.
        drop(self.threads.get_mut(cpu as usize).and_then(Option::take));
    }

    fn stop_all(&mut self) {
        for cpu in 0..self.threads.len() {
            self.stop_thread(cpu as u32);
        }
    }

    /// Starts a thread on every CPU of `mask` that is up; all or none (on an
    /// error, the threads started so far stop as `started` drops).
    fn start_all(&mut self, mask: &CpuSet) -> Result {
        let mut started = KVec::new();
        for cpu in 0..self.threads.len() as u32 {
            if !mask.contains(cpu) || !self.up[cpu as usize] || self.has_thread(cpu) {
                continue;
            }
            started.reserve(1, GFP_KERNEL)?;
            started.push((cpu, self.new_thread(cpu)?), GFP_KERNEL)?;
        }
        for (cpu, thread) in started {
            self.threads[cpu as usize] = Some(thread);
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

    /// CPU `cpu` came online: during a session it gets its thread.
    fn cpu_up(&mut self, cpu: u32) -> Result {
        if let Some(up) = self.up.get_mut(cpu as usize) {
            *up = true;
        }
        if self.session.state() == State::Clamping && params::cpumask().contains(cpu) {
            self.start_thread(cpu)?;
        }
        Ok(())
    }

    /// CPU `cpu` is going offline: its thread stops.
    fn cpu_down(&mut self, cpu: u32) {
        if let Some(up) = self.up.get_mut(cpu as usize) {
            *up = false;
        }
        self.stop_thread(cpu);
    }
}

/// The session's per-CPU state, and on drop the end of the session: every
/// thread stopped, the per-CPU state freed.
pub(crate) type SessionGuard = ScopeGuard<(), fn(())>;

/// Sets up the session's per-CPU state; the returned guard ends the session.
pub(crate) fn start_session() -> Result<SessionGuard> {
    let nr = nr_cpu_ids();
    let mut stats = KVec::with_capacity(nr as usize, GFP_KERNEL)?;
    let mut threads = KVec::with_capacity(nr as usize, GFP_KERNEL)?;
    let mut up = KVec::with_capacity(nr as usize, GFP_KERNEL)?;
    for cpu in 0..nr {
        stats.push(
            CpuStats::new(CpuId::from_u32(cpu).ok_or(EINVAL)?),
            GFP_KERNEL,
        )?;
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
    Ok(ScopeGuard::new_with_data((), end_session))
}

fn end_session(_: ()) {
    let mut control = CONTROL.lock();
    control.stop_all();
    params::set_target(0);
    control.session = Session::new();
    control.threads = KVec::new();
    control.up = KVec::new();
    control.stats = None;
}

/// CPU hotplug callbacks: they track which CPUs are up; a CPU coming up
/// during a session gets its thread, one going down loses it.
pub(crate) fn hotplug() -> Result<CpuHotplugState> {
    // The callbacks only need `CONTROL`, initialised before.
    CpuHotplugState::setup(c"powerclamp:online", cpu_up, cpu_down)
}

extern "C" fn cpu_up(cpu: c_uint) -> c_int {
    if let Err(e) = CONTROL.lock().cpu_up(cpu) {
        // Refusing the CPU would be worse than not clamping it.
        pr_warn!("cpu {cpu} is not clamped: no thread ({e:?})\n");
    }
    0
}

extern "C" fn cpu_down(cpu: c_uint) -> c_int {
    CONTROL.lock().cpu_down(cpu);
    0
}

/// The registered `powerclamp` cooling device: on drop, unregistered.
pub(crate) type CoolingDevice = ScopeGuard<(), fn(())>;

/// Registers the cooling device; its callbacks only need `CONTROL`.
pub(crate) fn cooling_device() -> Result<CoolingDevice> {
    let cdev = Arc::new(Cdev::register()?, GFP_KERNEL)?;
    CONTROL.lock().cdev = Some(cdev);
    Ok(ScopeGuard::new_with_data((), unregister_cooling_device))
}

fn unregister_cooling_device(_: ()) {
    let cdev = CONTROL.lock().cdev.take();
    // Unregistered here, without `CONTROL`, which its callbacks take.
    drop(cdev);
}

/// Parameter writes reach the session while this exists.
pub(crate) type LiveParams = ScopeGuard<&'static ThisModule, fn(&'static ThisModule)>;

/// Lets parameter writes reach the session until the guard is dropped.
pub(crate) fn live_params(module: &'static ThisModule) -> LiveParams {
    set_live(module, true);
    ScopeGuard::new_with_data(module, |module| set_live(module, false))
}

fn set_live(module: &'static ThisModule, live: bool) {
    shim::with_param_lock(module, || LIVE.store(live, Release));
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
    from_result(|| {
        let target = u32::try_from(state).map_err(|_| EINVAL)?;
        CONTROL.lock().set_target(target)?;
        Ok(0)
    })
}

/// # Safety
///
/// `name` and `val` are NUL-terminated strings.
#[no_mangle]
unsafe extern "C" fn powerclamp_rs_param_set(name: *const c_char, val: *const c_char) -> c_int {
    // SAFETY: the caller's promise.
    let (name, val) = unsafe { (CStr::from_char_ptr(name), CStr::from_char_ptr(val)) };
    from_result(|| {
        param_set(name.to_bytes(), val.to_bytes())?;
        Ok(0)
    })
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
                control.cdev.clone()
            };
            // Without `CONTROL`: the update takes the device's lock, which
            // its callbacks hold while they take `CONTROL`.
            if let Some(cdev) = cdev {
                cdev.update();
            }
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
/// - `name` is NUL-terminated.
/// - `buffer` holds `PAGE_SIZE` bytes, which nothing else uses during the
///   call.
#[no_mangle]
unsafe extern "C" fn powerclamp_rs_param_get(name: *const c_char, buffer: *mut c_char) -> c_int {
    // SAFETY: `name` is NUL-terminated and outlives the call, as the caller
    // says.
    let name = unsafe { CStr::from_char_ptr(name) };
    let len = bindings::PAGE_SIZE;
    // SAFETY: `buffer` holds `len` bytes that nothing else uses during the
    // call, as the caller says.
    let buffer = unsafe { core::slice::from_raw_parts_mut(buffer.cast::<u8>(), len) };
    from_result(|| param_get(name.to_bytes(), buffer))
}

/// Writes the parameter `name` as reading it shows it; returns the length.
fn param_get(name: &[u8], buffer: &mut [u8]) -> Result<c_int> {
    let param = Param::from_name(name).ok_or(EINVAL)?;
    let len = format_into(buffer, |f| {
        param.write(f, nr_cpu_ids())?;
        fmt::Write::write_char(f, '\n')
    })?;
    Ok(len as c_int)
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
