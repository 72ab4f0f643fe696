// SPDX-License-Identifier: GPL-2.0

//! The injection threads, `kidle_inject/N`: one per clamped online CPU,
//! `SCHED_FIFO`, bound to its CPU, each running its own [`Controller`].

use crate::{
    common::kthread::{
        Current,
        KThread,
        Spec,
        Waker, //
    },
    controller::{
        self,
        Controller, //
    },
    params,
    shim::{
        self,
        MigrationDisabled, //
    },
    trace, //
};
use kernel::{
    cpu::CpuId,
    fmt,
    prelude::*,
    sync::{
        atomic::{
            Atomic,
            Relaxed, //
        },
        Arc,
    },
    time::{
        hrtimer::HrTimerExpires,
        Delta,
        Instant,
        Monotonic,
        NSEC_PER_MSEC, //
    },
};

/// One CPU's statistics, written by its thread, read by debugfs. They
/// accumulate over every clamping session since the module loaded.
pub(crate) struct CpuStats {
    cpu: CpuId,
    /// Idle share `/proc/stat` shows for this CPU since the current target
    /// was set, basis points: what `mpstat` over the same span shows.
    achieved: Atomic<u32>,
    /// Idle share `/proc/stat` showed over the last control window, basis
    /// points: what the controller steered on.
    window_achieved: Atomic<u32>,
    /// Idle accounted over the last window's wall-clock time, basis points.
    /// Higher than `window_achieved` when ticks are charged whole.
    idle_of_wall: Atomic<u32>,
    /// Share injected per period, basis points.
    share: Atomic<u32>,
    /// `share` minus the target, basis points.
    compensation: Atomic<i32>,
    injections: Atomic<u64>,
    /// Periods in which nothing was injected: natural idle was enough, or
    /// the thread woke too late in the period for an injection worth it.
    skipped: Atomic<u64>,
    windows: Atomic<u64>,
    /// Wall time spent in `play_idle_precise()`.
    injected_ns: Atomic<u64>,
    /// The part of `injected_ns` the kernel did not account as idle:
    /// interrupts, and the tick before it stopped.
    lost_ns: Atomic<u64>,
}

impl CpuStats {
    pub(crate) fn new(cpu: CpuId) -> Self {
        Self {
            cpu,
            achieved: Atomic::new(0),
            window_achieved: Atomic::new(0),
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
            "cpu={} thread={} target={} achieved={} window_achieved={} idle_of_wall={} share={} \
             compensation={} injections={} skipped={} windows={} injected_us={} lost_us={}\n",
            self.cpu.as_u32(),
            if running { "running" } else { "none" },
            Percent(target * 100),
            Percent(self.achieved.load(Relaxed)),
            Percent(self.window_achieved.load(Relaxed)),
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

    /// The thread's function. The thread stays on its CPU for its whole life,
    /// so that a CPU going offline never pushes it elsewhere
    /// (sched_cpu_deactivate() precedes the hotplug callback that stops it)
    /// where play_idle_precise() would warn and idle the wrong CPU. Hotplug
    /// waits for pinned tasks only after that callback.
    fn thread_main(&self, thread: &Current<'_>) {
        let _pinned = MigrationDisabled::new();
        // A thread woken while its CPU went down runs wherever the scheduler
        // put it; it only waits for the CPU's teardown callback to stop it.
        if CpuId::current() == self.cpu {
            self.run(thread);
        }
    }

    /// The thread's life: one period after another until it is stopped.
    fn run(&self, thread: &Current<'_>) {
        let cpu = self.cpu.as_u32();
        let Some(mut controller) = Controller::new(params::target() * 100) else {
            return;
        };
        self.publish(&controller);
        let mut window: Option<Window> = None;
        let mut since_target = CpuTimes::now(self.cpu);
        let mut grid: Option<Grid> = None;
        loop {
            let duration_ns = u64::from(params::duration_ms()) * NSEC_PER_MSEC as u64;
            // Never 0: the session stores 0 only once every thread has stopped.
            let target = params::target() * 100;
            if target != controller.target() && controller.retarget(target).is_ok() {
                self.publish(&controller);
                window = None;
                since_target = CpuTimes::now(self.cpu);
            }
            let period = Delta::from_nanos(controller.period_ns(duration_ns) as i64);
            let start = Grid::next(&mut grid, Instant::now(), period);
            if !thread.sleep_until(Some(start)) {
                return;
            }
            match &mut window {
                Some(w) if w.periods >= params::window_size() => {
                    let end = CpuTimes::now(self.cpu);
                    let (achieved, of_wall) = w.close(&end);
                    let adjustment = controller.adjust(achieved);
                    self.window_achieved.store(adjustment.achieved, Relaxed);
                    self.achieved
                        .store(end.idle_share_since(&since_target), Relaxed);
                    self.idle_of_wall.store(of_wall, Relaxed);
                    self.windows.fetch_add(1, Relaxed);
                    self.publish(&controller);
                    trace::adjust(
                        cpu,
                        controller.target(),
                        adjustment.achieved,
                        adjustment.share_before,
                        adjustment.share_after,
                    );
                    *w = Window::open(self.cpu);
                }
                Some(_) => {}
                None => window = Some(Window::open(self.cpu)),
            }
            // The injection ends where the period's share ends, however late
            // the thread woke: lateness comes out of the idle, never out of
            // the workload's part of the period.
            let idle = controller.idle_ns(period.as_nanos() as u64);
            let remaining = nanos(start + Delta::from_nanos(idle as i64) - Instant::now());
            if idle == 0 || remaining < controller::MIN_INJECT_NS {
                self.skipped.fetch_add(1, Relaxed);
            } else {
                self.inject(remaining);
            }
            if let Some(w) = &mut window {
                w.periods += 1;
            }
        }
    }

    /// Forces idle for `requested_ns` (above 0).
    fn inject(&self, requested_ns: u64) {
        let cpu = self.cpu.as_u32();
        trace::inject_start(cpu, requested_ns);
        shim::run_pending_softirqs();
        let before = CpuTimes::now(self.cpu);
        // SAFETY:
        // - This is a kidle_inject thread (`run` runs from `thread_main`
        //   only): a kthread, bound to one CPU by kthread_create_on_cpu()
        //   (which sets PF_NO_SETAFFINITY), `SCHED_FIFO` (`Thread::start`),
        //   with migration disabled (`thread_main`).
        // - `requested_ns` is above 0 (`run` skips 0).
        unsafe { shim::play_idle_precise(requested_ns) };
        let after = CpuTimes::now(self.cpu);
        let actual = nanos(after.wall - before.wall);
        let idle = after.idle.saturating_sub(before.idle);
        self.injections.fetch_add(1, Relaxed);
        self.injected_ns.fetch_add(actual, Relaxed);
        self.lost_ns.fetch_add(actual.saturating_sub(idle), Relaxed);
        trace::inject_end(cpu, requested_ns, actual, idle);
    }
}

/// Where a thread's periods start: on multiples of the period on
/// `CLOCK_MONOTONIC`, the same grid on every CPU, so that the CPUs idle
/// together.
#[derive(Clone, Copy)]
struct Grid {
    /// The start of the last period, a multiple of `period` since boot.
    start: Instant<Monotonic>,
    period: Delta,
}

impl Grid {
    /// The start of the next period after the last one, or the first
    /// multiple of `period` after `now` when the period changed or the
    /// thread fell a whole period behind. An injection that ended after the
    /// next start (a late wake-up, a slow return from idle) does not skip
    /// that period: at high targets the part left to the workload is a
    /// millisecond or two, shorter than the thread's own latency under load,
    /// and skipping would hand the workload a whole period.
    fn next(grid: &mut Option<Grid>, now: Instant<Monotonic>, period: Delta) -> Instant<Monotonic> {
        let start = match *grid {
            Some(last) if last.period == period && (now - (last.start + period)) < period => {
                last.start + period
            }
            _ => {
                // The time since boot; `HrTimerExpires` is how the kernel
                // crate gives an instant's `ktime_t`.
                let since_boot = Delta::from_nanos(HrTimerExpires::as_nanos(&now));
                now + (period * (since_boot / period + 1) - since_boot)
            }
        };
        *grid = Some(Grid { start, period });
        start
    }
}

/// The nanoseconds of a span, 0 if it is negative.
fn nanos(delta: Delta) -> u64 {
    delta.as_nanos().max(0) as u64
}

/// One CPU's time as `/proc/stat` counts it, and the wall clock.
#[derive(Clone, Copy)]
struct CpuTimes {
    wall: Instant<Monotonic>,
    idle: u64,
    total: u64,
}

impl CpuTimes {
    fn now(cpu: CpuId) -> Self {
        let (idle, total) = shim::cpu_times(cpu);
        Self {
            wall: Instant::now(),
            idle,
            total,
        }
    }

    /// The idle share `/proc/stat` shows from `start` to `self`.
    fn idle_share_since(&self, start: &CpuTimes) -> u32 {
        controller::share_of(
            self.idle.saturating_sub(start.idle),
            self.total.saturating_sub(start.total),
        )
    }
}

/// Measurement of the idle the kernel accounts on one CPU, from a period
/// boundary to another.
struct Window {
    start: CpuTimes,
    periods: u32,
}

impl Window {
    fn open(cpu: CpuId) -> Self {
        Self {
            start: CpuTimes::now(cpu),
            periods: 0,
        }
    }

    /// The idle share `/proc/stat` shows for the window ending at `end`
    /// (what the controller steers), and the accounted idle over the
    /// wall-clock time.
    fn close(&self, end: &CpuTimes) -> (u32, u32) {
        let idle = end.idle.saturating_sub(self.start.idle);
        (
            end.idle_share_since(&self.start),
            controller::share_of(idle, nanos(end.wall - self.start.wall)),
        )
    }
}

/// A running injection thread, stopped when dropped.
pub(crate) struct Thread {
    _kthread: KThread,
}

impl Thread {
    /// Starts `kidle_inject/<cpu>` for the CPU of `stats[index]`; it reads its
    /// settings from [`params`] and keeps `stats[index]` up to date.
    ///
    /// `EINVAL` when `stats` has no such entry.
    pub(crate) fn start(stats: Arc<KVec<CpuStats>>, index: usize) -> Result<Self> {
        let cpu = stats.get(index).ok_or(EINVAL)?.cpu;
        let spec = Spec {
            name: c"kidle_inject/%u",
            cpu: Some(cpu.as_u32()),
            fifo: true,
        };
        let waker = Arc::pin_init(Waker::new(), GFP_KERNEL)?;
        let thread = KThread::start(spec, waker, move |thread| {
            if let Some(stats) = stats.get(index) {
                stats.thread_main(thread);
            }
        })?;
        Ok(Self { _kthread: thread })
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
