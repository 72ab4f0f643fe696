// SPDX-License-Identifier: GPL-2.0

//! The injection threads, `kidle_inject/N`: one per clamped online CPU,
//! `SCHED_FIFO`, bound to its CPU, each running its own [`Controller`].

use crate::{
    controller::{
        self,
        Controller, //
    },
    params,
    shim, //
};
use core::ptr::{
    self,
    NonNull, //
};
use kernel::{
    bindings,
    error::from_err_ptr,
    fmt,
    prelude::*,
    sync::atomic::{
        Atomic,
        Relaxed, //
    },
    time::NSEC_PER_MSEC,
};

/// One CPU's statistics, written by its thread, read by debugfs. They
/// accumulate over every clamping session since the module loaded.
pub(crate) struct CpuStats {
    cpu: u32,
    /// Idle share `/proc/stat` showed over the last window, basis points.
    achieved: Atomic<u32>,
    /// Idle accounted over the last window's wall-clock time, basis points.
    /// Higher than `achieved` when ticks are charged whole.
    idle_of_wall: Atomic<u32>,
    /// Share injected per period, basis points.
    share: Atomic<u32>,
    /// `share` minus the target, basis points.
    compensation: Atomic<i32>,
    injections: Atomic<u64>,
    /// Periods in which nothing was injected: natural idle was enough.
    skipped: Atomic<u64>,
    windows: Atomic<u64>,
    /// Wall time spent in `play_idle_precise()`.
    injected_ns: Atomic<u64>,
    /// The part of `injected_ns` the kernel did not account as idle:
    /// interrupts, and the tick before it stopped.
    lost_ns: Atomic<u64>,
}

impl CpuStats {
    pub(crate) fn new(cpu: u32) -> Self {
        Self {
            cpu,
            achieved: Atomic::new(0),
            idle_of_wall: Atomic::new(0),
            share: Atomic::new(0),
            compensation: Atomic::new(0),
            injections: Atomic::new(0),
            skipped: Atomic::new(0),
            windows: Atomic::new(0),
            injected_ns: Atomic::new(0),
            lost_ns: Atomic::new(0),
        }
    }

    /// Writes one `key=value` line; `running` says whether a thread exists.
    pub(crate) fn write_line(
        &self,
        f: &mut fmt::Formatter<'_>,
        running: bool,
        target: u32,
    ) -> fmt::Result {
        f.write_fmt(fmt!(
            "cpu={} thread={} target={} achieved={} idle_of_wall={} share={} \
             compensation={} injections={} skipped={} windows={} injected_us={} lost_us={}\n",
            self.cpu,
            if running { "running" } else { "none" },
            Percent(target * 100),
            Percent(self.achieved.load(Relaxed)),
            Percent(self.idle_of_wall.load(Relaxed)),
            Percent(self.share.load(Relaxed)),
            SignedPercent(self.compensation.load(Relaxed)),
            self.injections.load(Relaxed),
            self.skipped.load(Relaxed),
            self.windows.load(Relaxed),
            self.injected_ns.load(Relaxed) / 1000,
            self.lost_ns.load(Relaxed) / 1000,
        ))
    }

    fn publish(&self, controller: &Controller) {
        self.share.store(controller.share(), Relaxed);
        self.compensation.store(controller.compensation(), Relaxed);
    }

    /// The thread's life: one period after another until `kthread_stop()`.
    fn run(&self) {
        let cpu = self.cpu;
        let Some(mut controller) = Controller::new(params::target() * 100) else {
            return;
        };
        self.publish(&controller);
        let mut window: Option<Window> = None;
        loop {
            let duration_ns = u64::from(params::duration_ms()) * NSEC_PER_MSEC as u64;
            // Never 0: the session stores 0 only once every thread has stopped.
            let target = params::target() * 100;
            if target != controller.target() && controller.retarget(target).is_ok() {
                self.publish(&controller);
                window = None;
            }
            let period = controller.period_ns(duration_ns);
            let next = (now_ns() / period + 1) * period;
            // SAFETY: called from this kthread, as the function requires.
            if !unsafe { shim::powerclamp_sleep_until(next) } {
                return;
            }
            match &mut window {
                Some(w) if w.periods >= params::window_size() => {
                    let (achieved, of_wall) = w.close(cpu);
                    let adjustment = controller.adjust(achieved);
                    self.achieved.store(adjustment.achieved, Relaxed);
                    self.idle_of_wall.store(of_wall, Relaxed);
                    self.windows.fetch_add(1, Relaxed);
                    self.publish(&controller);
                    // SAFETY: plain values; the event copies them.
                    unsafe {
                        shim::powerclamp_trace_adjust(
                            cpu,
                            controller.target(),
                            adjustment.achieved,
                            adjustment.share_before,
                            adjustment.share_after,
                        )
                    };
                    *w = Window::open(cpu);
                }
                Some(_) => {}
                None => window = Some(Window::open(cpu)),
            }
            let idle = controller.idle_ns(period);
            if idle == 0 {
                self.skipped.fetch_add(1, Relaxed);
            } else {
                self.inject(idle);
            }
            if let Some(w) = &mut window {
                w.periods += 1;
            }
        }
    }

    fn inject(&self, requested_ns: u64) {
        let cpu = self.cpu;
        // SAFETY: plain values; the event copies them.
        unsafe { shim::powerclamp_trace_inject_start(cpu, requested_ns) };
        let before = CpuTimes::now(cpu);
        // SAFETY: this thread meets play_idle_precise()'s requirements: a
        // kthread (no mm) bound to one CPU by kthread_create_on_cpu(), which
        // also set PF_NO_SETAFFINITY, SCHED_FIFO from `Thread::start`, and a
        // duration above 0. u64::MAX lets cpuidle pick its deepest state.
        unsafe { bindings::play_idle_precise(requested_ns, u64::MAX) };
        let after = CpuTimes::now(cpu);
        let actual = after.wall.saturating_sub(before.wall);
        let idle = after.idle.saturating_sub(before.idle);
        self.injections.fetch_add(1, Relaxed);
        self.injected_ns.fetch_add(actual, Relaxed);
        self.lost_ns.fetch_add(actual.saturating_sub(idle), Relaxed);
        // SAFETY: plain values; the event copies them.
        unsafe { shim::powerclamp_trace_inject_end(cpu, requested_ns, actual, idle) };
    }
}

/// One CPU's time as `/proc/stat` counts it, and the wall clock.
#[derive(Clone, Copy)]
struct CpuTimes {
    wall: u64,
    idle: u64,
    total: u64,
}

impl CpuTimes {
    fn now(cpu: u32) -> Self {
        let (mut idle, mut total) = (0, 0);
        // SAFETY: `cpu` is a possible CPU; both pointers are valid for writes.
        unsafe { shim::powerclamp_cpu_times(cpu, &mut idle, &mut total) };
        Self {
            wall: now_ns(),
            idle,
            total,
        }
    }
}

/// Measurement of the idle the kernel accounts on one CPU, from a period
/// boundary to another.
struct Window {
    start: CpuTimes,
    periods: u32,
}

impl Window {
    fn open(cpu: u32) -> Self {
        Self {
            start: CpuTimes::now(cpu),
            periods: 0,
        }
    }

    /// The idle share `/proc/stat` shows for the window (what the controller
    /// steers), and the accounted idle over the wall-clock time.
    fn close(&self, cpu: u32) -> (u32, u32) {
        let end = CpuTimes::now(cpu);
        let idle = end.idle.saturating_sub(self.start.idle);
        (
            controller::share_of(idle, end.total.saturating_sub(self.start.total)),
            controller::share_of(idle, end.wall.saturating_sub(self.start.wall)),
        )
    }
}

fn now_ns() -> u64 {
    // SAFETY: ktime_get() may be called from any context.
    unsafe { bindings::ktime_get() as u64 }
}

/// "Never" for [`shim::powerclamp_sleep_until`].
const KTIME_MAX: u64 = i64::MAX as u64;

/// # Safety
///
/// `data` is the `CpuStats` given by [`Thread::start`], valid until the
/// thread has been stopped.
unsafe extern "C" fn thread_main(data: *mut c_void) -> c_int {
    // SAFETY: `Thread::start` passes a `CpuStats` that outlives the thread:
    // its owner stops the thread (`Thread::stop`) before dropping it.
    let stats = unsafe { &*data.cast::<CpuStats>() };
    // Pinned for its whole life, so that a CPU going offline never pushes the
    // thread elsewhere (sched_cpu_deactivate() precedes the hotplug callback
    // that stops it) where play_idle_precise() would warn and idle the wrong
    // CPU. Hotplug waits for pinned tasks only after that callback.
    // SAFETY: paired with migrate_enable() below, in the same task.
    unsafe { bindings::migrate_disable() };
    // A thread woken while its CPU went down runs wherever the scheduler put
    // it; it only waits for the CPU's teardown callback to stop it.
    // SAFETY: reading the current CPU has no precondition.
    if unsafe { bindings::raw_smp_processor_id() } == stats.cpu {
        stats.run();
    }
    // SAFETY: see migrate_disable() above.
    unsafe { bindings::migrate_enable() };
    // kthread_stop() may be called only once the thread has returned.
    // SAFETY: called from this kthread.
    while !unsafe { bindings::kthread_should_stop() } {
        // SAFETY: from this kthread; returns when kthread_stop() wakes it.
        unsafe { shim::powerclamp_sleep_until(KTIME_MAX) };
    }
    0
}

/// A running injection thread.
///
/// # Invariants
///
/// `task` is a kthread created by `kthread_create_on_cpu()` and not yet
/// stopped; the `CpuStats` it was given outlives it.
pub(crate) struct Thread {
    task: NonNull<bindings::task_struct>,
}

// SAFETY: the task pointer may be used (to stop the thread) from any task.
unsafe impl Send for Thread {}

impl Thread {
    /// Starts `kidle_inject/<cpu>`, which reads its settings from [`params`].
    ///
    /// # Safety
    ///
    /// `stats` must outlive the returned [`Thread`]'s [`Thread::stop`].
    pub(crate) unsafe fn start(stats: &CpuStats) -> Result<Self> {
        // SAFETY: the name format is the "name%u" kthread_create_on_cpu()
        // requires; `stats` outlives the thread (the caller's promise).
        let task = from_err_ptr(unsafe {
            bindings::kthread_create_on_cpu(
                Some(thread_main),
                ptr::from_ref(stats).cast_mut().cast(),
                stats.cpu,
                c"kidle_inject/%u".as_char_ptr(),
            )
        })?;
        let task = NonNull::new(task).ok_or(ENOMEM)?;
        // SAFETY: `task` is a new, not yet started kthread.
        unsafe {
            bindings::sched_set_fifo(task.as_ptr());
            bindings::wake_up_process(task.as_ptr());
        }
        // INVARIANT: created and not stopped.
        Ok(Self { task })
    }

    /// Stops the thread and waits until it has exited.
    pub(crate) fn stop(self) {
        // SAFETY: by the invariant the kthread exists and returns only after
        // kthread_should_stop(), so kthread_stop() may be called once.
        unsafe { bindings::kthread_stop(self.task.as_ptr()) };
    }
}

struct Percent(u32);

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_fmt(fmt!("{}.{:02}", self.0 / 100, self.0 % 100))
    }
}

struct SignedPercent(i32);

impl fmt::Display for SignedPercent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "+" };
        f.write_fmt(fmt!("{sign}{}", Percent(self.0.unsigned_abs())))
    }
}
