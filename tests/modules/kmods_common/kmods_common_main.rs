// SPDX-License-Identifier: GPL-2.0

//! The KUnit suites of the support the modules share (`rust/common/`).
//!
//! The shared files are compiled into every module that uses them; their
//! suites are here, so that each runs once, whatever the modules. The files
//! are included as the modules include them, in the test build only (the
//! production build of this module is empty).

use kernel::prelude::*;

/// The shared support under test.
#[cfg(kmods_kunit)]
#[path = "../../../rust/common"]
mod common {
    pub(crate) mod kthread;
    pub(crate) mod text;
}

module! {
    type: KmodsCommon,
    name: "kmods_common",
    authors: ["The rust-kmods developers"],
    description: "KUnit suites of the modules' shared support",
    license: "GPL",
}

struct KmodsCommon;

impl kernel::Module for KmodsCommon {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(KmodsCommon)
    }
}

#[cfg(kmods_kunit)]
#[kunit_tests(kmods_common_kthread)]
mod kthread_tests {
    use crate::common::kthread::{
        Current,
        KThread,
        Spec,
        Waker, //
    };
    use kernel::{
        cpu::CpuId,
        prelude::*,
        sync::{
            atomic::{
                Atomic,
                Relaxed, //
            },
            Arc,
        },
        time::{
            delay::fsleep,
            Delta,
            Instant,
            Monotonic, //
        },
    };

    /// What a test thread reports, and what the test tells it.
    struct Probe {
        /// Set by the test: the thread may go on.
        gate: Atomic<u32>,
        /// Set by the thread: 1 once it runs, then what its sleep returned
        /// (2 for `true`, 3 for `false`).
        state: Atomic<u32>,
        /// How long the thread slept, in ns.
        slept_ns: Atomic<i64>,
    }

    fn probe() -> Result<Arc<Probe>> {
        Ok(Arc::new(
            Probe {
                gate: Atomic::new(0),
                state: Atomic::new(0),
                slept_ns: Atomic::new(0),
            },
            GFP_KERNEL,
        )?)
    }

    impl Probe {
        /// Waits (up to 5 s) until the thread has reached `state`.
        fn reached(&self, state: u32) -> bool {
            for _ in 0..500 {
                if self.state.load(Relaxed) >= state {
                    return true;
                }
                fsleep(Delta::from_millis(10));
            }
            false
        }

        /// Records what a sleep returned.
        fn slept(&self, running: bool) {
            self.state.store(if running { 2 } else { 3 }, Relaxed);
        }
    }

    fn any_cpu() -> Spec {
        Spec {
            name: c"kmods_test",
            cpu: None,
            fifo: false,
        }
    }

    fn new_waker() -> Result<Arc<Waker>> {
        Arc::pin_init(Waker::new(), GFP_KERNEL)
    }

    #[test]
    fn a_kick_wakes_a_sleeping_thread() -> Result {
        let (p, waker) = (probe()?, new_waker()?);
        let thread_p = p.clone();
        let _thread = KThread::start(any_cpu(), waker.clone(), move |t: &Current<'_>| {
            thread_p.state.store(1, Relaxed);
            thread_p.slept(t.sleep_until(None));
        })?;
        assert!(p.reached(1));
        // Most likely asleep by now; a kick either way.
        fsleep(Delta::from_millis(20));
        waker.kick();
        assert!(p.reached(2));
        assert_eq!(p.state.load(Relaxed), 2);
        Ok(())
    }

    #[test]
    fn a_kick_before_the_sleep_is_not_lost() -> Result {
        let (p, waker) = (probe()?, new_waker()?);
        let thread_p = p.clone();
        let _thread = KThread::start(any_cpu(), waker.clone(), move |t: &Current<'_>| {
            thread_p.state.store(1, Relaxed);
            while thread_p.gate.load(Relaxed) == 0 {
                fsleep(Delta::from_millis(1));
            }
            thread_p.slept(t.sleep_until(None));
        })?;
        assert!(p.reached(1));
        waker.kick();
        p.gate.store(1, Relaxed);
        assert!(p.reached(2));
        assert_eq!(p.state.load(Relaxed), 2);
        Ok(())
    }

    #[test]
    fn a_sleep_ends_at_its_deadline() -> Result {
        let (p, waker) = (probe()?, new_waker()?);
        let thread_p = p.clone();
        let _thread = KThread::start(any_cpu(), waker, move |t: &Current<'_>| {
            let start = Instant::<Monotonic>::now();
            let running = t.sleep_until(Some(start + Delta::from_millis(20)));
            thread_p.slept_ns.store(start.elapsed().as_nanos(), Relaxed);
            thread_p.slept(running);
        })?;
        assert!(p.reached(2));
        assert_eq!(p.state.load(Relaxed), 2);
        assert!(p.slept_ns.load(Relaxed) >= Delta::from_millis(20).as_nanos());
        Ok(())
    }

    #[test]
    fn dropping_the_thread_ends_its_sleep() -> Result {
        let (p, waker) = (probe()?, new_waker()?);
        let thread_p = p.clone();
        let thread = KThread::start(any_cpu(), waker, move |t: &Current<'_>| {
            thread_p.state.store(1, Relaxed);
            let running = t.sleep_until(None);
            // Stopping: every later sleep returns at once.
            let again = t.sleep_until(Some(Instant::now() + Delta::from_secs(60)));
            thread_p.slept(running || again || !t.should_stop());
        })?;
        assert!(p.reached(1));
        drop(thread);
        assert_eq!(p.state.load(Relaxed), 3);
        // A thread stopped before it ever ran.
        drop(KThread::start(
            any_cpu(),
            new_waker()?,
            |_: &Current<'_>| {},
        )?);
        Ok(())
    }

    #[test]
    fn a_waker_serves_one_thread() -> Result {
        let waker = new_waker()?;
        let _thread = KThread::start(any_cpu(), waker.clone(), |_: &Current<'_>| {})?;
        let second = KThread::start(any_cpu(), waker, |_: &Current<'_>| {});
        assert_eq!(second.err(), Some(EBUSY));
        Ok(())
    }

    #[test]
    fn a_bound_thread_runs_on_its_cpu() -> Result {
        let bad = Spec {
            name: c"kmods_test/%s",
            cpu: Some(0),
            fifo: true,
        };
        let refused = KThread::start(bad, new_waker()?, |_: &Current<'_>| {});
        assert_eq!(refused.err(), Some(EINVAL));
        let p = probe()?;
        let thread_p = p.clone();
        let spec = Spec {
            name: c"kmods_test/%u",
            cpu: Some(0),
            fifo: true,
        };
        let _thread = KThread::start(spec, new_waker()?, move |_: &Current<'_>| {
            let on_cpu_0 = CpuId::current().as_u32() == 0;
            thread_p.state.store(if on_cpu_0 { 2 } else { 3 }, Relaxed);
        })?;
        assert!(p.reached(2));
        assert_eq!(p.state.load(Relaxed), 2);
        Ok(())
    }
}

#[cfg(kmods_kunit)]
#[kunit_tests(kmods_common_text)]
mod text_tests {
    use crate::common::text::{format_into, parse_decimal};
    use kernel::{fmt::Write, prelude::*};

    #[test]
    fn text_that_fits_is_written_whole() {
        let mut buf = [0u8; 8];
        assert_eq!(
            format_into(&mut buf, |f| f.write_fmt(fmt!("{}-{}", 12, 34))),
            Ok(5)
        );
        assert_eq!(&buf[..5], b"12-34");
        // Exactly full is whole.
        assert_eq!(format_into(&mut buf, |f| f.write_str("12345678")), Ok(8));
        assert_eq!(&buf, b"12345678");
    }

    #[test]
    fn text_that_does_not_fit_is_einval() {
        let mut buf = [0u8; 4];
        assert_eq!(format_into(&mut buf, |f| f.write_str("12345")), Err(EINVAL));
        assert_eq!(
            format_into(&mut buf, |f| {
                f.write_str("12")?;
                f.write_fmt(fmt!("{}", 345))
            }),
            Err(EINVAL)
        );
        assert_eq!(format_into(&mut [], |f| f.write_str("")), Ok(0));
    }

    #[test]
    fn decimals_are_digits_only_and_fit_a_u64() {
        assert_eq!(parse_decimal(b"0"), Ok(0));
        assert_eq!(parse_decimal(b"0042"), Ok(42));
        assert_eq!(parse_decimal(b"18446744073709551615"), Ok(u64::MAX));
        for bad in [
            &b""[..],
            b"18446744073709551616",
            b"-1",
            b"+1",
            b"0x10",
            b" 1",
            b"1\n",
            b"1.5",
        ] {
            assert_eq!(parse_decimal(bad), Err(EINVAL));
        }
    }
}
