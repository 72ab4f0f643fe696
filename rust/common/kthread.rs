// SPDX-License-Identifier: GPL-2.0

//! A kernel thread owned by a Rust value, and what it sleeps on.
//!
//! [`KThread::start`] creates and wakes a kthread that runs a closure; dropping
//! the [`KThread`] stops the thread and waits until it has exited. Between the
//! two the thread sleeps with [`Current::sleep_until`]: until a deadline on
//! `CLOCK_MONOTONIC`, until another context kicks its [`Waker`], or until the
//! thread is asked to stop, whichever comes first.
//!
//! This is `wait_event_interruptible_hrtimeout()` (a C macro) built from the
//! kernel crate's pieces, so that no C is needed: the sleep is a [`CondVar`]
//! wait; the condition (kicked, stopping, deadline passed) is guarded by a
//! [`SpinLockIrq`], because the deadline is an [`HrTimer`] whose callback sets
//! it from hard interrupt context; and stopping goes through the same lock
//! before `kthread_stop()`, so that it cannot slip in between the thread's
//! last look at the condition and its sleep. The timer gives a deadline the
//! precision of `schedule_hrtimeout()`; a kick that comes while the thread
//! is awake ends its next sleep at once, so none is lost.
//!
//! C header: [`include/linux/kthread.h`](srctree/include/linux/kthread.h).

use core::ptr;
use kernel::{
    bindings,
    error::from_err_ptr,
    impl_has_hr_timer, new_condvar, new_spinlock_irq,
    prelude::*,
    sync::{
        aref::ARef,
        Arc,
        ArcBorrow,
        CondVar,
        SpinLockIrq, //
    },
    task::Task,
    time::{
        hrtimer::{
            AbsoluteMode,
            HrTimer,
            HrTimerCallback,
            HrTimerCallbackContext,
            HrTimerPointer,
            HrTimerRestart, //
        },
        Instant,
        Monotonic, //
    },
    types::NotThreadSafe,
};

/// Why a sleeping thread wakes up, and whether a thread owns the waker.
#[derive(Default)]
struct Wake {
    /// [`Waker::kick`] was called since the last sleep ended.
    kicked: bool,
    /// The [`KThread`] is being dropped.
    stopping: bool,
    /// The deadline of the current sleep has passed.
    expired: bool,
    /// A [`KThread`] sleeps on this waker.
    claimed: bool,
}

/// What one [`KThread`] sleeps on, and how other contexts wake it.
///
/// It is shared ([`Arc`]) so that code that changes what the thread works on
/// can [`kick`](Waker::kick) it; it serves one thread only
/// ([`KThread::start`] refuses a waker another thread has).
#[pin_data]
pub(crate) struct Waker {
    #[pin]
    wake: SpinLockIrq<Wake>,
    #[pin]
    cond: CondVar,
    #[pin]
    timer: HrTimer<Waker>,
}

impl Waker {
    /// A waker for a new [`KThread`].
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            wake <- new_spinlock_irq!(Wake::default(), "kthread::Waker::wake"),
            cond <- new_condvar!("kthread::Waker::cond"),
            timer <- HrTimer::new(),
        })
    }

    /// Wakes the thread if it sleeps, or makes its next sleep return at once.
    ///
    /// Context: any, interrupts included.
    pub(crate) fn kick(&self) {
        self.wake.lock().kicked = true;
        self.cond.notify_all();
    }

    /// Asks the thread to stop: it wakes up, and every sleep from now on
    /// returns at once.
    fn stop(&self) {
        self.wake.lock().stopping = true;
        self.kick();
    }
}

impl HrTimerCallback for Waker {
    type Pointer<'a> = Arc<Waker>;

    fn run(this: ArcBorrow<'_, Waker>, _ctx: HrTimerCallbackContext<'_, Self>) -> HrTimerRestart {
        this.wake.lock().expired = true;
        this.cond.notify_all();
        HrTimerRestart::NoRestart
    }
}

impl_has_hr_timer! {
    impl HasHrTimer<Self> for Waker {
        mode: AbsoluteMode<Monotonic>,
        field: self.timer
    }
}

/// How to create a [`KThread`].
pub(crate) struct Spec {
    /// The thread's name. With a CPU, the CPU number replaces its `%u`, and it
    /// may hold no other `%`.
    pub(crate) name: &'static CStr,
    /// The CPU to bind the thread to (`kthread_create_on_cpu()`, which also
    /// keeps user space from changing its affinity), or `None` for any CPU.
    pub(crate) cpu: Option<u32>,
    /// Whether it runs `SCHED_FIFO` (`sched_set_fifo()`, priority 50) from its
    /// first instruction.
    pub(crate) fifo: bool,
}

impl Spec {
    /// Whether `name` is a format `kthread_create_on_cpu()` may be given: one
    /// `%u` (for the CPU) and no other conversion.
    fn cpu_name_ok(&self) -> bool {
        let name = self.name.to_bytes();
        name.iter().filter(|c| **c == b'%').count() == 1 && name.windows(2).any(|w| w == b"%u")
    }
}

/// The thread's own view of itself, given to the closure it runs.
pub(crate) struct Current<'a> {
    waker: &'a Arc<Waker>,
    _not_send: NotThreadSafe,
}

impl Current<'_> {
    /// Whether the [`KThread`] is being dropped: the thread should return.
    pub(crate) fn should_stop(&self) -> bool {
        self.waker.wake.lock().stopping
    }

    /// Sleeps (interruptibly) until `deadline` on `CLOCK_MONOTONIC` (`None`:
    /// no deadline), until the [`Waker`] is kicked, or until the thread is
    /// asked to stop. A kick that came since the last sleep ends this one at
    /// once.
    ///
    /// Returns `false` when the thread has been asked to stop.
    pub(crate) fn sleep_until(&self, deadline: Option<Instant<Monotonic>>) -> bool {
        // The last sleep cancelled its timer before it returned: whatever
        // `expired` says is old.
        self.waker.wake.lock().expired = false;
        // Cancelled when dropped, waiting for a running callback.
        let timer = deadline.map(|deadline| self.waker.clone().start(deadline));
        let mut wake = self.waker.wake.lock();
        while !(wake.kicked || wake.stopping || wake.expired) {
            // Kthreads ignore signals; the one kthread_stop() sends comes
            // after `stopping`. A pending signal only makes this loop again.
            let _signal = self.waker.cond.wait_interruptible(&mut wake);
        }
        wake.kicked = false;
        let running = !wake.stopping;
        // Unlocked first: the timer's callback takes the lock, and cancelling
        // waits for it.
        drop(wake);
        drop(timer);
        running
    }
}

/// What a thread runs, given its view of itself.
type Body = dyn Fn(&Current<'_>) + Send + Sync;

/// What the thread runs; the [`KThread`] owns it, the thread borrows it.
struct Start<F: ?Sized> {
    waker: Arc<Waker>,
    body: F,
}

/// The function of every [`KThread`]: runs the closure, then waits until the
/// thread is stopped, so that the thread exists exactly as long as its
/// [`KThread`].
///
/// # Safety
///
/// `data` points to the `Start<F>` of a [`KThread`], which keeps it until the
/// thread has exited.
unsafe extern "C" fn thread_main<F>(data: *mut c_void) -> c_int
where
    F: Fn(&Current<'_>) + Send + Sync,
{
    // SAFETY: the caller's promise: `data` is valid until this returns, and
    // only read.
    let start = unsafe { &*data.cast::<Start<F>>() };
    let current = Current {
        waker: &start.waker,
        _not_send: NotThreadSafe,
    };
    (start.body)(&current);
    while !current.should_stop() {
        current.sleep_until(None);
    }
    0
}

/// A started kernel thread, stopped when dropped.
///
/// # Invariants
///
/// - `task` is a kthread that `thread_main::<F>` runs with a pointer to the
///   `Start<F>` in `start`, and that has not been stopped.
/// - `task` is a counted reference, so the task may be stopped even if the
///   thread has exited.
pub(crate) struct KThread {
    task: ARef<Task>,
    start: KBox<Start<Body>>,
}

impl KThread {
    /// Creates the thread `spec` describes and wakes it; it runs `body`, which
    /// sleeps on `waker`.
    ///
    /// `EBUSY` if another thread has `waker`; `EINVAL` for a bound thread's
    /// name that is not a format with one `%u`; errors of
    /// `kthread_create_on_node()` (`ENOMEM`, `EINTR`).
    ///
    /// Context: process context; sleeps.
    pub(crate) fn start<F>(spec: Spec, waker: Arc<Waker>, body: F) -> Result<Self>
    where
        F: Fn(&Current<'_>) + Send + Sync + 'static,
    {
        if spec.cpu.is_some() && !spec.cpu_name_ok() {
            return Err(EINVAL);
        }
        let start = KBox::new(Start { waker, body }, GFP_KERNEL)?;
        {
            let mut wake = start.waker.wake.lock();
            if wake.claimed {
                return Err(EBUSY);
            }
            wake.claimed = true;
        }
        let data = ptr::from_ref(&*start).cast_mut().cast::<c_void>();
        let task = match spec.cpu {
            // SAFETY:
            // - `thread_main::<F>` is given the `Start<F>` it expects, which
            //   the `KThread` returned below keeps until the thread is stopped.
            // - The name is a format with one `%u` (`cpu_name_ok()`), the
            //   conversion kthread_create_on_cpu() fills in with `cpu`.
            Some(cpu) => unsafe {
                bindings::kthread_create_on_cpu(
                    Some(thread_main::<F>),
                    data,
                    cpu,
                    spec.name.as_char_ptr(),
                )
            },
            // SAFETY:
            // - As above for `thread_main::<F>` and `data`.
            // - The format takes one string, the NUL-terminated name.
            None => unsafe {
                bindings::kthread_create_on_node(
                    Some(thread_main::<F>),
                    data,
                    bindings::NUMA_NO_NODE,
                    c"%s".as_char_ptr(),
                    spec.name.as_char_ptr(),
                )
            },
        };
        let task = match from_err_ptr(task) {
            Ok(task) => task,
            Err(e) => {
                start.waker.wake.lock().claimed = false;
                return Err(e);
            }
        };
        // SAFETY:
        // - `task` is a new kthread, which cannot exit before it is woken
        //   below.
        // - `Task` is a transparent wrapper of `struct task_struct`.
        let task: ARef<Task> = ARef::from(unsafe { &*task.cast::<Task>() });
        if spec.fifo {
            // SAFETY: `task` is valid; its policy may change before it runs.
            unsafe { bindings::sched_set_fifo(task.as_ptr()) };
        }
        task.wake_up();
        // INVARIANT: `thread_main::<F>` runs with `start`, which is kept here
        // (unsized, at the same address); `task` holds a reference.
        Ok(Self { task, start })
    }
}

impl Drop for KThread {
    fn drop(&mut self) {
        self.start.waker.stop();
        // SAFETY:
        // - `task` is a kthread not yet stopped (type invariant); it is
        //   stopped once, here.
        // - The reference `task` holds keeps it valid even if the thread has
        //   already returned.
        unsafe { bindings::kthread_stop(self.task.as_ptr()) };
        // `start` is dropped after this: the thread no longer reads it.
    }
}
